"""CLI around crawling: sites [--check], crawl --all, argument errors."""
from __future__ import annotations

from pathlib import Path

from archiver.testing.siteserver import SiteServer
from tests.crawlkit import FAST, cli, make_site, rows, write_profile


def test_sites_lists_and_validates() -> None:
    r = cli("sites")
    assert r.returncode == 0, r.stderr
    for site in ("ycdjw", "pingtan", "jiangxi", "sthjt-jiangxi", "samr-cfda", "shanxi"):
        assert site in r.stdout


def test_sites_reports_invalid_profile(tmp_path: Path) -> None:
    write_profile(tmp_path, "http://127.0.0.1:9", sections=[("x", "/l.html", "")])
    (tmp_path / "bad.toml").write_text('id = "bad"\nwat = 1\n[[sections]]\nurl = "http://a.gov.cn/"\n')
    r = cli("sites", "--sites-dir", str(tmp_path))
    assert r.returncode != 0 and "unknown key(s) wat" in r.stdout + r.stderr


def test_sites_check_and_crawl_all(tmp_path: Path) -> None:
    make_site(tmp_path / "site", per_page=3, pages=1)
    with SiteServer(tmp_path / "site") as srv:
        write_profile(tmp_path / "sites", srv.base_url, sections=[("trs", "/trs/index.html", "")])
        write_profile(tmp_path / "sites", srv.base_url, site_id="second",
                      sections=[("next", "/next/list.html", "")])
        r = cli("sites", "--check", "--sites-dir", str(tmp_path / "sites"))
        assert r.returncode == 0, r.stdout + r.stderr
        assert "trs: 3 links" in r.stdout
        r = cli("crawl", "--all", "--sites-dir", str(tmp_path / "sites"),
                "--db", str(tmp_path / "a.db"), *FAST)
        assert r.returncode == 0, r.stdout + r.stderr[-2000:]
    assert "fixture: ok" in r.stdout and "second: ok" in r.stdout
    assert dict(rows(tmp_path / "a.db", "SELECT site, count(*) FROM articles GROUP BY site")) == \
        {"fixture": 3, "second": 3}
    assert "fixture/trs: listings=1" in r.stderr          # plain progress lines off a TTY


def test_crawl_needs_a_target() -> None:
    r = cli("crawl")
    assert r.returncode != 0 and "--all" in r.stderr


def test_live_progress_on_request(tmp_path: Path) -> None:
    make_site(tmp_path / "site", per_page=2, pages=1)
    with SiteServer(tmp_path / "site") as srv:
        write_profile(tmp_path / "sites", srv.base_url, sections=[("trs", "/trs/index.html", "")])
        r = cli("crawl", "fixture", "--sites-dir", str(tmp_path / "sites"),
                "--db", str(tmp_path / "a.db"), *FAST, "-s", "ARCHIVER_PROGRESS=live")
    assert r.returncode == 0
    # rich Live drew the block (cursor hidden while it runs) and left its last state on screen
    assert "\x1b[?25l" in r.stderr and "\x1b[2Kfixture/trs: listings=1 articles=2 new=2" in r.stderr
