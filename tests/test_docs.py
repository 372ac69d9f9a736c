"""The README is the front door: small, and every page of docs/ (and each
config folder's README) is reachable from it through links that resolve."""
import glob
import os.path as osp
import re

from helpers import ROOT

LINK = re.compile(r'\]\(([^)#\s]+)(?:#[^)]*)?\)')


def local_links(path):
    """Targets of the relative links of a markdown file, as paths."""
    text = open(path).read()
    for target in LINK.findall(text):
        if '://' not in target and not target.startswith('mailto:'):
            yield osp.normpath(osp.join(osp.dirname(path), target))


def test_readme_is_a_small_front_door():
    assert osp.getsize(osp.join(ROOT, 'README.md')) < 10 * 1024


def test_every_page_is_reachable_and_every_link_resolves():
    start = osp.join(ROOT, 'README.md')
    seen, todo, broken = {start}, [start], []
    while todo:
        page = todo.pop()
        for target in local_links(page):
            if not osp.exists(target):
                broken.append((osp.relpath(page, ROOT), target))
            elif target.endswith('.md') and target not in seen:
                seen.add(target)
                todo.append(target)
    assert not broken
    pages = set(glob.glob(osp.join(ROOT, 'docs', '**', '*.md'),
                          recursive=True))
    pages |= set(glob.glob(osp.join(ROOT, 'configs', '*', 'README.md')))
    assert pages and not pages - seen, sorted(pages - seen)


def test_benchmark_page_is_the_benchmarks_own_output():
    """docs/benchmarks.md holds tools/benchmark_ops.py's closing block
    verbatim: read back with the benchmark's parser and written again it
    is the same text (figures edited by hand, or a ratio that does not
    follow from its matrix counts, would not be), from the torch the
    README installs."""
    import sys
    sys.path.insert(0, osp.join(ROOT, 'tools'))
    from benchmark_ops import CASES, markdown_block, parse_block
    text = open(osp.join(ROOT, 'docs', 'benchmarks.md')).read()
    block = re.search(r'<!-- benchmark_ops output -->\n```\n(.*?)\n```\n'
                      r'<!-- end benchmark_ops output -->', text, re.S)
    assert block, 'the benchmark block is missing'
    machine, rows = parse_block(block.group(1))
    assert list(rows) == list(CASES)
    assert markdown_block(machine, rows) == block.group(1)
    # the default stack's (the first TORCH of the Makefile)
    torch_pin = re.search(r'^TORCH\s*\?=.*?torch==(\S+)',
                          open(osp.join(ROOT, 'Makefile')).read(), re.M)
    assert f'torch {torch_pin.group(1)}+' in machine or \
        machine.endswith(f'torch {torch_pin.group(1)}')
