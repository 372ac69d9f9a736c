from setuptools import find_packages, setup

setup(
    name='mmgcp',
    version='0.2.0',
    description='Global covariance pooling (iSQRT-COV, MPN-COV, DropCov) '
    'for MMDetection, MMSegmentation and MMPretrain',
    license='Apache-2.0',
    packages=find_packages(include=['mmgcp', 'mmgcp.*']),
    python_requires='>=3.8',
    install_requires=['torch>=2.1', 'mmcv>=2.0.0,<2.2.0', 'mmengine>=0.10,<0.11',
                      'mmdet>=3.3.0,<3.4', 'pycocotools', 'numpy'],
    extras_require={'seg': ['mmsegmentation==1.2.2', 'ftfy', 'regex'],
                    # mmpretrain imports torchvision: install the one that
                    # matches your torch first
                    # protobuf reads MindSpore .ckpt releases
                    'pretrain': ['mmpretrain==1.2.0', 'protobuf'],
                    # imagecorruptions' maintained fork (same module name)
                    'robustness': ['imagecorruptions-imaug==1.1.5'],
                    'tests': ['pytest']},
)
