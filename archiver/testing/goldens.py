"""Real-page goldens: the page sets under tests/fixtures and how a result is scored against
their hand-written truth. Shared by the golden tests and bench/extraction_eval.py, so the
test's pinned floors and the benchmark's table measure the same thing.

Page sets, each page at <set>/<site>/<kind>-<n>: corpus (.html + .truth.json, beside the test's
.expected.json) and extract_real (.html + .json), both development pages whatever their truth
says; pages/<site>/article-N.{html,json} and newsbody/<site>/article-N.{html,json}, each with a `split`
("dev" or "heldout", chosen per site). newsbody truth holds a body only.
Scores: title exact (whitespace-normalised), date exact (the date part, and HH:MM when the
truth shows a time), source exact (None where the page has none), body character-bigram F1
(whitespace removed).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_WS = re.compile(r"\s+")
FIELDS = ("title", "date", "source")


@dataclass(frozen=True)
class Page:
    pid: str          # "corpus/shanxi-gov-cn/article-1", "pages/pbc/article-1", "newsbody/cjw/article-1"
    raw: bytes
    truth: dict[str, Any]
    group: str        # "corpus", "extract_real", "pages", "newsbody"
    split: str        # "dev" or "heldout"

    @property
    def body_only(self) -> bool:
        return self.group == "newsbody"

    @property
    def url(self) -> str:
        return self.truth.get("url") or f"http://example.gov.cn/{self.pid}.html"


def _per_site(folder: Path, group: str, *, development: bool = False) -> list[Page]:
    """Pages at folder/<site>/<name>.html with their truth in <name>.truth.json or <name>.json;
    ``development``: every page of the set is a development page (no held-out split)."""
    out = []
    for html in sorted(folder.glob("*/*.html")):
        path = next((p for p in (html.with_suffix(".truth.json"), html.with_suffix(".json"))
                     if p.exists()), None)
        if path is None:
            continue
        truth = json.loads(path.read_text("utf-8"))
        split = "dev" if development else truth.get("split", "dev")
        if split not in ("dev", "heldout"):
            raise ValueError(f"{path}: split must be dev or heldout, not {split!r}")
        out.append(Page(f"{group}/{html.parent.name}/{html.stem}", html.read_bytes(), truth, group, split))
    return out


def load_all(fixtures: Path) -> list[Page]:
    """Every real page set under `fixtures` (tests/fixtures), in a stable order."""
    return [*_per_site(fixtures / "corpus", "corpus", development=True),
            *_per_site(fixtures / "extract_real", "extract_real", development=True),
            *_per_site(fixtures / "pages", "pages"), *_per_site(fixtures / "newsbody", "newsbody")]


def bigram_f1(got: str | None, want: str) -> float:
    a, b = _WS.sub("", got or ""), _WS.sub("", want)
    ga, gb = Counter(a[i:i + 2] for i in range(len(a) - 1)), Counter(b[i:i + 2] for i in range(len(b) - 1))
    overlap = sum((ga & gb).values())
    if not overlap:
        return 0.0
    p, r = overlap / sum(ga.values()), overlap / sum(gb.values())
    return 2 * p * r / (p + r)


def norm(text: str | None) -> str | None:
    return _WS.sub(" ", text).strip() or None if text else None


def date_ok(got: str | None, truth: dict[str, Any]) -> bool:
    if not got or got[:10] != truth["date"]:
        return False
    if truth.get("datetime"):
        return len(got) >= 16 and got[11:16] == truth["datetime"][11:16]
    return True


def score(page: Page, got: dict[str, str | None]) -> dict[str, Any]:
    """{"f1": …} plus title/date/source booleans unless the page scores the body only."""
    truth = page.truth
    row: dict[str, Any] = {"f1": bigram_f1(got.get("body"), truth["body"])}
    if not page.body_only:
        row |= {"title": norm(got.get("title")) == norm(truth["title"]),
                "date": date_ok(got.get("date"), truth),
                "source": norm(got.get("source")) == norm(truth["source"])}
    return row
