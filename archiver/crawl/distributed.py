"""``archiver crawl SITE --redis URL``: put a run's work in Redis and follow it to the end.

The coordinator runs beside the archive (it reads it, never writes it): it takes
the site's run lock, announces the run on the stream (the writer opens the runs
row), copies what the site spider needs to know from the archive into run-scoped
Redis keys (archived URLs, and ETag/Last-Modified for ``--refresh``), and queues the
interrupted run's pending frontier rows and the sections' first listing pages.
Workers do the rest. The run is over when no request of it is queued or leased
(the ``outstanding`` counter); the coordinator then puts the run's end, with the
workers' summed stats, on the stream, waits for the writer to close the runs row,
and prints the same table and summary lines as a local crawl.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.crawl import wire
from archiver.crawl.lock import site_lock
from archiver.crawl.progress import SECTION_COUNTS, section_line, summary_line
from archiver.crawl.redisq import PREFIX, STREAM, WorkQueue, connect
from archiver.crawl.runner import CrawlResult
from archiver.errors import ArchiverError
from archiver.models import Entry
from archiver.profiles import SITES_DIR, Profile, find_profile, load_profile, profile_for_url, profile_paths

log = logging.getLogger(__name__)
CHUNK = 5000


@dataclass
class RunInRedis:
    key: str
    profile: Profile
    started: float
    ended: bool = False
    status: str | None = None
    result: dict[str, Any] | None = None


def politeness(profile: Profile, settings: Any) -> dict[str, Any]:
    """The run's per-host limits, as apply_politeness sets them for a local crawl;
    command-line settings (-s) win over the profile, as they do locally."""
    pol = profile.politeness
    cap = settings.getint("ARCHIVER_MAX_PER_HOST", 2)
    cmdline = settings.getpriority("DOWNLOAD_DELAY") == settings.getpriority("ARCHIVER_DB")
    delay = settings.getfloat("DOWNLOAD_DELAY") if cmdline else pol.delay
    robots_cmd = settings.getpriority("ROBOTSTXT_OBEY") == settings.getpriority("ARCHIVER_DB")
    return {"limit": max(1, min(pol.concurrency, cap)),
            "delay": max(delay, settings.getfloat("ARCHIVER_MIN_DELAY", 0.01)),
            "robots": settings.getbool("ROBOTSTXT_OBEY") if robots_cmd else pol.robots}


def _archive_reader(db: str) -> Any:
    from archiver.store.writer import open_database

    return open_database(db, readonly=True) if Path(db).exists() else None


def _sadd_chunks(r: Any, key: str, members: Iterable[str]) -> None:
    batch: list[str] = []
    for m in members:
        batch.append(m)
        if len(batch) >= CHUNK:
            r.sadd(key, *batch)
            batch = []
    if batch:
        r.sadd(key, *batch)


def start_run(r: Any, queue: WorkQueue, archive: Any, profile: Profile, target: str,
              config: dict[str, Any]) -> RunInRedis:
    from archiver.crawl.frontier import FrontierView

    key = f"{int(time.time())}-{r.incr(f'{PREFIX}:runseq')}"
    base = f"{PREFIX}:run:{key}"
    config = {"target": target, **config}
    args = {"spider": "site", "url": None, "section": None, "redis": True,
            **{k: config.get(k) for k in ("refresh", "backfill", "max_pages")}}
    r.hset(base, mapping={"config": json.dumps(config, ensure_ascii=False), "site": profile.id})
    r.xadd(STREAM, wire.message(wire.RUN_START, {"run": key, "site": profile.id, "args": args,
                                                 "interrupt": True}))
    sections = {s.name for s in profile.sections}
    pending: list[Entry] = []
    stored_now: list[Entry] = []
    # Unless the archive says otherwise, every section's walk is unfinished (as locally).
    if sections:
        r.sadd(f"{base}:unfinished", *sections)
    if archive is not None:
        frontier = FrontierView(archive, profile.id)
        known = [row[0] for row in archive.execute("SELECT url FROM articles")]
        _sadd_chunks(r, f"{base}:known", [*known, *frontier.done_articles(), *frontier.given_up()])
        # What SiteSpider.start reads from the frontier, for every worker: requests still in
        # their back-off, each section's last walk (and its name), and how often each request
        # was tried (a worker's retry tells its stats whether the request is now failed).
        _sadd_chunks(r, f"{base}:deferred", frontier.deferred())
        for name in sections:
            walk = frontier.walk(name)
            if walk is not None and walk["walked"]:
                r.srem(f"{base}:unfinished", name)
            if walk and walk.get("name"):
                r.hset(f"{base}:names", name, walk["name"])
        attempts = archive.execute("SELECT key, attempts FROM frontier WHERE site = ?"
                                   " AND attempts > 0", [profile.id]).fetchall()
        for i in range(0, len(attempts), CHUNK):
            r.hset(f"{base}:attempts", mapping=dict(attempts[i:i + CHUNK]))
        if config.get("refresh"):
            rows = archive.execute("SELECT url, etag, last_modified FROM articles"
                                   " WHERE etag IS NOT NULL OR last_modified IS NOT NULL")
            for url, etag, modified in rows:
                r.hset(f"{base}:validators", url, json.dumps(
                    {k: v for k, v in (("etag", etag), ("last_modified", modified)) if v}))
        pending = [e for e in frontier.pending() if e.section in sections]
        if pending:
            log.info("%s: resuming %d pending requests from an interrupted run",
                     profile.id, len(pending))
            r.hincrby(f"{base}:stats", "archiver/resumed", len(pending))
            stored = {row[0] for row in archive.execute(
                "SELECT url FROM articles WHERE site = ?", [profile.id])}
            if not config.get("refresh"):
                # Stored just before a kill, its frontier row not yet closed: not fetched again.
                stored_now = [e for e in pending if e.kind == "article" and e.url in stored]
                pending = [e for e in pending if e not in stored_now]
    for entry in stored_now:
        r.xadd(STREAM, wire.message(wire.FRONTIER_FINISH, {
            "run": key, "site": profile.id, "key": entry.key, "status": "done",
            "reason": "stored"}))
    firsts = [Entry(s.url, "listing", s.name, page=1) for s in profile.sections]
    r.xadd(STREAM, wire.message(wire.FRONTIER_ADD, {
        "run": key, "site": profile.id, "entries": [wire.entry_to_json(e) for e in firsts],
        "reset": True}))
    seen: set[str] = set()
    for entry in [*pending, *firsts]:
        if entry.key in seen:
            continue
        seen.add(entry.key)
        r.sadd(f"{base}:listings" if entry.kind == "listing" else f"{base}:requested", entry.key)
        queue.push({"run": key, "url": entry.url, "entry": wire.entry_to_json(entry),
                    "headers": {}}, limit=config["limit"], delay=config["delay"])
    return RunInRedis(key, profile, time.monotonic())


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _stats(r: Any, run: str) -> dict[str, int]:
    return {k.decode(): int(v) for k, v in r.hgetall(f"{PREFIX}:run:{run}:stats").items()}


def follow(r: Any, queue: WorkQueue, runs: list[RunInRedis], *, poll: float = 0.2,
           progress_every: float = 10.0, wait_warn: float = 15.0) -> None:
    """Until every run is finished: end the runs nothing is left of, reap expired leases,
    print the same per-section progress lines as a local crawl (plain, every interval)."""
    from archiver.crawl.ledger import section_counts

    progress = logging.getLogger("archiver.progress")
    last_progress = time.monotonic()
    while not all(run.status for run in runs):
        time.sleep(poll)
        queue.reap()
        # Every live run's outstanding count in one round trip (a crawl of many sites polls
        # them all five times a second).
        outstanding = queue.outstanding(run.key for run in runs if not run.ended)
        for run in runs:
            base = f"{PREFIX}:run:{run.key}"
            if not run.ended and outstanding[run.key] <= 0:
                reason = (r.hget(base, "stopped") or b"finished").decode()
                r.xadd(STREAM, wire.message(wire.RUN_END, {
                    "run": run.key, "site": run.profile.id, "reason": reason,
                    "stats": _stats(r, run.key),
                    "sections": [s.name for s in run.profile.sections],
                    "urls": {s.name: s.url for s in run.profile.sections},
                    # Sections whose listing end a worker reached, and those cut short.
                    "reached": sorted(m.decode() for m in r.smembers(f"{base}:reached")),
                    "cut": sorted(m.decode() for m in r.smembers(f"{base}:cut"))}))
                run.ended = True
            elif run.ended and not run.status:
                finished = r.hget(base, "finished")
                if finished:
                    run.status = finished.decode()
                    run.result = json.loads(r.hget(base, "result") or b"{}")
        now = time.monotonic()
        if now - last_progress >= progress_every:
            last_progress = now
            for run in runs:
                if not r.hexists(f"{PREFIX}:run:{run.key}", "run_id") and now - run.started > wait_warn:
                    log.warning("%s: waiting for the writer: is `archiver ingest` running?",
                                run.profile.id)
                stats = _stats(r, run.key)
                names = [s.name for s in run.profile.sections]
                for name, counts in section_counts(stats, names).items():
                    progress.info(section_line(run.profile.id, name, counts, now - run.started))
                waiting = queue.counts()
                log.info("%s: %d requests, %d queued, %d leased", run.profile.id,
                         stats.get("downloader/request_count", 0), waiting["queued"],
                         waiting["leased"])


def _cleanup(r: Any, run: str) -> None:
    base = f"{PREFIX}:run:{run}"
    r.delete(*(f"{base}:{k}" for k in ("known", "requested", "listings", "validators", "stats",
                                       "deferred", "unfinished", "names", "site_name",
                                       "attempts", "reached", "cut", "robots")))
    r.expire(base, 7 * 24 * 3600)


def crawl_sites_redis(targets: list[tuple[Profile, str]], db: str, redis_url: str, *,
                      refresh: bool = False, backfill: bool = False, max_pages: int | None = None,
                      overrides: dict[str, Any] | None = None) -> CrawlResult:
    from archiver.crawl.crawler import project_settings

    r = connect(redis_url)
    queue = WorkQueue(r)
    settings = project_settings(db, overrides or {})
    # The CLI's root logger says WARNING; progress lines are INFO, as in a local crawl.
    logging.getLogger("archiver").setLevel(settings.get("LOG_LEVEL", "INFO"))
    if not logging.getLogger().handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.setLevel(settings.get("LOG_LEVEL", "INFO"))
    started = time.monotonic()
    with ExitStack() as locks:
        for profile, _ in targets:
            locks.enter_context(site_lock(db, profile.id))
        archive = _archive_reader(db)
        retry = [settings.getint("ARCHIVER_MAX_ATTEMPTS", 4),
                 settings.getfloat("ARCHIVER_RETRY_BASE", 600.0),
                 settings.getfloat("ARCHIVER_RETRY_MAX", 86_400.0)]
        runs = [start_run(r, queue, archive, profile, target, {
            "refresh": refresh, "backfill": backfill, "max_pages": max_pages, "retry": retry,
            **politeness(profile, settings)}) for profile, target in targets]
        if archive is not None:
            archive.conn.close()
        follow(r, queue, runs, progress_every=settings.getfloat("ARCHIVER_PROGRESS_INTERVAL", 10.0))
    elapsed = time.monotonic() - started
    rows, summaries, statuses = [], [], {}
    for run in runs:
        result = run.result or {}
        sections = result.get("sections") or {}
        # A bare-URL section shows the name its page gives it (and its site's), as locally.
        base = f"{PREFIX}:run:{run.key}"
        names = {_text(k): _text(v) for k, v in r.hgetall(f"{base}:names").items()}
        site_name = r.hget(base, "site_name")
        for name, counts in sections.items():
            rows.append([_text(site_name) if site_name else run.profile.id, names.get(name, name),
                         *(counts.get(k, 0) for k in SECTION_COUNTS), run.status])
        statuses[run.profile.id] = run.status or "failed"
        summaries.append(summary_line(run.profile.id, run.status or "failed",
                                      result.get("totals") or {}, elapsed))
        _cleanup(r, run.key)
    return CrawlResult(["site", "section", *SECTION_COUNTS, "status"], rows, summaries,
                       [s for s, v in statuses.items() if v == "failed"], statuses)


def redis_targets(targets: Iterable[str], all_sites: bool,
                  sites_dir: Path | None = None) -> list[tuple[Profile, str]]:
    """Each target's profile and how a worker on another machine finds it again: a listing
    URL, or a profile id or file (workers need the same profiles: package data or a path)."""
    targets = list(targets)
    if not targets and not all_sites:
        raise ArchiverError("give a site id, a profile file or a listing URL, or --all")
    out: list[tuple[Profile, str]] = []
    for target in targets:
        if "://" in target:
            out.append((profile_for_url(target), target))
            continue
        profile = find_profile(target, sites_dir or SITES_DIR)
        plain_id = not (target.endswith(".toml") or "/" in target)
        where = target if plain_id and sites_dir is None else str(
            (Path(target) if not plain_id else (sites_dir or SITES_DIR) / f"{target}.toml").resolve())
        out.append((profile, where))
    if all_sites:
        for path in profile_paths(sites_dir or SITES_DIR):
            out.append((load_profile(path, sites_dir), str(Path(path).resolve())))
    unique = {p.id: (p, t) for p, t in out}
    return list(unique.values())
