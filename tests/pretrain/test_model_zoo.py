"""The model-zoo table and the download path, against a loopback server."""
import functools
import os.path as osp
import hashlib
import http.server
import threading

import pytest
import torch

from mmgcp.pretrain import (MODEL_ZOO, CheckpointLayoutError, DownloadError,
                            convert_command,
                            convert_official, download_checkpoint, zoo_entry,
                            zoo_markdown)

from helpers import ROOT, own_lines, run_tool, venv_python
from reference_models import ReleasedGCPResNet


@pytest.fixture
def server(tmp_path):
    """Serve tmp_path/www on 127.0.0.1; yields (root dir, base URL)."""
    root = tmp_path / 'www'
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(root))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f'http://127.0.0.1:{httpd.server_address[1]}'
    finally:
        httpd.shutdown()
        httpd.server_close()


def released_zoo_file(directory, depth=18):
    """A checkpoint in the fast-MPN-COV zoo layout, named name-<sha8>.pth."""
    torch.manual_seed(0)
    state = ReleasedGCPResNet(depth, 'isqrt', 256,
                              num_classes=10).state_dict()
    tmp = directory / 'tmp.pth'
    torch.save(state, tmp)
    sha = hashlib.sha256(tmp.read_bytes()).hexdigest()
    final = directory / f'mpncovresnet{depth}-{sha[:8]}.pth'
    tmp.rename(final)
    return final, state


def test_table():
    names = [e.name for e in MODEL_ZOO]
    assert len(names) == len(set(names))
    assert zoo_entry('ResNet50_GCP_LRnorm').top1 == 78.56
    assert zoo_entry('ResNet50_DropCov').reduced_channels == 128
    assert zoo_entry('ResNet50_GCP_LRadju').config == \
        'configs/pretrain/resnet50-isqrt-d256_8xb32-lradj_in1k.py'
    assert zoo_entry('ResNet50_GAP_LRnorm').config == \
        'configs/pretrain/resnet50_8xb32-lrnorm_in1k.py'
    # every released model has a config that builds it (the public
    # transformer baselines: mmpretrain's own); only the Swin-T DropCov,
    # released without its model code, has none
    import mmpretrain
    mim = osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'configs')
    for entry in MODEL_ZOO:
        if entry.config is None:
            assert entry.name == 'Swin-T+DropCov'
            assert 'no model code was released' in entry.not_converted
        elif entry.config.startswith('mmpretrain::'):
            assert osp.isfile(osp.join(
                mim, entry.config[len('mmpretrain::'):])), entry.name
        else:
            assert osp.isfile(osp.join(ROOT, entry.config)), entry.name
    assert zoo_entry('DeiT-S+DropCov').config == \
        'configs/pretrain/convtoken-deit-small-dropcov_8xb128_in1k.py'
    assert zoo_entry('T2T-ViT-14+DropCov').config == \
        'configs/pretrain/convtoken-t2t-vit-14-dropcov_8xb128_in1k.py'
    assert zoo_entry('mpncovresnet50').sha256_prefix == '15991845'
    assert zoo_entry('ShuffleNetV2_GCP_LRfast').config == \
        'configs/pretrain/shufflenet-v2-1x-isqrt-d256_16xb64-lrfast_in1k.py'
    assert sum(e.model == 'shufflenet_v2' for e in MODEL_ZOO) == 6
    ms = zoo_entry('MindSpore_ResNet50_FastMPN')
    assert (ms.top1, ms.reduced_channels, ms.published_params_m,
            ms.published_flops_g, ms.framework) == (77.71, 128, 32.3, 6.19,
                                                    'mindspore')
    assert ms.config == \
        'configs/pretrain/resnet50-isqrt-d128-ms_4xb64-linear_in1k.py'
    assert convert_command(ms) == (
        'python tools/convert_official.py MindSpore_ResNet50_FastMPN.ckpt '
        'OUT --zoo-name MindSpore_ResNet50_FastMPN')
    assert convert_command(zoo_entry('mpncovresnet101')) == \
        'python tools/convert_official.py --download mpncovresnet101 OUT'
    # GCP_Optimization released GAP ResNets for every depth and schedule
    assert {(e.depth, e.schedule) for e in MODEL_ZOO
            if e.model == 'resnet' and e.pooling == 'gap'} == {
        (d, s) for d in (18, 34, 50, 101)
        for s in ('LRnorm', 'LRfast', 'LRadju')}
    assert (zoo_entry('ResNet101_DropCov').published_params_m,
            zoo_entry('ResNet101_DropCov').published_flops_g) == (51.0, 9.9)
    assert {(e.depth, e.pooling) for e in MODEL_ZOO
            if e.framework == 'mindspore'} == {
        (d, p) for d in (18, 34, 50) for p in ('isqrt', 'dropcov')}
    table = zoo_markdown()
    assert table.count('\n') == len(MODEL_ZOO) + 1
    with pytest.raises(KeyError, match='known: ResNet18_GCP_LRnorm'):
        zoo_entry('ResNet200')


def test_download_verifies_and_caches(server, tmp_path):
    root, base = server
    src, state = released_zoo_file(root)
    cache = tmp_path / 'cache'
    path = download_checkpoint(f'{base}/{src.name}', str(cache),
                               progress=False)
    assert open(path, 'rb').read() == src.read_bytes()
    src.unlink()  # a second call uses the cache, no request
    assert download_checkpoint(f'{base}/{src.name}', str(cache)) == path
    assert [p.name for p in cache.iterdir()] == [src.name]


def test_mismatching_download_leaves_no_file(server, tmp_path):
    root, base = server
    src, _ = released_zoo_file(root)
    wrong = root / 'mpncovresnet18-00000000.pth'
    src.rename(wrong)
    cache = tmp_path / 'cache'
    with pytest.raises(DownloadError, match='does not start with 00000000'):
        download_checkpoint(f'{base}/{wrong.name}', str(cache),
                            progress=False)
    assert list(cache.iterdir()) == []
    with pytest.raises(DownloadError, match='404'):
        download_checkpoint(f'{base}/missing-12345678.pth', str(cache),
                            progress=False)
    assert list(cache.iterdir()) == []


def test_zoo_metadata_and_checks():
    torch.manual_seed(0)
    state = ReleasedGCPResNet(50, 'isqrt', 256).state_dict()
    converted, _ = convert_official(state, 'x.pth', zoo_name='mpncovresnet50')
    assert converted['meta']['top1'] == 78.29
    assert converted['meta']['zoo_name'] == 'mpncovresnet50'
    assert converted['meta']['config'] == \
        'configs/pretrain/resnet50-isqrt-d256_8xb32-lrnorm_in1k.py'
    with pytest.raises(CheckpointLayoutError,
                       match='depth is 50, expected 101'):
        convert_official(state, 'x.pth', zoo_name='mpncovresnet101')


def test_convert_tool_downloads_from_loopback(server, tmp_path):
    root, base = server
    src, state = released_zoo_file(root)
    cache = tmp_path / 'cache'
    # the tool downloads a zoo entry; point an entry-shaped URL at loopback
    code = (
        'import runpy, sys, mmgcp.pretrain.model_zoo as z, dataclasses\n'
        f'z.MODEL_ZOO.append(dataclasses.replace(z.zoo_entry('
        f'"mpncovresnet50"), name="loopback18", depth=18, '
        f'url="{base}/{src.name}"))\n'
        f'sys.argv = ["convert_official.py", "--download", "loopback18", '
        f'"{tmp_path / "r18"}", "--backbone", "--cache-dir", "{cache}"]\n'
        'runpy.run_path("tools/convert_official.py", run_name="__main__")\n')
    out = run_tool([venv_python(), '-c', code]).stdout
    assert 'layout: fast_mpn_cov_zoo' in out
    backbone = out.strip().splitlines()[-1].split()[-1]
    loaded = torch.load(backbone, weights_only=True)
    assert loaded['meta']['depth'] == 18
    assert torch.equal(loaded['state_dict']['conv1.weight'],
                       state['conv1.weight'])


def test_docs_render_the_current_table():
    doc = open(osp.join(ROOT, 'docs', 'model_zoo.md')).read()
    assert zoo_markdown() in doc
    assert '(docs/model_zoo.md)' in open(osp.join(ROOT, 'README.md')).read()


def test_download_without_network_is_one_line(tmp_path):
    """No server at the entry's address (as without a network): one line
    naming the URL, no traceback, nothing written."""
    from helpers import free_port
    url = f'http://127.0.0.1:{free_port()}/mpncovresnet18-0123abcd.pth'
    code = (
        'import runpy, sys, mmgcp.pretrain.model_zoo as z, dataclasses\n'
        f'z.MODEL_ZOO.append(dataclasses.replace(z.zoo_entry('
        f'"mpncovresnet50"), name="offline18", depth=18, url="{url}"))\n'
        f'sys.argv = ["convert_official.py", "--download", "offline18", '
        f'"{tmp_path / "r18"}", "--cache-dir", "{tmp_path / "cache"}"]\n'
        'runpy.run_path("tools/convert_official.py", run_name="__main__")\n')
    proc = run_tool([venv_python(), '-c', code], check=False)
    assert proc.returncode != 0
    assert 'Traceback' not in proc.stdout
    lines = own_lines(proc.stdout)
    assert len(lines) == 1 and lines[0].startswith(
        f'convert_official.py: {url}: download failed (')
    assert not list(tmp_path.glob('r18*'))
