"""The frontier table: pending → done/failed, listings reset each run, given-up articles."""
from __future__ import annotations

from pathlib import Path

from archiver.crawl.frontier import DONE, FAILED, Entry, Frontier
from archiver.crawl.lock import lock_path
from archiver.store.writer import open_database


def test_frontier_lifecycle(tmp_path: Path) -> None:
    db = open_database(tmp_path / "a.db")
    f = Frontier(db, "site", run_id=1)
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
    assert Frontier(db, "other").pending() == []  # per site


def test_given_up_after_three_failures(tmp_path: Path) -> None:
    f = Frontier(open_database(tmp_path / "a.db"), "site")
    gone = Entry("http://x.gov.cn/gone.html", "article", "s")
    blocked = Entry("http://x.gov.cn/blocked.html", "article", "s")
    for _ in range(3):
        f.add([gone, blocked])
        f.finish(gone, FAILED, "HTTP 404")
        f.finish(blocked, FAILED, "blocked: 412 JS-cookie challenge")
    assert f.given_up() == {gone.url}
    assert f.counts() == {FAILED: 2}


def test_lock_path_is_safe(tmp_path: Path) -> None:
    path = lock_path(tmp_path / "a.db", "../x y")
    assert path.parent == tmp_path and path.name == "a.db..._x_y.lock"
