"""ArchiveWriter: one transaction per article, versions never overwritten, raw bytes kept."""
from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time
import zlib
from pathlib import Path

import pytest
from sqlite_utils import Database

from archiver.errors import StorageError
from archiver.models import RawPage
from archiver.store.writer import ArchiveWriter, load_body, open_database

GBK_PAGE = "<html><head><title>运城市召开会议</title></head><body>正文</body></html>".encode("gbk")


def article(title: str = "运城市召开疫情防控会议", body: str = "会议要求做好疫情防控工作。") -> dict:
    return {"title": title, "published_at": "2022-05-20", "source": "运城日报", "author": None,
            "body": body, "flags": [], "attachments": [], "page_kind": "article",
            "decode": {"encoding": "gb18030", "source": "meta"},
            "repair": {"changed": False, "kinds": [], "lost": 0}}


def raw(url: str = "http://127.0.0.1/a/t20220520_1.html", body: bytes = GBK_PAGE) -> RawPage:
    return RawPage(url=url, body=body, headers={"Content-Type": "text/html", "ETag": '"abc"'},
                   site="demo", section="要闻")


def test_storage_new_unchanged_changed(memory_db: Database) -> None:
    db = ArchiveWriter(memory_db)
    assert db.save(raw(), article()) == "new"
    assert db.save(raw(), article()) == "unchanged"
    assert db.save(raw(body=GBK_PAGE + b" "), article(body="会议内容已更新。")) == "changed"
    assert memory_db["articles"].count == 1
    versions = list(memory_db.query("SELECT version, body FROM versions ORDER BY version"))
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["body"] == "会议要求做好疫情防控工作。"  # history is never overwritten
    assert memory_db["pages"].count == 2


def test_storage_keeps_raw_bytes_and_reports(memory_db: Database) -> None:
    db = ArchiveWriter(memory_db)
    db.save(raw(), article())
    row = next(memory_db.query("SELECT * FROM articles"))
    assert load_body(memory_db, row["page_id"]) == GBK_PAGE
    assert row["encoding"] == "gb18030" and row["encoding_source"] == "meta"
    assert row["etag"] == '"abc"' and row["site"] == "demo"
    page = next(memory_db.query("SELECT body FROM pages"))
    assert zlib.decompress(page["body"]) == GBK_PAGE


def test_storage_fts_finds_chinese_substrings(memory_db: Database) -> None:
    writer = ArchiveWriter(memory_db)
    writer.save(raw(), article())
    writer.index()  # stored articles are indexed in bulk (archiver.store.textindex)
    hits = list(memory_db.query(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", ['"疫情防控"']))
    assert len(hits) == 1


def test_storage_failed_save_leaves_nothing_half_written(memory_db: Database) -> None:
    db = ArchiveWriter(memory_db)
    db.save(raw(), article())
    bad = article(title="新标题")
    bad["published_at"] = object()  # not storable: the whole save must roll back
    with pytest.raises((StorageError, sqlite3.Error, TypeError, ValueError)):
        db.save(raw(body=GBK_PAGE + b"x"), bad)
    assert memory_db["pages"].count == 1
    assert memory_db["versions"].count == 1
    assert next(memory_db.query("SELECT title FROM articles"))["title"] == "运城市召开疫情防控会议"


def test_storage_batch_is_all_or_nothing(memory_db: Database) -> None:
    """Inside a batch the writes open no savepoints of their own: a failure in the last one
    rolls back the writes before it too, and the writer works as before afterwards."""
    db = ArchiveWriter(memory_db)
    bad = article(title="新标题")
    bad["published_at"] = object()
    with pytest.raises((StorageError, sqlite3.Error, TypeError, ValueError)):
        with db.batch():
            db.save(raw(), article())
            with db.batch():                  # nested: still the one transaction
                db.save(raw("http://127.0.0.1/a/t20220520_2.html"), article())
            db.save(raw("http://127.0.0.1/a/t20220520_3.html"), bad)
    assert (memory_db["pages"].count, memory_db["articles"].count) == (0, 0)
    with db.batch():
        assert db.save(raw(), article()) == "new"
    assert db.save(raw(), article()) == "unchanged"   # outside a batch: its own transaction
    assert memory_db["articles"].count == 1


def test_storage_unwritable_path_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="cannot open archive"):
        open_database(blocker / "archive.db")


def test_storage_readonly_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    ArchiveWriter(path).save(raw(), article())
    ro = open_database(path, readonly=True)
    with pytest.raises(sqlite3.OperationalError):
        ro.execute("DELETE FROM articles")


def test_storage_runs_recorded(memory_db: Database) -> None:
    db = ArchiveWriter(memory_db)
    run = db.start_run("demo", {"url": "http://127.0.0.1/"})
    db.finish_run(run, "ok", {"requests": 5, "new": 3}, {"要闻": {"new": 3}})
    row = next(memory_db.query("SELECT * FROM runs"))
    assert (row["status"], row["requests"], row["new"]) == ("ok", 5, 3)
    assert row["finished"] is not None


def _checkpoint_threads() -> int:
    return sum(t.name == "archive-checkpoints" for t in threading.enumerate())


def test_storage_checkpoints_in_the_background(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    writer = ArchiveWriter(path)
    writer.checkpoint_in_background(interval=0.05)
    # The writer's commits never checkpoint (an fsync each): the thread does.
    assert writer.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    before = path.stat().st_size
    for n in range(60):
        writer.save(raw(f"http://127.0.0.1/a/{n}.html"), article(body=f"第{n}篇。" * 200))
    # Until a checkpoint, the pages live only in the log; the thread copies them into the file.
    deadline = time.monotonic() + 10
    while path.stat().st_size < before + 60 * 1000 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.stat().st_size >= before + 60 * 1000
    # A second writer of the same file (crawl --all: one per site) shares the thread.
    second = ArchiveWriter(path)
    second.checkpoint_in_background(interval=0.05)
    assert _checkpoint_threads() == 1
    writer.stop_checkpoints()
    assert writer.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    assert _checkpoint_threads() == 1            # the other writer still needs it
    second.stop_checkpoints()
    assert _checkpoint_threads() == 0
    second.db.conn.close()
    writer.save(raw("http://127.0.0.1/a/last.html"), article())
    writer.db.conn.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 61


def _write_many(path: str, tag: str, count: int) -> None:
    writer = ArchiveWriter(path)
    for n in range(count):
        writer.save(raw(f"http://127.0.0.1/{tag}/{n}.html"), article(body=f"{tag}第{n}篇。" * 50))
        writer.finish_request("demo", f"{tag}{n}", "done", "new")


def test_storage_two_processes_write_one_archive(tmp_path: Path) -> None:
    """Two writers at once (two sites' crawls started by cron together, an ingest beside a
    crawl): each waits for the other's transaction instead of failing ("database is
    locked": a transaction that read before another committed cannot write), and a new
    archive opened by both at once is migrated once."""
    path = str(tmp_path / "a.db")
    spawn = multiprocessing.get_context("spawn")
    procs = [spawn.Process(target=_write_many, args=(path, tag, 150)) for tag in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 300
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
