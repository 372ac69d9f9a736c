"""Package boundaries and how other projects import mmgcp."""
import ast
import glob
import os.path as osp
import textwrap

from helpers import (ROOT, own_lines, run_tool, tiny_pretrain_config,
                     venv_python, write_tiny_config)

OPENMMLAB = ('mmcv', 'mmdet', 'mmengine', 'mmseg', 'mmpretrain')


def imported_modules(package_dir):
    """(file, absolute module name) of every import under ``package_dir``,
    relative imports resolved."""
    for path in glob.glob(osp.join(ROOT, package_dir, '**', '*.py'),
                          recursive=True):
        package = osp.relpath(osp.dirname(path), ROOT).split(osp.sep)
        tree = ast.parse(open(path).read())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name
            elif isinstance(node, ast.ImportFrom):
                base = package[:len(package) - node.level + 1] \
                    if node.level else []
                yield path, '.'.join(base + [node.module] if node.module
                                     else base)


def test_ops_and_pooling_source_import_no_openmmlab():
    for package in ('mmgcp/ops', 'mmgcp/pooling'):
        # mmgcp.utils is standard library only
        bad = [(p, m) for p, m in imported_modules(package)
               if m.split('.')[0] in OPENMMLAB or m.startswith('mmgcp.')
               and not m.startswith(('mmgcp.ops', 'mmgcp.pooling',
                                     'mmgcp.utils'))]
        assert not bad
    assert list(imported_modules('mmgcp/pooling'))  # the check reads files


def test_models_never_import_pretraining_or_tools():
    # the detection side must work without mmpretrain
    assert not [(p, m) for p, m in imported_modules('mmgcp/models')
                if m.split('.')[0] == 'mmpretrain']
    # and pretraining without mmdet
    assert not [(p, m) for p, m in imported_modules('mmgcp/pretrain')
                if m.split('.')[0] == 'mmdet' or m.startswith('mmgcp.models')]
    bad = [(p, m) for p, m in imported_modules('mmgcp/models')
           if m.startswith(('mmgcp.pretrain', 'tools'))]
    assert not bad
    assert not [(p, m) for p, m in imported_modules('mmgcp')
                if m.split('.')[0] == 'tools']


def test_analysis_computes_and_the_engine_runs():
    # one direction only: the engine (hooks, benchmark runs) uses analysis
    assert not [(p, m) for p, m in imported_modules('mmgcp/analysis')
                if m.startswith('mmgcp.engine')]
    assert any(m.startswith('mmgcp.analysis')
               for _, m in imported_modules('mmgcp/engine'))


def test_ops_import_without_openmmlab(tmp_path):
    code = textwrap.dedent('''
        import sys
        for name in ('mmcv', 'mmdet', 'mmengine', 'mmseg', 'mmpretrain'):
            sys.modules[name] = None  # any import of them now fails
        import torch
        import mmgcp
        from mmgcp.pooling import ISqrtCov
        out = ISqrtCov(4)(torch.randn(2, 4, 3, 3))
        assert out.shape == (2, 10)
        assert not hasattr(mmgcp, 'models')
        print('ok')
    ''')
    proc = run_tool([venv_python(), '-c', code], cwd=str(tmp_path))
    assert proc.stdout.strip().endswith('ok')


def test_import_ops_and_pooling_load_no_openmmlab_package(tmp_path):
    # the packages are installed here: nothing may pull them in
    code = textwrap.dedent(f'''
        import sys
        import torch
        import mmgcp.ops
        from mmgcp.pooling import ISqrtCov
        assert ISqrtCov(4)(torch.randn(2, 4, 3, 3)).shape == (2, 10)
        print(sorted({{m.split('.')[0] for m in sys.modules}}
                     & set({OPENMMLAB!r})))
    ''')
    proc = run_tool([venv_python(), '-c', code], cwd=str(tmp_path))
    assert proc.stdout.strip().splitlines()[-1] == '[]'


def test_registration_in_either_import_order(tmp_path):
    code = textwrap.dedent('''
        import sys
        first, second = sys.argv[1:]
        __import__(first)
        __import__(second)
        import mmgcp
        from mmdet.registry import MODELS
        from mmengine.registry import HOOKS
        import mmdet
        print(MODELS.get('GCPResNet') is mmgcp.models.GCPResNet,
              HOOKS.get('mmgcp.LandscapeHook').__name__,
              type(mmdet.__loader__).__name__)
    ''')
    for order in (['mmgcp', 'mmdet.registry'], ['mmdet.registry', 'mmgcp']):
        proc = run_tool([venv_python(), '-W', 'ignore', '-c', code] + order,
                        cwd=str(tmp_path))
        assert own_lines(proc.stdout) == [
            'True LandscapeHook SourceFileLoader'], order


def test_asking_whether_a_toolbox_is_installed_keeps_its_registration(
        tmp_path):
    code = textwrap.dedent('''
        import importlib.util
        import mmgcp
        assert importlib.util.find_spec('mmseg') is not None  # not loaded
        from mmseg.registry import DATASETS
        print(DATASETS.get('CheckedSegDataset').__name__)
    ''')
    proc = run_tool([venv_python(), '-W', 'ignore', '-c', code],
                    cwd=str(tmp_path))
    assert proc.stdout.split()[-1] == 'CheckedSegDataset'


def test_nothing_registered_in_mmengine_root_registries():
    import mmgcp  # noqa: F401
    import mmgcp.engine  # noqa: F401  (hooks, wrapper)
    import mmgcp.datasets  # noqa: F401  (transforms)
    from mmengine import registry
    from mmgcp import registry as own
    roots = [getattr(registry, name) for name in dir(registry)
             if isinstance(getattr(registry, name), registry.Registry)]
    assert len(roots) > 10
    ours = [(root.name, key) for root in roots
            for key, cls in root.module_dict.items()
            if getattr(cls, '__module__', '').startswith('mmgcp')]
    assert not ours
    assert own.HOOKS.get('LandscapeHook').__module__.startswith('mmgcp.')
    assert registry.TRANSFORMS.get('mmgcp.SeededCorrupt') is \
        mmgcp.datasets.SeededCorrupt


def test_custom_imports_from_a_config_outside_the_repo(tmp_path):
    config = tmp_path / 'my_project_config.py'
    config.write_text(textwrap.dedent('''
        _base_ = 'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py'
        custom_imports = dict(imports=['mmgcp'], allow_failed_imports=False)
        model = dict(
            backbone=dict(type='GCPResNet', depth=18, variant='M',
                          init_cfg=None),
            neck=dict(in_channels=[64, 128, 256, 512]))
    '''))
    code = textwrap.dedent(f'''
        import sys, torch
        from mmengine.config import Config
        from mmengine.registry import init_default_scope
        cfg = Config.fromfile({str(config)!r})
        assert 'mmgcp' in sys.modules
        init_default_scope(cfg.default_scope)
        from mmdet.registry import MODELS
        model = MODELS.build(cfg.model)
        feats = model.extract_feat(torch.randn(1, 3, 64, 64))
        print(type(model.backbone).__name__, len(feats))
    ''')
    proc = run_tool([venv_python(), '-c', code], cwd=str(tmp_path),
                    env=dict(PYTHONPATH=''))
    assert proc.stdout.strip().endswith('GCPResNet 5')


def test_mmgcp_imports_quietly_without_mmseg(tmp_path):
    code = without(['mmseg'], '''
        import mmgcp
        from mmdet.registry import MODELS
        assert MODELS.get('GCPResNet') is mmgcp.models.GCPResNet
        assert not hasattr(mmgcp.models, 'SegGCPResNet')
        print('ok')
    ''')
    proc = run_tool([venv_python(), '-W', 'ignore', '-c', code],
                    cwd=str(tmp_path))
    assert own_lines(proc.stdout) == ['ok']


def test_registered_in_mmseg_when_installed():
    import mmseg  # noqa: F401  (installed with the test requirements)
    from mmseg.registry import DATASETS, MODELS, TRANSFORMS

    import mmgcp  # noqa: F401
    from mmgcp.models import SegGCPResNet
    assert MODELS.get('GCPResNet') is SegGCPResNet
    assert DATASETS.get('CheckedSegDataset') is not None
    assert TRANSFORMS.get('CheckSegLabels') is not None


def without(packages, code):
    """Python code that runs ``code`` as if ``packages`` were not
    installed."""
    return ('import sys\n' + ''.join(f'sys.modules[{p!r}] = None\n'
                                     for p in packages) +
            textwrap.dedent(code))


def test_segmentation_backbone_without_mmdet(tmp_path):
    code = without(['mmdet'], '''
        import torch
        import mmgcp
        from mmseg.registry import MODELS
        assert MODELS.get('GCPResNet') is mmgcp.models.SegGCPResNet
        assert not hasattr(mmgcp.models, 'GCPResNet')
        net = MODELS.build(dict(
            type='GCPResNet', depth=18, strides=(1, 2, 1, 1),
            dilations=(1, 1, 2, 4), contract_dilation=True))
        outs = net.eval()(torch.randn(1, 3, 32, 32))
        print([o.shape[-1] for o in outs])
    ''')
    proc = run_tool([venv_python(), '-W', 'ignore', '-c', code],
                    cwd=str(tmp_path))
    assert proc.stdout.strip().endswith('[8, 4, 4, 4]')


def test_pretraining_runs_without_mmdet_and_mmseg(tmp_path):
    config = tiny_pretrain_config(tmp_path, 4, 1)
    code = without(['mmdet', 'mmseg'], f'''
        import runpy
        import mmgcp
        from mmpretrain.registry import MODELS, PARAM_SCHEDULERS
        assert MODELS.get('GCPNeck') is mmgcp.pretrain.GCPNeck
        assert PARAM_SCHEDULERS.get('mmgcp.GCPEpochLR') is not None
        assert not hasattr(mmgcp, 'models')
        sys.argv = ['train.py', {str(config)!r}, '--work-dir',
                    {str(tmp_path / 'work')!r}]
        runpy.run_path('tools/train.py', run_name='__main__')
        assert 'mmdet' not in sys.modules or sys.modules['mmdet'] is None
        print('trained without mmdet')
    ''')
    out = run_tool([venv_python(), '-c', code]).stdout
    assert 'Epoch(train) [1]' in out and 'accuracy/top1' in out
    assert out.strip().endswith('trained without mmdet')


def test_detection_trains_without_mmpretrain(tmp_path, synthetic_coco):
    config = write_tiny_config(tmp_path, synthetic_coco[0], max_iters=1,
                               ckpt_interval=1)
    code = without(['mmpretrain'], f'''
        import runpy
        import mmgcp
        from mmdet.registry import MODELS
        assert MODELS.get('GCPResNet') is mmgcp.models.GCPResNet
        assert not hasattr(mmgcp, 'pretrain')
        sys.argv = ['train.py', {config!r}, '--work-dir',
                    {str(tmp_path / 'work')!r}]
        runpy.run_path('tools/train.py', run_name='__main__')
        print('trained without mmpretrain')
    ''')
    out = run_tool([venv_python(), '-c', code]).stdout
    assert 'Iter(train) [1/1]' in out and 'coco/bbox_mAP' in out
    assert out.strip().endswith('trained without mmpretrain')
