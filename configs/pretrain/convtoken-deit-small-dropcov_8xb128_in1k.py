# The released "DeiT-S + DropCov" (ConvTokenViT, 12 blocks, MLP ratio 4;
# 25.6M parameters). Published: 82.4 top-1.
_base_ = ['./_base_/convtoken-vit-dropcov_in1k.py']
