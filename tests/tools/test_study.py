"""The GAP vs GCP study end to end, at toy size."""
import json

from helpers import run_tool, venv_python


def test_study_writes_all_plots_and_resumes(tmp_path):
    args = [venv_python(), 'tools/study_gap_vs_gcp.py', '--work-dir',
            str(tmp_path / 'study'), '--data-root', str(tmp_path / 'tex'),
            '--epochs', '1', '--train-per-class', '4', '--val-per-class',
            '2', '--landscape-interval', '2', '--corruptions', 'fog',
            'gaussian_noise', '--severities', '2', '--docs',
            str(tmp_path / 'docs')]
    out = run_tool(args).stdout
    for name in ('convergence.png', 'landscape.png', 'robustness.png'):
        assert (tmp_path / 'docs' / name).read_bytes()[:4] == b'\x89PNG'
    summary = (tmp_path / 'docs' / 'summary.md').read_text()
    assert '| GAP |' in summary and '| iSQRT-COV |' in summary
    assert 'mCE vs GAP' in summary and 'loss band' in summary
    for run in ('resnet18_gap_textures', 'resnet18_isqrt_textures'):
        landscape = json.loads(
            (tmp_path / 'study' / run / 'landscape.json').read_text())
        # 10 classes x 4 images, batch 32: 2 iterations, both measured
        assert [r['iter'] for r in landscape['records']] == [1, 2]
        assert len(landscape['records'][0]['loss']) == 50
    assert 'Epoch(train)' in out
    # a second call reuses the finished trainings and evaluations
    out = run_tool(args).stdout
    assert 'reusing the finished run' in out
    assert 'resuming: 3 evaluations' in out
    assert 'Epoch(train)' not in out
