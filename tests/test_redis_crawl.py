"""A crawl scaled out over a real Redis: workers, the one writer, faults. Subprocesses throughout."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner

from archiver.cli import main
from archiver.testing.redisserver import RedisServer, free_port
from archiver.testing.siteserver import RequestInfo, SiteServer
from tests.conftest import REPO
from tests.crawlkit import FAST, cli, hanweb_proxy, make_site, rows, wait_for, write_profile

ARTICLE_COLUMNS = "url, site, section, title, published_at, source, author, body, content_hash, version"


def _spawn(*args: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "archiver", *args], cwd=REPO,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


@contextmanager
def cluster(tmp: Path, url: str, db: Path, workers: int = 2, lease: float = 60.0,
            extra: Sequence[str] = ()) -> Iterator[dict[str, list[subprocess.Popen[bytes]]]]:
    """``workers`` workers (``extra``: more of their options) and one writer, stopped
    (SIGTERM, then SIGKILL) on the way out."""
    procs: dict[str, list[subprocess.Popen[bytes]]] = {
        "writer": [_spawn("ingest", "--redis", url, "--db", str(db), log=tmp / "ingest.log")],
        "workers": [_spawn("worker", "--redis", url, "--lease", str(lease), *FAST, *extra,
                           log=tmp / f"worker{i}.log") for i in range(workers)]}
    try:
        yield procs
    finally:
        for p in [*procs["writer"], *procs["workers"]]:
            if p.poll() is None:
                p.terminate()
        for p in [*procs["writer"], *procs["workers"]]:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def _articles(db: Path) -> list[tuple[object, ...]]:
    return rows(db, f"SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY url")


def _site(tmp: Path, per_page: int = 4, pages: int = 3) -> Path:
    make_site(tmp / "site", per_page=per_page, pages=pages)
    return tmp / "site"


class InFlight:
    """Article routes that hold each answer briefly and count requests in flight (any worker)."""

    def __init__(self, root: Path) -> None:
        self.root, self.lock, self.now, self.most = root, threading.Lock(), 0, 0

    def __call__(self, req: RequestInfo) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(0.04)
        with self.lock:
            self.now -= 1
        return 200, {"Content-Type": "text/html"}, (self.root / req.path.lstrip("/")).read_bytes()


def test_redis_crawl_equals_local_crawl(tmp_path: Path, redis_server: RedisServer) -> None:
    """A full crawl and then a --refresh run (conditional GETs: 304s), locally and on three
    workers: the same articles, versions, frontier rows, runs rows and table."""
    root = tmp_path / "site"
    articles = [p for ps in make_site(root, per_page=3, pages=2).values() for p in ps]
    slow = InFlight(root)
    routes = {"/module/web/jpage/dataproxy.jsp": hanweb_proxy(root), **dict.fromkeys(articles, slow)}
    local_db, db = tmp_path / "local.db", tmp_path / "redis.db"
    with SiteServer(root, routes=routes) as srv:
        write_profile(tmp_path / "sites", srv.base_url)
        common = ("fixture", "--sites-dir", str(tmp_path / "sites"), *FAST)
        # The local crawl processes pages in a pool of two processes (--jobs), the workers inline.
        local = [cli("crawl", *common, "--db", str(local_db), "--jobs", "2", *more)
                 for more in ((), ("--refresh",))]
        assert [r.returncode for r in local] == [0, 0], local[-1].stderr[-2000:]
        slow.most = 0
        with cluster(tmp_path, redis_server.url, db, workers=3):
            dist = [cli("crawl", *common, "--db", str(db), "--redis", redis_server.url, *more)
                    for more in ((), ("--refresh",))]
        assert [r.returncode for r in dist] == [0, 0], dist[-1].stdout + dist[-1].stderr[-3000:] + (
            tmp_path / "ingest.log").read_text()[-2000:]
    assert _articles(db) == _articles(local_db)
    assert len(_articles(db)) == 30
    for sql in ("SELECT key, kind, section, status, reason, attempts FROM frontier ORDER BY key",
                "SELECT url, version, content_hash FROM versions ORDER BY url, version",
                ("SELECT site, status, new, changed, unchanged, blocked, errors, sections FROM runs"
                " ORDER BY id")):
        assert rows(db, sql) == rows(local_db, sql), sql
    assert rows(db, "SELECT new, unchanged FROM runs ORDER BY id") == [(30, 0), (0, 30)]
    for one, other in zip(dist, local, strict=True):
        assert one.stdout.split("\n")[:7] == other.stdout.split("\n")[:7]   # the same table
    assert "fixture: ok in" in dist[0].stdout
    assert "fixture/trs: listings=" in dist[0].stderr          # progress lines, as locally
    assert slow.most == 2        # the host's limit held across three workers (each allows 2)


def test_redis_unreachable_is_one_line_and_nonzero(tmp_path: Path) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    r = cli("crawl", "ycdjw", "--db", str(tmp_path / "a.db"), "--redis", url)
    assert r.returncode == 1, r
    assert r.stderr.startswith("Error: cannot reach Redis at") and r.stderr.count("\n") == 1
    for args in (("worker",), ("ingest", "--db", str(tmp_path / "a.db"))):
        result = CliRunner().invoke(main.cli, [*args, "--redis", url])
        assert result.exit_code == 1 and "Error: cannot reach Redis at" in result.output
    assert not (tmp_path / "a.db").exists()           # nothing half-written


def _stored(db: Path) -> int:
    return rows(db, "SELECT count(*) FROM articles")[0][0] if db.exists() else 0


def _check_archive(db: Path, expected: int) -> None:
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "SELECT count(*), count(DISTINCT url) FROM articles") == [(expected, expected)]
    assert rows(db, "SELECT count(*) FROM versions") == [(expected,)]        # no second versions
    assert rows(db, "SELECT count(*), count(DISTINCT url) FROM pages WHERE url NOT LIKE '%list%'"
                " AND url NOT LIKE '%index%' AND url NOT LIKE '%dataproxy%'"
                " AND kind != 'robots'") == [(expected, expected)]
    assert rows(db, "SELECT status, count(*) FROM frontier WHERE kind = 'article' GROUP BY 1") == \
        [("done", expected)]


def _diagnosis(tmp: Path, db: Path) -> str:
    """What a failed fault test leaves to read (it failed once in ~30 runs, 2026-12-06, with
    one article of 90 missing; its archive was gone before anyone could look)."""
    holes = rows(db, "SELECT key, kind, section, status, reason, attempts FROM frontier"
                 " WHERE status != 'done'") if db.exists() else []
    logs = "".join(f"\n--- {p.name}\n{p.read_text(errors='replace')[-1500:]}"
                   for p in sorted(tmp.glob("*.log")))
    return f"\nfrontier rows not done: {holes}{logs}"


def test_redis_crawl_survives_sigkill_of_a_worker_and_the_writer_and_a_redis_restart(
        tmp_path: Path, redis_server: RedisServer) -> None:
    """Faults in turn, mid-crawl: SIGKILL one worker and the writer, start a new writer, then
    restart Redis; the run still ends ok with every article stored exactly once."""
    root = _site(tmp_path, per_page=6, pages=3)
    db = tmp_path / "redis.db"
    with SiteServer(root, routes={"/module/web/jpage/dataproxy.jsp": hanweb_proxy(root)}) as srv:
        write_profile(tmp_path / "sites", srv.base_url)
        with cluster(tmp_path, redis_server.url, db, lease=4.0) as procs:
            crawl = subprocess.Popen(
                [sys.executable, "-m", "archiver", "crawl", "fixture", "--sites-dir",
                 str(tmp_path / "sites"), "--db", str(db), "--redis", redis_server.url, *FAST,
                 "-s", "DOWNLOAD_DELAY=0.05"], cwd=REPO, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True)
            assert wait_for(lambda: _stored(db) >= 15, timeout=60)
            os.kill(procs["workers"][0].pid, signal.SIGKILL)      # mid-crawl, leases held
            os.kill(procs["writer"][0].pid, signal.SIGKILL)       # mid-batch, maybe mid-commit
            procs["workers"][0].wait()
            procs["writer"][0].wait()
            stored = _stored(db)
            procs["writer"].append(_spawn("ingest", "--redis", redis_server.url, "--db", str(db),
                                          log=tmp_path / "ingest2.log"))
            assert wait_for(lambda: _stored(db) >= stored + 5, timeout=60)
            # Still mid-run: the killed worker's leases only come back after 4 s.
            redis_server.restart(down_for=1.0)                    # append-only file: state kept
            out, err = crawl.communicate(timeout=120)
    assert crawl.returncode == 0, out + err[-1500:] + _diagnosis(tmp_path, db)
    assert "fixture: ok in" in out and "90 new" in out
    _check_archive(db, 90)
    assert rows(db, "SELECT status, new FROM runs") == [("ok", 90)]
