"""Static checks of the bundled demo site (data/demo): counts, encodings, pagination,
links, and the consistency of expected.json with the served bytes."""
from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import parsel
import pytest

from archiver.testing.siteserver import SiteServer, resolve_file

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
SITE = DEMO / "site"
EXPECTED = json.loads((DEMO / "expected.json").read_text("utf-8"))
ARTICLES = EXPECTED["articles"]
SECTIONS = EXPECTED["sections"]
TRS_CALL = re.compile(r'createPageHTML\((\d+),\s*(\d+),\s*"index",\s*"html"\)')
SPAM = "国产高清天天在线"


def _file(path: str) -> Path:
    found = resolve_file(SITE.resolve(), *urlsplit(path)[2:4])
    assert found is not None and found.is_file(), path
    return found


def _sidecar(path: str) -> dict:
    side = _file(path).with_name(_file(path).name + ".headers.json")
    return json.loads(side.read_text("utf-8")) if side.is_file() else {}


@cache
def _text(path: str) -> str:
    """A page decoded as the site's own pages say (listings and chrome are GB2312/GBK)."""
    data = _file(path).read_bytes()
    enc = next((a["encoding"] for a in ARTICLES if a["path"] == path), "gbk")
    return data.decode(enc)


def _local_links(page_path: str) -> list[str]:
    sel = parsel.Selector(_text(page_path))
    base = "http://demo" + page_path
    out = []
    for href in sel.css("a::attr(href)").getall():
        url = urljoin(base, href)
        if url.startswith("http://demo/"):
            out.append(url.removeprefix("http://demo"))
    return out


def test_demo_site_counts() -> None:
    assert len(SECTIONS) >= 3
    assert len(ARTICLES) >= 60
    assert len({a["title"] for a in ARTICLES}) == len(ARTICLES)
    assert {s["pagination"] for s in SECTIONS} == {"next_link", "trs_script"}
    assert sorted(p for s in SECTIONS for p in s["article_paths"]) == sorted(a["path"] for a in ARTICLES)


def test_demo_site_article_files_and_records() -> None:
    years = Counter()
    for rec in ARTICLES:
        assert _file(rec["path"])
        published = rec["published_at"]
        day = dt.date.fromisoformat(published[:10])
        years[day.year] += 1
        if len(published) > 10:
            assert dt.datetime.fromisoformat(published).utcoffset() == dt.timedelta(hours=8)
        assert rec["source"] and rec["section"] in {s["name"] for s in SECTIONS}
    assert set(years) == {2022, 2023, 2024}


def test_demo_site_clean_pages_show_their_record() -> None:
    for rec in (a for a in ARTICLES if not a["corrupted"]):
        text = _text(rec["path"])
        assert rec["title"] in text and rec["source"] in text, rec["path"]
        assert SPAM not in text
        if rec["author"]:
            assert f"作者：{rec['author']}" in text


def test_demo_site_corrupted_pages_look_like_the_seed() -> None:
    corrupted = [a for a in ARTICLES if a["corrupted"]]
    assert 3 <= len(corrupted) <= 5
    for rec in corrupted:
        text = _text(rec["path"])
        assert rec["title"] not in text  # only repair can bring the title back
        assert SPAM in text
        assert re.search(r"[\u4e00-\u9fff]\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)", text)
        assert "?" in text and rec["encoding"] == "utf-8"


def test_demo_site_encodings_are_mixed_and_true() -> None:
    encodings = Counter(a["encoding"] for a in ARTICLES)
    assert encodings["gbk"] > encodings["utf-8"] > 5
    for rec in ARTICLES:
        _file(rec["path"]).read_bytes().decode(rec["encoding"])  # strict
    headers = [(_sidecar(a["path"]).get("headers", {}).get("Content-Type"), a["encoding"]) for a in ARTICLES]
    assert any(h is None for h, _ in headers), "some pages without a charset"
    assert any(h and "utf-8" in h.lower() and enc == "gbk" for h, enc in headers), "a lying utf-8 header"
    assert any(h and "utf-8" in h.lower() and enc == "utf-8" for h, enc in headers)


def test_demo_site_meta_gb2312_over_gbk_only_characters() -> None:
    hits = []
    for rec in (a for a in ARTICLES if a["encoding"] == "gbk"):
        data = _file(rec["path"]).read_bytes()
        if b"charset=gb2312" in data:
            try:
                data.decode("gb2312")
            except UnicodeDecodeError:
                hits.append(rec["path"])
    assert hits, "meta says gb2312 but the bytes hold 镕/堃 (GBK only)"


def test_demo_site_meta_disagrees_with_true_utf8() -> None:
    assert any(b"charset=gb2312" in _file(a["path"]).read_bytes()
               for a in ARTICLES if a["encoding"] == "utf-8" and not a["corrupted"])


def _walk_listing(section: dict) -> tuple[list[str], list[str]]:
    """Listing pages reached from the start page, and the article links on them."""
    pages, articles, queue = [], [], [section["start_path"]]
    while queue:
        path = queue.pop(0)
        if path in pages:
            continue
        pages.append(path)
        text = _text(path)
        sel = parsel.Selector(text)
        for href in sel.css("ul.list a::attr(href)").getall():
            articles.append(urljoin("http://demo" + path, href).removeprefix("http://demo"))
        if section["pagination"] == "trs_script":
            count, current = map(int, TRS_CALL.search(text).groups())
            assert current == (0 if path.endswith("/index.html") else int(path.rsplit("_", 1)[1][:-5]))
            queue += [f"/{section['key']}/index_{k}.html" for k in range(1, count)]
        else:
            nxt = sel.xpath('//a[text()="下一页"]/@href').get()
            if nxt:
                queue.append(urljoin("http://demo" + path, nxt).removeprefix("http://demo"))
    return pages, articles


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s["key"])
def test_demo_site_pagination_reaches_every_article(section: dict) -> None:
    pages, links = _walk_listing(section)
    assert len(pages) >= 2
    assert sorted(pages) == sorted(section["listing_paths"])
    real = [link for link in links if link not in EXPECTED["soft_404"]]
    assert sorted(real) == sorted(section["article_paths"])


def test_demo_site_trs_page_links_only_in_script() -> None:
    for section in (s for s in SECTIONS if s["pagination"] == "trs_script"):
        for path in section["listing_paths"]:
            assert not re.search(r'href="index_\d+\.html"', _text(path))


def test_demo_site_every_listing_link_resolves() -> None:
    with SiteServer(SITE) as srv:
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
        links = {link for s in SECTIONS for p in s["listing_paths"] for link in _local_links(p)}
        for link in sorted(links):
            conn.request("GET", link)
            resp = conn.getresponse()
            resp.read()
            assert resp.status == 200, link
        conn.close()


def test_demo_site_attachments_exist_and_are_real() -> None:
    attached = [p for a in ARTICLES for p in a["attachments"]]
    assert len(attached) >= 2
    for path in attached:
        data = _file(path).read_bytes()
        assert data.startswith(b"%PDF-1.4") if path.endswith(".pdf") else data.startswith(b"{\\rtf1")


def test_demo_site_robots_soft_404_and_redirect() -> None:
    assert b"Disallow: /search/" in (SITE / "robots.txt").read_bytes()
    assert "页面不存在" in _text(EXPECTED["soft_404"][0])
    assert _sidecar("/old/index.htm")["status"] == 301


def test_demo_site_generator_is_deterministic(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(DEMO / "generate.py"), str(tmp_path)], check=True, capture_output=True)
    fresh = sorted(p.relative_to(tmp_path / "site") for p in (tmp_path / "site").rglob("*") if p.is_file())
    committed = sorted(p.relative_to(SITE) for p in SITE.rglob("*") if p.is_file())
    assert fresh == committed
    assert all((tmp_path / "site" / p).read_bytes() == (SITE / p).read_bytes() for p in fresh)
    assert (tmp_path / "expected.json").read_bytes() == (DEMO / "expected.json").read_bytes()
