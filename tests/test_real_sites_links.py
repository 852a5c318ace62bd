"""Precision and recall of listing link extraction on every real recorded listing with
hand-checked truth: the real sites' listings (with their profile, and bare as a bare URL
would be read) and the corpus listings. A listing must yield its section's article links
and nothing else (no navigation, footers, other sections, counters)."""
from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import urljoin

import pytest

from archiver.listings import parse_listing
from archiver.listings.model import clean_url
from archiver.profiles import find_profile
from tests.conftest import FIXTURES, REAL, real_page

log = logging.getLogger(__name__)
CORPUS = FIXTURES / "listings"
URLS = {"netease-nsh": "https://n.netease.com/forum-9-1.html"}
DEFAULT_URL = "http://www.example.gov.cn/col/list/index.html"
REAL_SITES = sorted(p.parent.name for p in REAL.glob("*/listing.truth.json"))


def _truth(path: Path, url: str) -> set[str]:
    links = json.loads(path.read_text(encoding="utf-8"))["article_links"]
    return {clean_url(urljoin(url, h)) for h in links}


def _cases() -> list[tuple[str, str, str, set[str], bool]]:
    """(name, html, url, truth, with_profile)."""
    out = []
    for site in REAL_SITES:
        url = find_profile(site).sections[0].url
        html = real_page(site, "listing").read_text(encoding="utf-8")
        truth = _truth(REAL / site / "listing.truth.json", url)
        out.append((f"{site}+profile", html, url, truth, True))
        if json.loads((REAL / site / "listing.truth.json").read_text(encoding="utf-8")).get("bare", True):
            out.append((f"{site}-bare", html, url, truth, False))
    for path in sorted(CORPUS.glob("*/listing-*.json")):
        meta = json.loads(path.read_text(encoding="utf-8"))
        site = path.parent.name
        url = URLS.get(site) or meta.get("url") or DEFAULT_URL
        html = path.with_suffix(".html").read_text(encoding="utf-8")
        out.append((f"corpus-{site}-{path.stem}", html, url, _truth(path, url), False))
    return out


def _score(case: tuple[str, str, str, set[str], bool]) -> tuple[float, float]:
    name, html, url, truth, with_profile = case
    hints = find_profile(name.split("+")[0]).sections[0].hints if with_profile else None
    got = set(parse_listing(html, url, hints).article_urls)
    hit = len(got & truth)
    return (hit / len(got) if got else 0.0), (hit / len(truth) if truth else 1.0)


CASES = _cases()


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_listing_links_precision_recall(case: tuple[str, str, str, set[str], bool]) -> None:
    precision, recall = _score(case)
    log.info("%s: precision %.3f recall %.3f", case[0], precision, recall)
    assert (precision, recall) == (1.0, 1.0), f"{case[0]}: P={precision:.3f} R={recall:.3f}"


def test_listing_links_micro_average() -> None:
    """The table the lead asked for: micro-averaged over every real listing."""
    got_total = hit_total = truth_total = 0
    for name, html, url, truth, with_profile in CASES:
        hints = find_profile(name.split("+")[0]).sections[0].hints if with_profile else None
        got = set(parse_listing(html, url, hints).article_urls)
        got_total, hit_total, truth_total = (got_total + len(got), hit_total + len(got & truth),
                                             truth_total + len(truth))
    assert len(CASES) >= 13 and truth_total > 300
    assert hit_total / got_total == 1.0 and hit_total / truth_total == 1.0
