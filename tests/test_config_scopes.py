"""``mmseg::`` bases where the distribution mmengine looks for is missing,
as on the maintained forks (onedl-mmsegmentation installs ``mmseg``)."""
import textwrap

from helpers import run_tool, venv_python

from mmgcp.config_scopes import map_scopes_to_installed_packages

SEG_CONFIG = 'configs/seg/pspnet_r50-d8-gcp_4xb4-160k_ade20k-512x512.py'


def test_a_scope_whose_distribution_is_missing_maps_to_its_module():
    table = {'mmseg': 'onedl-absent-distribution', 'mmdet': 'mmdet',
             'mmnothing': 'mmnothing-either'}
    assert map_scopes_to_installed_packages(table) == {
        'mmseg': 'onedl-absent-distribution'}
    assert table == {'mmseg': 'mmseg', 'mmdet': 'mmdet',
                     'mmnothing': 'mmnothing-either'}
    # installed distributions are left as they are
    assert map_scopes_to_installed_packages({'mmtorch': 'torch'}) == {}


def test_mmseg_bases_parse_once_mmgcp_is_imported(tmp_path):
    # the forks' situation: mmengine's table names a distribution that is
    # not installed; the config is parsed after `import mmgcp`, as the
    # tools do
    code = textwrap.dedent(f'''
        from mmengine.config import Config
        from mmengine.config.utils import MODULE2PACKAGE
        MODULE2PACKAGE['mmseg'] = 'onedl-absent-distribution'
        try:
            Config.fromfile({SEG_CONFIG!r})
        except Exception as e:
            print('unmapped:', type(e).__name__)
        import mmgcp
        cfg = Config.fromfile({SEG_CONFIG!r})
        print(MODULE2PACKAGE['mmseg'], cfg.model.decode_head.type)
    ''')
    out = run_tool([venv_python(), '-W', 'ignore', '-c', code]).stdout
    lines = out.strip().splitlines()
    assert 'unmapped: ModuleNotFoundError' in lines
    assert lines[-1] == 'mmseg PSPHead'
