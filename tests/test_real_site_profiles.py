"""Every real site profile against its own recorded pages.

Each ``tests/fixtures/sites/real/<site>/pages.json`` names the recorded pages (served URL,
repository, commit, path, sha256) and the paging evidence the pages carry; provenance and the
search behind them: tests/fixtures/sites/SOURCES.md. Checked here:

* the fixture bytes are the bytes the provenance names;
* a profile is ``verified = true`` exactly when a real listing and a real article are recorded;
* the paging rule read from each real listing page (or API answer) gives the page after it
  and the page count its own evidence states (createPageHTML, pager variables, 第N页/共M页,
  trsapi recordCount/prepage, Hanweb totalrecord);
* for verified profiles: the real listing, read with the profile, links the real article, and
  the real article extracts with the profile (title, date, source).

The crawl of the saved pages served on 127.0.0.1 is tests/test_crawl_real.py.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import urljoin

import pytest

from archiver.listings import PageRequest, parse_listing
from archiver.listings.hanweb import records
from archiver.listings.model import clean_url
from archiver.process import extract
from archiver.profiles import find_profile, load_all
from tests.conftest import REAL

SITES = sorted(p.parent.name for p in REAL.glob("*/pages.json"))
LISTING_KINDS = ("listing", "listing-api")


def _pages(site: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REAL / site / "pages.json").read_text(encoding="utf-8"))
    return data


def _text(site: str, name: str) -> str:
    return (REAL / site / name).read_bytes().decode("utf-8")


def _recorded(site: str, kind: str) -> list[dict[str, Any]]:
    """The site's real pages of one kind (rebuilt stand-ins excluded)."""
    return [p for p in _pages(site)["pages"] if p["kind"] == kind and not p.get("rebuilt")]


def _verified() -> list[str]:
    return sorted(p.id for p in load_all() if p.verified and (REAL / p.id / "pages.json").exists())


PAGED = [s for s in SITES if _pages(s).get("paging")]
VERIFIED = _verified()


@pytest.mark.parametrize("site", SITES)
def test_recorded_bytes_match_provenance(site: str) -> None:
    for page in _pages(site)["pages"]:
        body = (REAL / site / page["file"]).read_bytes()
        assert hashlib.sha256(body).hexdigest() == page["sha256"], page["file"]
        assert len(body) == page["bytes"], page["file"]
        if not page.get("rebuilt"):
            assert page["repo"] and len(page["commit"]) == 40 and page["path"], page["file"]


@pytest.mark.parametrize("site", SITES)
def test_verified_exactly_when_real_listing_and_article(site: str) -> None:
    real_pair = bool(_recorded(site, "listing")) and bool(_recorded(site, "article"))
    assert find_profile(site).verified is real_pair
    assert _pages(site)["verified"] is real_pair


def test_every_verified_profile_has_recorded_pages() -> None:
    """No profile may claim verified without fixtures; at least one does (pingtan)."""
    claimed = sorted(p.id for p in load_all() if p.verified)
    assert claimed == VERIFIED and VERIFIED


def _request(site: str, page: dict[str, Any]) -> PageRequest | None:
    """The request that fetched an API answer, as the crawl would have made it."""
    if page["kind"] != "listing-api":
        return None
    form = tuple(sorted(_pages(site)["paging"]["form"].items()))
    return PageRequest(page["url"], page.get("method", "POST"), form, "hanweb_proxy", page["page"])


@pytest.mark.parametrize("site", PAGED)
def test_paging_rule_against_the_listing_evidence(site: str) -> None:
    data = _pages(site)
    paging, hints = data["paging"], find_profile(site).sections[0].hints
    pages = [p for p in data["pages"] if p["kind"] in LISTING_KINDS]
    assert pages
    text = "".join(_text(site, p["file"]) for p in pages)
    assert all(e in text for e in paging["evidence"]), "evidence not in the recorded pages"
    for page in pages:
        listing = parse_listing(_text(site, page["file"]), page["url"], hints,
                                page=page.get("page", 1), request=_request(site, page))
        assert listing.total_pages == paging["page_count"], page["file"]
        assert listing.article_urls, page["file"]
        if page["file"] in paging.get("next_page", {}):
            nxt = paging["next_page"][page["file"]]   # None: the last page, nothing after it
            assert listing.next_pages == ([nxt] if nxt else []), page["file"]
            assert [r.page for r in listing.requests] == ([page.get("page", 1) + 1] if nxt else [])
        if (first := paging.get("first_api_request")) and page.get("page", 1) == 1:
            req = listing.requests[0]
            assert (req.url, req.method, dict(req.form)) == (first["url"], first["method"], first["form"])


@pytest.mark.parametrize("name", [f"api-{k}.xml" for k in range(1, 6)])
def test_hanweb_proxy_answers_page_on(name: str) -> None:
    """gxt-jiangsu's real dataproxy.jsp answers: every record is an article link, the count is
    totalrecord/perpage, and the next window starts after the last record this answer held."""
    paging = _pages("gxt-jiangsu")["paging"]
    page = next(p for p in _pages("gxt-jiangsu")["pages"] if p["file"] == name)
    text, hints = _text("gxt-jiangsu", name), find_profile("gxt-jiangsu").sections[0].hints
    listing = parse_listing(text, page["url"], hints, page=page["page"],
                            request=_request("gxt-jiangsu", page))
    assert len(records(text)) == paging["records_per_answer"]
    assert len(listing.article_urls) == paging["records_per_answer"]
    assert all(u.startswith("https://gxt.jiangsu.gov.cn/art/") for u in listing.article_urls)
    assert listing.total_pages == -(-paging["records"] // paging["per_page"]) == paging["page_count"]
    start = (page["page"] - 1) * paging["per_page"] + 1
    nxt = listing.requests[0]
    assert nxt.method == "POST" and dict(nxt.form) == paging["form"]
    assert f"startrecord={start + paging['records_per_answer']}&" in nxt.url
    assert f"perpage={paging['per_page']}" in nxt.url


@pytest.mark.parametrize("site", VERIFIED)
def test_verified_listing_links_the_recorded_article(site: str) -> None:
    listing_page = next(p for p in _recorded(site, "listing") if p.get("page", 1) == 1)
    article, = _recorded(site, "article")
    profile = find_profile(site)
    assert clean_url(listing_page["url"]) == clean_url(profile.sections[0].url)
    listing = parse_listing(_text(site, listing_page["file"]), listing_page["url"],
                            profile.sections[0].hints)
    assert clean_url(article["url"]) in {clean_url(urljoin(listing_page["url"], u))
                                         for u in listing.article_urls}


@pytest.mark.parametrize("site", VERIFIED)
def test_verified_article_extracts_with_the_profile(site: str) -> None:
    article, = _recorded(site, "article")
    body = (REAL / site / article["file"]).read_bytes()
    got = extract(body, article["url"], selectors=find_profile(site).selectors)
    assert got.page_kind == "article"
    assert got.title == article["title"]
    assert (got.published_at or "")[:10] == article["date"]
    assert got.source == article["source"]
    assert article["body_contains"] in (got.body or "")


def test_article_only_sites_extract_too() -> None:
    """Real articles of unverified sites (their listings are rebuilt) still extract right."""
    checked = 0
    for site in SITES:
        for article in _recorded(site, "article"):
            if site in VERIFIED:
                continue
            got = extract((REAL / site / article["file"]).read_bytes(), article["url"],
                          selectors=find_profile(site).selectors)
            assert (got.title, (got.published_at or "")[:10], got.source) == \
                (article["title"], article["date"], article["source"]), site
            checked += 1
    assert checked >= 2


def test_fixture_dirs_all_have_provenance() -> None:
    dirs = sorted(p.name for p in REAL.iterdir() if p.is_dir())
    assert dirs == SITES
    assert all(isinstance(_pages(s)["pages"], list) and _pages(s)["site"] == s for s in SITES)
