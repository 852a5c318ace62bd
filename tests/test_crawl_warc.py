"""Listings are archived too (issue 10): listing pages, API answers and robots.txt are
stored like article pages (raw bytes, headers, one row per distinct body), and the WARC
export holds them next to the articles, read back here with warcio."""
from __future__ import annotations

from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archiver.testing.siteserver import SiteServer
from tests.crawlkit import FAST, cli, hanweb_proxy, make_site, rows, write_profile

PROXY = "/module/web/jpage/dataproxy.jsp"


def test_listings_api_answers_and_robots_in_the_warc(tmp_path: Path) -> None:
    root = tmp_path / "site"
    expected = make_site(root, per_page=3, pages=2)
    db = tmp_path / "a.db"
    with SiteServer(root, routes={PROXY: hanweb_proxy(root)}) as srv:
        write_profile(tmp_path / "sites", srv.base_url)
        args = ("crawl", "fixture", "--sites-dir", str(tmp_path / "sites"), "--db", str(db), *FAST)
        assert cli(*args).returncode == 0
        kinds = dict(rows(db, "SELECT kind, count(*) FROM pages GROUP BY kind"))
        assert kinds["article"] == sum(len(v) for v in expected.values())
        assert kinds["robots"] == 1 and kinds["listing"] >= 6 and kinds["api"] >= 3
        again = cli(*args)   # unchanged listings are not stored twice
        assert again.returncode == 0
        assert dict(rows(db, "SELECT kind, count(*) FROM pages GROUP BY kind")) == kinds
    assert rows(db, "SELECT site, section FROM pages WHERE url LIKE '%/trs/index.html'") == [("fixture", "trs")]

    warc = tmp_path / "all.warc.gz"
    r = cli("export", "--format", "warc", "--db", str(db), "-o", str(warc))
    assert r.returncode == 0, r.stderr
    responses: dict[str, bytes] = {}
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                responses[record.rec_headers.get_header("WARC-Target-URI")] = record.content_stream().read()
    paths = {"/" + u.split("/", 3)[3] for u in responses}
    assert {p for v in expected.values() for p in v} <= paths          # the articles
    assert {"/trs/index.html", "/trs/index_1.html", "/col/col100/index.html", "/robots.txt",
            "/api/list.json"} <= paths                                     # the listings
    assert any(p.startswith(PROXY) for p in paths)                         # Hanweb's POST answers
    listing = next(body for u, body in responses.items() if u.endswith("/trs/index.html"))
    assert listing == (root / "trs" / "index.html").read_bytes()           # exact bytes
