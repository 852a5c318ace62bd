"""Fill the two full-text indexes in bulk from the queue the triggers keep (schema migration 9).

Row-by-row indexing in triggers cost about 5 ms of SQLite time per article (trigram
index ~2.6 ms, character-pair index ~1.5 ms, the pairs cut in SQL ~1.4 ms; measured by
bench/writer_bench.py), which held one writer to 100-200 records/s. Now an article is
stored with one extra row (its id in the queue) and the writer indexes the queue when
it has time: ``archiver ingest`` when the stream is quiet or the queue is long, a
local crawl every INDEX_EVERY articles and at the end of its run. Both indexes and the
queue change in one transaction, so a killed writer leaves every article either
indexed or queued, never half; search reads queued articles by substring meanwhile.
"""
from __future__ import annotations

import logging
import operator

from sqlite_utils import Database

from archiver.store.schema import FTS_COLUMNS, GRAMS_TABLE, UNINDEXED_TABLE
from archiver.store.transaction import transaction

log = logging.getLogger(__name__)

# Articles indexed per transaction: large enough that the per-statement cost vanishes,
# small enough (~1 s) that a writer which indexes between stream batches stays responsive.
INDEX_CHUNK = 500
# Articles a busy distributed writer lets wait for the index (``archiver ingest
# --index-lag``): search reads them by substring (~20 ms per thousand on a loaded 2-core
# machine), so the wait, and what it adds to a search, stay bounded.
INDEX_LAG = 5000


def grams(text: str | None) -> str | None:
    """Every 2-character window of ``text``, space-separated: exactly the tokens
    schema.grams_sql gives in SQL (the delete triggers use that one; a test holds the
    two equal), about three times faster than cutting them in SQL."""
    if not text:
        return None
    if len(text) < 2:
        return text
    # pairs through C-level map: a third faster than slicing windows in a generator; the last
    # character is a window of its own, as substr() gives it in SQL
    return " ".join(map(operator.add, text, text[1:])) + " " + text[-1]


def unindexed(db: Database) -> int:
    """How many articles wait to be indexed (0 for an archive older than migration 9)."""
    if not has_queue(db):
        return 0
    return int(db.execute(f"SELECT count(*) FROM {UNINDEXED_TABLE}").fetchone()[0])


def has_queue(db: Database) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = ?",
                      [UNINDEXED_TABLE]).fetchone() is not None


def index_some(db: Database, limit: int = INDEX_CHUNK) -> int:
    """Index up to ``limit`` queued articles, oldest first, in one transaction (nested in
    the caller's if it has one). Returns how many were indexed."""
    with transaction(db):
        count, top = db.execute(
            f"SELECT count(*), max(id) FROM (SELECT id FROM {UNINDEXED_TABLE} ORDER BY id LIMIT ?)",
            [limit]).fetchone()
        if not count:
            return 0
        columns = ", ".join(FTS_COLUMNS)
        rows = db.execute(
            f"SELECT a.id, {', '.join(f'a.{c}' for c in FTS_COLUMNS)} FROM {UNINDEXED_TABLE} q"
            " JOIN articles a ON a.id = q.id WHERE q.id <= ?", [top]).fetchall()
        marks = ", ".join("?" * (len(FTS_COLUMNS) + 1))
        db.conn.executemany(f"INSERT INTO articles_fts (rowid, {columns}) VALUES ({marks})", rows)
        db.conn.executemany(f"INSERT INTO {GRAMS_TABLE} (rowid, {columns}) VALUES ({marks})",
                            [(row[0], *(grams(v) for v in row[1:])) for row in rows])
        db.execute(f"DELETE FROM {UNINDEXED_TABLE} WHERE id <= ?", [top])
    return int(count)


def index_all(db: Database) -> int:
    """Index the whole queue, INDEX_CHUNK articles per transaction."""
    total = 0
    while n := index_some(db):
        total += n
    if total:
        log.debug("indexed %d articles", total)
    return total
