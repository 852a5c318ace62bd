"""Re-run decode, repair and extract over the stored raw pages (after an extractor
upgrade), without fetching anything.

This module computes; ``ArchiveWriter.rewrite_article`` writes, each article in its own
transaction. A change to what a reader sees
(title, date, source, body: storage's ``content_hash``) adds a row to
``versions``, exactly as a re-crawl would; a change only to flags, reports or
provenance updates the article in place. ``first_seen``/``last_seen`` keep their
meaning (when the crawler saw the page), so they are never touched here.
"""
from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from archiver.models import RawPage, utc_now
from archiver.store.search import Filters
from archiver.store.writer import ArchiveWriter, article_row, content_hash, load_body

log = logging.getLogger(__name__)

Processor = Callable[[RawPage], Any]
# Bookkeeping columns: they describe the fetch or the row, not the extraction.
_NOT_COMPARED = {"url", "site", "section", "content_hash", "version", "page_id", "etag",
                 "last_modified", "first_seen", "last_seen", "updated_at"}
MAX_ERRORS = 20


@dataclass(frozen=True)
class ReextractReport:
    examined: int = 0
    changed: int = 0  # content changed: new version added
    updated: int = 0  # only flags/reports/provenance changed: updated in place
    unchanged: int = 0
    failed: int = 0
    fields: dict[str, int] = field(default_factory=dict)  # field -> articles where it changed
    errors: list[tuple[str, str]] = field(default_factory=list)  # (url, message), first few


def _default_processor(raw: RawPage) -> Any:
    from archiver.process import process_page  # the crawl's own composition of the stages

    return process_page(raw)


def stored_raw(db: Database, article: Mapping[str, Any]) -> RawPage:
    """The RawPage an article was extracted from, rebuilt from ``pages``."""
    page = next(db.query("SELECT * FROM pages WHERE id = ?", [article["page_id"]]))
    return RawPage(
        url=page["url"], body=load_body(db, page["id"]), status=page["status"] or 200,
        headers=json.loads(page["headers"] or "{}"), final_url=page["final_url"],
        method=page["method"] or "GET",
        request_headers=json.loads(page["request_headers"] or "{}"),
        fetched_at=page["fetched_at"], site=article["site"], section=article["section"])


def reextract(db: Database, filters: Filters | None = None, *,
              process: Processor | None = None, dry_run: bool = False) -> ReextractReport:
    """Re-extract every article matching ``filters``; ``dry_run`` counts without writing."""
    process = process or _default_processor
    writer = None if dry_run else ArchiveWriter(db)
    where, params = (filters or Filters()).where()
    ids = [r[0] for r in db.execute(
        f"SELECT id FROM articles WHERE {' AND '.join(where) or '1'} AND page_id IS NOT NULL"
        " ORDER BY id", params).fetchall()]
    outcomes: Counter[str] = Counter()
    fields_changed: Counter[str] = Counter()
    errors: list[tuple[str, str]] = []
    for article_id in ids:
        old = next(db.query("SELECT * FROM articles WHERE id = ?", [article_id]))
        try:
            outcome, changed = _reextract_one(db, old, process, writer)
        except Exception as exc:  # one bad page must not stop a whole archive's run
            log.warning("re-extracting %s failed: %s", old["url"], exc)
            outcome, changed = "failed", []
            if len(errors) < MAX_ERRORS:
                errors.append((old["url"], f"{type(exc).__name__}: {exc}"))
        outcomes[outcome] += 1
        fields_changed.update(changed)
    if writer is not None:
        writer.index()   # the edited articles were queued for the full-text indexes
    return ReextractReport(len(ids), outcomes["changed"], outcomes["updated"],
                           outcomes["unchanged"], outcomes["failed"],
                           dict(fields_changed.most_common()), errors)


def _reextract_one(db: Database, old: dict[str, Any], process: Processor,
                   writer: ArchiveWriter | None) -> tuple[str, list[str]]:
    """Re-extract one stored article; ``writer`` None is a dry run (count, write nothing)."""
    raw = stored_raw(db, old)
    result = process(raw)
    article = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    digest = content_hash(article)
    content_changed = digest != old["content_hash"]
    version = int(old["version"] or 0) + (1 if content_changed else 0)
    new = article_row(raw, article, old["page_id"], digest, version, utc_now())
    changed = [k for k, v in new.items() if k not in _NOT_COMPARED and v != old.get(k)]
    if not changed and not content_changed:
        return "unchanged", []
    if writer is not None:
        writer.rewrite_article(old["id"], new, raw, article, content_changed=content_changed)
    return ("changed" if content_changed else "updated"), changed

