import pytest
import torch
from mmengine.optim import OptimWrapper

from mmgcp.engine import GCPEpochLR, schedule_lr


@pytest.mark.parametrize('name,epoch,lr', [
    ('LR_norm', 0, 0.1), ('LR_norm', 29, 0.1), ('LR_norm', 30, 0.01),
    ('LR_norm', 60, 0.001), ('LR_norm', 99, 0.0001),
    ('LR_fast', 1, 0.1), ('LR_fast', 0, 0.1 * (53 / 52)**11),
    ('LR_fast', 14, 0.1 * (39 / 52)**11), ('LR_fast', 29, 0.1 * (24 / 52)**11),
    ('LR_adj', 1, 0.1), ('LR_adj', 25, 0.1 * (25 / 49)**2),
    ('LR_adj', 49, 0.1 * (1 / 49)**2),
    # MobileNetV2, the authors' formulas written out
    ('MobileNetV2_LR_norm', 0, 0.045), ('MobileNetV2_LR_norm', 89,
                                        0.045 * 0.98**89),
    ('MobileNetV2_LR_fast', 0, 0.06), ('MobileNetV2_LR_fast', 99,
                                       0.06 * 0.92**99),
    ('MobileNetV2_LR_adj', 0, 0.06), ('MobileNetV2_LR_adj', 25, 0.035),
    ('MobileNetV2_LR_adj', 50, 0.01), ('MobileNetV2_LR_adj', 75, 0.0055),
    ('MobileNetV2_LR_adj', 100, 0.001),
    ('MobileNetV2_LR_adj', 149, 0.001 - (0.001 - 1e-5) / 50 * 49),
])
def test_schedule_values(name, epoch, lr):
    assert schedule_lr(name, epoch) == pytest.approx(lr, rel=1e-12)


def test_base_lr_scales_the_schedule():
    assert schedule_lr('LR_norm', 31, base_lr=0.2) == pytest.approx(0.02)
    assert schedule_lr('MobileNetV2_LR_norm', 1, base_lr=0.09) == \
        pytest.approx(0.09 * 0.98)


def test_errors():
    with pytest.raises(ValueError, match='LR_adj'):
        schedule_lr('cosine', 3)
    with pytest.raises(ValueError, match='0..29'):
        schedule_lr('LR_fast', 30)


@pytest.mark.parametrize('name,base', [
    ('LR_norm', 0.1), ('LR_fast', 0.1), ('LR_adj', 0.1),
    ('MobileNetV2_LR_adj', 0.06)])
def test_scheduler_sets_the_rate_each_epoch(name, base):
    param = torch.nn.Parameter(torch.zeros(1))
    wrapper = OptimWrapper(torch.optim.SGD([param], lr=base, momentum=0.9))
    scheduler = GCPEpochLR(wrapper, schedule=name)
    seen = []
    for epoch in range(12):
        seen.append(wrapper.param_groups[0]['lr'])
        scheduler.step()
    assert seen == pytest.approx([schedule_lr(name, e) for e in range(12)])
