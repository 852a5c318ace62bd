"""Anti-bot answers in a real crawl: recognised, counted as blocked, backed off, never stored;
a blocked or empty listing fails the run (non-zero exit); the run lock refuses overlap."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.crawl.blocking import classify
from archiver.crawl.lock import LockedError, site_lock
from archiver.testing.siteserver import SiteServer
from tests.crawlkit import FAST, article_html, cli, rows, write_profile

CHALLENGES = {
    "b/412.html": ({"status": 412, "headers": {"Set-Cookie": "FSSBBIl1UgzbN7N80S=abc; path=/",
                                                 "Content-Type": "text/html"}},
                   "<html><script>$_ts=window['$_ts'];$_ts.nsd=1;</script></html>"),
    "b/521.html": ({"status": 521, "headers": {"Set-Cookie": "__jsluid_h=1; path=/",
                                                 "Content-Type": "text/html"}},
                   "<script>document.cookie='__jsl_clearance=1;';location.href=location.pathname</script>"),
    "b/wzws.html": ({"status": 200, "headers": {"Set-Cookie": "wzws_cid=abc; path=/",
                                                  "Content-Type": "text/html"}},
                    "<html><script>var wzwschallenge='x';</script></html>"),
    "b/waf.html": ({"status": 403, "headers": {"Content-Type": "text/html; charset=utf-8"}},
                   "<html><title>访问被拒绝</title><body>创宇盾 您的访问被拦截</body></html>"),
    "b/soft.html": ({"status": 200, "headers": {"Content-Type": "text/html; charset=utf-8"}},
                    "<html><head><title>页面不存在</title></head><body>对不起，您访问的页面不存在</body></html>"),
}


def _site(root: Path) -> None:
    for rel, (sidecar, body) in CHALLENGES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(body, encoding="utf-8")
        (root / f"{rel}.headers.json").write_text(json.dumps(sidecar), encoding="utf-8")
    (root / "b" / "ok.html").write_text(article_html("正常的新闻稿件标题关于工作部署", "2023-05-05"),
                                        encoding="utf-8")
    links = [*CHALLENGES, "b/ok.html"]
    (root / "list.html").write_text("<ul>" + "".join(
        f'<li><a href="/{p}">新闻标题{i}关于推进工作</a></li>' for i, p in enumerate(links)) + "</ul>",
        encoding="utf-8")
    (root / "blocked_list.html").write_text("<html>challenge</html>")
    (root / "blocked_list.html.headers.json").write_text(json.dumps(
        {"status": 521, "headers": {"Set-Cookie": "__jsluid_h=1"}}))
    (root / "nothing.html").write_text("<html><body><a href='/'>首页</a></body></html>")


def test_challenges_counted_backed_off_never_stored(tmp_path: Path) -> None:
    _site(tmp_path / "site")
    with SiteServer(tmp_path / "site") as srv:
        write_profile(tmp_path / "sites", srv.base_url,
                      sections=[("news", "/list.html", 'article_selector = "ul a"\n')])
        r = cli("crawl", "fixture", "--sites-dir", str(tmp_path / "sites"),
                "--db", str(tmp_path / "a.db"), *FAST, "-s", "ARCHIVER_BLOCK_LIMIT=10")
    db = tmp_path / "a.db"
    stored = [u for (u,) in rows(db, "SELECT url FROM articles")]
    assert len(stored) == 1 and stored[0].endswith("/b/ok.html")
    assert rows(db, "SELECT count(*) FROM pages WHERE url LIKE '%/b/%' AND url NOT LIKE '%ok.html'")[0][0] == 0
    status, blocked, sections = rows(db, "SELECT status, blocked, sections FROM runs")[0]
    assert blocked == 5 and json.loads(sections)["news"]["blocked"] == 5
    # Partial is a non-zero exit (3), so cron notices; the walls stay pending for a later
    # run, the soft 404 is the site's dead link and is done.
    assert status == "partial" and r.returncode == 3, r.stderr[-2000:]
    assert "site runs partial" in r.stderr
    left = rows(db, "SELECT status, reason, attempts FROM frontier WHERE url LIKE '%/b/%'"
                    " AND url NOT LIKE '%ok.html' ORDER BY url")
    assert sorted(s for s, _, _ in left) == ["done", "pending", "pending", "pending", "pending"]
    assert all(why.startswith("blocked:") and n == 1 for s, why, n in left if s == "pending")
    assert [why for s, why, _ in left if s == "done"] == ["gone: soft-200 error page"]
    assert "5 blocked" in r.stdout


def test_block_limit_stops_the_site_and_fails(tmp_path: Path) -> None:
    _site(tmp_path / "site")
    with SiteServer(tmp_path / "site") as srv:
        write_profile(tmp_path / "sites", srv.base_url, sections=[
            ("blocked", "/blocked_list.html", ""), ("empty", "/nothing.html", "")])
        r = cli("crawl", "fixture", "--sites-dir", str(tmp_path / "sites"),
                "--db", str(tmp_path / "a.db"), *FAST, "-s", "ARCHIVER_BLOCK_LIMIT=1")
    assert r.returncode != 0 and "failed" in r.stderr
    status, _sections = rows(tmp_path / "a.db", "SELECT status, sections FROM runs")[0]
    assert status == "failed"


def test_empty_listing_reported_as_template_change(tmp_path: Path) -> None:
    _site(tmp_path / "site")
    with SiteServer(tmp_path / "site") as srv:
        write_profile(tmp_path / "sites", srv.base_url, sections=[("empty", "/nothing.html", "")])
        r = cli("crawl", "fixture", "--sites-dir", str(tmp_path / "sites"),
                "--db", str(tmp_path / "a.db"), *FAST)
    assert r.returncode != 0
    assert "template change" in r.stderr
    assert json.loads(rows(tmp_path / "a.db", "SELECT sections FROM runs")[0][0])["empty"]["empty"] == 1


def test_run_lock_refuses_overlap(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with site_lock(db, "fixture"):
        with pytest.raises(LockedError):
            with site_lock(db, "fixture"):
                pass
        (tmp_path / "site").mkdir()
        write_profile(tmp_path / "sites", "http://127.0.0.1:9", sections=[("x", "/l.html", "")])
        r = cli("crawl", "fixture", "--sites-dir", str(tmp_path / "sites"), "--db", str(db), *FAST)
        assert r.returncode != 0 and "another run of fixture is in progress" in r.stderr
    with site_lock(db, "fixture"):
        pass   # released


@pytest.mark.parametrize("status, headers, body, kind", [
    (412, {}, b"<script>", "challenge"),
    (521, {"Set-Cookie": "__jsluid=1"}, b"", "challenge"),
    (200, {"Set-Cookie": "wzws_cid=1"}, b"<html></html>", "challenge"),
    (503, {}, "<p>安全狗</p>".encode(), "challenge"),
    (429, {}, b"slow down", "rate_limit"),
    (200, {}, "<title>页面不存在</title>".encode(), "soft_error"),
    (200, {}, "<title>页面不存在_某某市人民政府</title>".encode("gbk"), "soft_error"),
    (403, {}, "<p>您的访问请求可能对网站造成安全威胁</p>".encode("gbk"), "challenge"),
])
def test_classify(status: int, headers: dict, body: bytes, kind: str) -> None:
    verdict = classify(status, headers, body)
    assert verdict is not None and verdict.kind == kind


def test_classify_leaves_real_pages_alone() -> None:
    big = article_html("页面不存在问题的整改通报", "2023-01-01").encode() * 3
    assert classify(200, {}, big) is None
    assert classify(200, {"Set-Cookie": "JSESSIONID=1"}, big) is None
