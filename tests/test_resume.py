"""Resume after SIGKILL: a crawl of a local fixture site is killed at several points and
started again; at the end nothing is lost, nothing is duplicated, integrity_check is ok."""
from __future__ import annotations

import signal
import time
from pathlib import Path

from archiver.testing.siteserver import RequestInfo, SiteServer
from tests.crawlkit import FAST, cli, hanweb_proxy, make_site, popen, rows, wait_for, write_profile

PROXY = "/module/web/jpage/dataproxy.jsp"


def _slow_routes(root: Path, expected: dict[str, list[str]]) -> dict:
    def slow(req: RequestInfo) -> tuple[int, dict[str, str], bytes]:
        time.sleep(0.03)
        return 200, {"Content-Type": "text/html"}, (root / req.path.lstrip("/")).read_bytes()
    routes = {p: slow for paths in expected.values() for p in paths}
    routes[PROXY] = hanweb_proxy(root)
    return routes


def _count(db: Path) -> int:
    return rows(db, "SELECT count(*) FROM articles")[0][0] if db.exists() else 0


def test_killed_crawls_resume_without_loss_or_duplicates(tmp_path: Path) -> None:
    root = tmp_path / "site"
    expected = make_site(root, per_page=8, pages=4)
    total = sum(len(v) for v in expected.values())
    db = tmp_path / "a.db"
    with SiteServer(root, routes=_slow_routes(root, expected)) as srv:
        write_profile(tmp_path / "sites", srv.base_url)
        args = ("crawl", "fixture", "--sites-dir", str(tmp_path / "sites"), "--db", str(db), *FAST)
        kills = 0
        for threshold in (0, 15, 60, 110):
            proc = popen(*args)
            if threshold == 0:
                assert wait_for(lambda: db.exists() and rows(db, "SELECT count(*) FROM frontier")[0][0] > 0)
            else:
                assert wait_for(lambda t=threshold: _count(db) >= t, timeout=60), proc.stderr.read()[-2000:]
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            kills += 1
            assert _count(db) < total, "the crawl finished before it could be killed"
        done = cli("-v", *args, timeout=120)  # -v: archiver's INFO lines on stderr too
        assert done.returncode == 0, done.stdout + done.stderr[-3000:]
        assert "pending requests from an interrupted run" in done.stderr

    urls = [u for (u,) in rows(db, "SELECT url FROM articles")]
    assert len(urls) == len(set(urls)) == total
    assert {("/" + u.split("/", 3)[3]) for u in urls} == {p for v in expected.values() for p in v}
    versions = rows(db, "SELECT url, count(*) FROM versions GROUP BY url HAVING count(*) > 1")
    assert versions == []
    assert rows(db, "SELECT count(*) FROM frontier WHERE status = 'pending'")[0][0] == 0
    assert rows(db, "PRAGMA integrity_check")[0][0] == "ok"
    statuses = [s for (s,) in rows(db, "SELECT status FROM runs ORDER BY id")]
    assert statuses[-1] == "ok" and statuses.count("interrupted") == kills
