"""The full-text indexes filled in bulk (archiver.store.textindex): whatever is stored is found
at every commit, indexed or still queued; edits and deletes keep the indexes exact."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from archiver.store.reader import open_readonly
from archiver.store.schema import GRAMS_TABLE, MIGRATIONS, UNINDEXED_TABLE
from archiver.store.search import match_condition, search
from archiver.store.textindex import index_all, unindexed
from archiver.store.writer import ArchiveWriter
from tests.test_search_samples import ARTICLES, EDITED_BODY, raw_page

# A long term (trigram), a two-character word, a single character at the end of a run.
QUERIES = {"疫情防控": {"/xxgk/t20220512_1.html", "/tzgg/t20220520_3.html"},
           "政策": {"/xxgk/t20220603_2.html"}, "捷": {"/zwyw/t20220415_4.html"},
           "运城市 会议": {"/xxgk/t20220512_1.html"}}


def _store(path: Path, *, index: bool) -> None:
    writer = ArchiveWriter(path, index_every=0)
    for site, section, url_path, record in ARTICLES:
        writer.save(raw_page(site, section, url_path, record), record)
    if index:
        writer.index()
    writer.db.close()      # without index: as a writer killed before it indexed


def _found(db: Database, text: str) -> set[str]:
    return {h.url.split(".cn", 1)[1] for h in search(db, text, limit=100)}


def _box(db: Database, text: str) -> set[str]:
    """What Datasette's search box finds (match_condition)."""
    where, params = match_condition(db, text)
    return {r[0].split(".cn", 1)[1] for r in db.execute(
        f"SELECT url FROM articles WHERE {where}", params)}


@pytest.mark.parametrize("text", sorted(QUERIES))
def test_stored_articles_are_found_before_and_after_indexing(tmp_path: Path, text: str) -> None:
    path = tmp_path / "a.db"
    _store(path, index=False)
    reader = open_readonly(path)
    assert unindexed(reader) == len(ARTICLES)
    assert _found(reader, text) == QUERIES[text] == _box(reader, text)
    ArchiveWriter(path).index()                       # the next writer catches up
    assert unindexed(reader) == 0
    assert _found(reader, text) == QUERIES[text] == _box(reader, text)
    if len(text) >= 3:
        assert all(h.score is not None for h in search(reader, text))   # ranked once indexed


def test_an_edit_leaves_the_index_at_once_and_is_found_again(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    _store(path, index=True)
    writer = ArchiveWriter(path, index_every=0)
    site, section, url_path, record = ARTICLES[0]
    edited = {**record, "body": EDITED_BODY}
    assert writer.save(raw_page(site, section, url_path, edited, "2022-06-11T08:00:00+00:00"),
                       edited) == "changed"
    for db in (writer.db, open_readonly(path)):      # queued: the old text is gone already
        assert "/xxgk/t20220512_1.html" not in _found(db, "压实疫情防控责任")
        assert _found(db, "统筹疫情防控") == {"/xxgk/t20220512_1.html"}
        assert _found(db, "统筹") == {"/xxgk/t20220512_1.html"}
    writer.index()
    assert "/xxgk/t20220512_1.html" not in _found(writer.db, "压实疫情防控责任")
    assert _found(writer.db, "统筹疫情防控") == {"/xxgk/t20220512_1.html"}
    writer.db.execute("DELETE FROM articles WHERE url LIKE '%t20220512_1%'")
    writer.db.conn.commit()
    assert _found(writer.db, "统筹疫情防控") == set()
    for table in ("articles_fts", GRAMS_TABLE):
        writer.db.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")


def test_local_writer_indexes_every_n_articles_and_when_its_run_closes(tmp_path: Path) -> None:
    writer = ArchiveWriter(tmp_path / "a.db", index_every=3)
    run_id = writer.start_run("yuncheng")
    for site, section, url_path, record in ARTICLES:
        writer.save(raw_page(site, section, url_path, record), record, run_id)
    assert unindexed(writer.db) == len(ARTICLES) - 3
    writer.finish_run(run_id, "ok", {})
    assert unindexed(writer.db) == 0


def test_queue_survives_a_transaction_rolled_back(tmp_path: Path) -> None:
    writer = ArchiveWriter(tmp_path / "a.db", index_every=0)
    site, section, url_path, record = ARTICLES[1]
    with pytest.raises(RuntimeError), writer.db.atomic():
        writer.save(raw_page(site, section, url_path, record), record)
        raise RuntimeError("killed mid-batch")
    assert writer.db.execute(f"SELECT count(*) FROM {UNINDEXED_TABLE}").fetchone()[0] == 0
    assert writer.db["articles"].count == 0


def test_archives_indexed_by_triggers_convert_in_place(tmp_path: Path) -> None:
    path = tmp_path / "v8.db"
    db = Database(sqlite3.connect(str(path)))
    for number, step in enumerate(MIGRATIONS[:8], start=1):
        step(db)
        db.execute(f"PRAGMA user_version = {number}")
    with db.conn:   # indexed row by row by the old triggers
        db.conn.executemany("INSERT INTO articles (url, title, body, source, published_at)"
                            " VALUES (?, ?, ?, ?, '2022-01-01')",
                            [("u1", "运城市出台稳经济政策", "会议指出，政策要落地。", "运城日报"),
                             ("u2", "太原市召开会议", "会议强调安全生产。", "太原日报")])
    db.close()
    writer = ArchiveWriter(path)
    assert unindexed(writer.db) == 0                  # already indexed: nothing to redo
    assert {h.url for h in search(writer.db, "政策")} == {"u1"}
    writer.db.execute("UPDATE articles SET body = '会议强调防汛抗旱。' WHERE url = 'u2'")
    writer.db.conn.commit()
    assert {h.url for h in search(writer.db, "安全生产")} == set()
    index_all(writer.db)
    assert {h.url for h in search(writer.db, "防汛抗旱")} == {"u2"}
    assert writer.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for table in ("articles_fts", GRAMS_TABLE):
        writer.db.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
