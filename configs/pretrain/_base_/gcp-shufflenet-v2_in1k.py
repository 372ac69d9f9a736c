# A GCP ShuffleNetV2 1.0x as released with the CVPR 2020 paper: the last 1x1
# conv (464 -> 1024, BN, ReLU) is kept, GCPNeck reduces to d=256 channels
# (1x1 conv without bias, BN, ReLU6) and pools with iSQRT-COV at stride 32
# (7x7 positions at 224 px); the linear classifier reads the d(d+1)/2
# values, without dropout.
_base_ = ['./shufflenet-v2_in1k.py']

model = dict(
    neck=dict(_delete_=True, type='GCPNeck', in_channels=1024,
              reduced_channels=256, pooling='isqrt',
              act_cfg=dict(type='ReLU6')),
    head=dict(in_channels=256 * 257 // 2))
