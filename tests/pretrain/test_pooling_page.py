"""docs/pooling.md's example, run as written: torchvision's ResNet-50 with
an iSQRT-COV head takes a converted GCP_Optimization release and computes
the logits of the model written from the authors' code."""
import os.path as osp
import re
import textwrap

import torch
from helpers import ROOT, run_tool, venv_python
from reference_models import ReleasedGCPResNet, randomise, released_checkpoint

from mmgcp.pretrain import convert_release

PAGE = osp.join(ROOT, 'docs', 'pooling.md')


def python_blocks(path):
    return re.findall(r'```python\n(.*?)```', open(path).read(), re.S)


def test_the_page_runs_and_loads_a_converted_release(tmp_path):
    blocks = python_blocks(PAGE)
    assert len(blocks) == 2
    reference = randomise(ReleasedGCPResNet(50, 'isqrt', 256))
    release = tmp_path / 'ResNet50_GCP_LRnorm.pth.tar'
    torch.save(released_checkpoint(reference, 'gcp_optimization'), release)
    converted, _ = convert_release(str(release))
    torch.save(converted, tmp_path / 'resnet50-isqrt-d256.pth')
    x = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(1))
    torch.save(x, tmp_path / 'x.pt')
    check = textwrap.dedent('''
        with torch.no_grad():
            torch.save(net(torch.load('x.pt')), 'logits.pt')
        print('page ran')
    ''')
    proc = run_tool([venv_python(), '-c', '\n'.join(blocks) + check],
                    cwd=str(tmp_path))
    assert 'torch.Size([2, 1000])' in proc.stdout
    assert proc.stdout.strip().endswith('page ran')
    with torch.no_grad():
        expected = reference(x)
    torch.testing.assert_close(torch.load(tmp_path / 'logits.pt'), expected,
                               rtol=1e-4, atol=1e-4)
