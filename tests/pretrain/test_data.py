import pytest
import torch
from mmengine.dataset import pseudo_collate

from mmgcp.datasets import SyntheticImagesSpec, generate_synthetic_images
from mmgcp.pretrain import ImageFolderDataset, TopKAccuracy

SPEC = SyntheticImagesSpec(num_classes=3, train_per_class=4, val_per_class=2,
                           image_size=32, seed=5)
TRAIN = [dict(type='LoadImage'), dict(type='RandomResizedCrop', size=24),
         dict(type='RandomFlip', prob=0.5, direction='horizontal'),
         dict(type='PackClsInputs')]
TEST = [dict(type='LoadImage'), dict(type='ResizeShortSide', size=28),
        dict(type='CenterCrop', crop_size=24), dict(type='PackClsInputs')]


@pytest.fixture(scope='module')
def textures(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('textures'))
    return generate_synthetic_images(root, SPEC)


def test_folder_layout(textures):
    ds = ImageFolderDataset(textures['train'], pipeline=TRAIN)
    assert len(ds) == 12
    assert ds.metainfo['classes'] == ('class_00', 'class_01', 'class_02')
    item = ds[0]
    assert item['inputs'].shape == (3, 24, 24)
    assert item['inputs'].dtype == torch.uint8
    assert item['data_samples'].gt_label == 0
    batch = pseudo_collate([ds[i] for i in range(4)])
    assert len(batch['data_samples']) == 4


def test_eval_pipeline_is_deterministic(textures):
    ds = ImageFolderDataset(textures['val'], pipeline=TEST, test_mode=True)
    assert torch.equal(ds[1]['inputs'], ds[1]['inputs'])
    assert ds[1]['inputs'].shape == (3, 24, 24)


def test_flat_layout_with_label_file(textures, tmp_path):
    import shutil
    flat = tmp_path / 'val_flat'
    flat.mkdir()
    lines = []
    for label in range(3):
        src = f'{textures["val"]}/class_{label:02d}/00000.png'
        shutil.copy(src, flat / f'img_{label}.png')
        lines.append(f'img_{label}.png {label}')
    (flat / 'labels.txt').write_text('\n'.join(lines) + '\n')
    ds = ImageFolderDataset(str(flat), ann_file='labels.txt', pipeline=TEST)
    assert [ds.get_data_info(i)['gt_label'] for i in range(3)] == [0, 1, 2]
    (flat / 'bad.txt').write_text('img_0.png zero\n')
    with pytest.raises(ValueError, match='bad.txt:1'):
        ImageFolderDataset(str(flat), ann_file='bad.txt', pipeline=TEST)
    (flat / 'missing.txt').write_text('nope.png 1\n')
    with pytest.raises(FileNotFoundError, match='nope.png'):
        ImageFolderDataset(str(flat), ann_file='missing.txt', pipeline=TEST)


def test_empty_and_missing_folders(tmp_path):
    (tmp_path / 'empty' / 'class_a').mkdir(parents=True)
    with pytest.raises(ValueError, match='no images found'):
        ImageFolderDataset(str(tmp_path / 'empty'), pipeline=TEST)
    (tmp_path / 'flatimgs').mkdir()
    with pytest.raises(ValueError, match='no class folders'):
        ImageFolderDataset(str(tmp_path / 'flatimgs'), pipeline=TEST)
    with pytest.raises(FileNotFoundError, match='nowhere'):
        ImageFolderDataset(str(tmp_path / 'nowhere'), pipeline=TEST)


def test_corrupt_image_is_named_or_skipped_on_request(tmp_path, textures):
    import shutil
    root = tmp_path / 'train'
    shutil.copytree(textures['train'], root)
    (root / 'class_01' / '00002.png').write_bytes(b'not an image')
    ds = ImageFolderDataset(str(root), pipeline=TEST)
    bad = next(i for i in range(len(ds))
               if ds.get_data_info(i)['img_path'].endswith('01/00002.png'))
    with pytest.raises(ValueError, match='00002.png: cannot decode'):
        ds[bad]
    skipping = ImageFolderDataset(str(root), pipeline=TEST, skip_corrupt=True)
    with pytest.warns(UserWarning, match='skipping .*00002.png'):
        item = skipping[bad]
    assert item['inputs'].shape == (3, 24, 24)


def test_topk_accuracy():
    metric = TopKAccuracy(topk=(1, 2))
    scores = torch.tensor([[0.1, 0.7, 0.2], [0.5, 0.1, 0.4],
                           [0.2, 0.3, 0.5]])
    metric.process(None, [dict(pred_scores=s, gt_label=label)
                          for s, label in zip(scores, [1, 2, 0])])
    assert metric.compute_metrics(metric.results) == pytest.approx(
        dict(top1=100 / 3, top2=200 / 3))
    with pytest.raises(ValueError, match='empty evaluation set'):
        TopKAccuracy().compute_metrics([])
