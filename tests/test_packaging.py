"""How mmgcp is packaged for OpenMMLab's tools: the metafiles, the root
model-index.yml and the mim files a built wheel carries."""
import glob
import os.path as osp
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile

import pytest
import torch
import yaml

from helpers import ROOT, run_tool, venv_python

from mmgcp.utils import PROVIDERS

FOLDERS = ('det', 'seg', 'pretrain')


def metafile(folder):
    with open(osp.join(ROOT, 'configs', folder, 'metafile.yml')) as f:
        return yaml.safe_load(f)


def test_metafiles_are_up_to_date():
    proc = run_tool([venv_python(), 'tools/misc/metafiles.py', '--check'])
    assert proc.stdout.strip().endswith('metafiles up to date')


def test_model_index_lists_every_config_of_the_task_folders():
    with open(osp.join(ROOT, 'model-index.yml')) as f:
        index = yaml.safe_load(f)
    assert index['Import'] == [f'configs/{d}/metafile.yml' for d in FOLDERS]
    for folder in FOLDERS:
        meta = metafile(folder)
        collections = {c['Name'] for c in meta['Collections']}
        configs = {osp.relpath(p, ROOT) for p in glob.glob(
            osp.join(ROOT, 'configs', folder, '*.py'))}
        assert {m['Config'] for m in meta['Models']} == configs
        for model in meta['Models']:
            assert model['In Collection'] in collections
            assert model['Name'] == osp.basename(model['Config'])[:-3]
        for collection in meta['Collections']:
            assert osp.isfile(osp.join(ROOT, collection['README']))


def test_metafile_results_are_the_papers():
    det = {m['Name']: m for m in metafile('det')['Models']}
    gcp_m = det['mask-rcnn_r50-gcp-m_fpn_1x_coco']['Results']
    assert [r['Metrics'] for r in gcp_m] == [{'box AP': 37.9},
                                             {'mask AP': 34.7}]
    assert det['faster-rcnn_r101-gap_fpn_1x_coco']['Results'][0][
        'Metrics'] == {'box AP': 38.7}
    dcn = det['faster-rcnn_r50-gcp-m-dconv-c3-c5_fpn_1x_coco']
    assert 'Results' not in dcn
    assert all('Results' not in m for m in metafile('seg')['Models'])
    pretrain = {m['Name']: m for m in metafile('pretrain')['Models']}
    r50 = pretrain['resnet50-isqrt-d256_8xb32-lrnorm_in1k']
    assert r50['Results'][0]['Metrics'] == {'Top 1 Accuracy': 78.56,
                                            'Top 5 Accuracy': 94.09}
    assert r50['Metadata']['Release'] == 'ResNet50_GCP_LRnorm'
    ms = pretrain['resnet50-dropcov-d128-ms_4xb64-linear_in1k']
    assert ms['Results'][0]['Metrics'] == {'Top 1 Accuracy': 77.77}
    assert 'Results' not in pretrain['swin-tiny-dropcov-d80_16xb64_in1k']


@pytest.fixture(scope='module')
def built_wheel(tmp_path_factory):
    """mmgcp's wheel, built from a copy of the tracked files (building in
    place would replace an editable install's links in mmgcp/.mim)."""
    tmp_path = tmp_path_factory.mktemp('wheel')
    src = tmp_path / 'src'
    files = subprocess.run(['git', 'ls-files', '-z'], cwd=ROOT, check=True,
                           stdout=subprocess.PIPE).stdout.decode()
    for name in filter(None, files.split('\0')):
        if osp.isfile(osp.join(ROOT, name)) and \
                not name.startswith('tests/data/'):
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(osp.join(ROOT, name), src / name)
    run_tool([venv_python(), '-m', 'pip', 'wheel', '-q', '--no-deps',
              '--no-build-isolation', '-w', str(tmp_path / 'dist'),
              str(src)], cwd=str(tmp_path))
    wheel, = glob.glob(str(tmp_path / 'dist' / 'mmgcp-*.whl'))
    return wheel


def test_a_built_wheel_carries_the_mim_files(built_wheel):
    """mim lists an installed package that has .mim/model-index.yml and
    finds its configs under .mim/configs."""
    wheel = built_wheel
    names = set(zipfile.ZipFile(wheel).namelist())
    assert 'mmgcp/.mim/model-index.yml' in names
    assert 'mmgcp/.mim/tools/train.py' in names
    for folder in FOLDERS:
        for model in metafile(folder)['Models']:
            assert f'mmgcp/.mim/{model["Config"]}' in names
    assert 'mmgcp/.mim/configs/mask_rcnn_r50_gcp.py' in names
    assert not any('__pycache__' in n for n in names)


def requirement_closure(name):
    """``name`` and the distributions it requires, recursively (the
    requirements whose markers hold here, no extras)."""
    from importlib.metadata import distribution
    from packaging.requirements import Requirement
    seen, todo = set(), [name]
    while todo:
        dist = distribution(todo.pop())
        key = dist.metadata['Name'].lower().replace('_', '-')
        if key in seen:
            continue
        seen.add(key)
        for line in dist.requires or ():
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({'extra': ''}):
                todo.append(req.name)
    return seen


def link_distributions(names, site_packages):
    """Make ``names`` installed in another venv by linking their files
    from this one: what pip and Python see there is a venv holding them,
    without a second copy of a CUDA build of torch (gigabytes)."""
    from importlib.metadata import distribution
    for name in names:
        dist = distribution(name)
        tops = {str(f).split('/')[0] for f in dist.files or ()
                if not str(f).startswith('..')}
        for top in tops:
            source = dist.locate_file(top)
            target = site_packages / top
            if osp.exists(source) and not osp.lexists(target):
                target.symlink_to(source)


def test_the_core_install_is_torch_and_numpy_and_runs_the_pooling_tests(
        tmp_path, built_wheel):
    """``pip install mmgcp`` into a fresh venv holding only torch (and what
    torch requires): no OpenMMLab package comes with it, the pooling and ops
    tests pass there, and a part that needs an extra names it."""
    venv = tmp_path / 'core'
    run_tool([sys._base_executable, '-m', 'venv', str(venv)])
    python = str(venv / 'bin' / 'python')
    site_packages = venv / 'lib' / f'python{sys.version_info[0]}.' \
        f'{sys.version_info[1]}' / 'site-packages'
    link_distributions(requirement_closure('torch'), site_packages)
    version = run_tool([python, '-W', 'ignore', '-c',
                        'import torch; print(torch.__version__)']).stdout
    assert version.strip().splitlines()[-1] == torch.__version__
    run_tool([python, '-m', 'pip', 'install', '-q', 'pytest'])
    run_tool([python, '-m', 'pip', 'install', '-q', built_wheel])
    installed = run_tool([python, '-m', 'pip', 'list', '--format=freeze']
                         ).stdout.lower()
    assert 'mmgcp==' in installed and 'numpy==' in installed
    assert not [line for line in installed.splitlines()
                if line.startswith(('mmcv', 'mmengine', 'mmdet', 'mmseg',
                                    'mmpretrain', 'onedl-'))]
    for folder in ('ops', 'pooling'):  # without tests/conftest.py
        shutil.copytree(osp.join(ROOT, 'tests', folder),
                        tmp_path / 'tests' / folder)
    proc = run_tool([python, '-m', 'pytest', '-q', '-p', 'no:cacheprovider',
                     'tests'], cwd=str(tmp_path))
    passed = re.search(r'(\d+) passed', proc.stdout)
    assert passed and int(passed.group(1)) > 50 and 'failed' not in \
        proc.stdout.splitlines()[-1]
    code = textwrap.dedent('''
        import mmgcp, mmgcp.ops, mmgcp.pooling
        print(mmgcp.pooling.__file__)
        for part in ('mmgcp.pretrain', 'mmgcp.models', 'mmgcp.engine'):
            try:
                __import__(part)
            except ImportError as e:
                print(type(e).__name__, e)
    ''')
    out = run_tool([python, '-c', code], cwd=str(tmp_path)).stdout
    lines = out.strip().splitlines()
    assert lines[0].startswith(str(venv))  # the installed wheel's
    assert lines[1].startswith('MissingExtraError mmgcp.pretrain needs '
                               'mmengine, mmcv, mmpretrain, google.protobuf')
    assert "pip install 'mmgcp[pretrain]'" in lines[1]
    assert 'onedl-mmengine onedl-mmcv onedl-mmpretrain' in lines[1]
    assert lines[2].startswith('MissingExtraError mmgcp.models (the GCP '
                               'backbones of mmdet and mmseg) needs ')
    assert lines[2].endswith("pip install 'mmgcp[det]' (on the maintained "
                             'OpenMMLab forks: pip install onedl-mmengine '
                             'onedl-mmcv onedl-mmdetection; see '
                             'docs/install.md)')
    assert "pip install 'mmgcp[det]' or pip install 'mmgcp[seg]'" in lines[3]


def test_each_extra_installs_the_modules_it_is_named_for():
    """mmgcp.utils.PROVIDERS (what the errors name) against setup.py's
    extras, as the installed distribution declares them, and against the
    distributions that installed each module here (either stack)."""
    from importlib.metadata import packages_distributions, requires
    extras, core = {}, []
    for line in requires('mmgcp'):
        name = re.match(r'[\w.-]+', line).group(0).lower()
        found = re.search(r'extra == "([\w-]+)"', line)
        if found:
            extras.setdefault(found.group(1), set()).add(name)
        else:
            core.append(name)
    assert sorted(core) == ['numpy', 'torch']
    installed = packages_distributions()
    for module, provider in PROVIDERS.items():
        for extra in provider.extras + ('all', ):
            assert provider.distribution in extras[extra], (module, extra)
        assert (provider.fork or provider.distribution) in extras['onedl'] \
            or provider.extras == ('robustness', )
        here = {d.lower() for d in installed[module.split('.')[0]]}
        assert here & {provider.distribution, provider.fork}, module
