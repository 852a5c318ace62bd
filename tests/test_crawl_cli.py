"""CLI around crawling: sites [--check], crawl --all, argument errors."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from archiver.testing.siteserver import SiteServer
from tests.crawlkit import FAST, cli, make_site, popen, rows, slow, wait_for, write_profile


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
    assert " INFO " not in r.stderr  # off a TTY (cron): the table and summary, warnings only


def _pool_processes(pid: int) -> set[int]:
    """The crawl process's page-processing pool: its children started by multiprocessing's
    spawn (the resource tracker, its other child, is started another way)."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children += task.read_text().split()
        except OSError:
            pass   # a thread that ended meanwhile
    found = set()
    for child in children:
        try:
            if b"--multiprocessing-fork" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.add(int(child))
        except OSError:
            pass   # ended meanwhile
    return found


def _running(pid: int) -> bool:
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


@contextmanager
def _pooled_crawl(tmp_path: Path) -> Iterator[tuple[subprocess.Popen, Path, int, tuple[str, ...]]]:
    """A crawl with a pool of two over a slow site, once it has stored two articles: the
    process, its archive, how many articles the site has, and the command that ran it."""
    root = tmp_path / "site"
    articles = make_site(root, per_page=8, pages=4)["trs"]
    db = tmp_path / "a.db"
    args = ("crawl", "fixture", "--sites-dir", str(tmp_path / "sites"), "--db", str(db), *FAST,
            "-s", "ARCHIVER_JOBS=2")
    with SiteServer(root, routes=dict.fromkeys(articles, slow(root, 0.1))) as srv:
        write_profile(tmp_path / "sites", srv.base_url, sections=[("trs", "/trs/index.html", "")])
        proc = popen(*args)
        try:
            assert wait_for(lambda: db.exists() and rows(
                db, "SELECT count(*) FROM articles")[0][0] >= 2, timeout=60)
            yield proc, db, len(articles), args
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate(timeout=10)


def test_a_killed_crawl_leaves_no_pool_behind(tmp_path: Path) -> None:
    """SIGKILL (the OOM killer, cron's timeout) gives the crawl no chance to stop its pool: the
    pool's processes notice and exit, instead of waiting for work forever (~100 MB each)."""
    with _pooled_crawl(tmp_path) as (proc, db, articles, args):
        pool = _pool_processes(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert len(pool) == 2
        assert wait_for(lambda: not any(_running(p) for p in pool), timeout=15)
        again = cli(*args)   # and the next run finishes the crawl
    assert again.returncode == 0, again.stderr[-2000:]
    assert rows(db, "SELECT count(*) FROM articles") == [(articles,)]
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]


def test_a_pool_process_killed_mid_crawl_is_replaced(tmp_path: Path) -> None:
    """The OOM killer takes a pool process: a broken pool would fail every later article of
    the run; the pool is started again and the page it held is tried once more."""
    with _pooled_crawl(tmp_path) as (proc, db, articles, _):
        os.kill(min(_pool_processes(proc.pid)), signal.SIGKILL)
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err[-3000:]
    assert "starting the pool again" in err
    assert rows(db, "SELECT count(*), count(DISTINCT url) FROM articles") == [(articles, articles)]
    assert rows(db, "SELECT status FROM runs") == [("ok",)]


def test_crawl_all_shares_one_page_processing_pool(tmp_path: Path) -> None:
    """crawl --all runs every site's crawler in one process: one pool of --jobs processes for
    all of them, not one per site (ten sites on eight cores were eighty processes)."""
    root = tmp_path / "site"
    expected = make_site(root, per_page=6, pages=2)

    sites = ("fixture", "second", "third")
    with ExitStack() as servers:
        for site in sites:   # a server each: an article's URL is stored once, whatever the site
            routes = dict.fromkeys(expected["trs"], slow(root, 0.05))
            srv = servers.enter_context(SiteServer(root, routes=routes))
            write_profile(tmp_path / "sites", srv.base_url, site_id=site,
                          sections=[("trs", "/trs/index.html", "")])
        proc = popen("crawl", "--all", "--sites-dir", str(tmp_path / "sites"),
                     "--db", str(tmp_path / "a.db"), *FAST, "-s", "ARCHIVER_JOBS=2")
        seen, end = 0, time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < end:
            seen = max(seen, len(_pool_processes(proc.pid)))
            time.sleep(0.02)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err[-2000:]
    assert seen == 2
    pages = len(expected["trs"])
    assert dict(rows(tmp_path / "a.db", "SELECT site, count(*) FROM articles GROUP BY site")) == \
        dict.fromkeys(sites, pages)


BANNER = ("Scrapy 2.", "Versions:", "Overridden settings", "Enabled downloader middlewares",
          "Enabled item pipelines", "Dumping Scrapy stats")


def test_crawl_is_quiet_unless_verbose(tmp_path: Path) -> None:
    make_site(tmp_path / "site", per_page=2, pages=1)
    with SiteServer(tmp_path / "site") as srv:
        write_profile(tmp_path / "sites", srv.base_url, sections=[("trs", "/trs/index.html", "")])
        args = ("fixture", "--sites-dir", str(tmp_path / "sites"), "--db", str(tmp_path / "a.db"), *FAST)
        quiet = cli("crawl", *args)
        logged = cli("crawl", *args, "--log-file", str(tmp_path / "crawl.log"))
        verbose = cli("-v", "crawl", *args)
    assert quiet.returncode == logged.returncode == verbose.returncode == 0, quiet.stderr + verbose.stderr
    # Cron mails stdout and stderr: one line per section (under the table's header) and the summary.
    _header, _rule, section, summary = quiet.stdout.splitlines()
    assert section.split()[:2] == ["fixture", "trs"] and summary.startswith("fixture: ok in ")
    assert quiet.stderr == ""
    log = (tmp_path / "crawl.log").read_text()
    assert "fixture/trs: listings=1" in log and "fixture: ok" in log  # archiver's lines go to the file
    assert not any(line in log for line in BANNER)
    assert logged.stdout == logged.stderr == ""  # an ok run under cron mails nothing
    assert all(line in verbose.stderr for line in BANNER)


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


def test_unreachable_listing_is_one_error_in_table_and_summary(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nothing listens on: refused, as a dead host is
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    r = cli("crawl", f"http://127.0.0.1:{port}/news/list.html", "--db", str(tmp_path / "a.db"),
            *FAST, "-s", "RETRY_TIMES=2")
    assert r.returncode == 1
    row = next(line for line in r.stdout.splitlines() if "/news/list.html" in line)
    assert row.split()[-2:] == ["1", "failed"]  # errors, status
    assert "0 blocked, 1 errors" in r.stdout  # the summary line agrees (not one per attempt)
    assert "Traceback" not in r.stderr and "Connection was refused" in r.stderr


def test_two_crawls_at_once_share_one_archive(tmp_path: Path) -> None:
    """Cron starts two sites' crawls at the same minute on one archive: both store every
    page (each waits for the other's transactions; neither ends on "database is locked").
    The second stores from its pool of two processes (crawl/keep.py): four writers at once."""
    expected = make_site(tmp_path / "site", per_page=6, pages=3)
    with SiteServer(tmp_path / "site") as one, SiteServer(tmp_path / "site") as two:
        write_profile(tmp_path / "sites", one.base_url, sections=[("trs", "/trs/index.html", "")])
        write_profile(tmp_path / "sites", two.base_url, site_id="second",
                      sections=[("trs", "/trs/index.html", "")])
        db = str(tmp_path / "a.db")
        procs = [popen("crawl", site, "--sites-dir", str(tmp_path / "sites"), "--db", db, *FAST,
                       "-s", f"ARCHIVER_JOBS={jobs}") for site, jobs in (("fixture", 1), ("second", 2))]
        outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outs]
    pages = len(expected["trs"])
    assert dict(rows(tmp_path / "a.db", "SELECT site, count(*) FROM articles GROUP BY site")) == \
        {"fixture": pages, "second": pages}
    assert rows(tmp_path / "a.db", "PRAGMA integrity_check") == [("ok",)]
    # Each article's frontier row was closed with it, and the closed runs row counts them all.
    assert rows(tmp_path / "a.db", "SELECT site, status, reason, count(*) FROM frontier WHERE"
                " kind = 'article' GROUP BY site, status, reason ORDER BY site") == \
        [("fixture", "done", "new", pages), ("second", "done", "new", pages)]
    assert rows(tmp_path / "a.db", "SELECT site, status, new FROM runs ORDER BY site") == \
        [("fixture", "ok", pages), ("second", "ok", pages)]
