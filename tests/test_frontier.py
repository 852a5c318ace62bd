"""The frontier table: pending → done/failed, listings reset each run, given-up articles."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from archiver.crawl.frontier import Frontier, RetryPolicy
from archiver.crawl.lock import lock_path
from archiver.models import DONE, FAILED, PENDING, Entry
from archiver.store.writer import ArchiveWriter


def test_frontier_lifecycle(tmp_path: Path) -> None:
    writer = ArchiveWriter(tmp_path / "a.db")
    f = Frontier(writer, "site", run_id=1)
    art = Entry("http://x.gov.cn/a/t20220101_1.html", "article", "要闻")
    post = Entry("http://x.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=16", "listing", "要闻",
                 "POST", (("columnid", "1"),), 2)
    f.add([art, post])
    assert f.pending() == [art, post]
    assert post.key.startswith("POST ") and art.key == art.url
    f.finish(art, DONE, "new")
    f.add([art])                                  # a done article stays done
    assert f.done_articles() == {art.url}
    f.finish(post, DONE)
    f.add([post], reset=True)                     # listings are fetched every run
    assert f.pending() == [post]
    assert Frontier(writer, "other").pending() == []  # per site


def _statuses(db: Any) -> dict[str, int]:
    return dict(db.execute("SELECT status, count(*) FROM frontier GROUP BY status").fetchall())


def test_failures_stay_pending_with_back_off_then_fail(tmp_path: Path) -> None:
    """Blocked, timed out, failed or 5xx: pending with the reason and the attempt count,
    not asked for again before the back-off is over, failed after the policy's attempts."""
    writer = ArchiveWriter(tmp_path / "a.db")
    db = writer.db
    f = Frontier(writer, "site", policy=RetryPolicy(attempts=3, base=3600))
    blocked = Entry("http://x.gov.cn/blocked.html", "article", "s")
    f.add([blocked])
    assert f.retry(blocked, "blocked: 412 JS-cookie challenge") == PENDING
    assert f.pending() == [] and f.deferred() == {blocked.key}      # inside its back-off
    assert Frontier(writer, "site", policy=RetryPolicy(base=0)).pending() == []  # due time is stored
    db.execute("UPDATE frontier SET next_at = '2000-01-01T00:00:00+00:00'")
    assert f.pending() == [blocked] and _statuses(db) == {PENDING: 1}
    assert f.retry(blocked, "TimeoutError: took longer than 30 s") == PENDING
    assert f.retry(blocked, "HTTP 503") == FAILED
    [(status, reason, attempts, next_at)] = db.execute(
        "SELECT status, reason, attempts, next_at FROM frontier").fetchall()
    assert (status, reason, attempts, next_at) == (FAILED, "HTTP 503", 3, None)
    assert f.given_up() == {blocked.url} and _statuses(db) == {FAILED: 1}


def test_back_off_doubles_up_to_the_cap() -> None:
    policy = RetryPolicy(attempts=9, base=600, cap=3000)
    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [600, 1200, 2400, 3000]


def test_section_walk_and_expected_size(tmp_path: Path) -> None:
    f = Frontier(ArchiveWriter(tmp_path / "a.db"), "site")
    assert f.walk("要闻") is None
    f.set_walk("要闻", "http://x.gov.cn/yw/", walked=False, cut="--max-pages 1")
    f.set_expected("要闻", "http://x.gov.cn/yw/", expected=31, pages=3, source="json_total")
    walk = f.walk("要闻")
    assert walk is not None
    assert (walk["walked"], walk["cut"], walk["expected"], walk["expected_pages"]) == (0, "--max-pages 1", 31, 3)
    f.set_walk("要闻", "http://x.gov.cn/yw/", walked=True)
    walk = f.walk("要闻")
    assert walk is not None and (walk["walked"], walk["cut"], walk["expected"]) == (1, None, 31)


def test_lock_path_is_safe(tmp_path: Path) -> None:
    path = lock_path(tmp_path / "a.db", "../x y")
    assert path.parent == tmp_path and path.name == "a.db..._x_y.lock"
