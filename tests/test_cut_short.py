"""Nothing dropped (issue 10): a section whose walk is cut short — by a block, a burst of
5xx answers, --max-pages or SIGKILL — is completed by the next plain run, which resumes at
the depth where the walk stopped (past listing pages of known articles) and fetches no
article that is already stored. A run that leaves holes is partial: exit status 3."""
from __future__ import annotations

import json
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from archiver.testing.siteserver import RequestInfo, SiteServer
from tests.crawlkit import FAST, cli, make_site, popen, rows, wait_for, write_profile

SECTIONS = [("trs", "/trs/index.html", ""),
            ("json", "/api/list.json", ('pagination = "json"\npage_template = "?page={n}"\n'
                                       'json_total = "totalPage"\n'))]
PARTIAL = 3


class Site:
    """The fixture site, with a switch that makes chosen paths misbehave for one run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        expected = make_site(root, per_page=4, pages=4)
        self.expected = {p for s in ("trs", "json") for p in expected[s]}
        self.trouble: Callable[[str], tuple[int, dict[str, str], bytes] | None] = lambda path: None
        self.delay = 0.0

    def route(self, req: RequestInfo) -> tuple[int, dict[str, str], bytes]:
        if self.delay:
            time.sleep(self.delay)
        if (bad := self.trouble(req.path)) is not None:
            return bad
        name = req.path.lstrip("/")
        if req.query:
            q = "&".join(f"{k}={v[0]}" for k, v in req.query.items())
            if (self.root / f"{name}__{q}").exists():
                name = f"{name}__{q}"
        ctype = "application/json" if ".json" in name else "text/html"
        return 200, {"Content-Type": ctype}, (self.root / name).read_bytes()

    def routes(self) -> dict[str, Callable[[RequestInfo], tuple[int, dict[str, str], bytes]]]:
        paths = set(self.expected) | {f"/trs/index{s}.html" for s in ("", "_1", "_2", "_3")}
        return dict.fromkeys(paths | {"/api/list.json"}, self.route)


def _crawl(tmp_path: Path, srv: SiteServer, *extra: str) -> tuple[int, str]:
    r = cli("crawl", "fixture", "--sites-dir", str(tmp_path / "sites"), "--db", str(tmp_path / "a.db"),
            *FAST, "-s", "RETRY_TIMES=1", *extra, timeout=120)
    return r.returncode, r.stdout + r.stderr[-3000:]


def _stored(db: Path) -> set[str]:
    return {"/" + u.split("/", 3)[3] for (u,) in rows(db, "SELECT url FROM articles")}


def _finish_and_check(tmp_path: Path, srv: SiteServer, site: Site, before: set[str]) -> None:
    """One plain run completes the site, asking for no article already stored."""
    site.trouble, site.delay = (lambda path: None), 0.0
    seen = len(srv.requests)
    code, out = _crawl(tmp_path, srv)
    assert code == 0, out
    db = tmp_path / "a.db"
    assert _stored(db) == site.expected
    again = [p for _, p in srv.requests[seen:] if p in before]
    assert again == [], f"stored articles fetched again: {again}"
    [(status, pending, failed)] = rows(db, "SELECT status, pending, failed FROM runs ORDER BY id DESC LIMIT 1")
    assert (status, pending, failed) == ("ok", 0, 0)
    assert rows(db, "SELECT count(*) FROM sections WHERE walked = 1")[0][0] == 2


@pytest.fixture
def site_and_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    site = Site(tmp_path / "site")
    with SiteServer(site.root, routes=site.routes()) as srv:
        write_profile(tmp_path / "sites", srv.base_url, sections=SECTIONS)
        yield site, srv


def test_max_pages_then_a_plain_run_resumes_at_depth(tmp_path: Path, site_and_server) -> None:  # type: ignore[no-untyped-def]
    site, srv = site_and_server
    code, out = _crawl(tmp_path, srv, "--max-pages", "1")
    assert code == PARTIAL, out
    db = tmp_path / "a.db"
    before = _stored(db)
    assert len(before) == 8
    cuts = rows(db, "SELECT section, walked, cut FROM sections ORDER BY section")
    assert cuts == [("json", 0, "--max-pages 1"), ("trs", 0, "--max-pages 1")]
    _finish_and_check(tmp_path, srv, site, before)


def test_blocked_listing_and_articles_then_a_plain_run(tmp_path: Path, site_and_server) -> None:  # type: ignore[no-untyped-def]
    site, srv = site_and_server
    first = sorted(site.expected)[0]
    wall = (521, {"Content-Type": "text/html", "Set-Cookie": "__jsluid_s=1; path=/"},
            b"<script>document.cookie=('_')+('_')+('j');location.href=location.pathname</script>")
    site.trouble = lambda path: wall if path in ("/trs/index_1.html", first) else None
    code, out = _crawl(tmp_path, srv, "-s", "ARCHIVER_BLOCK_LIMIT=10")
    assert code == PARTIAL, out
    db = tmp_path / "a.db"
    left = rows(db, "SELECT url, status, reason, attempts FROM frontier WHERE status != 'done'")
    assert {u.split("/", 3)[3] for u, *_ in left} >= {"trs/index_1.html", first.lstrip("/")}
    assert all(s == "pending" and why.startswith("blocked") and n == 1 for _, s, why, n in left)
    assert rows(db, "SELECT walked, cut FROM sections WHERE section = 'trs'") == [(0, "blocked: 521 JS-cookie challenge (加速乐)")]
    _finish_and_check(tmp_path, srv, site, _stored(db))


def test_5xx_burst_then_a_plain_run(tmp_path: Path, site_and_server) -> None:  # type: ignore[no-untyped-def]
    site, srv = site_and_server
    broken = set(sorted(site.expected)[:6]) | {"/trs/index_2.html"}
    site.trouble = lambda path: (500, {"Content-Type": "text/html"}, b"busy") if path in broken else None
    code, out = _crawl(tmp_path, srv)
    assert code == PARTIAL, out
    db = tmp_path / "a.db"
    [(status, pending)] = rows(db, "SELECT status, pending FROM runs")
    assert status == "partial" and pending >= len(broken) - 1
    _finish_and_check(tmp_path, srv, site, _stored(db))


def test_sigkill_then_a_plain_run(tmp_path: Path, site_and_server) -> None:  # type: ignore[no-untyped-def]
    site, srv = site_and_server
    site.delay = 0.05
    db = tmp_path / "a.db"
    proc = popen("crawl", "fixture", "--sites-dir", str(tmp_path / "sites"), "--db", str(db), *FAST)
    try:
        assert wait_for(lambda: db.exists() and rows(db, "SELECT count(*) FROM articles")[0][0] >= 6,
                        timeout=60)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    before = _stored(db)
    assert 6 <= len(before) < len(site.expected)
    _finish_and_check(tmp_path, srv, site, before)


def test_failed_after_its_attempts_and_listed(tmp_path: Path, site_and_server) -> None:  # type: ignore[no-untyped-def]
    site, srv = site_and_server
    dead = sorted(site.expected)[-1]
    site.trouble = lambda path: (503, {"Content-Type": "text/html"}, b"down") if path == dead else None
    for _ in range(2):
        code, out = _crawl(tmp_path, srv, "-s", "ARCHIVER_MAX_ATTEMPTS=2")
        assert code == PARTIAL, out
    db = tmp_path / "a.db"
    assert rows(db, "SELECT status, attempts, reason FROM frontier WHERE url LIKE ?",
                (f"%{dead}",)) == [("failed", 2, "blocked: 503 unavailable")]
    runs = cli("runs", "--db", str(db), "--json")
    last = json.loads(runs.stdout)[0]
    assert last["failed"] == 1 and last["status"] == "partial"
    stats = cli("stats", "--db", str(db))
    assert "holes" in stats.stdout and "blocked: 503 unavailable" in stats.stdout
    holes = json.loads(cli("stats", "--db", str(db), "--json").stdout)["holes"]
    assert [(h["status"], h["url"].endswith(dead)) for h in holes] == [("failed", True)]
