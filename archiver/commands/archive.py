"""Commands that read the archive: search, query, runs."""
from __future__ import annotations

import sqlite3

import click

from archiver.commands.options import db_option, emit_rows, output_options
from archiver.errors import ArchiverError
from archiver.storage import open_database


@click.command()
@db_option
@click.argument("text")
@click.option("--limit", type=int, default=20, show_default=True)
@output_options
def search(db: str, text: str, limit: int, fmt: str, as_json: bool) -> None:
    """Full-text search of titles and bodies (any Chinese substring).

    \b
    Example:
      archiver search 疫情防控 --limit 5
    """
    from archiver.search import hit_dict, search as run_search

    try:
        hits = run_search(open_database(db, readonly=True), text, limit=limit)
    except sqlite3.Error as exc:
        raise ArchiverError(f"search failed: {exc}") from exc
    rows = [hit_dict(h) for h in hits]
    if fmt == "table" and not as_json:
        rows = [{k: r[k] for k in ("id", "published_at", "title", "source", "snippet")} for r in rows]
    emit_rows(rows, fmt, as_json)


@click.command()
@db_option
@click.argument("sql")
@output_options
def query(db: str, sql: str, fmt: str, as_json: bool) -> None:
    """Run read-only SQL against the archive.

    \b
    Example:
      archiver query "select source, count(*) n from articles group by source"
    """
    archive = open_database(db, readonly=True)
    try:
        cursor = archive.execute(sql)
        names = [d[0] for d in cursor.description or []]
        rows = [dict(zip(names, row)) for row in cursor.fetchall()]
    except sqlite3.Error as exc:
        raise ArchiverError(f"SQL error: {exc}") from exc
    rows = [{k: (f"<{len(v)} bytes>" if isinstance(v, bytes) else v) for k, v in r.items()}
            for r in rows]
    emit_rows(rows, fmt, as_json)


@click.command()
@db_option
@click.option("--limit", type=int, default=20, show_default=True)
@output_options
def runs(db: str, limit: int, fmt: str, as_json: bool) -> None:
    """List recent crawl runs with their counts and status.

    \b
    Example:
      archiver runs --limit 5
    """
    archive = open_database(db, readonly=True)
    rows = [dict(r) for r in archive.query(
        "SELECT id, site, started, finished, status, requests, new, changed, unchanged,"
        " blocked, errors FROM runs ORDER BY id DESC LIMIT ?", [limit])]
    emit_rows(rows, fmt, as_json)


COMMANDS = [search, query, runs]
