"""Options and output shared by the commands (sqlite-utils style decorators)."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import click

from archiver.cli.table import text_table
from archiver.store.writer import default_db_path

F = Callable[..., Any]


def db_option(func: F) -> F:
    return click.option(
        "--db", "db", type=click.Path(dir_okay=False), default=default_db_path,
        show_default="data/archive.db or $ARCHIVER_DB", help="Archive file (SQLite).",
    )(func)


def crawl_logging() -> dict[str, Any]:
    """Scrapy settings for the log of a crawl run by this command: ``archiver -v`` brings
    Scrapy's start-up banner, settings, middleware lists and stats dump back."""
    root = click.get_current_context().find_root()
    return {"ARCHIVER_VERBOSE": bool(root.params.get("verbose"))}


def output_options(func: F) -> F:
    return click.option(
        "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
        show_default=True, help="Output format.",
    )(click.option("--json", "as_json", is_flag=True, help="Same as --format json.")(func))


def emit_rows(rows: list[dict[str, Any]], fmt: str, as_json: bool = False) -> None:
    if as_json or fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else [])
        writer.writeheader()
        writer.writerows(rows)
        click.echo(out.getvalue(), nl=False)
    else:
        click.echo(text_table(list(rows[0]) if rows else ["(no rows)"],
                              [list(r.values()) for r in rows]))


