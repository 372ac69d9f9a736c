"""Writes the DropCov transformer fixture of tests/pretrain/test_dropcov_vit.py
with the authors' own model code, under the versions DropCov's
``requirements.txt`` pins (timm 0.4.12; run once, the files are committed):

    python -m venv /tmp/dropcov
    /tmp/dropcov/bin/pip install timm==0.4.12 thop numpy torch torchvision
    /tmp/dropcov/bin/python tests/data/dropcov_vit/make_fixture.py \\
        DROPCOV/Transformers [--arch tiny|Deit_drop_Small|T2T_ViT_14] [--out DIR]

``DROPCOV`` is a checkout of https://github.com/mingzeG/DropCov. The model
is built by its ``src.transformer.Vit`` (``tiny``: 48-wide tokens, 2 blocks,
6 attention heads, MLP ratio 2, 10 classes, the released tokenizer and
head; the other names build the released full-size models through the
project's registered functions), its weights are given random
trained-looking values, and it is saved by timm's own ``CheckpointSaver``
with a ``ModelEma`` (as DropCov's ``main.py`` trains), so the file holds
``state_dict``, ``state_dict_ema``, the optimizer and the run's
``argparse.Namespace``. ``<name>.npz`` holds a 2x3x224x224 input, the
logits of the authors' model in eval mode for both weight sets, and the
torch and timm versions used.
"""
import argparse
import copy
import os
import os.path as osp
import sys

import numpy as np
import torch
from torch import nn

HERE = osp.dirname(osp.abspath(__file__))


def tiny_model(transformer):
    vit = dict(transformer.ViTConfig, embed_dim=48, depth=2, num_heads=6,
               mlp_ratio=2.)
    representation = copy.deepcopy(transformer.representationConfig)
    representation['args'].update(dim=48, num_heads=6, wr_dim=24)
    return transformer.Vit(num_classes=10, ViTConfig=vit,
                           representationConfig=representation)


def randomise(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if name == 'pos_embed' or not tensor.is_floating_point():
                continue  # the fixed sinusoid, BN counters
            if name.endswith('running_var'):
                tensor.copy_(torch.rand(tensor.shape, generator=g) + 0.5)
            elif tensor.dim() > 1:  # fan-in scaled, so logits stay O(1)
                fan_in = tensor[0].numel()
                tensor.copy_(torch.randn(tensor.shape, generator=g) /
                             fan_in ** 0.5)
            else:
                tensor.copy_(torch.randn(tensor.shape, generator=g) * 0.1)
    return model.eval()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('dropcov', help="DropCov's Transformers/ folder")
    parser.add_argument('--arch', default='tiny')
    parser.add_argument('--out', default=HERE)
    args = parser.parse_args()
    sys.path.insert(0, args.dropcov)
    import timm
    from timm.models import create_model
    from timm.utils import CheckpointSaver, ModelEma

    import src.transformer as transformer  # registers the timm models

    model = tiny_model(transformer) if args.arch == 'tiny' else \
        create_model(args.arch, num_classes=1000)
    randomise(model, seed=0)
    ema = ModelEma(model, decay=0.99996)
    randomise(ema.ema, seed=1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    os.makedirs(args.out, exist_ok=True)
    run_args = argparse.Namespace(model=args.arch, model_ema=True,
                                  lr=1e-3, epochs=310)
    saver = CheckpointSaver(model, optimizer, args=run_args, model_ema=ema,
                            checkpoint_dir=args.out, recovery_dir=args.out,
                            max_history=1)
    saver.save_checkpoint(epoch=0)
    name = f'dropcov_vit_{args.arch}'
    for leftover in ('last.pth.tar', 'model_best.pth.tar'):
        if osp.exists(osp.join(args.out, leftover)):
            os.remove(osp.join(args.out, leftover))
    os.replace(osp.join(args.out, 'checkpoint-0.pth.tar'),
               osp.join(args.out, f'{name}.pth.tar'))
    x = torch.randn(2, 3, 224, 224, generator=torch.Generator()
                    .manual_seed(2))
    with torch.no_grad():
        logits = model(x)
        logits_ema = ema.ema(x)
    dense_norms = sum(isinstance(m, nn.BatchNorm2d) for m in
                      model.visual_tokens.tokens.stage.modules())
    np.savez(osp.join(args.out, f'{name}.npz'), input=x.numpy(),
             logits=logits.numpy(), logits_ema=logits_ema.numpy(),
             torch=torch.__version__, timm=timm.__version__)
    print(f'{name}: timm {timm.__version__}, torch {torch.__version__}, '
          f'{dense_norms} BatchNorms in the tokenizer stage, logits '
          f'{tuple(logits.shape)} written to {args.out}')


if __name__ == '__main__':
    main()
