"""The archive file: raw pages, articles, their versions, crawl runs, the crawl frontier,
health figures and the Redis writer's bookkeeping.

One class owns every write (``tests/test_architecture.py`` fails on an INSERT, UPDATE,
DELETE or REPLACE anywhere else but the migrations in ``schema.py``), so the rules "each
article is stored in one transaction, and history is never overwritten" and "a crawl's
bookkeeping commits with the pages it describes" live in one place. Other modules decide
what to write (the frontier's retry policy, re-extraction, the Redis ingest) and call it.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import time
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from archiver.errors import StorageError
from archiver.models import DONE, PENDING, Entry, RawPage, utc_now
from archiver.store.checkpoint import Checkpointer
from archiver.store.schema import ARTICLE_JSON_FIELDS, RUN_COUNTS, SCHEMA_VERSION, migrate
from archiver.store.textindex import index_all, index_some, unindexed
from archiver.store.transaction import transaction

log = logging.getLogger(__name__)

DEFAULT_DB = "data/archive.db"
WRITER_CACHE_KB = 32 * 1024
# A local crawl indexes its new articles every this many (and all of them when its run
# closes): indexing in bulk is what keeps storing cheap (archiver.store.textindex). Small,
# because the store pipeline runs in the download loop: ~0.25 s of indexing at a time.
INDEX_EVERY = 50


def default_db_path() -> str:
    """The archive file when none is named: $ARCHIVER_DB, else data/archive.db (the CLI's --db
    default and the crawl's ARCHIVER_DB setting both come from here)."""
    return os.environ.get("ARCHIVER_DB") or DEFAULT_DB


# One encoder for every column: json.dumps with options builds a new encoder per call,
# and the writer encodes a dozen values per record.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def _json(value: Any) -> str:
    return _ENCODER.encode(value)


def content_hash(article: Mapping[str, Any]) -> str:
    """What counts as a change: the fields a reader sees, whitespace-normalised."""
    parts = [" ".join(str(article.get(k) or "").split()) for k in ("title", "published_at", "source", "body")]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def storage_problem(exc: BaseException) -> str:
    """What a storage failure means, in words a person can act on (one line)."""
    text = str(exc)
    low = text.lower()
    if "readonly" in low or "read-only" in low or "permission denied" in low:
        return f"the archive is read-only (immutable file, permissions or read-only media): {text}"
    if "disk is full" in low or "no space" in low or getattr(exc, "errno", None) == 28:
        return f"the disk is full: {text}"
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return f"the archive is corrupt (not a readable SQLite archive): {text}"
    return text


# Seconds a writer waits for another process's transaction on the same archive.
OPEN_TIMEOUT = 30.0


def _use_wal(conn: sqlite3.Connection) -> None:
    """Put the archive in WAL mode. Switching a new archive's journal needs it to itself for
    a moment, and SQLite answers "database is locked" at once instead of waiting when another
    process is creating the same archive (two crawls started together): retry until the
    timeout. On a WAL archive already, the pragma changes nothing and cannot be refused."""
    deadline = time.monotonic() + OPEN_TIMEOUT
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def open_database(path: str | Path, *, readonly: bool = False) -> Database:
    """Open (and for writers create and migrate) an archive, or raise StorageError.

    Readers open with ``mode=ro`` and fall back to ``immutable=1`` when that fails: on
    read-only media a WAL archive cannot create its -shm file, and immutable=1 reads
    without it. Both check the schema version: an archive made by a newer version is
    refused rather than misread (writers would otherwise write into it)."""
    path = Path(path)
    try:
        if readonly:
            if not path.exists():
                raise StorageError(f"no archive at {path}")
            return _open_readonly(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = Database(sqlite3.connect(str(path), timeout=OPEN_TIMEOUT))
        check_version(db, path)
        _use_wal(db.conn)
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        # A writer walks the url indexes and the FTS segments it merges: SQLite's default
        # 2 MB cache rereads them from the OS on every batch once the archive is large.
        db.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KB}")
        migrate(db)
        return db
    except (sqlite3.Error, OSError) as exc:
        problem = storage_problem(exc)
        if not readonly and _read_only_media(path):  # SQLite only says "unable to open"
            problem = f"the archive is read-only (read-only media): {exc}"
        raise StorageError(f"cannot open archive {path}: {problem}") from exc


def _read_only_media(path: Path) -> bool:
    try:
        return bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _open_readonly(path: Path) -> Database:
    uri = path.resolve().as_uri()
    try:
        db = Database(sqlite3.connect(f"{uri}?mode=ro", uri=True))
        check_version(db, path)
        return db
    except sqlite3.OperationalError as exc:
        if "unable to open" not in str(exc) and "readonly" not in str(exc):
            raise
        log.info("%s: %s; reading it as immutable (read-only media)", path, exc)
    db = Database(sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True))
    check_version(db, path)
    return db


def check_version(db: Database, path: str | Path) -> None:
    """Refuse an archive whose schema is newer than this code knows (and read its header,
    so a file that is no SQLite database fails here, in one line)."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    if version > SCHEMA_VERSION:
        raise StorageError(f"archive {path} was made by a newer version of archiver (schema"
                           f" {version}; this version knows {SCHEMA_VERSION}): upgrade archiver")


def require_archive(path: str | Path) -> None:
    """For commands that change an archive but never start one (accept, reextract): a
    missing file is a one-line error, not an empty archive created to report on."""
    if not Path(path).exists():
        raise StorageError(f"no archive at {path}")


def check_writable(path: str | Path) -> None:
    """Fail before a crawl or fetch, with one line, if the archive cannot be written:
    a no-op write in a transaction that is rolled back (an immutable file opens, and
    even BEGIN IMMEDIATE succeeds, until the first write)."""
    db = open_database(path)
    conn = db.conn
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("BEGIN")
        try:
            conn.execute(f"PRAGMA user_version = {int(version)}")
        finally:
            conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        raise StorageError(f"cannot write to archive {path}: {storage_problem(exc)}") from exc
    finally:
        conn.close()


class ArchiveWriter:
    """Every write to one archive file (the reader, store.reader.Archive, only reads). Storage
    is the one impure stage: keep it here."""

    def __init__(self, db: Database | str | Path, *, index_every: int = INDEX_EVERY) -> None:
        """``index_every=0``: never index on the way (the distributed writer decides when)."""
        self.db = db if isinstance(db, Database) else open_database(db)
        if isinstance(db, Database):
            migrate(self.db)
        self.index_every = index_every
        self._stored_since_index = 0
        self._batched = False
        self._checkpointer: Checkpointer | None = None

    # -- the write-ahead log ------------------------------------------------------------
    def checkpoint_in_background(self, interval: float = 1.0) -> None:
        """Leave the log's checkpoints (an fsync each) to a thread (archiver.store.checkpoint):
        for a writer that commits often from a loop that must not wait, a crawl's download
        loop or the Redis ingest. Stopped by ``stop_checkpoints``."""
        if self._checkpointer is not None:
            return
        path = self.db.execute("PRAGMA database_list").fetchone()[2]
        if path:   # an in-memory database has no log
            self._checkpointer = Checkpointer.acquire(self.db.conn, path, interval)

    def stop_checkpoints(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.release(self.db.conn)
            self._checkpointer = None

    # -- reads used by the crawl ------------------------------------------------
    def validators(self, url: str) -> dict[str, str]:
        """ETag / Last-Modified of the stored copy, for a conditional re-fetch."""
        row = self.db.execute(
            "SELECT etag, last_modified FROM articles WHERE url = ?", [url]
        ).fetchone()
        if row is None:
            return {}
        return {k: v for k, v in (("etag", row[0]), ("last_modified", row[1])) if v}

    # -- writes -------------------------------------------------------------------
    @contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction around several writes (the Redis ingest applies a batch of
        messages and the id of the last one together): a failure anywhere rolls the whole
        batch back. The write methods open no savepoints inside it; a SAVEPOINT and RELEASE
        per write cost the ingest a quarter of its time per record, and a batch is all or
        nothing anyway (its messages are re-read from the stream)."""
        if self._batched:
            yield
            return
        with transaction(self.db):
            self._batched = True
            try:
                yield
            finally:
                self._batched = False

    @contextmanager
    def _tx(self) -> Iterator[None]:
        """A write's own transaction, or nothing more inside a batch."""
        if self._batched:
            yield
        else:
            with transaction(self.db):
                yield

    def save(self, raw: RawPage, article: Mapping[str, Any], run_id: int | None = None, *,
             zbody: bytes | None = None) -> str:
        """Store the raw page and its article in one transaction.

        Returns "new", "changed" or "unchanged". A changed article gets a new
        row in ``versions``; the previous versions stay as they were. ``zbody``: the
        body already zlib-compressed (as it came off the stream), stored as it is.
        """
        try:
            with self._tx():
                page_id = self._insert_page(raw, run_id, zbody=zbody)
                outcome = self._upsert_article(raw, article, page_id)
            if outcome != "unchanged":
                self._stored_since_index += 1
                if self.index_every and self._stored_since_index >= self.index_every:
                    self.index()
            return outcome
        except sqlite3.Error as exc:
            raise StorageError(f"cannot write to archive: {storage_problem(exc)}") from exc

    def index(self, limit: int | None = None) -> int:
        """Put the stored articles not yet in the full-text indexes into them: every one, or
        the oldest ``limit`` in one transaction (the distributed writer, between batches)."""
        if limit is not None:
            return index_some(self.db, limit)
        self._stored_since_index = 0
        return index_all(self.db)

    def unindexed(self) -> int:
        """How many stored articles wait for the full-text indexes."""
        return unindexed(self.db)

    def save_page(self, raw: RawPage, run_id: int | None = None, kind: str = "listing", *,
                  zbody: bytes | None = None) -> int:
        """Keep a page that is not an article — a listing, an API answer, robots.txt — as
        fetched (bytes, headers); a body already stored for the URL is stored once."""
        try:
            with self._tx():
                return self._insert_page(raw, run_id, kind, zbody=zbody)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot write to archive: {exc}") from exc

    def touch(self, url: str) -> None:
        """A conditional re-fetch said 304: the stored copy is still current."""
        with self._tx():
            self.db.execute("UPDATE articles SET last_seen = ? WHERE url = ?", [utc_now(), url])

    def _insert_page(self, raw: RawPage, run_id: int | None, kind: str = "article", *,
                     zbody: bytes | None = None) -> int:
        sha = raw.sha256
        row = self.db.execute(
            "SELECT id FROM pages WHERE url = ? AND body_sha256 = ?", [raw.url, sha]
        ).fetchone()
        if row is not None:  # identical bytes already kept: store them once
            return int(row[0])
        cur = self.db.execute(
            "INSERT INTO pages (url, final_url, method, status, fetched_at, request_headers,"
            " headers, body, body_sha256, body_size, run_id, kind, site, section, redirects)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [raw.url, raw.final_url or raw.url, raw.method, raw.status, raw.fetched_at,
             _json(raw.request_headers), _json(raw.headers),
             zbody if zbody is not None else zlib.compress(raw.body, 6),
             sha, len(raw.body), run_id, kind, raw.site, raw.section,
             _json(list(raw.redirects)) if raw.redirects else None],
        )
        return _rowid(cur)

    def _upsert_article(self, raw: RawPage, article: Mapping[str, Any], page_id: int) -> str:
        now = utc_now()
        digest = content_hash(article)
        row = self.db.execute(
            "SELECT id, content_hash, version FROM articles WHERE url = ?", [raw.url]
        ).fetchone()
        if row is not None and row[1] == digest:
            self.db.execute(
                "UPDATE articles SET last_seen = ?, page_id = ?, etag = ?, last_modified = ? WHERE id = ?",
                [now, page_id, raw.header("ETag"), raw.header("Last-Modified"), row[0]],
            )
            return "unchanged"
        version = 1 if row is None else int(row[2] or 0) + 1
        record = article_row(raw, article, page_id, digest, version, now)
        if row is None:
            record["first_seen"] = now
            cols = ", ".join(record)
            self.db.execute(
                f"INSERT INTO articles ({cols}) VALUES ({', '.join('?' * len(record))})",
                list(record.values()),
            )
        else:
            assignments = ", ".join(f"{c} = ?" for c in record)
            self.db.execute(
                f"UPDATE articles SET {assignments} WHERE id = ?", [*record.values(), row[0]]
            )
        self._add_version(raw, article, page_id, digest, version)
        return "new" if row is None else "changed"

    def rewrite_article(self, article_id: int, record: Mapping[str, Any], raw: RawPage,
                        article: Mapping[str, Any], *, content_changed: bool) -> None:
        """Re-extraction's result for a stored article (``record``: its new ``article_row``),
        in one transaction. The columns that describe the fetch (URL, validators, the page,
        when it was last seen) keep their values; a change a reader sees adds a version."""
        keep = {"url", "site", "section", "etag", "last_modified", "last_seen", "page_id"}
        values = {k: v for k, v in record.items() if k not in keep}
        assignments = ", ".join(f"{c} = ?" for c in values)
        with self._tx():
            self.db.execute(f"UPDATE articles SET {assignments} WHERE id = ?",
                            [*values.values(), article_id])
            if content_changed:
                self._add_version(raw, article, record["page_id"], record["content_hash"],
                                  record["version"])

    def _add_version(self, raw: RawPage, article: Mapping[str, Any], page_id: int,
                     digest: str, version: int) -> None:
        """Append ``article`` to its URL's history (both a crawl and a re-extraction do)."""
        self.db.execute(
            "INSERT INTO versions (url, version, fetched_at, page_id, content_hash, title,"
            " published_at, source, author, body) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [raw.url, version, raw.fetched_at, page_id, digest, article.get("title"),
             article.get("published_at"), article.get("source"), article.get("author"),
             article.get("body")],
        )

    # -- the crawl frontier (archiver.crawl.frontier decides; this only writes) ----------
    # Each is its own short transaction, or part of a batch's; sqlite3 errors pass
    # through unchanged, because the frontier treats a full or read-only disk as its own case.
    def add_requests(self, site: str, entries: Sequence[Entry], run_id: int | None, *,
                     reset: bool = False) -> None:
        """Record requests as pending. A done row stays done unless ``reset`` (listings)."""
        keep = "" if reset else f"WHERE frontier.status != '{DONE}'"
        self._insert_requests(
            site, entries, run_id,
            "DO UPDATE SET status = excluded.status, reason = NULL, run_id = excluded.run_id,"
            " updated_at = excluded.updated_at, next_at = NULL, section = excluded.section,"
            f" page = excluded.page {keep}")

    def finish_request(self, site: str, key: str, status: str, reason: str | None) -> None:
        """A request answered and dealt with (``status`` done or failed), one attempt more."""
        with self._tx():
            self.db.execute(
                "UPDATE frontier SET status = ?, reason = ?, attempts = attempts + 1,"
                " updated_at = ? WHERE site = ? AND key = ?",
                [status, reason, utc_now(), site, key])

    def retry_request(self, site: str, entry: Entry, run_id: int | None, *, status: str,
                      reason: str, attempts: int, next_at: str | None) -> None:
        """A failed request's new state (the frontier's RetryPolicy computed it); a request
        not yet recorded is added first."""
        with self._tx():
            self._insert_requests(site, [entry], run_id, "DO NOTHING")
            self.db.execute(
                "UPDATE frontier SET status = ?, reason = ?, attempts = ?, next_at = ?,"
                " updated_at = ? WHERE site = ? AND key = ?",
                [status, reason, attempts, next_at, utc_now(), site, entry.key])

    def _insert_requests(self, site: str, entries: Sequence[Entry], run_id: int | None,
                         on_conflict: str) -> None:
        now = utc_now()
        rows = [[site, e.key, e.url, e.kind, e.section, e.method, json.dumps(e.form), e.page,
                 PENDING, 0, run_id, now, now] for e in entries]
        if not rows:
            return
        with self._tx():
            self.db.conn.executemany(
                "INSERT INTO frontier (site, key, url, kind, section, method, form, page, status,"
                " attempts, run_id, added_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
                f" ON CONFLICT(site, key) {on_conflict}", rows)

    def update_section(self, site: str, section: str, url: str,
                       values: Mapping[str, object]) -> None:
        """Set columns of a section's row (its walk, what its listing states, its names)."""
        cols = ["site", "section", "url", *values, "updated_at"]
        params = [site, section, url, *values.values(), utc_now()]
        sets = ", ".join(f"{c} = excluded.{c}" for c in [*values, "updated_at"])
        with self._tx():
            self.db.execute(
                f"INSERT INTO sections ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
                f" ON CONFLICT(site, section) DO UPDATE SET {sets}", params)

    # -- the Redis writer's bookkeeping (archiver.crawl.ingest) ---------------------------
    def record_ingest_run(self, run_key: str, run_id: int, site: str) -> None:
        """Which ``runs`` row a Redis run's messages belong to."""
        with self._tx():
            self.db.execute("INSERT INTO ingest_runs (run_key, run_id, site, counts)"
                            " VALUES (?,?,?,?)", [run_key, run_id, site, "{}"])

    def save_ingest_counts(self, run_key: str, counts: Mapping[str, Any]) -> None:
        with self._tx():
            self.db.execute("UPDATE ingest_runs SET counts = ? WHERE run_key = ?",
                            [json.dumps(counts, ensure_ascii=False), run_key])

    def mark_ingested(self, stream: str, last_id: str) -> None:
        """The id of the last stream message applied: committed with the batch it ends."""
        with self._tx():
            self.db.execute(
                "INSERT INTO ingest_state (stream, last_id) VALUES (?, ?) ON CONFLICT(stream)"
                " DO UPDATE SET last_id = excluded.last_id", [stream, last_id])

    # -- runs -------------------------------------------------------------------
    def start_run(self, site: str, args: Mapping[str, Any] | None = None) -> int:
        with self._tx():
            cur = self.db.execute(
                "INSERT INTO runs (site, started, status, requests, new, changed, unchanged,"
                " blocked, errors, sections, args, pid) VALUES (?,?,?,0,0,0,0,0,0,?,?,?)",
                [site, utc_now(), "running", _json({}), _json(dict(args or {})), os.getpid()],
            )
        return _rowid(cur)

    def interrupt_stale_runs(self, site: str) -> int:
        """Runs of ``site`` left "running" by a killed process become "interrupted".

        Only call this while holding the site's run lock (archiver.crawl.lock).
        """
        with self._tx():
            cur = self.db.execute(
                "UPDATE runs SET status = 'interrupted', finished = ? WHERE site = ?"
                " AND status = 'running'", [utc_now(), site])
        return cur.rowcount

    def update_run(self, run_id: int, counts: Mapping[str, int],
                   sections: Mapping[str, Any] | None = None) -> None:
        """The counts of a run still going: a run killed later keeps what it did."""
        fields = {k: int(counts.get(k, 0)) for k in RUN_COUNTS}
        with self._tx():
            self.db.execute(
                "UPDATE runs SET requests = ?, new = ?, changed = ?, unchanged = ?, blocked = ?,"
                " errors = ?, sections = ? WHERE id = ? AND status = 'running'",
                [*fields.values(), _json(dict(sections or {})), run_id],
            )

    def finish_run(self, run_id: int, status: str, counts: Mapping[str, int],
                   sections: Mapping[str, Any] | None = None,
                   coverage: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        """Close a run. ``coverage`` (per section: expected, archived, pending, failed …)
        also gives the run's holes: requests left pending or failed when it ended."""
        fields = {k: int(counts.get(k, 0)) for k in RUN_COUNTS}
        coverage = dict(coverage or {})
        pending = sum(int(c.get("pending") or 0) for c in coverage.values())
        failed = sum(int(c.get("failed") or 0) for c in coverage.values())
        with self._tx():
            self.db.execute(
                "UPDATE runs SET finished = ?, status = ?, requests = ?, new = ?, changed = ?,"
                " unchanged = ?, blocked = ?, errors = ?, sections = ?, pending = ?, failed = ?,"
                " coverage = ? WHERE id = ?",
                [utc_now(), status, *fields.values(), _json(dict(sections or {})), pending, failed,
                 _json(coverage), run_id],
            )
        # A local crawl's closed run has all its articles in the full-text indexes. The Redis
        # writer (index_every 0) indexes when its stream rests (archiver ingest --index-idle):
        # one of many sites' runs ending mid-crawl must not index the whole queue there and
        # then, on the cores the workers use (a third of the writer's CPU in scale_bench).
        if self.index_every:
            self.index()

    # -- health (archiver.health computes; this only writes) -------------------------
    def record_health(self, run_id: int, site: str,
                      figures: list[tuple[str, str, dict[str, Any], dict[str, Any]]],
                      alarms: list[dict[str, Any]]) -> str | None:
        """Store a run's figures (section, at, figures, examples) and its alarms, in one
        transaction. Open alarms of a judged section that this run did not raise again are
        cleared; a run that raised any becomes ``degraded`` unless it already failed.
        Returns the run's status afterwards."""
        now = utc_now()
        with self._tx():
            for section, at, data, examples in figures:
                self.db.execute(
                    "INSERT INTO run_figures (run_id, site, section, at, figures, examples)"
                    " VALUES (?,?,?,?,?,?)", [run_id, site, section, at, _json(data), _json(examples)])
            raised = {(a["section"], a["figure"]) for a in alarms}
            for section in {f[0] for f in figures}:
                for alarm_id, figure in self.db.execute(
                        "SELECT id, figure FROM alarms WHERE site = ? AND section = ?"
                        " AND status = 'open'", [site, section]).fetchall():
                    if (section, figure) not in raised:
                        self.db.execute("UPDATE alarms SET status = 'cleared', cleared_run_id = ?"
                                        " WHERE id = ?", [run_id, alarm_id])
            for a in alarms:
                # Still out of band: the newest alarm speaks for the figure.
                self.db.execute("UPDATE alarms SET status = 'repeated' WHERE site = ? AND section = ?"
                                " AND figure = ? AND status = 'open'", [site, a["section"], a["figure"]])
                self.db.execute(
                    "INSERT INTO alarms (run_id, site, section, figure, band, value, examples,"
                    " message, raised_at, status) VALUES (?,?,?,?,?,?,?,?,?, 'open')",
                    [run_id, site, a["section"], a["figure"], a["band"], a["value"],
                     _json(a.get("examples") or []), a.get("message"), now])
            if alarms:
                self.db.execute("UPDATE runs SET status = 'degraded' WHERE id = ?"
                                " AND status IN ('ok', 'partial')", [run_id])
            row = self.db.execute("SELECT status FROM runs WHERE id = ?", [run_id]).fetchone()
        return row[0] if row else None

    def accept_alarms(self, site: str, sections: list[str] | None = None) -> list[dict[str, Any]]:
        """A person says the site's new template is the new normal: its open alarms (of
        ``sections``, or all) become ``accepted``, which restarts each section's baseline at
        the run that raised them (archiver.health.monitor.history). Returns the alarms."""
        where, params = "site = ? AND status = 'open'", [site]
        if sections:
            where += f" AND section IN ({', '.join('?' * len(sections))})"
            params += sections
        with self._tx():
            rows = self.db.execute_returning_dicts(
                f"SELECT id, run_id, section, figure, message FROM alarms WHERE {where}"
                " ORDER BY id", params)
            self.db.execute(f"UPDATE alarms SET status = 'accepted' WHERE {where}", params)
        return rows


def article_row(raw: RawPage, article: Mapping[str, Any], page_id: int, digest: str,
                version: int, now: str) -> dict[str, Any]:
    """Flatten an extracted article (Article.to_dict()) into an ``articles`` row."""
    decode = article.get("decode") or {}
    repair = article.get("repair") or {}
    return {
        "url": raw.url,
        "site": raw.site,
        "section": raw.section,
        **{k: article.get(k) for k in ("title", "subtitle", "published_at", "source",
                                       "author", "editor", "body", "body_html", "page_kind")},
        **{k: _json(article.get(k) or empty()) for k, empty in ARTICLE_JSON_FIELDS.items()},
        "encoding": decode.get("encoding"),
        "encoding_source": decode.get("source"),
        "decode_report": _json(decode) if decode else None,
        "repair_kinds": _json(repair.get("kinds") or []),
        "repair_report": _json(repair) if repair else None,
        "lost": int(repair.get("lost") or 0),
        "content_hash": digest,
        "version": version,
        "page_id": page_id,
        "etag": raw.header("ETag"),
        "last_modified": raw.header("Last-Modified"),
        "last_seen": now,
        "updated_at": now,
    }


def load_body(db: Database, page_id: int) -> bytes:
    row = db.execute("SELECT body FROM pages WHERE id = ?", [page_id]).fetchone()
    if row is None:
        raise StorageError(f"no stored page {page_id}")
    return zlib.decompress(row[0])


def _rowid(cur: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just added (sqlite3 types lastrowid as Optional)."""
    if cur.lastrowid is None:
        raise StorageError("INSERT returned no row id")
    return cur.lastrowid
