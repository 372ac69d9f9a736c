"""Import of MindSpore ``.ckpt`` releases, without MindSpore.

The GCP ResNets of "Towards a Deeper Understanding of Global Covariance
Pooling in Deep Learning: An Optimization Perspective" (Wang et al., TPAMI
2023) were released as MindSpore checkpoints: ResNet-18/34/50 with a
Fast-MPN (iSQRT-COV) or a DropCov head, d=128 and a 1001-way ``fc``
(labels 0..999; row 1000 is never a label).

A ``.ckpt`` file is one protobuf message (MindSpore's ``checkpoint.proto``):
``Checkpoint { repeated Value value = 1; }`` with ``Value { required string
tag = 1; oneof { TensorProto tensor = 2; MapTensorProto maptensor = 3; } }``
and ``TensorProto { repeated int64 dims = 1; required string tensor_type =
2; required bytes tensor_content = 3; }``: raw little-endian values, a large
tensor possibly split over consecutive values of one tag. It is parsed here
with the ``protobuf`` package, never unpickled.

The names are MindSpore's (``gamma``/``beta``/``moving_mean``/
``moving_variance`` for BN, ``down_sample_layer`` for the shortcut,
``bn1d``/``bn2d`` in ResNet-18/34's blocks); the optimizer's entries a
training checkpoint also holds (``moments.*``, ``learning_rate``,
``global_step`` ...) are skipped and reported. The classifier keys are those
of the ``-ms`` pretraining configs, whose ``MindSporeResNet`` reproduces
MindSpore's numerics (see :mod:`mmgcp.pretrain.mindspore_resnet`).
"""
import math
import os.path as osp
import re
from typing import Dict, List, Optional, Tuple

import torch
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.message import DecodeError

from .checkpoints import (CheckpointIncompleteError, CheckpointLayoutError,
                          classifier_checkpoint, resnet_classifier_key)

__all__ = ['read_mindspore_checkpoint', 'convert_mindspore']

_DTYPES = {
    'Float16': torch.float16, 'Float32': torch.float32,
    'Float64': torch.float64, 'BFloat16': torch.bfloat16,
    'Int8': torch.int8, 'Int16': torch.int16, 'Int32': torch.int32,
    'Int64': torch.int64, 'UInt8': torch.uint8, 'Uint8': torch.uint8,
    'Bool': torch.bool,
}
# what a MindSpore training checkpoint holds besides the model
_NOT_MODEL = re.compile(
    r'(moments|accum|moment1|moment2|adam_m|adam_v|vhat)\.|'
    r'(learning_rate|global_step|momentum|beta1_power|beta2_power|'
    r'epoch_num|step_num|scale_sense|loss_scale|current_iterator_step|'
    r'last_overflow_iterator_step)$')
_BN_PARAMS = {'gamma': 'weight', 'beta': 'bias', 'moving_mean': 'running_mean',
              'moving_variance': 'running_var'}
_MODULES = {'down_sample_layer': 'downsample', 'bn1d': 'bn1', 'bn2d': 'bn2'}


def _checkpoint_message():
    """The ``Checkpoint`` message class, built from its description (no
    generated code, no MindSpore)."""
    proto = descriptor_pb2.FileDescriptorProto(
        name='mmgcp_mindspore_checkpoint.proto', package='mmgcp_mindspore',
        syntax='proto2')
    F = descriptor_pb2.FieldDescriptorProto
    tensor = proto.message_type.add(name='TensorProto')
    tensor.field.add(name='dims', number=1, type=F.TYPE_INT64,
                     label=F.LABEL_REPEATED)
    tensor.field.add(name='tensor_type', number=2, type=F.TYPE_STRING,
                     label=F.LABEL_REQUIRED)
    tensor.field.add(name='tensor_content', number=3, type=F.TYPE_BYTES,
                     label=F.LABEL_REQUIRED)
    checkpoint = proto.message_type.add(name='Checkpoint')
    value = checkpoint.nested_type.add(name='Value')
    value.field.add(name='tag', number=1, type=F.TYPE_STRING,
                    label=F.LABEL_REQUIRED)
    value.field.add(name='tensor', number=2, type=F.TYPE_MESSAGE,
                    label=F.LABEL_OPTIONAL,
                    type_name='.mmgcp_mindspore.TensorProto')
    checkpoint.field.add(name='value', number=1, type=F.TYPE_MESSAGE,
                         label=F.LABEL_REPEATED,
                         type_name='.mmgcp_mindspore.Checkpoint.Value')
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return message_factory.GetMessageClass(
        pool.FindMessageTypeByName('mmgcp_mindspore.Checkpoint'))


def read_mindspore_checkpoint(filename: str) -> Dict[str, torch.Tensor]:
    """Every tensor of a MindSpore ``.ckpt`` file, by tag, in file order.

    Raises:
        CheckpointLayoutError: the file is not a MindSpore checkpoint (or is
            cut short), or holds a tensor type or map tensor it cannot read.
    """
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} does not exist')
    with open(filename, 'rb') as f:
        data = f.read()
    message = _checkpoint_message()()
    try:
        message.ParseFromString(data)
    except DecodeError as err:
        raise CheckpointLayoutError(
            f'{filename}: not a MindSpore checkpoint, or truncated or '
            f'corrupt ({err})') from None
    if not message.value:
        raise CheckpointLayoutError(f'{filename}: no tensors in it (empty, '
                                    'or not a MindSpore checkpoint)')
    # a large tensor is split over consecutive values with the same tag
    pieces: Dict[str, Tuple[List[int], str, List[bytes]]] = {}
    for value in message.value:
        if not value.HasField('tensor'):
            raise CheckpointLayoutError(
                f'{filename}: {value.tag!r} is not a plain tensor (a '
                'MindSpore map tensor?); only tensors can be read')
        t = value.tensor
        if value.tag in pieces:
            pieces[value.tag][2].append(t.tensor_content)
        else:
            pieces[value.tag] = (list(t.dims), t.tensor_type,
                                 [t.tensor_content])
    return {tag: _tensor(filename, tag, dims, kind, b''.join(content))
            for tag, (dims, kind, content) in pieces.items()}


def _tensor(filename: str, tag: str, dims: List[int], kind: str,
            content: bytes) -> torch.Tensor:
    if kind not in _DTYPES:
        raise CheckpointLayoutError(
            f'{filename}: {tag!r} has tensor type {kind!r}; readable: '
            f'{", ".join(sorted(_DTYPES))}')
    dtype = _DTYPES[kind]
    itemsize = torch.empty((), dtype=dtype).element_size()
    count = len(content) // itemsize
    # MindSpore writes a scalar with dims [] or [0]
    shape = dims if dims not in ([], [0]) else []
    if count != math.prod(shape) or len(content) % itemsize:
        raise CheckpointLayoutError(
            f'{filename}: {tag!r} holds {len(content)} bytes of {kind}, '
            f'not the {math.prod(shape)} values of shape {dims} (file cut '
            'short?)')
    flat = torch.frombuffer(bytearray(content), dtype=dtype) if count else \
        torch.empty(0, dtype=dtype)
    return flat.reshape(shape).clone()


def _classifier_key(tag: str) -> Optional[str]:
    """MindSpore name -> classifier key (None: not a model tensor), via the
    PyTorch releases' names."""
    parts = [_MODULES.get(p, p) for p in tag.split('.')]
    parts[-1] = _BN_PARAMS.get(parts[-1], parts[-1])
    return resnet_classifier_key('.'.join(parts))


def convert_mindspore(tensors: Dict[str, torch.Tensor],
                      filename: str = '<checkpoint>',
                      zoo_name: Optional[str] = None
                      ) -> Tuple[dict, List[str]]:
    """Convert the tensors of a MindSpore GCP ResNet release to mmgcp's
    classifier keys.

    Args:
        tensors: :func:`read_mindspore_checkpoint`'s output.
        filename: the file's name, for messages and metadata.
        zoo_name: the model-zoo entry it is (a ``MindSpore_*`` one): its
            metadata goes into ``meta`` and its depth/pooling/d must match.

    Returns:
        (checkpoint dict with ``meta`` and ``state_dict``, report lines)

    Raises:
        CheckpointLayoutError: a tensor that is neither the model's nor an
            optimizer entry (all such names are listed).
    """
    state, skipped, unknown, renamed = {}, [], [], 0
    for tag, value in tensors.items():
        if _NOT_MODEL.match(tag):
            skipped.append(tag)
            continue
        key = _classifier_key(tag)
        if key is None:
            unknown.append(tag)
            continue
        if key.endswith('eca_layer.conv.weight') and value.dim() == 4:
            value = value.flatten(2)  # MindSpore's Conv1d keeps a 1 x k
        state[key] = value
        renamed += 1
    if unknown:
        raise CheckpointLayoutError(
            f'{filename}: not a MindSpore GCP ResNet: unknown tensors '
            f'{", ".join(unknown)}')
    if 'backbone.layer4.0.conv1.weight' not in state:
        raise CheckpointIncompleteError(
            f'{filename}: no ResNet stage 4 (layer4.0.conv1.weight): the '
            'file looks cut short, or is not a GCP ResNet; tags: '
            f'{", ".join(list(tensors)[:5])} ...')
    # PyTorch's BN counts its updates; MindSpore's does not
    counters = [k[:-len('running_mean')] + 'num_batches_tracked'
                for k in state if k.endswith('running_mean')]
    for key in counters:
        state[key] = torch.tensor(0)
    report = [f'renamed: {renamed} MindSpore tensors to the classifier\'s '
              'backbone./neck./head. names (gamma/beta/moving_mean/'
              'moving_variance -> weight/bias/running_mean/running_var)',
              f'added: num_batches_tracked = 0 to {len(counters)} BN layers']
    report += [f'skipped (optimizer state): {t}' for t in skipped]
    return classifier_checkpoint(state, filename, 'mindspore', report,
                                 zoo_name)
