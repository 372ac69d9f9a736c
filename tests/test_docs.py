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
