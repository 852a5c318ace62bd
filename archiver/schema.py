"""The archive's schema, as an ordered list of migrations.

sqlite-utils creates the tables; ``PRAGMA user_version`` records how far a file
has been migrated. (The separate sqlite-migrate package would add a dependency
for what is a dozen lines here.) New migrations are appended, never edited.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

FTS_COLUMNS = ["title", "body", "source"]


def _m1_core(db: Database) -> None:
    db["pages"].create(
        {
            "id": int, "url": str, "final_url": str, "method": str, "status": int,
            "fetched_at": str, "request_headers": str, "headers": str,
            "body": bytes, "body_sha256": str, "body_size": int, "run_id": int,
        },
        pk="id",
    )
    db["pages"].create_index(["url"])
    db["pages"].create_index(["body_sha256"])
    db["articles"].create(
        {
            "id": int, "url": str, "site": str, "section": str, "title": str,
            "subtitle": str, "published_at": str, "source": str, "author": str,
            "editor": str, "body": str, "body_html": str, "images": str,
            "attachments": str, "doc_fields": str, "flags": str, "spam": str,
            "page_kind": str, "provenance": str, "encoding": str,
            "encoding_source": str, "decode_report": str, "repair_kinds": str,
            "repair_report": str, "lost": int, "content_hash": str, "version": int,
            "page_id": int, "etag": str, "last_modified": str, "first_seen": str,
            "last_seen": str, "updated_at": str,
        },
        pk="id",
        not_null={"url"},
        foreign_keys=[("page_id", "pages", "id")],
    )
    db["articles"].create_index(["url"], unique=True)
    db["articles"].create_index(["site", "section"])
    db["articles"].create_index(["published_at"])
    db["versions"].create(
        {
            "id": int, "url": str, "version": int, "fetched_at": str, "page_id": int,
            "content_hash": str, "title": str, "published_at": str, "source": str,
            "author": str, "body": str,
        },
        pk="id",
        foreign_keys=[("page_id", "pages", "id")],
    )
    db["versions"].create_index(["url", "version"], unique=True)
    db["runs"].create(
        {
            "id": int, "site": str, "started": str, "finished": str, "status": str,
            "requests": int, "new": int, "changed": int, "unchanged": int,
            "blocked": int, "errors": int, "sections": str, "args": str, "pid": int,
        },
        pk="id",
    )
    # trigram: any substring of 3+ characters matches, which is what Chinese needs
    # (unicode61 treats a run of hanzi as one token).
    db["articles"].enable_fts(FTS_COLUMNS, tokenize="trigram", create_triggers=True)


def _m2_frontier(db: Database) -> None:
    """The crawl frontier lives in the archive, so a killed run resumes where it stopped."""
    db["frontier"].create(
        {
            "id": int, "site": str, "key": str, "url": str, "kind": str, "section": str,
            "method": str, "form": str, "page": int, "status": str, "reason": str,
            "attempts": int, "run_id": int, "added_at": str, "updated_at": str,
        },
        pk="id",
        not_null={"site", "key", "url", "status"},
    )
    db["frontier"].create_index(["site", "key"], unique=True)
    db["frontier"].create_index(["site", "status"])


MIGRATIONS: list[Callable[[Database], None]] = [_m1_core, _m2_frontier]


def migrate(db: Database) -> None:
    """Bring ``db`` up to the current schema; a no-op on an up-to-date file."""
    current = db.execute("PRAGMA user_version").fetchone()[0]
    for number, step in enumerate(MIGRATIONS[current:], start=current + 1):
        with db.atomic():
            step(db)
            db.execute(f"PRAGMA user_version = {number}")
