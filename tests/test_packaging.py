"""How mmgcp is packaged for OpenMMLab's tools: the metafiles, the root
model-index.yml and the mim files a built wheel carries."""
import glob
import os.path as osp
import shutil
import subprocess
import zipfile

import yaml

from helpers import ROOT, run_tool, venv_python

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


def test_a_built_wheel_carries_the_mim_files(tmp_path):
    """mim lists an installed package that has .mim/model-index.yml and
    finds its configs under .mim/configs."""
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
    names = set(zipfile.ZipFile(wheel).namelist())
    assert 'mmgcp/.mim/model-index.yml' in names
    assert 'mmgcp/.mim/tools/train.py' in names
    for folder in FOLDERS:
        for model in metafile(folder)['Models']:
            assert f'mmgcp/.mim/{model["Config"]}' in names
    assert 'mmgcp/.mim/configs/mask_rcnn_r50_gcp.py' in names
    assert not any('__pycache__' in n for n in names)
