# A GCP MobileNetV2 as released with the CVPR 2020 paper: the covariance is
# pooled from the last 1x1 conv (320 -> 1280, BN, ReLU6) at stride 32, 7x7
# positions at 224 px; GCPNeck reduces to d=256 channels (1x1 conv without
# bias, BN, ReLU6), pools with iSQRT-COV and applies Dropout(0.2) to the
# d(d+1)/2 values before the linear classifier.
_base_ = ['./mobilenet-v2_in1k.py']

model = dict(
    neck=dict(type='GCPNeck', in_channels=1280, reduced_channels=256,
              pooling='isqrt', act_cfg=dict(type='ReLU6'), dropout_rate=0.2),
    head=dict(in_channels=256 * 257 // 2))
