"""The archive as a Python API, read-only: ``Archive(path).search("疫情防控", site="yuncheng")``.

Everything here opens the file with ``mode=ro`` and ``PRAGMA query_only``, so no
call (nor SQL passed to :meth:`Archive.query`) can change the archive.
"""
from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from archiver.errors import ArchiverError
from archiver.store.schema import JSON_COLUMNS
from archiver.store.search import Filters, Hit, search
from archiver.store.writer import default_db_path, open_database

_FILTER_NAMES = {f.name for f in fields(Filters)}
# Statements a read-only query may never run even if the file were writable:
# ATTACH could open (and create) another, writable file.
_DENIED = {sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH}
# The only pragmas a read-only query may run: ones that describe the schema or the file.
# Everything else is refused, whatever its case ("pragma QUERY_ONLY = false" and
# "pragma Writable_Schema=1" passed a case-sensitive deny list). Those taking an argument
# take a table or index name (the checks a row count); the others are allowed only as reads (no "= value").
_PRAGMAS_WITH_ARGUMENT = frozenset({
    "table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list",
    "integrity_check", "quick_check"})  # the checks read every page: the time limit bounds them
_PRAGMAS_READ_ONLY = frozenset({
    "table_list", "database_list", "collation_list", "function_list", "module_list",
    "pragma_list", "compile_options", "user_version", "schema_version", "data_version",
    "application_id", "encoding", "page_size", "page_count", "freelist_count", "journal_mode",
    "foreign_keys", "query_only"})
QUERY_TIMEOUT = 10.0


class QueryError(ArchiverError):
    """SQL that is malformed, or that tries to write."""


@dataclass(frozen=True)
class Version:
    url: str
    version: int
    fetched_at: str | None
    page_id: int | None
    content_hash: str | None
    title: str | None
    published_at: str | None
    source: str | None
    author: str | None
    body: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def filters_from(options: dict[str, Any]) -> Filters:
    """Keyword filters (site=, section=, source=, since=, until=) as a Filters value."""
    unknown = set(options) - _FILTER_NAMES
    if unknown:
        raise ArchiverError(f"unknown filter(s): {', '.join(sorted(unknown))};"
                            f" use {', '.join(sorted(_FILTER_NAMES))}")
    return Filters(**{k: v for k, v in options.items() if v is not None})


def decode_row(row: dict[str, Any]) -> dict[str, Any]:
    """An ``articles`` row with its JSON columns parsed."""
    out = dict(row)
    for column in JSON_COLUMNS:
        if isinstance(out.get(column), str):
            try:
                out[column] = json.loads(out[column])
            except ValueError:
                pass  # keep the stored text: better shown as is than lost
    return out


def _authorize(action: int, arg1: str | None, arg2: str | None, *_rest: Any) -> int:
    if action in _DENIED:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA:
        return sqlite3.SQLITE_OK if pragma_allowed(arg1, arg2) else sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def pragma_allowed(name: str | None, argument: str | None) -> bool:
    """Is ``PRAGMA name`` (``= argument`` / ``(argument)``) harmless? Case-insensitive."""
    name = (name or "").lower()
    if name in _PRAGMAS_WITH_ARGUMENT:
        return True
    return name in _PRAGMAS_READ_ONLY and argument is None


def open_readonly(path: str | Path) -> Database:
    """The archive opened for reading only (mode=ro, query_only, no ATTACH)."""
    db = open_database(path, readonly=True)
    db.execute("PRAGMA query_only = ON")
    db.conn.set_authorizer(_authorize)
    return db


def run_query(db: Database, sql: str, params: Sequence[Any] | dict[str, Any] = (), *,
              timeout: float | None = QUERY_TIMEOUT, limit: int | None = None) -> list[dict[str, Any]]:
    """Rows of one read-only SQL statement, or a QueryError with a one-line reason.

    ``timeout`` (seconds) interrupts a statement still running (an endless recursive CTE);
    ``limit`` stops reading after that many rows (5 M rows held at once took 2.4 GB)."""
    return list(iter_query(db, sql, params, timeout=timeout, limit=limit))


def iter_query(db: Database, sql: str, params: Sequence[Any] | dict[str, Any] = (), *,
               timeout: float | None = QUERY_TIMEOUT, limit: int | None = None
               ) -> Iterator[dict[str, Any]]:
    """run_query's rows one at a time (constant memory); the time limit covers the whole read."""
    conn = db.conn
    if timeout is not None:
        end = time.monotonic() + timeout
        # SQLite calls this every 10,000 virtual-machine steps; non-zero interrupts the statement.
        conn.set_progress_handler(lambda: int(time.monotonic() > end), 10_000)
    try:
        yield from _rows(db, sql, params, limit)
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise QueryError(f"query stopped after {timeout:g}s (time limit; see --timeout)") from exc
        raise _query_error(exc) from exc
    except (sqlite3.Warning, sqlite3.ProgrammingError) as exc:  # e.g. two statements
        raise QueryError(f"SQL error: {exc}") from exc
    except sqlite3.DatabaseError as exc:
        raise _query_error(exc) from exc
    finally:
        if timeout is not None:
            conn.set_progress_handler(None, 0)


def _rows(db: Database, sql: str, params: Sequence[Any] | dict[str, Any],
          limit: int | None) -> Iterator[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description or []]
    count = 0
    while limit is None or count < limit:
        batch = cursor.fetchmany(500 if limit is None else min(500, limit - count))
        if not batch:
            break
        count += len(batch)
        for row in batch:
            yield dict(zip(names, row, strict=False))


def _query_error(exc: sqlite3.DatabaseError) -> QueryError:
    text = str(exc)
    if "readonly" in text or "query_only" in text or "not authorized" in text:
        return QueryError("refused: the archive is opened read-only; only SELECT-style"
                          f" queries are allowed ({text})")
    return QueryError(f"SQL error: {text}")


def get_article(db: Database, url_or_id: str | int) -> dict[str, Any] | None:
    """One article by id or URL, JSON columns parsed; None when absent."""
    key = str(url_or_id)
    column = "id" if key.isdigit() else "url"
    rows = run_query(db, f"SELECT * FROM articles WHERE {column} = ?", [key])
    return decode_row(rows[0]) if rows else None


def list_versions(db: Database, url: str) -> list[Version]:
    """Every stored version of an article, oldest first."""
    rows = run_query(db, "SELECT url, version, fetched_at, page_id, content_hash, title,"
                     " published_at, source, author, body FROM versions WHERE url = ?"
                     " ORDER BY version", [url])
    return [Version(**row) for row in rows]


class Archive:
    """Read access to one archive file.

    >>> archive = Archive("data/archive.db")          # doctest: +SKIP
    >>> [h.title for h in archive.search("疫情防控", since="2022-05", until="2022-05")]
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or default_db_path())
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = open_readonly(self.path)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def search(self, query: str, *, limit: int = 20, raw: bool = False,
               **filters: Any) -> list[Hit]:
        """Full-text search; see :func:`archiver.store.search.search`."""
        return search(self.db, query, filters_from(filters), limit=limit, raw=raw)

    def get(self, url_or_id: str | int) -> dict[str, Any] | None:
        """One article by id or URL, JSON columns parsed; None when absent."""
        return get_article(self.db, url_or_id)

    def articles(self, *, limit: int | None = None, **filters: Any) -> Iterator[dict[str, Any]]:
        """Articles matching the filters, newest first, JSON columns parsed."""
        where, params = filters_from(filters).where()
        sql = (f"SELECT * FROM articles WHERE {' AND '.join(where) or '1'}"
               " ORDER BY published_at DESC, id DESC")
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        for row in self.db.query(sql, params):
            yield decode_row(row)

    def versions(self, url: str) -> list[Version]:
        """Every stored version of an article, oldest first."""
        return list_versions(self.db, url)

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = (), *,
              timeout: float | None = QUERY_TIMEOUT, limit: int | None = None) -> list[dict[str, Any]]:
        """Rows of read-only SQL; writes are refused with a QueryError, and a statement
        running past ``timeout`` seconds is stopped with one. ``limit`` caps the rows read."""
        return run_query(self.db, sql, params, timeout=timeout, limit=limit)

    def iterquery(self, sql: str, params: Sequence[Any] | dict[str, Any] = (), *,
                  timeout: float | None = QUERY_TIMEOUT, limit: int | None = None
                  ) -> Iterator[dict[str, Any]]:
        """Like query(), one row at a time: for results too large to hold at once."""
        return iter_query(self.db, sql, params, timeout=timeout, limit=limit)
