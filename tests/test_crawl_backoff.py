"""Issue 11: back-off that never stalls a site. A long Retry-After defers the page to the next
run (it stays pending) instead of holding the host; consecutive 5xx answers open a per-host
circuit breaker that ends the run early (partial, non-zero exit); `archiver fetch` has a total
deadline and follows in-scope redirects, recording the chain. Every storm is bounded in time."""
from __future__ import annotations

import json
import time
from pathlib import Path

from archiver.testing.siteserver import RequestInfo, SiteServer
from archiver.testing.tls import self_signed_context
from tests.crawlkit import FAST, article_html, cli, rows, write_profile


def _listing(root: Path, n: int, prefix: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "list.html").write_text("<ul>" + "".join(
        f'<li><a href="/{prefix}/{i}.html">新闻标题第{i}号关于推进重点工作</a></li>' for i in range(n))
        + "</ul>", encoding="utf-8")


def _answer(status: int, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    def route(req: RequestInfo) -> tuple[int, dict[str, str], bytes]:
        return status, {"Content-Type": "text/html", **headers}, b"<html>busy</html>"
    return route


def _crawl(tmp_path: Path, srv: SiteServer, *extra: str):  # type: ignore[no-untyped-def]
    write_profile(tmp_path / "sites", srv.base_url,
                  sections=[("news", "/list.html", 'article_selector = "ul a"\n')])
    started = time.monotonic()
    r = cli("crawl", "fixture", "--sites-dir", str(tmp_path / "sites"), "--db",
            str(tmp_path / "a.db"), *FAST, *extra, timeout=120)
    return r, time.monotonic() - started


def test_backoff_long_retry_after_defers_pages(tmp_path: Path) -> None:
    _listing(tmp_path / "site", 20, "r")
    routes = {f"/r/{i}.html": _answer(429, {"Retry-After": "100000"}) for i in range(20)}
    with SiteServer(tmp_path / "site", routes=routes) as srv:
        r, elapsed = _crawl(tmp_path, srv, "-s", "ARCHIVER_BLOCK_LIMIT=100")
        asked = [p for _, p in srv.requests if p.startswith("/r/")]
    assert elapsed < 45, elapsed                       # was 19 minutes
    assert sorted(asked) == sorted(f"/r/{i}.html" for i in range(20))  # each asked once
    db = tmp_path / "a.db"
    pending = rows(db, "SELECT count(*) FROM frontier WHERE kind = 'article' AND status = 'pending'")
    assert pending[0][0] == 20
    assert rows(db, "SELECT status FROM runs")[0][0] == "partial", r.stderr[-1500:]


def test_backoff_server_errors_trip_circuit_breaker(tmp_path: Path) -> None:
    _listing(tmp_path / "site", 40, "e")
    routes = {f"/e/{i}.html": _answer(500, {}) for i in range(40)}
    with SiteServer(tmp_path / "site", routes=routes) as srv:
        r, elapsed = _crawl(tmp_path, srv, "-s", "ARCHIVER_BREAKER_LIMIT=6")
        asked = [p for _, p in srv.requests if p.startswith("/e/")]
    assert elapsed < 45, elapsed                       # was 685 s
    assert len(asked) < 20                             # the breaker stopped the storm
    assert r.returncode != 0 and "ended early" in r.stderr
    assert "circuit_breaker" in r.stdout
    db = tmp_path / "a.db"
    assert rows(db, "SELECT status FROM runs")[0][0] == "partial"
    assert rows(db, "SELECT count(*) FROM frontier WHERE status = 'pending'")[0][0] > 20


def test_fetch_follows_redirects_in_scope_and_records_chain(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "new.html").write_text(article_html("搬迁之后的新闻标题关于重点工作", "2023-03-03"),
                                         encoding="utf-8")
    for name, target in (("old.html", "/a/mid.html"), ("mid.html", "/a/new.html")):
        (site / "a" / name).write_text("")
        (site / "a" / f"{name}.headers.json").write_text(json.dumps(
            {"status": 301 if name == "old.html" else 302, "headers": {"Location": target}}))
    (site / "a" / "away.html").write_text("")
    (site / "a" / "away.html.headers.json").write_text(json.dumps(
        {"status": 302, "headers": {"Location": "http://127.0.0.2:9/x.html"}}))
    with SiteServer(site) as srv:
        base = srv.base_url
        ok = cli("fetch", srv.url("/a/old.html"), "--db", str(tmp_path / "a.db"))
        away = cli("fetch", srv.url("/a/away.html"), "--db", str(tmp_path / "a.db"))
    assert ok.returncode == 0, ok.stderr
    assert "搬迁之后的新闻标题" in ok.stdout
    final, chain = rows(tmp_path / "a.db", "SELECT final_url, redirects FROM pages")[0]
    assert final == f"{base}/a/new.html"
    assert [h["url"] for h in json.loads(chain)] == [f"{base}/a/old.html", f"{base}/a/mid.html"]
    assert away.returncode != 0 and "offsite" in away.stderr
    assert len(away.stderr.strip().splitlines()) == 1, away.stderr


def test_fetch_follows_http_to_https(tmp_path: Path) -> None:
    """Most government sites answer port 80 with a redirect to https: the page is fetched
    over real TLS (a self-signed loopback certificate) and stored under the asked URL."""
    secure, plain = tmp_path / "secure", tmp_path / "plain"
    (secure / "a").mkdir(parents=True)
    (plain / "a").mkdir(parents=True)
    (secure / "a" / "new.html").write_text(article_html("加密传输之后的新闻标题关于重点工作", "2023-04-04"),
                                           encoding="utf-8")
    with SiteServer(secure, tls=self_signed_context()) as tls_srv, SiteServer(plain) as srv:
        (plain / "a" / "old.html").write_text("")
        (plain / "a" / "old.html.headers.json").write_text(json.dumps(
            {"status": 301, "headers": {"Location": tls_srv.url("/a/new.html")}}))
        old, new = srv.url("/a/old.html"), tls_srv.url("/a/new.html")
        r = cli("fetch", old, "--db", str(tmp_path / "a.db"))
        assert tls_srv.requests == [("GET", "/a/new.html")]
    assert r.returncode == 0, r.stderr
    assert "加密传输之后的新闻标题" in r.stdout
    url, final, chain = rows(tmp_path / "a.db", "SELECT url, final_url, redirects FROM pages")[0]
    assert (url, final) == (old, new)
    assert final.startswith("https://")
    assert [h["url"] for h in json.loads(chain)] == [old]


def test_fetch_deadline_and_long_retry_after(tmp_path: Path) -> None:
    def slow(req: RequestInfo) -> tuple[int, dict[str, str], bytes]:
        time.sleep(120)
        return 200, {"Content-Type": "text/html"}, b"<html>late</html>"
    (tmp_path / "site").mkdir()
    routes = {"/slow.html": slow, "/busy.html": _answer(429, {"Retry-After": "100000"})}
    with SiteServer(tmp_path / "site", routes=routes) as srv:
        started = time.monotonic()
        busy = cli("fetch", srv.url("/busy.html"), "--db", str(tmp_path / "a.db"))
        busy_time = time.monotonic() - started
        started = time.monotonic()
        late = cli("fetch", srv.url("/slow.html"), "--timeout", "3", "--db", str(tmp_path / "a.db"))
        late_time = time.monotonic() - started
    # Generous bounds: a loaded test machine takes seconds to start Python and Scrapy.
    assert busy.returncode != 0 and "Retry-After" in busy.stderr and busy_time < 60  # was 300 s
    assert late.returncode != 0 and late_time < 60, (late_time, late.stderr)
    for r in (busy, late):
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr
