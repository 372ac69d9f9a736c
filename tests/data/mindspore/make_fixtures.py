"""Writes the MindSpore ``.ckpt`` fixtures of tests/pretrain/test_mindspore.py
with the real ``mindspore`` package (run once; the files are committed):

    python -m venv /tmp/ms
    /tmp/ms/bin/pip install mindspore==2.10.0 "numpy<2"
    /tmp/ms/bin/python tests/data/mindspore/make_fixtures.py

Each fixture is a narrow version (stem and base width 4 instead of 64, d=8
instead of 128) of the GCP ResNets of the TPAMI 2023 paper's MindSpore
release, written from that release's model code: ResNet-18 with symmetric
padding (``pad_mode='pad'``), BN eps 1e-5 in the stem and the shortcuts and
1e-4 in the blocks; ResNet-50 with ``pad_mode='same'`` everywhere (TF-style:
the extra pixel of a stride-2 conv or max-pool goes bottom/right) and BN eps
1e-4; stage 4 at stride 1; ``layer_reduce`` (1x1 conv) + ``layer_reduce_bn``
(eps 1e-4) + ReLU; the covariance, iSQRT-COV (5 iterations, Fast-MPN) or
none (DropCov at test time), the row-major upper triangle and a 1001-way
``fc``. Each file is saved from a ``TrainOneStepCell`` after one Momentum
step, so it holds the optimizer's entries (``moments.*``,
``learning_rate``, ``global_step``) as training checkpoints do; the BN
statistics and affine parameters are then given random trained-looking
values. ``<name>.npz`` holds two inputs (2x3x64x64 and 1x3x58x71) and the
logits MindSpore's own model computes for them in eval mode.
"""
import os
import os.path as osp

import mindspore as ms
import numpy as np
from mindspore import Tensor, nn, ops

HERE = osp.dirname(osp.abspath(__file__))
WIDTH, DIM, CLASSES = 4, 8, 1001
rng = np.random.default_rng(0)


def he_normal(shape):
    fan_in = int(np.prod(shape[1:]))
    return Tensor(rng.normal(0, np.sqrt(2.0 / fan_in), shape)
                  .astype(np.float32))


def conv(cin, cout, k, stride, same):
    w = he_normal((cout, cin, k, k))
    if same:
        return nn.Conv2d(cin, cout, k, stride, pad_mode='same', padding=0,
                         weight_init=w)
    return nn.Conv2d(cin, cout, k, stride, pad_mode='pad', padding=k // 2,
                     weight_init=w)


def bn(c, eps):
    return nn.BatchNorm2d(c, eps=eps, momentum=0.9)


class BasicBlock(nn.Cell):
    """ResNet-18/34's block: ``bn1d``/``bn2d`` (eps 1e-4), the shortcut's
    BN at eps 1e-5."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = conv(cin, cout, 3, stride, False)
        self.bn1d = bn(cout, 1e-4)
        self.conv2 = conv(cout, cout, 3, 1, False)
        self.bn2d = bn(cout, 1e-4)
        self.relu = nn.ReLU()
        self.down_sample = stride != 1 or cin != cout
        if self.down_sample:
            self.down_sample_layer = nn.SequentialCell(
                [conv(cin, cout, 1, stride, False), bn(cout, 1e-5)])

    def construct(self, x):
        out = self.relu(self.bn1d(self.conv1(x)))
        out = self.bn2d(self.conv2(out))
        if self.down_sample:
            x = self.down_sample_layer(x)
        return self.relu(out + x)


class Bottleneck(nn.Cell):
    """ResNet-50's block, stride on the 3x3 conv, 'same' padding."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        mid = cout // 4
        self.conv1 = conv(cin, mid, 1, 1, True)
        self.bn1 = bn(mid, 1e-4)
        self.conv2 = conv(mid, mid, 3, stride, True)
        self.bn2 = bn(mid, 1e-4)
        self.conv3 = conv(mid, cout, 1, 1, True)
        self.bn3 = bn(cout, 1e-4)
        self.relu = nn.ReLU()
        self.down_sample = stride != 1 or cin != cout
        if self.down_sample:
            self.down_sample_layer = nn.SequentialCell(
                [conv(cin, cout, 1, stride, True), bn(cout, 1e-4)])

    def construct(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.down_sample:
            x = self.down_sample_layer(x)
        return self.relu(out + x)


class Covariance(nn.Cell):
    def construct(self, x):
        b, c, h, w = x.shape
        m = h * w
        x = x.reshape(b, c, m)
        centring = Tensor((np.eye(m) - np.full((m, m), 1.0 / m)) / m,
                          ms.float32)
        return ops.bmm(ops.bmm(x, ops.tile(centring.reshape(1, m, m),
                                           (b, 1, 1))), x.transpose(0, 2, 1))


class ISqrt(nn.Cell):
    """Newton-Schulz iterations with trace pre-normalisation and
    post-compensation."""

    def __init__(self, iterations=5):
        super().__init__()
        self.iterations = iterations

    def construct(self, cov):
        b, c, _ = cov.shape
        eye = ops.tile(ops.eye(c, c, ms.float32).reshape(1, c, c), (b, 1, 1))
        trace = (cov * eye).sum(axis=(1, 2)).reshape(b, 1, 1)
        y = cov / trace
        z = eye
        for _ in range(self.iterations - 1):
            t = 0.5 * (3.0 * eye - ops.bmm(z, y))
            y, z = ops.bmm(y, t), ops.bmm(t, z)
        y = 0.5 * ops.bmm(y, 3.0 * eye - ops.bmm(z, y))
        return y * ops.sqrt(trace)


class EcaLayer(nn.Cell):
    """DropCov's channel weights (a 1D conv over the pooled channels),
    used by its adaptive dropout while training."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 1, 3, pad_mode='pad', padding=1,
                              has_bias=False)


class GCPResNet(nn.Cell):
    def __init__(self, depth, pooling):
        super().__init__()
        self.bottleneck = depth == 50
        same = self.bottleneck
        blocks = {18: (2, 2, 2, 2), 50: (3, 4, 6, 3)}[depth]
        block = Bottleneck if self.bottleneck else BasicBlock
        expansion = 4 if self.bottleneck else 1
        self.conv1 = conv(3, WIDTH, 7, 2, same)
        self.bn1 = bn(WIDTH, 1e-4 if same else 1e-5)
        self.relu = nn.ReLU()
        if same:
            self.maxpool = nn.MaxPool2d(3, 2, pad_mode='same')
        else:
            self.pad = nn.Pad(((0, 0), (0, 0), (1, 1), (1, 1)))
            self.maxpool = nn.MaxPool2d(3, 2, pad_mode='valid')
        cin = WIDTH
        for i, (count, stride) in enumerate(zip(blocks, (1, 2, 2, 1))):
            cout = WIDTH * 2**i * expansion
            layer = [block(cin, cout, stride)] + [
                block(cout, cout, 1) for _ in range(count - 1)]
            setattr(self, f'layer{i + 1}', nn.SequentialCell(layer))
            cin = cout
        self.layer_reduce = conv(cin, DIM, 1, 1, True)
        self.layer_reduce_bn = bn(DIM, 1e-4)
        self.pooling = pooling
        if pooling == 'dropcov':  # its adaptive dropout acts in training
            self.eca_layer = EcaLayer()
        self.covariance = Covariance()
        self.isqrt = ISqrt(5)
        rows, cols = np.triu_indices(DIM)
        self.triu = Tensor(rows * DIM + cols, ms.int32)
        self.fc = nn.Dense(DIM * (DIM + 1) // 2, CLASSES)

    def construct(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        if not self.bottleneck:
            x = self.pad(x)
        x = self.maxpool(x)
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = self.relu(self.layer_reduce_bn(self.layer_reduce(x)))
        cov = self.covariance(x)
        if self.pooling == 'isqrt':
            cov = self.isqrt(cov)
        b, c, _ = cov.shape
        return self.fc(ops.gather(cov.reshape(b, c * c), self.triu, 1))


def randomise_bn(net):
    """Trained-looking BN values: a running variance small enough for the
    epsilon to matter (1e-4 against 1e-5 moves outputs by percents), the
    scale set against it so activations keep their size."""
    for name, param in net.parameters_and_names():
        shape = param.shape
        if name.endswith('moving_variance'):
            var = rng.uniform(1e-3, 1e-2, shape).astype(np.float32)
            param.set_data(Tensor(var))
            gamma = dict(net.parameters_and_names())[
                name.replace('moving_variance', 'gamma')]
            gamma.set_data(Tensor((np.sqrt(var) * rng.uniform(
                0.7, 1.1, shape)).astype(np.float32)))
        elif name.endswith(('moving_mean', 'beta')):
            param.set_data(Tensor(rng.normal(0, 0.1, shape)
                                  .astype(np.float32)))


def write(name, depth, pooling):
    net = GCPResNet(depth, pooling)
    loss = nn.SoftmaxCrossEntropyWithLogits(sparse=True, reduction='mean')
    optimizer = nn.Momentum(net.trainable_params(), learning_rate=0.01,
                            momentum=0.9)
    train = nn.TrainOneStepCell(nn.WithLossCell(net, loss), optimizer)
    train.set_train(True)
    train(Tensor(rng.normal(size=(2, 3, 64, 64)).astype(np.float32)),
          Tensor(np.array([3, 1000], np.int32)))
    randomise_bn(net)
    net.set_train(False)
    inputs = [rng.normal(size=s).astype(np.float32)
              for s in ((2, 3, 64, 64), (1, 3, 58, 71))]
    logits = [net(Tensor(x)).asnumpy() for x in inputs]
    path = osp.join(HERE, f'{name}.ckpt')
    if osp.exists(path):
        os.chmod(path, 0o644)
    ms.save_checkpoint(train, path, append_dict=dict(epoch_num=1, step_num=1))
    os.chmod(path, 0o644)  # MindSpore writes it read-only
    np.savez(osp.join(HERE, f'{name}.npz'), input_a=inputs[0],
             logits_a=logits[0], input_b=inputs[1], logits_b=logits[1])
    print(name, [x.shape for x in logits], float(np.abs(logits[0]).mean()))


if __name__ == '__main__':
    ms.set_context(mode=ms.PYNATIVE_MODE, device_target='CPU')
    ms.set_seed(0)
    write('resnet18_fastmpn_w4', 18, 'isqrt')
    write('resnet50_fastmpn_w4', 50, 'isqrt')
    write('resnet18_dropcov_w4', 18, 'dropcov')
