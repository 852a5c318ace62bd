"""The fixture tree: saved pages named by site and kind, and no byte-identical copies (a page two
sets need is referenced, as sites/real/<site>/pages.json does, never copied)."""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict

import pytest

from tests.conftest import FIXTURES

# Page sets named <set>/<site>/<kind>-<n>.<ext> (site: the host, www. dropped, dots to hyphens).
NAMED_SETS = ("corpus", "extract_real", "extract", "pages", "newsbody")
PAGE_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*/[a-z]+-\d+\.(html|json|truth\.json|expected\.json)")
NOT_PAGES = re.compile(r"[^/]+\.(md|py)")  # provenance notes and generators beside the pages


@pytest.mark.parametrize("name", NAMED_SETS)
def test_saved_pages_are_named_by_site_and_kind(name: str) -> None:
    folder = FIXTURES / name
    paths = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]
    assert paths
    assert [p for p in paths if not PAGE_NAME.fullmatch(p) and not NOT_PAGES.fullmatch(p)] == []


def test_no_byte_identical_fixture_copies() -> None:
    by_hash: dict[str, list[str]] = defaultdict(list)
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            by_hash[hashlib.sha256(path.read_bytes()).hexdigest()].append(str(path.relative_to(FIXTURES)))
    assert [names for names in by_hash.values() if len(names) > 1] == []
