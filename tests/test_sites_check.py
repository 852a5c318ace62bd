"""`archiver sites --check` fetches through the crawl's own path (issue 10): robots.txt,
the wall check and the decoder are the crawl's, so the check and a crawl never disagree."""
from __future__ import annotations

import json
from pathlib import Path

from archiver.crawl.check import failure_note, listing_note
from archiver.testing.siteserver import SiteServer
from tests.crawlkit import FAST, cli, make_site, write_profile


def test_listing_note() -> None:
    page = "<ul>" + "".join(f'<li><a href="/a/t2024050{i}_{i}.html">第三届知道安全论坛鸟巢举办 知道创宇发布新版ZoomEye{i}</a></li>'
                            for i in range(1, 4)) + "</ul>"
    assert listing_note(200, {"Content-Type": "text/html; charset=gbk"}, page.encode("gbk"),
                        "http://127.0.0.1/list.html") == "3 links"
    assert listing_note(521, {}, b"<script>document.cookie=1</script>", "http://127.0.0.1/") \
        .startswith("blocked")
    assert listing_note(500, {}, b"", "http://127.0.0.1/") == "fetch failed (HTTP 500)"
    assert failure_note("IgnoreRequest", "Forbidden by robots.txt") == "robots.txt forbids it"


def test_sites_check_uses_the_crawl_fetch_path(tmp_path: Path) -> None:
    root = tmp_path / "site"
    make_site(root, per_page=3, pages=1)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    (root / "private").mkdir()
    (root / "private" / "list.html").write_bytes((root / "trs" / "index.html").read_bytes())
    (root / "wall.html").write_text("<script>document.cookie=('_')+('_')+('j');location.href=location.pathname</script>")
    (root / "wall.html.headers.json").write_text(json.dumps({"status": 521, "headers": {"Content-Type": "text/html"}}))
    # A GBK listing that says charset=utf-8: the crawl's decoder reads it anyway.
    gbk = (root / "trs" / "index.html").read_text(encoding="utf-8").replace('charset="utf-8"', "")
    (root / "gbk.html").write_bytes(gbk.encode("gbk"))
    (root / "gbk.html.headers.json").write_text(json.dumps({"status": 200, "headers": {"Content-Type": "text/html; charset=utf-8"}}))
    with SiteServer(root) as srv:
        write_profile(tmp_path / "sites", srv.base_url, sections=[
            ("trs", "/trs/index.html", ""), ("gbk", "/gbk.html", ""),
            ("private", "/private/list.html", ""), ("wall", "/wall.html", "")])
        r = cli("sites", "--check", "--sites-dir", str(tmp_path / "sites"), *FAST)
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert "trs: 3 links" in out and "gbk: 3 links" in out
    assert "wall: blocked (521" in out
    # robots.txt: the check goes through the crawl's RobotsTxtMiddleware, so it says what
    # the crawl does. (Both currently fetch a Disallowed *listing* start URL while refusing
    # Disallowed article links: reported as an open bug, not settled here.)
    assert "private: " in out
