"""A local crawl's articles stored where they are processed: in the page-processing pool.

The download loop is a local crawl's bottleneck (docs/scaling.md): each millisecond it spends
storing is a millisecond in which no response is handled. So a pool process that has decoded,
repaired and extracted an article also judges it (the same pure ``crawl.validate`` the
validate pipeline applies after it) and stores it, on a connection of its own to the
archive: the raw page, the article and its frontier row in one transaction, as the store
pipeline does in the loop when there is no pool. The loop gets back the outcome and counts
it. SQLite serialises the writers (every write transaction is BEGIN IMMEDIATE,
archiver.store.transaction); the loop's own writes (listing pages, the frontier rows of new
links, the runs row on the ledger's clock) are short.

No Scrapy here: a spawned pool process imports the module of the function it is sent.
"""
from __future__ import annotations

import atexit
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from archiver.crawl.validate import rejection
from archiver.errors import StorageError
from archiver.models import DONE, Entry, RawPage
from archiver.process import process_record
from archiver.store.writer import ArchiveWriter, storage_problem

if TYPE_CHECKING:
    from archiver.budget import Budget
    from archiver.profiles import Profile


@dataclass(frozen=True)
class Destination:
    """Where a pool process stores the articles it processed: the crawl's archive and run."""

    db_path: str
    site: str
    run_id: int


def keep_article(writer: ArchiveWriter, raw: RawPage, article: dict[str, Any], run_id: int | None,
                 site: str, entry: Entry | None) -> str:
    """Store an article and close its frontier row, in one transaction (or the caller's
    batch): a killed crawl leaves both or neither. Returns "new", "changed" or "unchanged"."""
    with writer.batch():
        outcome = writer.save(raw, article, run_id)
        if entry is not None:
            writer.finish_request(site, entry.key, DONE, outcome)
    return outcome


# One writer per archive in each pool process, opened on its first article and kept: a
# connection per page would re-read the schema and re-check the migrations every time.
_writers: dict[str, ArchiveWriter] = {}


def _writer(path: str) -> ArchiveWriter:
    writer = _writers.get(path)
    if writer is None:
        writer = _writers[path] = ArchiveWriter(path)
        atexit.register(writer.db.conn.close)
    return writer


def process_and_keep(raw: RawPage, profile: Profile | None, budget: Budget | None,
                     entry: Entry | None, to: Destination) -> dict[str, Any]:
    """A pool process's whole share of an article: process it and, unless the validate
    pipeline is going to reject it, store it. Returns ``{"article": …}`` with ``"outcome"``
    when stored or ``"storage_error"`` (one line) when the archive refused it, its
    transaction rolled back. Never raises for a page."""
    article = process_record(raw, profile, budget)
    if rejection(raw, article) is not None:
        return {"article": article}   # the validate pipeline counts and drops it
    try:
        outcome = keep_article(_writer(to.db_path), raw, article, to.run_id, to.site, entry)
    except StorageError as exc:
        return {"article": article, "storage_error": str(exc)}
    except sqlite3.Error as exc:
        return {"article": article,
                "storage_error": f"cannot write to archive: {storage_problem(exc)}"}
    return {"article": article, "outcome": outcome}
