"""Helpers the tests share: paths, tiny configs and data, running the
repository's tools, building a config's model. (The fixtures are in
conftest.py.)"""
import ast
import functools
import os
import os.path as osp
import socket
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from mmgcp.datasets import (SyntheticCocoSpec, SyntheticImagesSpec,  # noqa
                            generate_synthetic_coco,
                            generate_synthetic_images)

DEMO_CONFIG = osp.join(ROOT, 'configs', 'demo',
                       'mask_rcnn_r18_gcp_m_synthetic.py')
PRETRAIN_DEMO_CONFIG = osp.join(ROOT, 'configs', 'pretrain', 'demo',
                                'resnet18-isqrt-d64_synthetic-textures.py')
TINY_SPEC = SyntheticCocoSpec(num_train=8, num_val=4, image_size=64, seed=1)


def write_tiny_config(directory, data_root, max_iters=4, ckpt_interval=2,
                      extra=''):
    """A config inheriting the demo config, sized for tests."""
    path = osp.join(str(directory), 'tiny_mask_rcnn_gcp_m.py')
    with open(path, 'w') as f:
        f.write(f'''
_base_ = {DEMO_CONFIG!r}
data_root = {data_root.rstrip('/') + '/'!r}
image_size = 64
loader = dict(batch_size=2, num_workers=0, persistent_workers=False,
              dataset=dict(data_root=data_root))
train_dataloader = loader
val_dataloader = loader
test_dataloader = loader
val_evaluator = dict(ann_file=data_root + 'annotations/instances_val.json')
test_evaluator = val_evaluator
train_cfg = dict(max_iters={max_iters}, val_interval={max_iters})
param_scheduler = [dict(type='ConstantLR', factor=1.0, by_epoch=False)]
optim_wrapper = dict(optimizer=dict(lr=0.01))
default_hooks = dict(
    logger=dict(interval=1),
    checkpoint=dict(interval={ckpt_interval}, max_keep_ckpts=10))
{extra}
''')
    return path


def tiny_pretrain_config(tmp_path, batch_size, max_epochs, extra=''):
    """The demo pretraining config (d=16) on 3 classes x 4 images of
    32 px."""
    root = str(tmp_path / 'tex')
    generate_synthetic_images(root, SyntheticImagesSpec(
        num_classes=3, train_per_class=4, val_per_class=2, image_size=32))
    config = tmp_path / 'tiny_pretrain.py'
    config.write_text(f'''
_base_ = {PRETRAIN_DEMO_CONFIG!r}
model = dict(neck=dict(reduced_channels=16),
             head=dict(num_classes=3, in_channels=136))
data_preprocessor = dict(num_classes=3)
train_dataloader = dict(batch_size={batch_size}, num_workers=0,
                        dataset=dict(data_root={root!r}))
val_dataloader = dict(batch_size={batch_size}, num_workers=0,
                      dataset=dict(data_root={root!r}))
test_dataloader = val_dataloader
val_evaluator = dict(topk=(1, 2))
test_evaluator = val_evaluator
train_cfg = dict(max_epochs={max_epochs}, val_interval=1)
{extra}
''')
    return config


def build_config_model(path, options=None):
    """The model of config ``path`` (``options``: ``--cfg-options``-style
    overrides), built in the config's registry scope, in eval mode."""
    from mmgcp.engine import build_model, load_run_config
    return build_model(load_run_config(str(path), cfg_options=options))


def assert_same_logits(reference, converted, tmp_path, size=64):
    """The model of the config the converter named, with the options it
    gave, loads the file strictly and computes the reference's logits."""
    import torch
    from mmgcp.checkpoint import load_matching_checkpoint
    path = tmp_path / 'converted.pth'
    torch.save(converted, path)
    meta = converted['meta']
    model = build_config_model(osp.join(ROOT, meta['config']),
                               meta['config_options'])
    load_matching_checkpoint(model, str(path))  # strict, names the keys
    x = torch.randn(2, 3, size, size, generator=torch.Generator()
                    .manual_seed(1))
    with torch.no_grad():
        expected = reference(x)
        got = model(x, mode='tensor')
    torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-4)


def random_classifier_checkpoint(config, directory, std):
    """A classifier checkpoint of pretraining ``config`` with random
    weights (normal, ``std``), as training writes it; (path, state)."""
    import torch
    torch.manual_seed(0)
    model = build_config_model(config)
    for p in model.parameters():
        p.data.normal_(0, std)
    path = str(directory / 'classifier.pth')
    torch.save(dict(meta=dict(epoch=1), state_dict=model.state_dict()),
               path)
    return path, model.state_dict()


def fit_mask_rcnn(recipe, classes):
    """A Mask R-CNN recipe fitted to ``classes`` classes, with fewer
    proposals and RoIs: a short CPU step."""
    recipe.merge_from_dict({
        'model.roi_head.bbox_head.num_classes': classes,
        'model.roi_head.mask_head.num_classes': classes,
        'model.train_cfg.rpn_proposal.max_per_img': 64,
        'model.train_cfg.rcnn.sampler.num': 32,
        'model.test_cfg.rpn.max_per_img': 32})
    return recipe


def venv_python():
    return sys.executable


def run_tool(args, cwd=ROOT, timeout=600, env=None, check=True):
    """Run a command (list) and return the CompletedProcess, text output."""
    full_env = dict(os.environ, PYTHONUNBUFFERED='1', **(env or {}))
    full_env.pop('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', None)
    proc = subprocess.run(args, cwd=cwd, env=full_env, timeout=timeout,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f'{args} failed ({proc.returncode}):\n'
                             f'{proc.stdout[-6000:]}')
    return proc


def distribution_installed(name):
    """Whether the distribution ``name`` is installed (the maintained
    forks install the toolboxes' modules under other distribution
    names)."""
    from importlib.metadata import PackageNotFoundError, distribution
    try:
        distribution(name)
    except PackageNotFoundError:
        return False
    return True


@functools.lru_cache(maxsize=None)
def toolbox_import_lines():
    """What importing the installed toolboxes prints (the forks' datasets
    print "Could not import OneDL..." without their optional package):
    lines that are not mmgcp's output."""
    proc = run_tool([venv_python(), '-W', 'ignore', '-c',
                     'import mmcv.ops, mmengine.runner, '
                     'mmdet.datasets, mmdet.models, mmseg.datasets, '
                     'mmseg.models, mmpretrain.datasets, mmpretrain.models'])
    return frozenset(proc.stdout.splitlines())


def own_lines(output):
    """The lines of a command's output that are mmgcp's own."""
    return [line for line in output.strip().splitlines()
            if line not in toolbox_import_lines()]


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def run_dist(*argv):
    """Run a tools/dist_*.sh command line on CPU processes (gloo) with this
    interpreter, on a free port; returns the CompletedProcess."""
    bindir = osp.dirname(sys.executable)
    return run_tool(['bash'] + [str(a) for a in argv],
                    env=dict(PORT=str(free_port()), PYTHON=sys.executable,
                             PATH=bindir + os.pathsep + os.environ['PATH'],
                             OMP_NUM_THREADS='1'))


def save_gcp_checkpoint(path, depth=50):
    """Save a GCP classifier checkpoint (random weights, the released
    layout with its FC) of the given depth to ``path``; returns the path."""
    import torch
    from mmgcp.models import GCPResNet
    torch.manual_seed(depth)
    state = GCPResNet(depth, 'M').state_dict()
    state['fc.weight'] = torch.zeros(10, 32896)
    torch.save(dict(state_dict={'module.' + k: v for k, v in state.items()}),
               str(path))
    return str(path)


def first_base(path):
    """The first entry of a config file's ``_base_``."""
    for node in ast.parse(open(path).read()).body:
        if isinstance(node, ast.Assign) and node.targets[0].id == '_base_':
            bases = ast.literal_eval(node.value)
            return bases if isinstance(bases, str) else bases[0]
    raise AssertionError(f'{path} has no _base_')


def tiny_seg_run_config(tmp_path, model_config, seed=4):
    """The segmentation demo's data settings (a generated set of 4 train / 2
    val images of 64 px) around the model of ``model_config``, fitted to
    the demo's classes and size; returns the Config."""
    from mmengine.config import Config
    from mmgcp.datasets import generate_synthetic_seg
    root = str(tmp_path / 'seg')
    generate_synthetic_seg(root, SyntheticCocoSpec(
        num_train=4, num_val=2, image_size=64, seed=seed))
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'demo',
                                   'sem_fpn_r18_gcp_m_synthetic_seg.py'))
    loader = dict(batch_size=2, num_workers=0, persistent_workers=False,
                  dataset=dict(data_root=root))
    cfg.merge_from_dict(dict(train_dataloader=loader, val_dataloader=loader,
                             test_dataloader=loader))
    recipe = model_config if isinstance(model_config, Config) else \
        Config.fromfile(model_config)
    recipe.merge_from_dict({
        'model.data_preprocessor.size': (64, 64),
        'model.decode_head.num_classes': cfg.num_classes,
        'model.auxiliary_head.num_classes': cfg.num_classes})
    cfg.model = recipe.model
    return cfg


def run_one_iteration(cfg, work_dir):
    """Train ``cfg`` one iteration and evaluate it in mmengine's Runner;
    returns the run's log text."""
    from mmengine.runner import Runner
    cfg.work_dir = str(work_dir)
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=1,
                         val_interval=1)
    cfg.param_scheduler = [dict(type='ConstantLR', factor=1.0,
                                by_epoch=False)]
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook',
                                        by_epoch=False, interval=1)
    cfg.default_hooks.logger = dict(type='LoggerHook', interval=1)
    runner = Runner.from_cfg(cfg)
    runner.train()
    log = open(osp.join(runner.log_dir, f'{runner.timestamp}.log')).read()
    del runner
    return log
