# The GAP baseline of the CPU-scale study: the same ResNet-18 trunk, data,
# schedule and landscape hook as resnet18_isqrt_textures.py, with global
# average pooling (stride-2 stage 4) in place of the covariance head.
_base_ = ['./resnet18_isqrt_textures.py']

model = dict(head='gap')
