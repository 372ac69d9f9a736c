"""Loading a run's config the way mmdet's tools do."""
import os.path as osp
from typing import Optional

from mmengine.config import Config
from mmengine.registry import MODELS, init_default_scope

__all__ = ['load_run_config', 'build_model', 'drop_backbone_init',
           'set_data_root']


def load_run_config(path: str, launcher: str = 'none',
                    cfg_options: Optional[dict] = None,
                    work_dir: Optional[str] = None) -> Config:
    """Read ``path``, apply ``--cfg-options`` and settle the work dir.

    The work dir is ``work_dir``, else the config's, else
    ``work_dirs/<config name>``.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file {path} does not exist')
    cfg = Config.fromfile(path)
    cfg.launcher = launcher
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    cfg.work_dir = work_dir or cfg.get('work_dir') or osp.join(
        'work_dirs', osp.splitext(osp.basename(path))[0])
    return cfg


def build_model(cfg: Config):
    """The config's model, built in the config's registry scope (no
    ``init_weights``: the caller loads a checkpoint)."""
    init_default_scope(cfg.get('default_scope', 'mmengine'))
    model = MODELS.build(cfg.model)
    model.eval()
    return model


def drop_backbone_init(cfg: Config) -> None:
    """Skip the backbone's pretrained init: a whole-model checkpoint is
    about to replace every weight (and its file may not be here)."""
    if cfg.model.get('backbone', {}).get('init_cfg') is not None:
        cfg.model.backbone.init_cfg = None


def set_data_root(cfg: Config, data_root: str) -> None:
    """Point the train, val and test datasets (inside any dataset
    wrappers) at ``data_root``."""
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = cfg[name].dataset
        while 'dataset' in dataset:
            dataset = dataset.dataset
        dataset.data_root = data_root
