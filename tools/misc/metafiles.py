"""Write (or check) the configs' metafiles and the root model-index.yml.

    python tools/misc/metafiles.py          # write them
    python tools/misc/metafiles.py --check  # exit 1 if one is out of date

Results are the papers' as they state them: the COCO table of Wang et al.
(CVPR 2020) for the Faster/Mask R-CNN configs, and the released
classifiers' ImageNet top-1/top-5 (``mmgcp.pretrain.MODEL_ZOO``) for the
pretraining configs whose recipe made that release. No converted weights
are hosted, so models carry ``Converted From`` (the release and its code)
instead of ``Weights``. The segmentation configs are this project's: no
paper reports them, so they have no results.
"""
import argparse
import glob
import os.path as osp
import re
import sys
from typing import Dict, List

import yaml

from mmengine.config import Config

from mmgcp.evaluation import paper_row, setting_from_config
from mmgcp.pretrain.model_zoo import MODEL_ZOO, SCHEDULE_TAGS

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
HEADER = ('# Written by tools/misc/metafiles.py from the tables in mmgcp\n'
          '# (edit those, then rerun it).\n')

PAPERS = {
    'isqrt': dict(
        Title='Towards Faster Training of Global Covariance Pooling Networks '
        'by Iterative Matrix Square Root Normalization',
        URL='https://arxiv.org/abs/1712.01034'),
    'gcp': dict(
        Title='What Deep CNNs Benefit from Global Covariance Pooling: An '
        'Optimization Perspective',
        URL='https://arxiv.org/abs/2003.11241'),
    'dropcov': dict(
        Title='DropCov: A Simple yet Effective Method for Improving Deep '
        'Architectures',
        URL='https://proceedings.neurips.cc/paper_files/paper/2022/hash/'
        'd9888cc7baa04c2e44e8115588133515-Abstract-Conference.html'),
    'tpami': dict(
        Title='Towards a Deeper Understanding of Global Covariance Pooling '
        'in Deep Learning: An Optimization Perspective (IEEE TPAMI 45(12), '
        '2023)'),
}


def _configs(folder: str) -> List[str]:
    return sorted(osp.basename(p)[:-3] for p in
                  glob.glob(osp.join(ROOT, 'configs', folder, '*.py')))


def _collection(name: str, paper: str, readme: str, data: str,
                architecture: List[str]) -> dict:
    return {'Name': name,
            'Metadata': {'Training Data': data,
                         'Architecture': architecture},
            'Paper': PAPERS[paper], 'README': readme}


def detection() -> dict:
    readme = 'configs/det/README.md'
    collections = [
        _collection('GCP R-CNN', 'gcp', readme, 'COCO',
                    ['FPN', 'RPN', 'ResNet', 'Global Covariance Pooling']),
        _collection('GCP YOLOv3', 'gcp', readme, 'COCO',
                    ['YOLOv3', 'MobileNetV2', 'Global Covariance Pooling']),
        _collection('DropCov Swin-T Mask R-CNN', 'dropcov', readme, 'COCO',
                    ['FPN', 'RPN', 'Swin Transformer', 'DropCov']),
    ]
    models = []
    for name in _configs('det'):
        collection = ('GCP YOLOv3' if name.startswith('yolov3') else
                      'DropCov Swin-T Mask R-CNN' if '_swin-t-' in name else
                      'GCP R-CNN')
        model = {'Name': name, 'In Collection': collection,
                 'Config': f'configs/det/{name}.py',
                 'Metadata': {'Epochs': 300 if 'yolov3' in name else 12}}
        setting = setting_from_config(
            Config.fromfile(osp.join(ROOT, 'configs', 'det', f'{name}.py')))
        box, mask = paper_row(*setting) if setting else (None, None)
        results = []
        if box is not None:
            results.append({'Task': 'Object Detection', 'Dataset': 'COCO',
                            'Metrics': {'box AP': box[0]}})
        if mask is not None:
            results.append({'Task': 'Instance Segmentation',
                            'Dataset': 'COCO', 'Metrics': {'mask AP': mask}})
        if results:
            model['Results'] = results
        models.append(model)
    return {'Collections': collections, 'Models': models}


def segmentation() -> dict:
    readme = 'configs/seg/README.md'
    collections = [
        _collection('GCP ResNet segmentation', 'gcp', readme,
                    'ADE20K, Cityscapes',
                    ['ResNet', 'Global Covariance Pooling']),
        _collection('GCP MobileNetV2 segmentation', 'gcp', readme,
                    'Cityscapes',
                    ['MobileNetV2', 'Global Covariance Pooling']),
        _collection('DropCov Swin-T UperNet', 'dropcov', readme, 'ADE20K',
                    ['Swin Transformer', 'UperNet', 'DropCov']),
    ]
    models = []
    for name in _configs('seg'):
        collection = ('GCP MobileNetV2 segmentation' if 'mobilenet' in name
                      else 'DropCov Swin-T UperNet' if '_swin-t-' in name
                      else 'GCP ResNet segmentation')
        iters = re.search(r'-(\d+)k_', name).group(1)
        models.append({
            'Name': name, 'In Collection': collection,
            'Config': f'configs/seg/{name}.py',
            'Metadata': {'Training Data': ('ADE20K' if 'ade20k' in name
                                           else 'Cityscapes'),
                         'Iterations': int(iters) * 1000,
                         'Crop Size': name.rsplit('-', 1)[1]}})
    return {'Collections': collections, 'Models': models}


def _pretrain_collection(name: str) -> str:
    if '-ms_' in name:
        return 'GCP-OPT MindSpore'
    if 'dropcov' in name:
        return 'DropCov'
    return 'GCP'


def _release(config: str):
    """The first release this config's recipe made, if any."""
    path = f'configs/pretrain/{config}.py'
    for entry in MODEL_ZOO:
        tag = SCHEDULE_TAGS.get(entry.schedule)
        same_recipe = (tag is not None and f'-{tag}_' in config) or \
            entry.framework == 'mindspore' or entry.model == 'conv_token_vit'
        if entry.config == path and same_recipe:
            return entry
    return None


def pretraining() -> dict:
    readme = 'configs/pretrain/README.md'
    collections = [
        _collection('GCP', 'gcp', readme, 'ImageNet-1k',
                    ['ResNet', 'MobileNetV2', 'ShuffleNetV2',
                     'iSQRT-COV']),
        _collection('DropCov', 'dropcov', readme, 'ImageNet-1k',
                    ['ResNet', 'DeiT', 'T2T-ViT', 'Swin Transformer',
                     'DropCov']),
        _collection('GCP-OPT MindSpore', 'tpami', readme, 'ImageNet-1k',
                    ['ResNet', 'iSQRT-COV', 'DropCov']),
    ]
    models = []
    for name in _configs('pretrain'):
        model = {'Name': name, 'In Collection': _pretrain_collection(name),
                 'Config': f'configs/pretrain/{name}.py'}
        entry = _release(name)
        if entry is not None:
            model['Metadata'] = {'Release': entry.name}
            metrics: Dict[str, float] = {'Top 1 Accuracy': entry.top1}
            if entry.top5 is not None:
                metrics['Top 5 Accuracy'] = entry.top5
            model['Results'] = [{'Task': 'Image Classification',
                                 'Dataset': 'ImageNet-1k',
                                 'Metrics': metrics}]
            model['Converted From'] = {'Weights': entry.url or entry.page,
                                       'Code': entry.page}
        models.append(model)
    return {'Collections': collections, 'Models': models}


class _Dumper(yaml.SafeDumper):
    """Writes shared values out in full (no YAML anchors)."""

    def ignore_aliases(self, data) -> bool:
        return True


def contents() -> Dict[str, str]:
    """Path (from the repository root) -> file text."""
    files = {}
    for folder, build in (('det', detection), ('seg', segmentation),
                          ('pretrain', pretraining)):
        files[f'configs/{folder}/metafile.yml'] = HEADER + yaml.dump(
            build(), Dumper=_Dumper, sort_keys=False, width=79)
    files['model-index.yml'] = HEADER + yaml.dump(
        {'Import': list(files)}, Dumper=_Dumper, sort_keys=False)
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--check', action='store_true',
                        help='only say which files are out of date')
    args = parser.parse_args()
    stale = []
    for path, text in contents().items():
        full = osp.join(ROOT, path)
        current = open(full).read() if osp.isfile(full) else None
        if current == text:
            continue
        stale.append(path)
        if not args.check:
            with open(full, 'w') as f:
                f.write(text)
    if args.check and stale:
        print('out of date (run python tools/misc/metafiles.py): ' +
              ', '.join(stale))
        return 1
    print(('wrote ' + ', '.join(stale)) if stale else 'metafiles up to date')
    return 0


if __name__ == '__main__':
    sys.exit(main())
