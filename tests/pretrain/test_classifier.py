import pytest
import torch
from mmengine.structures import BaseDataElement

from mmgcp.pretrain import GCPClassifier

# REFERENCE section 2 (1000 classes); d=128 rows rounded in the papers
PARAMS_D256 = {18: 44_205_096, 34: 54_313_256, 50: 56_929_832,
               101: 75_921_960}
PARAMS_D128_M = {18: 19.5, 34: 29.6, 50: 32.0, 101: 51.0}


def count(model):
    return sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize('depth', [18, 34, 50, 101])
def test_parameter_counts(depth):
    assert count(GCPClassifier(depth, 'isqrt', 256)) == PARAMS_D256[depth]
    assert round(count(GCPClassifier(depth, 'isqrt', 128)) / 1e6, 1) == \
        PARAMS_D128_M[depth]


def test_gap_baseline_is_standard_resnet50():
    assert count(GCPClassifier(50, 'gap')) == 25_557_032


def test_module_names_match_released_checkpoints():
    keys = set(GCPClassifier(18, 'dropcov', 64, num_classes=10).state_dict())
    assert {'conv1.weight', 'bn1.running_var', 'layer4.1.conv2.weight',
            'layer_reduce.weight', 'layer_reduce_bn.weight', 'fc.weight',
            'eca_layer.conv.weight'} <= keys
    assert not any(k.startswith('representation.') for k in keys)


def test_released_state_dict_loads_one_to_one():
    torch.manual_seed(0)
    src = GCPClassifier(18, 'dropcov', 32, num_classes=5)
    released = {'module.' + k: v for k, v in src.state_dict().items()}
    dst = GCPClassifier(18, 'dropcov', 32, num_classes=5)
    stripped = {k[len('module.'):]: v for k, v in released.items()}
    dst.load_state_dict(stripped, strict=True)
    assert torch.equal(dst.representation.eca_layer.conv.weight,
                       src.representation.eca_layer.conv.weight)
    x = torch.randn(2, 3, 64, 64)
    src.eval()
    dst.eval()
    torch.testing.assert_close(dst(x), src(x))


@pytest.mark.parametrize('head', ['isqrt', 'dropcov', 'mpn', 'gcp', 'gap'])
def test_modes(head):
    model = GCPClassifier(18, head, 16, num_classes=4)
    x = torch.randn(2, 3, 64, 64)
    samples = [BaseDataElement(gt_label=1), BaseDataElement(gt_label=3)]
    model.train()
    loss = model(x, samples, mode='loss')['loss']
    loss.backward()
    assert torch.isfinite(loss) and model.fc.weight.grad is not None
    model.eval()
    preds = model(x, samples, mode='predict')
    assert preds[0].gt_label == 1 and preds[0].pred_scores.shape == (4, )
    assert torch.allclose(preds[1].pred_scores.sum(), torch.tensor(1.0))


def test_gcp_trunk_has_stride_16_stage4():
    model = GCPClassifier(18, 'isqrt', 16).eval()
    assert model.stage4(torch.randn(1, 3, 224, 224)).shape[-2:] == (14, 14)
    gap = GCPClassifier(18, 'gap').eval()
    assert gap.stage4(torch.randn(1, 3, 224, 224)).shape[-2:] == (7, 7)


def test_bad_arguments():
    with pytest.raises(ValueError, match='head must be one of'):
        GCPClassifier(50, 'svd')
    with pytest.raises(ValueError, match='depth'):
        GCPClassifier(152)
    with pytest.raises(ValueError, match='mode'):
        GCPClassifier(18, 'gcp', 8, num_classes=2)(torch.randn(1, 3, 32, 32),
                                                   mode='bogus')


@pytest.mark.parametrize('head', ['bcnn', 'sigme', 'ln', 'bcnn_lt',
                                  'deep_o2p', 'ilogm', 'ibcnn', 'ibcnn_lt',
                                  'maxexp', 'apn'])
def test_every_post_normalisation_is_one_config_key(head):
    model = GCPClassifier(18, head, 8, num_classes=3)
    samples = [BaseDataElement(gt_label=0), BaseDataElement(gt_label=2)]
    loss = model(torch.randn(2, 3, 48, 48), samples, mode='loss')['loss']
    loss.backward()
    assert torch.isfinite(loss)
    keys = set(model.state_dict())
    assert not any(k.startswith('representation.') for k in keys)
