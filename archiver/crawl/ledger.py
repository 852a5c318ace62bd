"""The run ledger: everything one crawl knows about its own run, in one object.

One ``RunLedger`` is created per Scrapy crawler (by ``archiver.spiders.extensions.
RunLedgerExtension``); the spider, the pipelines, the progress display and the
runner all reach the same instance through the crawler, instead of leaving state on
spider attributes for each other to find. It holds the profile the pages are
processed with, the ``runs`` row, per-section counts, the frontier and each stored
page's outcome, and writes the ``runs`` row as the run goes, so a run killed with
SIGKILL still shows what it did. No Scrapy import: stats come in as a plain mapping.
"""
from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from archiver.crawl.frontier import Frontier, RetryPolicy
from archiver.errors import StorageError
from archiver.models import DONE, Entry
from archiver.profiles import Profile
from archiver.store.stats import coverage_by_section
from archiver.store.writer import ArchiveWriter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunPlan:
    """What a spider was asked to do: the run's identity, fixed before it starts."""

    site: str
    profile: Profile | None = None
    sections: tuple[str, ...] = ()
    args: Mapping[str, Any] = field(default_factory=dict)


def run_status(reason: str, sections: Mapping[str, Mapping[str, int]], errors: int,
               blocked: int, holes: int = 0) -> str:
    """failed: the crawl stopped early, or a section's listing was unreadable or empty
    (a likely template change); partial: some pages failed or were blocked, or requests
    are left unfinished (pending or failed in the frontier, a walk cut short), or the circuit
    breaker ended the run early; else ok."""
    broken = [s for s, c in sections.items() if not c.get("listings") or c.get("empty")]
    if reason == "circuit_breaker" and not broken:
        return "partial"  # ended early on the host's server errors; the rest stays pending
    if reason != "finished" or broken:
        return "failed"
    return "partial" if errors or blocked or holes else "ok"


def run_counts(stats: Mapping[str, Any], sections: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    """The ``runs`` row's counters, from Scrapy's stats and the per-section counts.

    errors: pages that failed after their retries (no answer, or an HTTP error), so the
    summary line agrees with the section table: one unreachable listing is one error, not
    one per attempt (and robots.txt attempt) that Scrapy's downloader stats count. Without
    sections (a single fetch) Scrapy's counts stand in. Exceptions in our code add to both.
    """
    bugs = sum(v for k, v in stats.items() if k.startswith("spider_exceptions/"))
    if sections:
        errors = sum(c.get("errors", 0) for c in sections.values()) + bugs
    else:
        errors = bugs + stats.get("archiver/rejected/http", 0) + sum(
            v for k, v in stats.items() if k.startswith("downloader/exception_type_count"))
    return {
        "requests": stats.get("downloader/request_count", 0),
        "new": stats.get("archiver/new", 0),
        "changed": stats.get("archiver/changed", 0),
        "unchanged": stats.get("archiver/unchanged", 0),
        "blocked": stats.get("archiver/blocked", 0),
        "errors": errors + stats.get("archiver/storage_errors", 0),
    }


def closing(reason: str, stats: Mapping[str, Any], sections: Mapping[str, Mapping[str, int]],
            name: str, holes: int = 0) -> tuple[str, dict[str, int], dict[str, Any]]:
    """A finished run's status, counts and sections (a run without sections is one section
    called ``name``): for a local crawl's ledger and for the Redis writer alike. ``holes``:
    requests left pending or failed and sections whose walk did not reach the end."""
    out: dict[str, Any] = {n: dict(c) for n, c in sections.items()}
    counts = run_counts(stats, out)
    errors = counts["errors"]
    if out:
        # A soft-404 is counted as blocked but is the site's dead link, not a refusal.
        hard = counts["blocked"] - stats.get("archiver/blocked/soft_error", 0)
        status = run_status(reason, out, errors, hard, holes)
    else:
        status = "ok" if reason == "finished" and not errors else (
            "partial" if reason == "finished" else "failed")
        out = {name: counts}
    return status, counts, out


def section_counts(stats: Mapping[str, Any], names: Iterable[str]) -> dict[str, dict[str, int]]:
    """Per-section counters rebuilt from the ``archiver/section/NAME/COUNTER`` stats
    (a Redis run sums them over its workers and its writer)."""
    out: dict[str, dict[str, int]] = {n: {} for n in names}
    for key, value in stats.items():
        if key.startswith("archiver/section/"):
            section, _, counter = key[len("archiver/section/"):].rpartition("/")
            out.setdefault(section, {})[counter] = int(value)
    return out


def coverage_holes(coverage: Mapping[str, Mapping[str, Any]]) -> int:
    """Requests left pending or failed, and sections whose walk did not reach the end."""
    return sum(c["pending"] + c["failed"] + (not c["walked"]) for c in coverage.values())


class RunLedger:
    """One crawl's run: created once per crawler, shared by spider, pipelines and runner."""

    def __init__(self, db_path: str | None, plan: RunPlan, retry: RetryPolicy | None = None) -> None:
        self.db_path = db_path
        self.plan = plan
        self.retry = retry or RetryPolicy()
        # Per section at the end of the run: expected (as the listing states it), archived,
        # walked to the end or not, pending and failed requests.
        self.coverage: dict[str, dict[str, Any]] = {}
        self.run_id: int | None = None
        self.status: str | None = None
        self.counts: dict[str, int] = {}
        self.sections: dict[str, Counter[str]] = {s: Counter() for s in plan.sections}
        # (url, "new" | "changed" | "unchanged") of the last page stored, which a single-URL
        # fetch reports; a crawl keeps nothing per page, so its memory stays flat.
        self.last_stored: tuple[str, str] | None = None
        # Requests that got no answer at all (DNS, refused, timeout), with their reasons.
        self.failures: list[str] = []
        # Per section, what ``archiver sites --check`` found ("12 links", "blocked (…)").
        self.notes: dict[str, str] = {}
        # Per section of a bare-URL crawl, the name its listing page gives it (and the site's).
        self.names: dict[str, str] = {}
        self.site_name: str | None = None
        # The first failure to write the archive (disk full, read-only, corrupt): the run
        # stops, and the ledger writes nothing more (every write would fail the same way).
        self.storage_error: str | None = None
        self._writer: ArchiveWriter | None = None
        self._frontier: Frontier | None = None

    @property
    def site(self) -> str:
        return self.plan.site

    @property
    def profile(self) -> Profile | None:
        return self.plan.profile

    # -- storage, opened on first use (``archiver fetch --no-store`` never opens it) ----
    @property
    def writer(self) -> ArchiveWriter:
        if self._writer is None:
            if not self.db_path:
                raise RuntimeError("this crawl has no archive (ARCHIVER_DB is not set)")
            self._writer = ArchiveWriter(self.db_path)
        return self._writer

    @property
    def frontier(self) -> Frontier:
        if self._frontier is None:
            self._frontier = Frontier(self.writer, self.site, self.run_id, self.retry)
        return self._frontier

    def start(self) -> int:
        """Open the ``runs`` row (the store pipeline does, so an unstored fetch has none)."""
        if self.run_id is None:
            self.run_id = self.writer.start_run(self.site, dict(self.plan.args))
            # A run commits once per stored page (from the download loop, or from the pool's
            # processes), and neither should wait for the archive's fsyncs: a thread does the
            # checkpoints (archiver.store.checkpoint); finish() stops it.
            self.writer.checkpoint_in_background()
            if self._frontier is not None:
                self._frontier.run_id = self.run_id
        return self.run_id

    # -- counting -----------------------------------------------------------------
    def count(self, section: str, key: str, n: int = 1) -> None:
        self.sections.setdefault(section, Counter())[key] += n

    def stored(self, url: str, entry: Entry | None, outcome: str) -> None:
        """A page was kept (its frontier row closed with it, crawl.keep.keep_article): count it."""
        self.last_stored = (url, outcome)
        if entry is not None:
            self.count(entry.section, outcome)

    def reject(self, entry: Entry | None, reason: str) -> None:
        """The page was not archived. A page judged not an article stays done; a block is
        retried next run."""
        if entry is None:
            return
        if reason.startswith("storage"):  # the archive refused the page: it stays pending
            self.count(entry.section, "errors")
            return
        blocked = reason.startswith("blocked")
        # An article answering an HTTP error is an error of its section, as a listing's is.
        self.count(entry.section, "blocked" if blocked else
                   "errors" if reason.startswith("http:") else "rejected")
        if blocked:
            self.frontier.retry(entry, reason)
        else:
            self.frontier.finish(entry, DONE, reason[:500])

    # -- the runs row ---------------------------------------------------------------
    def _sections(self) -> dict[str, dict[str, int]]:
        return {name: dict(c) for name, c in self.sections.items()}

    def flush(self, stats: Mapping[str, Any]) -> None:
        """Write the counts so far to the ``runs`` row (status stays "running")."""
        if self.run_id is None or self.storage_error is not None:
            return
        self.counts = run_counts(stats, self.sections)
        self.writer.update_run(self.run_id, self.counts, self._sections())

    def measure_coverage(self) -> dict[str, dict[str, Any]]:
        """Expected against archived per section, and the holes left (pending, failed)."""
        if self.run_id is None or not self.plan.sections:
            return {}
        self.coverage = coverage_by_section(self.writer.db, self.site, self.plan.sections)
        return self.coverage

    def finish(self, reason: str, stats: Mapping[str, Any]) -> str:
        """Close the run: its status and final counts, in the ``runs`` row and on the ledger."""
        name = self.plan.args.get("section") or self.plan.args.get("spider") or self.site
        coverage = self.measure_coverage()
        holes = coverage_holes(coverage)
        status, counts, sections = closing(reason, stats, self._sections(), str(name), holes)
        self.status, self.counts = status, counts
        if self.run_id is not None:
            try:
                self.writer.finish_run(self.run_id, status, counts, sections, coverage)
            except (StorageError, sqlite3.Error) as exc:  # the next run marks it "interrupted"
                log.error("%s: the runs row could not be closed: %s", self.site, exc)
            self.writer.stop_checkpoints()
        return status
