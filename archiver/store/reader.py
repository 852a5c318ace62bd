"""The archive as a Python API, read-only: ``Archive(path).search("疫情防控", site="yuncheng")``.

Everything here opens the file with ``mode=ro`` and ``PRAGMA query_only``, so no
call (nor SQL passed to :meth:`Archive.query`) can change the archive.
"""
from __future__ import annotations

import json
import sqlite3
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
_GUARD_PRAGMAS = {"query_only", "writable_schema"}


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
    if action == sqlite3.SQLITE_PRAGMA and arg2 is not None and arg1 in _GUARD_PRAGMAS:
        return sqlite3.SQLITE_DENY  # "PRAGMA query_only = OFF" would lift the guard
    return sqlite3.SQLITE_OK


def open_readonly(path: str | Path) -> Database:
    """The archive opened for reading only (mode=ro, query_only, no ATTACH)."""
    db = open_database(path, readonly=True)
    db.execute("PRAGMA query_only = ON")
    db.conn.set_authorizer(_authorize)
    return db


def run_query(db: Database, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
    """Rows of one read-only SQL statement, or a QueryError with a one-line reason."""
    try:
        cursor = db.execute(sql, params)
        names = [d[0] for d in cursor.description or []]
        return [dict(zip(names, row, strict=False)) for row in cursor.fetchall()]
    except (sqlite3.Warning, sqlite3.ProgrammingError) as exc:  # e.g. two statements
        raise QueryError(f"SQL error: {exc}") from exc
    except sqlite3.DatabaseError as exc:
        text = str(exc)
        if "readonly" in text or "query_only" in text or "not authorized" in text:
            raise QueryError("refused: the archive is opened read-only; only SELECT-style"
                             f" queries are allowed ({text})") from exc
        raise QueryError(f"SQL error: {text}") from exc


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

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        """Rows of read-only SQL; writes are refused with a QueryError."""
        return run_query(self.db, sql, params)
