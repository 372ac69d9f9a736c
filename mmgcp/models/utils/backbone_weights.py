"""Loading GCP-pretrained classifier checkpoints into a backbone."""
import os.path as osp
from typing import Iterable, Mapping, Optional, Sequence

from mmengine.logging import MMLogger
from mmengine.runner.checkpoint import CheckpointLoader
from torch import nn

from ...checkpoint import compare_keys, format_keys, state_dict_of

__all__ = ['HEAD_KEY_PREFIXES', 'MISSING_CHECKPOINT_HELP',
           'load_backbone_checkpoint']

# Classifier-head parameters of the released GCP models:
# reduction conv/BN, FC, DropCov's ECA conv, and the fast-MPN-COV names.
HEAD_KEY_PREFIXES = ('fc.', 'layer_reduce.', 'layer_reduce_bn.',
                     'layer_reduce_relu.', 'Layer_Reduce', 'eca_layer.',
                     'representation.', 'classifier.', 'head.')

MISSING_CHECKPOINT_HELP = (
    'A GCP backbone needs GCP-pretrained ImageNet weights. Get them by '
    'either\n'
    '  * converting a released checkpoint:\n'
    '      python tools/convert_official.py SRC.pth.tar OUT.pth\n'
    '  * or pretraining one:\n'
    '      tools/dist_train.sh configs/pretrain/<config>.py 8\n'
    'then point the config at it (--cfg-options '
    'model.backbone.init_cfg.checkpoint=OUT.pth: a converted release, a '
    'pretraining checkpoint or an exported backbone), or set '
    'model.backbone.init_cfg=None to train from scratch.')


def _under(key: str, prefixes: Iterable[str]) -> bool:
    return any(key.startswith(p + '.') for p in prefixes)


def _is_whole_model(state: Mapping[str, object]) -> bool:
    """Keys of a whole model (``backbone.*`` beside ``neck.*``, ``head.*``
    or a detector's heads) rather than of a backbone or a release."""
    return any(k.startswith('backbone.') for k in state) and not any(
        k.startswith(('conv1.', 'bn1.', 'layer1.', 'module.')) for k in state)


def load_backbone_checkpoint(
        module: nn.Module,
        filename: str,
        prefix: Optional[str] = None,
        map_location: str = 'cpu',
        keep_init: Optional[Mapping[str, Sequence[str]]] = None,
        skip_file: Sequence[str] = ()) -> None:
    """Load a (GCP-)pretrained classifier's backbone weights into ``module``.

    Head keys (:data:`HEAD_KEY_PREFIXES`) are dropped with one log line. Any
    backbone key the module expects but the file lacks, any key that is
    neither backbone nor head, and any shape mismatch is an error naming the
    file and the keys, except for the modules listed in ``keep_init``.

    Args:
        module (nn.Module): the backbone, already initialised.
        filename (str): a local path or URL mmengine can load.
        prefix (str, optional): take ``prefix.*`` keys only. Without it,
            a whole-model checkpoint (an mmpretrain classifier, as the
            converter and pretraining write them, or a detector) gives its
            ``backbone.*`` keys, which the log line says.
        map_location (str): passed to ``torch.load``. Default: ``'cpu'``.
        keep_init (Mapping[str, Sequence[str]], optional): modules a
            classifier checkpoint cannot hold (DCN offsets, plugins), grouped
            under a label for the log. Their tensors load when the file has
            them and otherwise keep the module's initialisation; one log line
            lists those that did.
        skip_file (Sequence[str]): module names whose BatchNorm tensors in
            the file are not loaded (where the module has GroupNorm instead).
    """
    keep_init = {label: list(names)
                 for label, names in (keep_init or {}).items() if names}
    kept_modules = [n for names in keep_init.values() for n in names]
    is_url = '://' in filename
    if not is_url and not osp.isfile(osp.expanduser(filename)):
        raise FileNotFoundError(
            f'pretrained checkpoint {filename} does not exist.\n' +
            MISSING_CHECKPOINT_HELP)
    checkpoint = CheckpointLoader.load_checkpoint(filename, map_location)
    state = state_dict_of(checkpoint, filename, prefix)
    whole_model = []  # the other parts of a whole-model checkpoint
    if not prefix and _is_whole_model(state):
        # an mmpretrain classifier (backbone, neck, head: what the
        # converter and pretraining write) or a detector: its backbone
        whole_model = sorted({k.split('.')[0] for k in state
                              if not k.startswith('backbone.')})
        state = state_dict_of(checkpoint, filename, 'backbone')
    # only BN layers are skipped: a GroupNorm file has its own at these names
    bn_layers = [n for n in skip_file if f'{n}.running_mean' in state]
    skipped = {k for k in state if _under(k, bn_layers)}
    state = {k: v for k, v in state.items() if k not in skipped}
    head = {k for k in state if k.startswith(HEAD_KEY_PREFIXES)}
    expected = module.state_dict()
    initialised = {k for k in expected
                   if k not in state and _under(k, kept_modules)}
    diff = compare_keys(expected, {k: v for k, v in state.items()
                                   if k not in head}, initialised)
    if diff.missing or diff.unexpected:
        problems = []
        if diff.missing:
            problems.append(
                f'missing backbone keys: {format_keys(diff.missing)}')
        if diff.unexpected:
            problems.append(
                f'unexpected keys: {format_keys(diff.unexpected)}')
        raise KeyError(f'{filename} does not match {type(module).__name__} '
                       f'(depth mismatch, or not a ResNet classifier '
                       f'checkpoint?); ' + '; '.join(problems))
    if diff.reshaped:
        raise ValueError(f'{filename}: shape mismatch for '
                         f'{len(diff.reshaped)} keys: ' +
                         '; '.join(diff.reshaped[:10]))
    backbone_state = {k: v for k, v in state.items() if k not in head}
    for key in expected:
        if key not in backbone_state:  # counters and ``keep_init`` modules
            backbone_state[key] = expected[key]
    module.load_state_dict(backbone_state, strict=True)
    logger = MMLogger.get_current_instance()
    dropped = sorted({k.split('.')[0] for k in head})
    source = (f"the backbone.* tensors of the whole-model checkpoint "
              f"{filename} (not its {', '.join(whole_model)})"
              if whole_model else filename)
    logger.info(f'Loaded {len(state) - len(head)} backbone tensors from '
                f'{source}; dropped {len(head)} classifier-head tensors '
                f'({", ".join(dropped) or "none"})')
    if initialised:
        groups = []
        for label, names in keep_init.items():
            names = [n for n in names
                     if any(_under(k, [n]) for k in initialised)]
            if names:
                groups.append(f'{label} ({len(names)}: '
                              f'{format_keys(names, limit=4)})')
        note = (f'; dropped the file\'s {len(skipped)} tensors of '
                f'{len(bn_layers)} BN layers'
                if skipped else '')
        logger.info(f'Kept the initialisation of {len(initialised)} tensors '
                    f'{filename} has no weights for: ' + '; '.join(groups) +
                    note)
