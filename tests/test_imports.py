"""Package boundaries and how other projects import mmgcp."""
import ast
import glob
import os.path as osp
import textwrap

from helpers import (ROOT, run_tool, tiny_pretrain_config, venv_python,
                     write_tiny_config)

OPENMMLAB = ('mmcv', 'mmdet', 'mmengine', 'mmseg', 'mmpretrain')


def imported_modules(package_dir):
    for path in glob.glob(osp.join(ROOT, package_dir, '**', '*.py'),
                          recursive=True):
        tree = ast.parse(open(path).read())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                yield path, node.module


def test_ops_source_imports_no_openmmlab():
    bad = [(p, m) for p, m in imported_modules('mmgcp/ops')
           if m.split('.')[0] in OPENMMLAB]
    assert not bad


def test_models_never_import_pretraining_or_tools():
    # the detection side must work without mmpretrain
    assert not [(p, m) for p, m in imported_modules('mmgcp/models')
                if m.split('.')[0] == 'mmpretrain']
    # and pretraining without mmdet
    assert not [(p, m) for p, m in imported_modules('mmgcp/pretrain')
                if m.split('.')[0] == 'mmdet' or m.startswith('mmgcp.models')]
    bad = [(p, m) for p, m in imported_modules('mmgcp/models')
           if m.startswith(('mmgcp.pretrain', 'tools'))]
    assert not bad
    assert not [(p, m) for p, m in imported_modules('mmgcp')
                if m.split('.')[0] == 'tools']


def test_ops_import_without_openmmlab(tmp_path):
    code = textwrap.dedent('''
        import sys
        for name in ('mmcv', 'mmdet', 'mmengine', 'mmseg', 'mmpretrain'):
            sys.modules[name] = None  # any import of them now fails
        import torch
        import mmgcp
        from mmgcp.ops import ISqrtCov
        out = ISqrtCov(8, 4)(torch.randn(2, 8, 3, 3))
        assert out.shape == (2, 10)
        assert not hasattr(mmgcp, 'models')
        print('ok')
    ''')
    proc = run_tool([venv_python(), '-c', code], cwd=str(tmp_path))
    assert proc.stdout.strip().endswith('ok')


def test_custom_imports_from_a_config_outside_the_repo(tmp_path):
    config = tmp_path / 'my_project_config.py'
    config.write_text(textwrap.dedent('''
        _base_ = 'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py'
        custom_imports = dict(imports=['mmgcp'], allow_failed_imports=False)
        model = dict(
            backbone=dict(_delete_=True, type='GCPResNet', depth=18,
                          variant='M', init_cfg=None),
            neck=dict(in_channels=[64, 128, 256, 512]))
    '''))
    code = textwrap.dedent(f'''
        import sys, torch
        from mmengine.config import Config
        from mmengine.registry import init_default_scope
        cfg = Config.fromfile({str(config)!r})
        assert 'mmgcp' in sys.modules
        init_default_scope(cfg.default_scope)
        from mmdet.registry import MODELS
        model = MODELS.build(cfg.model)
        feats = model.extract_feat(torch.randn(1, 3, 64, 64))
        print(type(model.backbone).__name__, len(feats))
    ''')
    proc = run_tool([venv_python(), '-c', code], cwd=str(tmp_path),
                    env=dict(PYTHONPATH=''))
    assert proc.stdout.strip().endswith('GCPResNet 5')


def test_mmgcp_imports_quietly_without_mmseg(tmp_path):
    code = without(['mmseg'], '''
        import mmgcp
        from mmdet.registry import MODELS
        assert MODELS.get('GCPResNet') is mmgcp.models.GCPResNet
        assert not hasattr(mmgcp.models, 'SegGCPResNet')
        print('ok')
    ''')
    proc = run_tool([venv_python(), '-W', 'ignore', '-c', code],
                    cwd=str(tmp_path))
    assert proc.stdout.strip() == 'ok'


def test_registered_in_mmseg_when_installed():
    import mmseg  # noqa: F401  (installed with the test requirements)
    from mmseg.registry import DATASETS, MODELS, TRANSFORMS

    import mmgcp  # noqa: F401
    from mmgcp.models import SegGCPResNet
    assert MODELS.get('GCPResNet') is SegGCPResNet
    assert DATASETS.get('CheckedSegDataset') is not None
    assert TRANSFORMS.get('CheckSegLabels') is not None


def without(packages, code):
    """Python code that runs ``code`` as if ``packages`` were not
    installed."""
    return ('import sys\n' + ''.join(f'sys.modules[{p!r}] = None\n'
                                     for p in packages) +
            textwrap.dedent(code))


def test_segmentation_backbone_without_mmdet(tmp_path):
    code = without(['mmdet'], '''
        import torch
        import mmgcp
        from mmseg.registry import MODELS
        assert MODELS.get('GCPResNet') is mmgcp.models.SegGCPResNet
        assert not hasattr(mmgcp.models, 'GCPResNet')
        net = MODELS.build(dict(
            type='GCPResNet', depth=18, strides=(1, 2, 1, 1),
            dilations=(1, 1, 2, 4), contract_dilation=True))
        outs = net.eval()(torch.randn(1, 3, 32, 32))
        print([o.shape[-1] for o in outs])
    ''')
    proc = run_tool([venv_python(), '-W', 'ignore', '-c', code],
                    cwd=str(tmp_path))
    assert proc.stdout.strip().endswith('[8, 4, 4, 4]')


def test_pretraining_runs_without_mmdet_and_mmseg(tmp_path):
    config = tiny_pretrain_config(tmp_path, 4, 1)
    code = without(['mmdet', 'mmseg'], f'''
        import runpy
        import mmgcp
        from mmpretrain.registry import MODELS, PARAM_SCHEDULERS
        assert MODELS.get('GCPNeck') is mmgcp.pretrain.GCPNeck
        assert PARAM_SCHEDULERS.get('GCPEpochLR') is not None
        assert not hasattr(mmgcp, 'models')
        sys.argv = ['train.py', {str(config)!r}, '--work-dir',
                    {str(tmp_path / 'work')!r}]
        runpy.run_path('tools/train.py', run_name='__main__')
        assert 'mmdet' not in sys.modules or sys.modules['mmdet'] is None
        print('trained without mmdet')
    ''')
    out = run_tool([venv_python(), '-c', code]).stdout
    assert 'Epoch(train) [1]' in out and 'accuracy/top1' in out
    assert out.strip().endswith('trained without mmdet')


def test_detection_trains_without_mmpretrain(tmp_path, synthetic_coco):
    config = write_tiny_config(tmp_path, synthetic_coco[0], max_iters=1,
                               ckpt_interval=1)
    code = without(['mmpretrain'], f'''
        import runpy
        import mmgcp
        from mmdet.registry import MODELS
        assert MODELS.get('GCPResNet') is mmgcp.models.GCPResNet
        assert not hasattr(mmgcp, 'pretrain')
        sys.argv = ['train.py', {config!r}, '--work-dir',
                    {str(tmp_path / 'work')!r}]
        runpy.run_path('tools/train.py', run_name='__main__')
        print('trained without mmpretrain')
    ''')
    out = run_tool([venv_python(), '-c', code]).stdout
    assert 'Iter(train) [1/1]' in out and 'coco/bbox_mAP' in out
    assert out.strip().endswith('trained without mmpretrain')
