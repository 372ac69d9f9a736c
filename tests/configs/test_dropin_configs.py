"""The drop-in rule from another project: configs written outside this
repository swap only the ResNet type of mmdet/mmseg recipes (DCN, plugins,
GroupNorm, dilated and multi-grid stages) and get GCPResNet through
``custom_imports``; each builds, loads GCP weights and runs a forward."""
import json
import textwrap

import pytest

from helpers import (distribution_installed, run_tool, save_gcp_checkpoint,
                     venv_python)

# (base config, depth, model-level keywords, what the recipe exercises)
RECIPES = {
    'mmdet': [
        ('mmdet::dcn/faster-rcnn_r50-dconv-c3-c5_fpn_1x_coco.py', 50, {}),
        ('mmdet::gcnet/mask-rcnn_r50-gcb-r4-c3-c5_fpn_1x_coco.py', 50, {}),
        ('mmdet::empirical_attention/'
         'faster-rcnn_r50-attn0010-dcn_fpn_1x_coco.py', 50, {}),
        ('mmdet::gn/mask-rcnn_r50_fpn_gn-all_2x_coco.py', 50, {}),
    ],
    'mmseg': [
        ('mmseg::pspnet/pspnet_r50-d8_4xb2-80k_cityscapes-512x1024.py', 50,
         {'pretrained': None}),
        ('mmseg::deeplabv3plus/'
         'deeplabv3plus_r101-d16-mg124_4xb2-80k_cityscapes-512x1024.py', 101,
         {'pretrained': None}),
    ],
}
# output strides of the backbone's four stages, by recipe
STRIDES = {'mmdet': [4, 8, 16, 32], 'd8': [4, 8, 8, 8],
           'd16': [4, 8, 16, 16]}

SCRIPT = '''
import json, logging, sys, torch
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.registry import init_default_scope

lines = []
handler = logging.Handler()
handler.emit = lambda record: lines.append(record.getMessage())
results = []
for path in sys.argv[1:]:
    cfg = Config.fromfile(path)
    assert 'mmgcp' in sys.modules, 'custom_imports did not import mmgcp'
    init_default_scope(cfg.default_scope)
    if cfg.default_scope == 'mmseg':
        from mmseg.registry import MODELS
    else:
        from mmdet.registry import MODELS
    model = MODELS.build(cfg.model)
    lines.clear()
    MMLogger.get_current_instance().addHandler(handler)
    model.backbone.init_weights()
    MMLogger.get_current_instance().removeHandler(handler)
    model.eval()
    with torch.no_grad():
        x = torch.randn(1, 3, 64, 64)
        feats = model.backbone(x)
        model.extract_feat(x)
    results.append(dict(
        config=path, backbone=type(model.backbone).__name__,
        sizes=[64 // f.shape[-1] for f in feats],
        convs=sorted({type(m).__name__ for m in model.backbone.modules()
                      if 'Conv' in type(m).__name__ or 'Block' in
                      type(m).__name__ or 'Attention' in type(m).__name__
                      or 'Norm' in type(m).__name__}),
        kept=[l for l in lines if l.startswith('Kept')]))
print('RESULTS ' + json.dumps(results))
'''


@pytest.mark.parametrize('toolbox', RECIPES)
def test_recipes_take_gcpresnet_through_custom_imports(tmp_path, toolbox):
    configs = []
    for i, (base, depth, model_keys) in enumerate(RECIPES[toolbox]):
        weights = save_gcp_checkpoint(tmp_path / f'gcp_r{depth}.pth', depth)
        model = dict(model_keys, backbone=dict(
            type='GCPResNet', init_cfg=dict(type='Pretrained',
                                            checkpoint=weights)))
        path = tmp_path / f'project_config_{i}.py'
        path.write_text(textwrap.dedent(f'''
            _base_ = {base!r}
            custom_imports = dict(imports=['mmgcp'],
                                  allow_failed_imports=False)
            model = {model!r}
        '''))
        configs.append(str(path))
    script = SCRIPT
    if toolbox == 'mmseg' and not distribution_installed('mmsegmentation'):
        # the maintained forks: mmengine looks `mmseg::` up as the
        # distribution mmsegmentation, which they do not have, while
        # parsing the bases, before custom_imports run; docs/install.md
        # says to import mmgcp first there
        proc = run_tool([venv_python(), '-W', 'ignore', '-c',
                         'import sys; from mmengine.config import Config; '
                         'Config.fromfile(sys.argv[1])', configs[0]],
                        cwd=str(tmp_path), env=dict(PYTHONPATH=''),
                        check=False)
        assert proc.returncode != 0 and \
            'mmsegmentation is not installed' in proc.stdout
        script = 'import mmgcp\n' + SCRIPT
    proc = run_tool([venv_python(), '-W', 'ignore', '-c', script] + configs,
                    cwd=str(tmp_path), env=dict(PYTHONPATH=''))
    line = [x for x in proc.stdout.splitlines() if x.startswith('RESULTS ')]
    results = json.loads(line[-1][len('RESULTS '):])
    assert len(results) == len(configs)
    name = 'GCPResNet' if toolbox == 'mmdet' else 'SegGCPResNet'
    assert {r['backbone'] for r in results} == {name}
    by_base = {base.split('/')[-1]: r
               for (base, _, _), r in zip(RECIPES[toolbox], results)}
    if toolbox == 'mmdet':
        assert all(r['sizes'] == STRIDES['mmdet'] for r in results)
        dcn = by_base['faster-rcnn_r50-dconv-c3-c5_fpn_1x_coco.py']
        assert 'DeformConv2dPack' in dcn['convs']
        assert len(dcn['kept']) == 1 and 'DCN offsets (13:' in dcn['kept'][0]
        gcb = by_base['mask-rcnn_r50-gcb-r4-c3-c5_fpn_1x_coco.py']
        assert 'ContextBlock' in gcb['convs']
        assert 'plugins (13:' in gcb['kept'][0]  # c3-c5: layer2..4
        attn = by_base['faster-rcnn_r50-attn0010-dcn_fpn_1x_coco.py']
        assert 'GeneralizedAttention' in attn['convs']
        assert 'DCN offsets' in attn['kept'][0]
        assert 'plugins (9:' in attn['kept'][0]
        gn = by_base['mask-rcnn_r50_fpn_gn-all_2x_coco.py']
        assert 'GroupNorm' in gn['convs'] and 'BatchNorm2d' not in gn['convs']
        assert 'GroupNorm layers (53:' in gn['kept'][0]
    else:
        psp, deeplab = results
        assert psp['sizes'] == STRIDES['d8']
        assert deeplab['sizes'] == STRIDES['d16']
        # plain recipes: every backbone tensor comes from the file
        assert psp['kept'] == deeplab['kept'] == []
