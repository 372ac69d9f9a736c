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


add_mim_files()
setup(
    name='mmgcp',
    version='0.2.0',
    description='Global covariance pooling (iSQRT-COV, MPN-COV, DropCov) '
    'for MMDetection, MMSegmentation and MMPretrain',
    license='Apache-2.0',
    packages=find_packages(include=['mmgcp', 'mmgcp.*']),
    package_data={'mmgcp': ['.mim/model-index.yml', '.mim/configs/**/*',
                            '.mim/tools/**/*']},
    python_requires='>=3.8',
    install_requires=['torch>=2.1', 'mmcv>=2.0.0,<2.2.0',
                      'mmengine>=0.10,<0.11', 'mmdet>=3.3.0,<3.4',
                      'pycocotools', 'numpy'],
    extras_require={'seg': ['mmsegmentation==1.2.2', 'ftfy', 'regex'],
                    # mmpretrain imports torchvision: install the one that
                    # matches your torch first
                    # protobuf reads MindSpore .ckpt releases
                    'pretrain': ['mmpretrain==1.2.0', 'protobuf'],
                    # imagecorruptions' maintained fork (same module name)
                    'robustness': ['imagecorruptions-imaug==1.1.5'],
                    'tests': ['pytest']},
)
