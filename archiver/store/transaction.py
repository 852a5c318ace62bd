"""A write transaction on the archive that takes SQLite's write lock when it begins.

sqlite-utils' ``Database.atomic()`` begins DEFERRED: the transaction reads as of its
first statement and asks for the write lock only at its first write. In WAL mode, if
another connection has committed in between, that write fails at once with "database is
locked" (SQLITE_BUSY_SNAPSHOT: the busy timeout does not apply, the snapshot is stale).
Every write of this project reads first (is the page stored? which version is next?), so
two processes writing one archive — two sites' crawls started by cron at the same minute,
a Redis ingest beside a local crawl, a re-extraction during a crawl — failed about every
other page, and a crawl ends its run on a storage failure. BEGIN IMMEDIATE waits (up to
the connection's timeout) for the lock instead, and then nothing can invalidate the
transaction's reads. Written here because sqlite-utils has no immediate variant.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception; nested inside a transaction
    already open, a savepoint (as sqlite-utils' atomic does)."""
    conn = db.conn
    if conn.in_transaction:
        savepoint = f"archiver_{secrets.token_hex(8)}"
        conn.execute(f"SAVEPOINT {savepoint}")
        try:
            yield db
        except BaseException:
            # A failed statement may have ended the whole transaction, savepoint and all.
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
                conn.execute(f"RELEASE SAVEPOINT {savepoint}")
            raise
        conn.execute(f"RELEASE SAVEPOINT {savepoint}")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
