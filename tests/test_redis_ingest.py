"""The one writer: exactly once across a crash between commit and XACK, duplicates skipped."""
from __future__ import annotations

from pathlib import Path

import pytest
import redis

from archiver.crawl import wire
from archiver.crawl.ingest import Ingest
from archiver.crawl.redisq import GROUP, STREAM, connect
from archiver.models import Entry, RawPage
from archiver.process import process_page
from archiver.store.reader import open_readonly
from archiver.store.search import search
from archiver.store.textindex import unindexed
from archiver.store.writer import ArchiveWriter
from archiver.testing.redisserver import RedisServer
from tests.crawlkit import article_html

URL = "http://127.0.0.1:9/trs/202201/t20220101_1.html"


def _record(n: int = 1) -> dict[bytes, bytes]:
    url = URL.replace("_1.", f"_{n}.")
    raw = RawPage(url, article_html(f"测试新闻第{n}号关于推进重点工作的通知", "2022-01-01").encode(),
                  headers={"Content-Type": "text/html; charset=utf-8"}, site="fixture", section="trs")
    return wire.record_message("r1", Entry(url, "article", "trs"), raw, process_page(raw).to_dict())


def _fill(r: redis.Redis, records: int) -> None:
    r.xadd(STREAM, wire.message(wire.RUN_START, {"run": "r1", "site": "fixture", "args": {}}))
    r.xadd(STREAM, wire.message(wire.FRONTIER_ADD, {
        "run": "r1", "site": "fixture", "reset": False, "entries": [
            wire.entry_to_json(Entry(URL.replace("_1.", f"_{n}."), "article", "trs"))
            for n in range(1, records + 1)]}))
    for n in range(1, records + 1):
        r.xadd(STREAM, _record(n))


def _count(archive: ArchiveWriter, table: str) -> int:
    return int(archive.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_ingest_is_exactly_once_across_a_crash_before_xack(tmp_path: Path,
                                                            redis_server: RedisServer) -> None:
    r = connect(redis_server.url)
    _fill(r, 3)
    archive = ArchiveWriter(tmp_path / "a.db")
    crashing = Ingest(r, archive)
    real_pipeline = r.pipeline             # XACK and XDEL go together, in one pipeline
    r.pipeline = lambda *a, **k: (_ for _ in ()).throw(RuntimeError("killed after commit"))  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="killed after commit"):
        crashing.run(idle_exit=0.2)
    assert _count(archive, "articles") == 3                      # committed …
    assert r.xpending(STREAM, GROUP)["pending"] == 5             # … but never acknowledged
    reader = open_readonly(tmp_path / "a.db")
    for term in ("重点工作", "通知", "号"):      # long, 2- and 1-character: found, not yet indexed
        assert len(search(reader, term)) == 3
    assert unindexed(reader) == 3
    r.pipeline = real_pipeline  # type: ignore[method-assign]
    again = Ingest(r, archive).run(idle_exit=0.2)                # the restarted writer
    assert again.skipped == 5 and again.records == 0
    assert again.indexed == 3 and unindexed(reader) == 0         # it indexes what was stored
    assert len(search(reader, "重点工作")) == 3 and len(search(reader, "号")) == 3
    assert (_count(archive, "articles"), _count(archive, "versions"), _count(archive, "pages")) == (3, 3, 3)
    assert r.xpending(STREAM, GROUP)["pending"] == 0 and r.xlen(STREAM) == 0   # acked and trimmed
    assert r.hget("archiver:run:r1", "run_id") == b"1"          # the notice is sent again


def test_ingest_skips_a_record_answered_twice(tmp_path: Path, redis_server: RedisServer) -> None:
    r = connect(redis_server.url)
    _fill(r, 1)
    r.xadd(STREAM, _record(1))                # a reaped lease: a second worker answered it too
    archive = ArchiveWriter(tmp_path / "a.db")
    stats = Ingest(r, archive).run(idle_exit=0.2)
    assert stats.records == 1 and stats.skipped == 1
    assert archive.db.execute("SELECT status, reason FROM frontier").fetchall() == [("done", "new")]


def test_ingest_index_idle_waits_for_a_resting_stream(tmp_path: Path,
                                                      redis_server: RedisServer) -> None:
    """--index-idle: a writer sharing its cores with workers stores at once and leaves the
    index to a stream that has rested that long (here it exits first); 0 indexes at once."""
    r = connect(redis_server.url)
    _fill(r, 3)
    archive = ArchiveWriter(tmp_path / "a.db")
    stats = Ingest(r, archive, index_idle=30).run(idle_exit=0.3)
    assert stats.records == 3 and stats.indexed == 0 and unindexed(archive.db) == 3
    # A run that ends leaves the index to the resting stream too (a crawl of many sites
    # ends their runs one by one, while the others are still crawled).
    r.xadd(STREAM, wire.message(wire.RUN_END, {"run": "r1", "site": "fixture", "sections": ["trs"]}))
    stats = Ingest(r, archive, index_idle=30).run(idle_exit=0.3)
    assert archive.db.execute("SELECT finished IS NOT NULL FROM runs").fetchone()[0] == 1
    assert stats.indexed == 0 and unindexed(archive.db) == 3
    _fill(r, 1)
    stats = Ingest(r, archive).run(idle_exit=0.3)
    assert stats.indexed == 3 and unindexed(archive.db) == 0
