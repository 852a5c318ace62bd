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
import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from archiver.models import DONE, FAILED, PENDING, Entry
from archiver.store.writer import ArchiveWriter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How a request that failed (blocked, timed out, 5xx, refused) is retried: by later
    runs, ``base`` seconds after the first failure, doubling each time up to ``cap``, and
    given up on (``failed``) after ``attempts`` tries."""

    attempts: int = 4
    base: float = 600.0
    cap: float = 86_400.0

    def delay(self, attempts: int) -> float:
        return min(self.cap, self.base * 2 ** max(0, attempts - 1))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _entry(row: dict) -> Entry:
    form = tuple(tuple(p) for p in json.loads(row["form"] or "[]"))
    return Entry(row["url"], row["kind"], row["section"], row["method"], form, row["page"])


class FrontierView:
    """One site's rows in the ``frontier`` and ``sections`` tables, read: what is due, what
    was walked, what is left. Reads only, so it serves a read-only archive too (the Redis
    coordinator seeds a run from it)."""

    def __init__(self, db: Database, site: str) -> None:
        self.db = db
        self.site = site

    def pending(self, sections: Iterable[str] | None = None) -> list[Entry]:
        """Pending entries that are due (their back-off, if any, has passed)."""
        rows = self.db.execute_returning_dicts(
            "SELECT * FROM frontier WHERE site = ? AND status = ? AND (next_at IS NULL OR next_at <= ?)"
            " ORDER BY id", [self.site, PENDING, _now()])
        wanted = set(sections) if sections is not None else None
        return [_entry(r) for r in rows if wanted is None or r["section"] in wanted]

    def deferred(self) -> set[str]:
        """Keys of pending entries still inside their back-off: not asked for in this run."""
        return {r[0] for r in self.db.execute(
            "SELECT key FROM frontier WHERE site = ? AND status = ? AND next_at > ?",
            [self.site, PENDING, _now()])}

    def unfinished_listings(self, section: str) -> int:
        return int(self.db.execute(
            "SELECT count(*) FROM frontier WHERE site = ? AND section = ? AND kind = 'listing'"
            " AND status = ?", [self.site, section, PENDING]).fetchone()[0])

    def walk(self, section: str) -> dict | None:
        """The section's row: its last walk, what its listing says it holds, its names."""
        rows = self.db.execute_returning_dicts(
            "SELECT * FROM sections WHERE site = ? AND section = ?", [self.site, section])
        return rows[0] if rows else None

    def done_articles(self) -> set[str]:
        """Articles dealt with for good (stored, or judged not an article): not fetched again."""
        return {r[0] for r in self.db.execute(
            "SELECT url FROM frontier WHERE site = ? AND kind = 'article' AND status = ?",
            [self.site, DONE])}

    def given_up(self) -> set[str]:
        """Articles that had their attempts (RetryPolicy) and failed: not asked for again;
        listed by ``archiver runs`` and ``archiver stats``."""
        return {r[0] for r in self.db.execute(
            "SELECT url FROM frontier WHERE site = ? AND kind = 'article' AND status = ?",
            [self.site, FAILED])}


class Frontier(FrontierView):
    """One site's frontier, read and changed. This class decides (what is pending, when a
    failed request is due again, when it is given up); the archive's writer does every
    write, each its own short transaction, or part of a writer's batch."""

    def __init__(self, writer: ArchiveWriter, site: str, run_id: int | None = None,
                 policy: RetryPolicy | None = None) -> None:
        super().__init__(writer.db, site)
        self.writer = writer
        self.run_id = run_id
        self.policy = policy or RetryPolicy()
        self.write_failed = False

    def add(self, entries: Iterable[Entry], *, reset: bool = False) -> None:
        """Record entries as pending. A done row stays done unless ``reset`` (listings)."""
        try:
            self.writer.add_requests(self.site, list(entries), self.run_id, reset=reset)
        except sqlite3.OperationalError as exc:
            self._unwritable(exc)

    def finish(self, entry_or_key: Entry | str, status: str, reason: str | None = None) -> None:
        key = entry_or_key.key if isinstance(entry_or_key, Entry) else entry_or_key
        try:
            self.writer.finish_request(self.site, key, status, reason)
        except sqlite3.OperationalError as exc:
            self._unwritable(exc)

    def _unwritable(self, exc: sqlite3.OperationalError) -> None:
        """A full disk or a read-only file: the row stays as it was (a pending row is asked
        for again next run), and the crawl goes on to meet the same failure where pages are
        stored, which counts it and ends the run. Said once, not per row."""
        if not self.write_failed:
            log.warning("%s: the frontier cannot be written (%s); its rows stay as they were",
                        self.site, exc)
        self.write_failed = True

    def retry(self, entry: Entry, reason: str) -> str:
        """A failed request stays pending for a later run (after the back-off), or becomes
        ``failed`` once it has had its attempts. Returns the status it now has."""
        row = self.db.execute("SELECT attempts FROM frontier WHERE site = ? AND key = ?",
                              [self.site, entry.key]).fetchone()
        attempts = (int(row[0] or 0) if row else 0) + 1
        status = FAILED if attempts >= self.policy.attempts else PENDING
        due = (datetime.now(UTC) + timedelta(seconds=self.policy.delay(attempts))).isoformat(
            timespec="seconds")
        self.writer.retry_request(self.site, entry, self.run_id, status=status, reason=reason[:500],
                                  attempts=attempts, next_at=due if status == PENDING else None)
        return status

    # -- the walk of each section's listing ---------------------------------------------
    def set_walk(self, section: str, url: str, *, walked: bool, cut: str | None = None) -> None:
        """Record whether the section's listing was walked to its end (else why not)."""
        self.writer.update_section(self.site, section, url,
                                   {"walked": int(walked), "cut": None if walked else cut})

    def set_expected(self, section: str, url: str, *, expected: int | None = None,
                     pages: int | None = None, source: str | None = None) -> None:
        """What the listing says the section holds (articles, or pages of the listing)."""
        values: dict[str, object] = {"expected_source": source}
        if expected is not None:
            values["expected"] = expected
        if pages is not None:
            values["expected_pages"] = pages
        self.writer.update_section(self.site, section, url, values)

    def set_names(self, section: str, url: str, *, name: str | None, site_name: str | None,
                  source: str | None) -> None:
        """The names a bare-URL section's listing gives itself and its site."""
        self.writer.update_section(self.site, section, url,
                                   {"name": name, "site_name": site_name, "name_source": source})
