"""Golden test over every real page of the pages/ and newsbody/ sets, development and held-out
alike: each page and each group is held to pinned floors (tests/fixtures/extraction_floors.json,
written by `bench/extraction_eval.py --pin`). Better results pass; worse ones fail, so a rule
that helps one page cannot silently cost another. A page added without a floor fails too."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.process import extract
from archiver.testing.goldens import FIELDS, Page, load_all, score

FIXTURES = Path(__file__).parent / "fixtures"
FLOORS = json.loads((FIXTURES / "extraction_floors.json").read_text("utf-8"))
PAGES = {p.pid: p for p in load_all(FIXTURES) if p.group in ("pages", "newsbody")}
_SLACK = 1e-9


@pytest.fixture(scope="module")
def scored() -> dict[str, dict]:
    out = {}
    for pid, page in PAGES.items():
        art = extract(page.raw, page.url, content_type="text/html")
        out[pid] = score(page, {"title": art.title, "date": art.published_at, "source": art.source,
                                "body": art.body})
    return out


def test_every_page_has_a_pinned_floor() -> None:
    hint = "re-pin: bench/extraction_eval.py --pin tests/fixtures/extraction_floors.json"
    assert sorted(PAGES) == sorted(FLOORS["pages"]), hint


@pytest.mark.parametrize("pid", sorted(PAGES))
def test_page_holds_its_floor(pid: str, scored: dict[str, dict]) -> None:
    floor, got = FLOORS["pages"][pid], scored[pid]
    for field in FIELDS:
        if floor.get(field):
            assert got[field], f"{pid}: {field} was right when pinned"
    assert got["f1"] >= floor["f1"] - _SLACK, (pid, got["f1"], floor["f1"])


def _group(pages: list[Page], scored: dict[str, dict]) -> dict[str, float]:
    rows = [scored[p.pid] for p in pages]
    out = {"f1_mean": sum(r["f1"] for r in rows) / len(rows), "below_0.80": sum(r["f1"] < 0.80 for r in rows)}
    for field in FIELDS:
        if any(field in r for r in rows):
            out[field] = sum(r[field] for r in rows) / len(rows)
    return out


@pytest.mark.parametrize("name", sorted(FLOORS["groups"]))
def test_group_holds_its_floors(name: str, scored: dict[str, dict]) -> None:
    group, split = name.split("/")
    got = _group([p for p in PAGES.values() if p.group == group and p.split == split], scored)
    floor = FLOORS["groups"][name]
    assert got["below_0.80"] <= floor["below_0.80"], (name, got)
    for key in ("f1_mean", *FIELDS):
        if key in floor:
            assert got[key] >= floor[key] - _SLACK, (name, key, got[key], floor[key])
