"""Coverage is visible (issue 10): where a listing states its size (createPageHTML's page
count, Hanweb's totalRecord, an API's total or pageCount), the run records expected
against archived per section, and `archiver runs` / `archiver stats` show it."""
from __future__ import annotations

import json
from pathlib import Path

from archiver.listings.size import StatedSize, stated_size
from archiver.testing.siteserver import SiteServer
from tests.crawlkit import FAST, cli, hanweb_proxy, make_site, rows, write_profile

PROXY = "/module/web/jpage/dataproxy.jsp"


def test_stated_size_rules() -> None:
    assert stated_size('<script>createPageHTML(5, 0, "index", "html");</script>') == \
        StatedSize(None, 5, "trs_pages")
    assert stated_size("<script>createPageHTML('page_div', 7, 1, 'list', 'shtml', 98);</script>") == \
        StatedSize(98, 7, "trs_records")
    assert stated_size("<script>var totalRecord = 12; perpage:4</script>") == StatedSize(12, None, "hanweb_total")
    assert stated_size('{"data": {"total": 31, "pageCount": 3, "list": []}}') == StatedSize(31, 3, "json_total")
    assert stated_size('{"totalPage": "3", "list": []}') == StatedSize(None, 3, "json_pages")
    assert not stated_size("<ul><li><a href='a.html'>x</a></li></ul>").known


def test_coverage_against_the_sites_true_counts(tmp_path: Path) -> None:
    root = tmp_path / "site"
    expected = make_site(root, per_page=4, pages=3)
    with SiteServer(root, routes={PROXY: hanweb_proxy(root)}) as srv:
        write_profile(tmp_path / "sites", srv.base_url)
        r = cli("crawl", "fixture", "--sites-dir", str(tmp_path / "sites"), "--db", str(tmp_path / "a.db"), *FAST)
    assert r.returncode == 0, r.stdout + r.stderr[-3000:]
    db = tmp_path / "a.db"
    coverage = json.loads(rows(db, "SELECT coverage FROM runs")[0][0])
    truth = {name: len(paths) for name, paths in expected.items()}
    assert {k: c["archived"] for k, c in coverage.items()} == truth
    # What each listing states, and by which rule: the true counts of the fixture site.
    stated = {k: (c["expected"], c["expected_pages"], c["source"]) for k, c in coverage.items()}
    assert stated == {"trs": (None, 3, "trs_pages"), "hanweb": (12, None, "hanweb_total"),
                      "json": (None, 3, "json_pages"), "next": (None, None, None),
                      "num": (None, None, None)}
    assert all(c["walked"] and not c["pending"] and not c["failed"] for c in coverage.values())

    runs = json.loads(cli("runs", "--db", str(db), "--json").stdout)
    assert "hanweb 12/12" in runs[0]["coverage"] and "trs 12 (3 pages)" in runs[0]["coverage"]
    assert (runs[0]["pending"], runs[0]["failed"]) == (0, 0)
    stats = cli("stats", "--db", str(db))
    assert "coverage" in stats.stdout and "12/12" in stats.stdout
