"""The crawl frontier, kept in the archive: every request a run intends to make.

A row is written ``pending`` before its request is scheduled and becomes
``done`` or ``failed`` (with a reason) when its answer has been dealt with.
After a crash (even SIGKILL) the next run of the site starts with the pending
rows, so nothing discovered is lost; storage is idempotent by content hash, so
a page fetched twice is not stored twice. Scrapy's JOBDIR needs a clean stop
(research §1.1), which a killed cron job never gets — hence this table.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from sqlite_utils import Database

from archiver.models import utc_now

PENDING, DONE, FAILED = "pending", "done", "failed"


@dataclass(frozen=True)
class Entry:
    url: str
    kind: str                       # "listing" | "article"
    section: str
    method: str = "GET"
    form: tuple[tuple[str, str], ...] = ()
    page: int | None = None

    @property
    def key(self) -> str:
        if self.method == "GET" and not self.form:
            return self.url
        return f"{self.method} {self.url} {urlencode(self.form)}"


def _entry(row: dict) -> Entry:
    form = tuple(tuple(p) for p in json.loads(row["form"] or "[]"))
    return Entry(row["url"], row["kind"], row["section"], row["method"], form, row["page"])


class Frontier:
    """One site's rows in the ``frontier`` table. Each call is its own short transaction."""

    def __init__(self, db: Database, site: str, run_id: int | None = None) -> None:
        self.db = db
        self.site = site
        self.run_id = run_id

    def add(self, entries: Iterable[Entry], *, reset: bool = False) -> None:
        """Record entries as pending. A done row stays done unless ``reset`` (listings)."""
        now = utc_now()
        rows = [[self.site, e.key, e.url, e.kind, e.section, e.method, json.dumps(e.form),
                 e.page, PENDING, 0, self.run_id, now, now] for e in entries]
        if not rows:
            return
        keep = "" if reset else f"WHERE frontier.status != '{DONE}'"
        with self.db.atomic():   # nests (savepoint) inside a writer's batch
            self.db.conn.executemany(
                "INSERT INTO frontier (site, key, url, kind, section, method, form, page, status,"
                " attempts, run_id, added_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(site, key) DO UPDATE SET status = excluded.status, reason = NULL,"
                " run_id = excluded.run_id, updated_at = excluded.updated_at,"
                f" section = excluded.section, page = excluded.page {keep}", rows)

    def finish(self, entry_or_key: Entry | str, status: str, reason: str | None = None) -> None:
        key = entry_or_key.key if isinstance(entry_or_key, Entry) else entry_or_key
        with self.db.atomic():   # nests (savepoint) inside a writer's batch
            self.db.execute(
                "UPDATE frontier SET status = ?, reason = ?, attempts = attempts + 1,"
                " updated_at = ? WHERE site = ? AND key = ?",
                [status, reason, utc_now(), self.site, key])

    def pending(self) -> list[Entry]:
        rows = self.db.execute_returning_dicts(
            "SELECT * FROM frontier WHERE site = ? AND status = ? ORDER BY id",
            [self.site, PENDING])
        return [_entry(r) for r in rows]

    def done_articles(self) -> set[str]:
        """Articles dealt with for good (stored, or judged not an article): not fetched again."""
        return {r[0] for r in self.db.execute(
            "SELECT url FROM frontier WHERE site = ? AND kind = 'article' AND status = ?",
            [self.site, DONE])}

    def given_up(self, attempts: int = 3) -> set[str]:
        """Articles that failed ``attempts`` runs in a row (404s, size limit, redirect loops):
        not asked for again. Blocks are never given up on: they are the site's, not the page's."""
        return {r[0] for r in self.db.execute(
            "SELECT url FROM frontier WHERE site = ? AND kind = 'article' AND status = ?"
            " AND attempts >= ? AND reason NOT LIKE 'blocked%'", [self.site, FAILED, attempts])}

    def counts(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.db.execute(
            "SELECT status, count(*) FROM frontier WHERE site = ? GROUP BY status", [self.site])}
