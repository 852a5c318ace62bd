"""Politeness held by all workers together: robots.txt fetched once per host and run (and archived
as a page), and the block streak that stops a run counted per host across workers."""
from __future__ import annotations

import threading
import time
from pathlib import Path

from archiver.crawl.redisq import connect
from archiver.testing.redisserver import RedisServer
from archiver.testing.siteserver import RequestInfo, SiteServer
from tests.crawlkit import cli, make_site, rows, wait_for, write_profile
from tests.test_redis_crawl import cluster


def test_two_workers_share_one_robots_txt_and_archive_it(tmp_path: Path,
                                                        redis_server: RedisServer) -> None:
    root = tmp_path / "site"
    make_site(root, per_page=3, pages=2)
    (root / "trs" / "index.html").write_text(
        (root / "trs" / "index.html").read_text(encoding="utf-8").replace(
            "</ul>", '<li><a href="/private/secret.html">内部通知关于推进重点工作的安排</a></li></ul>'),
        encoding="utf-8")
    db = tmp_path / "a.db"
    with SiteServer(root) as srv:
        write_profile(tmp_path / "sites", srv.base_url, sections=[("trs", "/trs/index.html", "")])
        with cluster(tmp_path, redis_server.url, db, workers=2):
            done = cli("crawl", "fixture", "--sites-dir", str(tmp_path / "sites"), "--db", str(db),
                       "--redis", redis_server.url, "-s", "ROBOTSTXT_OBEY=true")
        asked, base = [path for _, path in srv.requests], srv.base_url
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert asked.count("/robots.txt") == 1              # once for both workers
    assert not [p for p in asked if p.startswith("/private/")]   # and both obeyed it
    assert rows(db, "SELECT url, kind, site, status FROM pages WHERE kind = 'robots'") == [
        (f"{base}/robots.txt", "robots", "fixture", 200)]
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == 6
    assert not connect(redis_server.url).keys("archiver:run:*:robots")   # gone with the run


class Challenged:
    """Articles answered with a JS-cookie challenge (412) after a pause, counting them."""

    def __init__(self) -> None:
        self.lock, self.count = threading.Lock(), 0

    def __call__(self, req: RequestInfo) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            self.count += 1
        time.sleep(0.5)     # both workers hold one each at the same time
        return 412, {"Content-Type": "text/html"}, b"<html><script>challenge()</script></html>"


def _polling(url: str) -> int:
    """Workers asking the queue for work (their last command ran its pop script)."""
    return sum(1 for c in connect(url).client_list() if c.get("cmd", "").startswith("evalsha"))


def test_block_streak_is_counted_across_workers(tmp_path: Path, redis_server: RedisServer) -> None:
    """One listing page of four articles; each worker takes one request at a time, so the
    first two challenges reach two different workers together. Counted per worker, neither
    would have reached the limit of 2 and a third article would be asked for."""
    root = tmp_path / "site"
    articles = [p for ps in make_site(root, per_page=4, pages=1).values() for p in ps]
    challenged = Challenged()
    db = tmp_path / "a.db"
    one_at_a_time = ["-s", "CONCURRENT_REQUESTS=1", "-s", "ARCHIVER_BLOCK_LIMIT=2",
                     "-s", "ARCHIVER_BACKOFF_BASE=0.2", "-s", "ARCHIVER_JOBS=1"]
    with SiteServer(root, routes=dict.fromkeys(articles, challenged)) as srv:
        write_profile(tmp_path / "sites", srv.base_url, sections=[("trs", "/trs/index.html", "")])
        with cluster(tmp_path, redis_server.url, db, workers=2, extra=one_at_a_time):
            assert wait_for(lambda: _polling(redis_server.url) == 2, timeout=60)   # both ready
            done = cli("crawl", "fixture", "--sites-dir", str(tmp_path / "sites"), "--db", str(db),
                       "--redis", redis_server.url, "-s", "ARCHIVER_BLOCK_LIMIT=2",
                       "-s", "DOWNLOAD_DELAY=0", "-s", "ARCHIVER_MIN_DELAY=0")
    logs = [(tmp_path / f"worker{i}.log").read_text(errors="replace") for i in range(2)]
    assert all(log.count("blocked at") == 1 for log in logs), logs   # one challenge each …
    assert challenged.count == 2                            # … and the run stopped there
    assert rows(db, "SELECT status, blocked FROM runs") == [("failed", 2)], done.stdout
    assert rows(db, "SELECT count(*) FROM frontier WHERE kind = 'article' AND status = 'pending'"
                )[0][0] == 4                                 # all kept for the next run
