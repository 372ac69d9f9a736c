import pytest
import torch
from mmengine.optim import OptimWrapper

from mmgcp.pretrain import GCPEpochLR, schedule_lr


@pytest.mark.parametrize('name,epoch,lr', [
    ('LR_norm', 0, 0.1), ('LR_norm', 29, 0.1), ('LR_norm', 30, 0.01),
    ('LR_norm', 60, 0.001), ('LR_norm', 99, 0.0001),
    ('LR_fast', 1, 0.1), ('LR_fast', 0, 0.1 * (53 / 52)**11),
    ('LR_fast', 14, 0.1 * (39 / 52)**11), ('LR_fast', 29, 0.1 * (24 / 52)**11),
    ('LR_adj', 1, 0.1), ('LR_adj', 25, 0.1 * (25 / 49)**2),
    ('LR_adj', 49, 0.1 * (1 / 49)**2),
])
def test_schedule_values(name, epoch, lr):
    assert schedule_lr(name, epoch) == pytest.approx(lr, rel=1e-12)


def test_base_lr_scales_the_schedule():
    assert schedule_lr('LR_norm', 31, base_lr=0.2) == pytest.approx(0.02)


def test_errors():
    with pytest.raises(ValueError, match='LR_adj'):
        schedule_lr('cosine', 3)
    with pytest.raises(ValueError, match='0..29'):
        schedule_lr('LR_fast', 30)


@pytest.mark.parametrize('name', ['LR_norm', 'LR_fast', 'LR_adj'])
def test_scheduler_sets_the_rate_each_epoch(name):
    param = torch.nn.Parameter(torch.zeros(1))
    wrapper = OptimWrapper(torch.optim.SGD([param], lr=0.1, momentum=0.9))
    scheduler = GCPEpochLR(wrapper, schedule=name)
    seen = []
    for epoch in range(12):
        seen.append(wrapper.param_groups[0]['lr'])
        scheduler.step()
    assert seen == pytest.approx([schedule_lr(name, e) for e in range(12)])
