"""mmgcp's package. Building a wheel or sdist also copies configs/, tools/
and model-index.yml into ``mmgcp/.mim``, where OpenMMLab's ``mim`` looks
for an installed package's configs (an editable install links them)."""
import os
import os.path as osp
import shutil
import sys

from setuptools import find_packages, setup

HERE = osp.dirname(osp.abspath(__file__))
MIM_FILES = ('configs', 'tools', 'model-index.yml')


def add_mim_files() -> None:
    """Fill ``mmgcp/.mim`` for the setup command being run."""
    commands = set(sys.argv[1:])
    editable = bool(commands & {'develop', 'editable_wheel'})
    if not editable and not commands & {'bdist_wheel', 'sdist', 'build',
                                        'build_py', 'install'}:
        return
    mim = osp.join(HERE, 'mmgcp', '.mim')
    os.makedirs(mim, exist_ok=True)
    for name in MIM_FILES:
        src, dst = osp.join(HERE, name), osp.join(mim, name)
        if osp.islink(dst) or osp.isfile(dst):
            os.remove(dst)
        elif osp.isdir(dst):
            shutil.rmtree(dst)
        if editable:
            os.symlink(osp.relpath(src, mim), dst)
        elif osp.isdir(src):
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns(
                '__pycache__', '*.pyc'))
        else:
            shutil.copyfile(src, dst)


# ``pip install mmgcp`` is the core: mmgcp.ops and mmgcp.pooling, pure
# PyTorch. Each extra adds the toolbox a part of mmgcp runs on (mmgcp.utils'
# EXTRAS_OF maps them to import names, for the error that names the extra).
# The upstream distributions are named here; on the maintained forks, which
# keep the import names, install the onedl-* packages (the 'onedl' extra)
# and mmgcp without the upstream extras (docs/install.md).
CORE = ['torch>=2.1', 'numpy']
UPSTREAM = ['mmcv>=2.0.0,<2.2.0', 'mmengine>=0.10,<0.11']
EXTRAS = {
    'det': UPSTREAM + ['mmdet>=3.3.0,<3.4', 'pycocotools'],
    'seg': UPSTREAM + ['mmsegmentation==1.2.2', 'ftfy', 'regex'],
    # mmpretrain imports torchvision: install the one that matches your
    # torch first; protobuf reads MindSpore .ckpt releases
    'pretrain': UPSTREAM + ['mmpretrain==1.2.0', 'protobuf'],
    # imagecorruptions' maintained fork (same module name)
    'robustness': ['imagecorruptions-imaug==1.1.5'],
    'onedl': ['onedl-mmcv>=2.3.6', 'onedl-mmengine>=0.10.12',
              'onedl-mmdetection>=3.5.1', 'onedl-mmsegmentation>=1.4.2',
              'onedl-mmpretrain>=1.3.6', 'pycocotools', 'protobuf', 'ftfy',
              'regex'],
    'tests': ['pytest', 'pytest-xdist', 'flake8'],
}
EXTRAS['all'] = sorted(set(
    EXTRAS['det'] + EXTRAS['seg'] + EXTRAS['pretrain'] +
    EXTRAS['robustness']))

add_mim_files()
setup(
    name='mmgcp',
    version='0.3.0',
    description='Global covariance pooling (iSQRT-COV, MPN-COV, DropCov) '
    'for MMDetection, MMSegmentation and MMPretrain',
    license='Apache-2.0',
    packages=find_packages(include=['mmgcp', 'mmgcp.*']),
    package_data={'mmgcp': ['.mim/model-index.yml', '.mim/configs/**/*',
                            '.mim/tools/**/*']},
    python_requires='>=3.8',
    install_requires=CORE,
    extras_require=EXTRAS,
)
