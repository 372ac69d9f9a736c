# A GCP classifier on the recipe of resnet_in1k.py: stage 4 at stride 1
# (14x14 features at 224 px), then GCPNeck (1x1 conv to d channels without
# bias, BN, ReLU, covariance pooling, its upper triangle) and a linear
# classifier of the d(d+1)/2 values. iSQRT-COV, d=256 and ResNet-50 here;
# the configs set depth, pooling and d.
_base_ = ['./resnet_in1k.py']

model = dict(
    backbone=dict(strides=(1, 2, 2, 1)),
    neck=dict(type='GCPNeck', in_channels=2048, reduced_channels=256,
              pooling='isqrt'),
    head=dict(in_channels=256 * 257 // 2))
