"""One scheduled crawl of several sites: resolve targets, lock, run, report.

The library side of ``archiver crawl`` and ``archiver sites`` (the commands only
adapt it). One process runs all the sites together (Twisted's reactor cannot
restart), each under its own lock so a cron run never overlaps the previous one.
"""
from __future__ import annotations

import logging
import sqlite3
import tempfile
import time
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archiver.crawl.lock import site_lock
from archiver.crawl.progress import SECTION_COUNTS, summary_line
from archiver.errors import ArchiverError, StorageError
from archiver.profiles import (
    SITES_DIR,
    Profile,
    ProfileError,
    Section,
    find_profile,
    load_profile,
    profile_for_url,
    profile_paths,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CrawlResult:
    headers: list[str]
    rows: list[list[Any]]
    summaries: list[str]
    failed: list[str]
    statuses: dict[str, str]
    # Alarms of the runs' health checks (archiver.health); their sites' runs are "degraded".
    alarms: list[Any] = field(default_factory=list)

    @property
    def degraded(self) -> list[str]:
        return [s for s, v in self.statuses.items() if v == "degraded"]


def _merge_urls(urls: list[str]) -> list[Profile]:
    """Bare listing URLs of one host make one site with several sections."""
    by_host: dict[str, Profile] = {}
    for url in urls:
        base = by_host.get(urlsplit(url).hostname or "")
        one = profile_for_url(url)
        by_host[one.id] = one if base is None else replace(
            base, sections=(*base.sections, Section(urlsplit(url).path or url, url)))
    return list(by_host.values())


def resolve_targets(targets: Iterable[str], all_sites: bool,
                    sites_dir: Path | None = None) -> list[Profile]:
    sites_dir = sites_dir or SITES_DIR
    targets = list(targets)
    if not targets and not all_sites:
        raise ArchiverError("give a site id, a profile file or a listing URL, or --all")
    urls = [t for t in targets if urlsplit(t).scheme in ("http", "https")]
    profiles = [find_profile(t, sites_dir) for t in targets if t not in urls]
    if all_sites:
        profiles += [load_profile(p, sites_dir) for p in profile_paths(sites_dir)]
    profiles += _merge_urls(urls)
    unique = {p.id: p for p in profiles}
    return list(unique.values())


def _section_rows(outcomes: list[Any]) -> list[list[Any]]:
    rows = []
    for o in outcomes:
        if o.ledger is None:
            continue
        for name, counts in o.ledger.sections.items():
            # A bare-URL section shows the name its page gives it, not its path.
            rows.append([o.ledger.site_name or o.ledger.site, o.ledger.names.get(name, name),
                         *(counts.get(k, 0) for k in SECTION_COUNTS), o.ledger.status or o.reason])
    return rows


def _check_health(db: str, profiles: list[Profile], after: int) -> dict[str, Any]:
    """Judge each site's new run(s) against the site's history (archiver.health)."""
    from archiver.health.monitor import check_run, runs_since
    from archiver.store.writer import ArchiveWriter, storage_problem

    archive = ArchiveWriter(db)
    checks: dict[str, Any] = {}
    try:
        for profile in profiles:
            for run_id in runs_since(archive.db, profile.id, after):
                try:
                    checks[profile.id] = check_run(archive.db, run_id)
                except (sqlite3.Error, StorageError) as exc:  # full or read-only: said by the crawl
                    log.error("%s: health check of run %d not recorded: %s", profile.id, run_id,
                              storage_problem(exc))
                except Exception:  # the crawl is stored; a broken check must not lose its report
                    log.exception("%s: health check of run %d failed", profile.id, run_id)
    finally:
        archive.db.conn.close()
    return checks


def crawl_sites(profiles: list[Profile], db: str, *, refresh: bool = False,
                backfill: bool = False, max_pages: int | None = None,
                overrides: dict[str, Any] | None = None,
                on_alarm: str | None = None) -> CrawlResult:
    """Run every profile's crawl in this process, check each run's health; return the
    table, the failures and the alarms (``on_alarm``: a shell command given each alarm as
    JSON on stdin)."""
    from archiver.crawl import pool
    from archiver.crawl.crawler import project_settings, run_spiders
    from archiver.health.monitor import last_run_id
    from archiver.health.notify import run_hook
    from archiver.store.writer import ArchiveWriter

    started = time.monotonic()
    settings = project_settings(db, overrides or {})
    # The CLI's root logger says WARNING; crawl progress and resume notes are INFO.
    logging.getLogger("archiver").setLevel(settings.get("LOG_LEVEL", "INFO"))
    with ExitStack() as locks:
        # Waiting requests beyond ARCHIVER_QUEUE_MEMORY live on disk (Scrapy's JOBDIR queues,
        # one folder per site; spiders/scheduler.py), not in memory: a 100,000-page backfill
        # stays flat. Resuming is the frontier's job, so the folder goes with the run.
        if not settings.get("JOBDIR") and not settings.get("ARCHIVER_QUEUE_DIR"):
            queues = locks.enter_context(tempfile.TemporaryDirectory(prefix="archiver-queue-"))
            settings.set("ARCHIVER_QUEUE_DIR", queues, priority="cmdline")
        writer = ArchiveWriter(db)
        before = last_run_id(writer.db)
        for profile in profiles:
            locks.enter_context(site_lock(db, profile.id))
            if writer.interrupt_stale_runs(profile.id):
                log.warning("%s: an earlier run was interrupted; resuming its frontier", profile.id)
        writer.db.conn.close()
        jobs = [("site", {"profile": p, "refresh": refresh, "backfill": backfill,
                          "max_pages": max_pages}) for p in profiles]
        # The page-processing pool, started now: its processes load while Scrapy builds the
        # crawlers, and every site's crawler uses the same one (archiver.crawl.pool).
        with pool.held(pool.pool_size(settings.getint("ARCHIVER_JOBS", 0))):
            outcomes = run_spiders(jobs, settings, keep_items=False)
        checks = _check_health(db, profiles, before)
    elapsed = time.monotonic() - started
    statuses, summaries = {}, []
    for profile, o in zip(profiles, outcomes, strict=False):
        ledger = o.ledger
        status = (ledger.status if ledger is not None else None) or "failed"
        ended_early = o.reason == "circuit_breaker"  # partial, but the exit is non-zero
        if o.reason not in ("finished", None) and status != "failed" and not ended_early:
            status = "failed"
        check = checks.get(profile.id)
        if check is not None and check.alarms and status != "failed":
            status = "degraded"
        statuses[profile.id] = status
        # What StorePipeline recorded in the runs row (none if the run never opened).
        counts = (ledger.counts if ledger is not None else None) or {
            "requests": o.stats.get("downloader/request_count", 0)}
        summaries.append(summary_line(profile.id, status, counts, elapsed)
                         + (f" (stopped: {o.reason})" if o.reason not in ("finished", None) else ""))
        for alarm in check.alarms if check is not None else []:
            summaries.append(f"  alarm: {alarm.message}; e.g. {', '.join(alarm.examples) or '-'}")
    alarms = [a for c in checks.values() for a in c.alarms]
    if on_alarm and alarms:
        run_hook(on_alarm, alarms)
    rows = [[*r[:-1], statuses.get(r[0], r[-1]) if r[-1] != "failed" else r[-1]]
            for r in _section_rows(outcomes)]
    early = {p.id for p, o in zip(profiles, outcomes, strict=False) if o.reason == "circuit_breaker"}
    # A storage failure is named in the one error line: it is the archive's, not the site's.
    storage = {p.id: o.ledger.storage_error for p, o in zip(profiles, outcomes, strict=False)
               if o.ledger is not None and o.ledger.storage_error}
    failed = [s + (f" ({storage[s]})" if s in storage else "")
              for s, v in statuses.items() if v == "failed" or s in early]
    return CrawlResult(["site", "section", *SECTION_COUNTS, "status"], rows, summaries, failed,
                       statuses, alarms)


def live_check(profiles: list[Profile], overrides: dict[str, Any] | None = None) -> dict[str, str]:
    """Fetch each section's first listing page through the crawl's own fetch path (Scrapy
    settings, robots.txt, politeness, wall check, decoder, listing parser) and say what a
    crawl would get from it. Nothing is stored. One line per site."""
    from archiver.crawl.crawler import project_settings, run_spiders

    settings = {"ITEM_PIPELINES": {}, "ARCHIVER_PROGRESS": "off", "LOG_LEVEL": "ERROR",
                "RETRY_TIMES": 1, **(overrides or {})}
    outcomes = run_spiders([("check", {"profile": p}) for p in profiles], project_settings("", settings))
    found = {}
    for profile, outcome in zip(profiles, outcomes, strict=True):
        notes = outcome.ledger.notes if outcome.ledger is not None else {}
        found[profile.id] = "; ".join(f"{s.name}: {notes.get(s.name, 'no answer')}"
                                      for s in profile.sections)
    return found


def check_profiles(sites_dir: Path | None = None, live: bool = False,
                   overrides: dict[str, Any] | None = None) -> tuple[list[list[Any]], list[str]]:
    """Rows for ``archiver sites`` and the list of problems found."""
    rows: list[list[Any]] = []
    problems: list[str] = []
    valid: list[Profile] = []
    for path in profile_paths(sites_dir or SITES_DIR):
        try:
            valid.append(load_profile(path, sites_dir))
        except ProfileError as exc:
            rows.append([path.stem, "", "", "", "", f"INVALID: {exc}"])
            problems.append(str(exc))
    notes = live_check(valid, overrides) if live and valid else {}
    for p in valid:
        note = notes.get(p.id, "valid")
        if live and any(bad in note for bad in (" 0 links", "failed", "blocked", "forbids",
                                                "no answer", "offsite")):
            problems.append(f"{p.id}: {note}")
        rows.append([p.id, p.name, p.family, len(p.sections), "yes" if p.verified else "no", note])
    return rows, problems
