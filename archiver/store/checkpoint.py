"""Checkpoints of a long-lived writer's archive, on a thread of their own.

In WAL mode a commit only appends to the write-ahead log; copying the log into the
archive file (a checkpoint, which fsyncs the file) is done by the COMMIT that takes the
log past 1,000 pages. A crawl that stored from its download loop stopped that loop for an
fsync every few hundred articles: ~0.4 ms of waiting per article on this project's machines
(bench/crawl_bench.py). (Its page-processing pool stores the articles now, archiver.crawl.keep;
the loop still commits listings and frontier rows.) Here the writer's own connection never
checkpoints (``wal_autocheckpoint = 0``) and a thread does, every ``interval`` seconds, on
a connection of its own (one thread per archive and process, whatever its writers). The
checkpoints are PASSIVE: they copy what no reader still needs and never wait for the
writer, nor the writer for them; SQLite works with the GIL released. SQLite's checkpoint
itself is the library's; only the thread around it is written here.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)

# Pages of log after which SQLite checkpoints by itself (its default), restored when the
# thread stops, so that later writes through the same connection checkpoint again.
SQLITE_AUTOCHECKPOINT = 1000


class Checkpointer:
    """Checkpoint ``path`` every ``interval`` seconds until stopped (a daemon thread: a
    process that ends without stopping it loses nothing, the log is the archive's).

    One per archive file and process, shared by its writers (``acquire``/``release``):
    ``archiver crawl --all`` runs one crawl, with its own writer, per site."""

    def __init__(self, path: str | Path, interval: float = 1.0) -> None:
        self.path = Path(path)
        self.interval = interval
        self.users = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="archive-checkpoints", daemon=True)

    @classmethod
    def acquire(cls, writer_conn: sqlite3.Connection, path: str | Path,
                interval: float = 1.0) -> Checkpointer:
        """The file's checkpointer (started if it is the first user); ``writer_conn`` stops
        checkpointing by itself until ``release``."""
        writer_conn.execute("PRAGMA wal_autocheckpoint = 0")
        key = str(Path(path).resolve())
        with _LOCK:
            shared = _SHARED.get(key)
            if shared is None:
                shared = _SHARED[key] = cls(path, interval)
                shared._thread.start()
            shared.users += 1
            return shared

    def release(self, writer_conn: sqlite3.Connection) -> None:
        """One writer less; the last one ends the thread after one last checkpoint. The
        writer's connection checkpoints by itself again."""
        with _LOCK:
            self.users -= 1
            last = self.users == 0
            if last:
                _SHARED.pop(str(self.path.resolve()), None)
        if last:
            self._stop.set()
            self._thread.join()
        try:
            writer_conn.execute(f"PRAGMA wal_autocheckpoint = {SQLITE_AUTOCHECKPOINT}")
        except sqlite3.ProgrammingError:   # the writer's connection is closed already
            pass

    def _run(self) -> None:
        try:
            # mode=rw: never create an archive that is not there any more
            conn = sqlite3.connect(f"file:{self.path}?mode=rw", uri=True, timeout=1.0)
        except sqlite3.Error as exc:
            log.warning("archive checkpoints: cannot open %s (%s); none in the background",
                        self.path, exc)
            return
        try:
            while not self._stop.wait(self.interval):
                self._checkpoint(conn)
            self._checkpoint(conn)
        finally:
            conn.close()

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:   # a full disk, say: next time
            log.debug("archive checkpoint skipped: %s", exc)


_LOCK = threading.Lock()
_SHARED: dict[str, Checkpointer] = {}
