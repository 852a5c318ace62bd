"""The page-processing pool: one per crawl process, shared by every site's crawler.

``archiver crawl --all`` runs every site's crawler together in one process; a pool per
crawler would start ``--jobs`` processes per site (ten bundled profiles on an eight-core
machine: eighty processes of ~100 MB each), and each process costs about a second of CPU to
start (imports, the text model). So the process holds one pool, which each crawler's process
pipeline uses while its spider runs, and which the crawl's runner starts before Scrapy has
built its crawlers: the pool's processes load on a core the crawl's own start-up leaves idle,
and are ready for the first article.

No Scrapy here (the runner starts the pool before the crawl needs Scrapy's machinery).
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, TypeVar

from archiver.models import RawPage
from archiver.process import process_page

log = logging.getLogger(__name__)
T = TypeVar("T")

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_size = 0
_users = 0


def _start_process() -> None:
    """Each pool process's start: watch the crawl process, then load the models."""
    parent = os.getppid()
    threading.Thread(target=_exit_when_orphaned, args=(parent,), name="orphan-watch",
                     daemon=True).start()
    warm_up()


def warm_up() -> None:
    """Load the models once per pool process, before its first page."""
    process_page(RawPage("http://warm.invalid/", "<html><body><p>预热</p></body></html>".encode()))


def _exit_when_orphaned(parent: int) -> None:
    # A crawl killed outright (SIGKILL, the OOM killer, cron's timeout) never shuts its pool
    # down, and a pool process waits for work forever: every killed run would leave its pool
    # behind (~100 MB each). Python has no portable parent-death signal, so poll. A page the
    # process was storing commits whole or not at all (one transaction with its frontier
    # row), so the next run finds it stored or still pending.
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def pool_size(jobs: int) -> int:
    """The pool's size for ARCHIVER_JOBS (``--jobs``): as asked, or 0 for one process per core
    this process may run on."""
    if jobs:
        return jobs
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _start_pool(jobs: int) -> ProcessPoolExecutor:
    # Spawned, not forked: the crawl process runs a reactor and threads by now.
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_process)
    # A spawned pool starts a process per submit while none is idle: start them all now,
    # not on the first articles.
    for _ in range(jobs):
        pool.submit(int)
    return pool


def acquire(jobs: int) -> bool:
    """Use the process's pool of ``jobs`` processes (started now if there is none); False for
    ``jobs`` <= 1 (pages are processed in the crawl's own process). Every acquire that
    returns True is matched by a ``release``; the pool stops when its last user releases it."""
    global _pool, _size, _users
    if jobs <= 1:
        return False
    with _lock:
        if _pool is None:
            _pool, _size = _start_pool(jobs), jobs
        elif _size != jobs:
            log.info("the page-processing pool runs %d processes (asked for %d)", _size, jobs)
        _users += 1
        return True


def submit(fn: Callable[..., T], *args: Any) -> Future[T]:
    """Run ``fn(*args)`` in the pool (acquired by the caller). A pool whose process died (the
    OOM killer, a crash in a C library) is broken for good: every later submit fails, and a
    crawl would fail every article after it. So it is replaced by a new one, once per break."""
    global _pool
    with _lock:
        pool = _pool
    if pool is None:
        raise RuntimeError("the page-processing pool is not running (acquire it first)")
    try:
        return pool.submit(fn, *args)
    except BrokenProcessPool:
        with _lock:
            if _pool is pool:   # the first to see this break replaces the pool
                log.warning("a page-processing process died; starting the pool again")
                pool.shutdown(wait=False, cancel_futures=True)
                _pool = _start_pool(_size)
            pool = _pool
        if pool is None:
            raise
        return pool.submit(fn, *args)


def release() -> None:
    """A user is done with the pool: the last one stops it (its processes finish the pages
    they hold, and anything not started is cancelled)."""
    global _pool, _users
    with _lock:
        _users -= 1
        if _users > 0 or _pool is None:
            return
        pool, _pool = _pool, None
    pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def held(jobs: int) -> Iterator[None]:
    """The pool, held for the duration of the block (the runner's hold, around its crawlers)."""
    pooled = acquire(jobs)
    try:
        yield
    finally:
        if pooled:
            release()
