"""Golden tests on the second real-page set (other government sites, hand-checked truth)."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from archiver.process import extract

REAL = Path(__file__).parent / "fixtures" / "extract_real"
PAGES = sorted(str(p.relative_to(REAL).with_suffix("")) for p in REAL.glob("*/*.html"))  # "<site>/article-<n>"
_WS = re.compile(r"\s+")


def _f1(got: str, want: str) -> float:
    a, b = _WS.sub("", got), _WS.sub("", want)
    ga, gb = Counter(a[i:i + 2] for i in range(len(a) - 1)), Counter(b[i:i + 2] for i in range(len(b) - 1))
    overlap = sum((ga & gb).values())
    return 0.0 if not overlap else 2 * overlap / (sum(ga.values()) + sum(gb.values()))


@pytest.fixture(scope="module")
def results() -> dict:
    out = {}
    for pid in PAGES:
        truth = json.loads((REAL / f"{pid}.json").read_text("utf-8"))
        out[pid] = (extract((REAL / f"{pid}.html").read_bytes(), truth["url"]), truth)
    return out


@pytest.mark.parametrize("pid", PAGES)
def test_extract_real_fields(pid: str, results: dict) -> None:
    art, truth = results[pid]
    assert art.page_kind == "article"
    assert _WS.sub(" ", art.title or "").strip() == truth["title"]
    assert (art.published_at or "")[:10] == truth["date"]
    if truth.get("datetime"):
        assert (art.published_at or "")[11:16] == truth["datetime"][11:16]
    assert art.source == truth["source"]
    assert _f1(art.body or "", truth["body"]) >= 0.80


def test_extract_real_body_mean(results: dict) -> None:
    scores = [_f1(art.body or "", truth["body"]) for art, truth in results.values()]
    assert sum(scores) / len(scores) >= 0.97, scores
