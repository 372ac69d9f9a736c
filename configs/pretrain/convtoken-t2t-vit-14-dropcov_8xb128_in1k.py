# The released "T2T-ViT-14 + DropCov": the same ConvTokenViT with 14 blocks
# and MLP ratio 3 (no T2T tokens-to-token module; 24.9M parameters).
# Published: 82.7 top-1.
_base_ = ['./_base_/convtoken-vit-dropcov_in1k.py']
model = dict(backbone=dict(num_layers=14, mlp_ratio=3))
