"""The worker spider: takes leased requests from Redis, answers them with the site spider's logic.

One worker serves every run in Redis. For each run, until the run is over, it keeps a
``RunHandler``: the site spider itself (same listing parsing, paging stops, known-article
skips, conditional GETs and block handling) whose state lives in Redis instead of the
archive: the frontier and 304 touches become stream messages for the one writer, the
known and requested sets are Redis sets, and its stats are counted in the run's Redis
hash (summed over every worker, they make the runs row).

Requests come from the async ``start()`` (Scrapy 2.13+): it pops a lease whenever
this worker holds fewer than ``CONCURRENT_REQUESTS``. A lease is renewed while the
request is worked on and acknowledged only once its outcome is on the stream
(child requests pushed, record or frontier message added), so a SIGKILL loses
nothing: the reaper hands the request to another worker.

What a local crawl's SiteSpider reads from the archive at its start (walk state, deferred
requests, names, attempts) the coordinator copies into the run's Redis keys; what it
decides at its end (SiteSpider.closed: which walks are finished) the writer decides at the
run's end from the sections the workers marked reached or cut. Listings and API answers
are archived as pages (a ``page`` message), and so is robots.txt, which one worker fetches
per host and run for all of them (archiver.spiders.robots). The block streak that stops a
run (ARCHIVER_BLOCK_LIMIT challenges in a row) is counted per host across all workers.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from typing import Any

import redis
import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.http import Response
from twisted.internet import task
from twisted.python.failure import Failure

from archiver.crawl import wire
from archiver.crawl.frontier import RetryPolicy
from archiver.crawl.redisq import PREFIX, STREAM, WorkQueue, connect, host_of
from archiver.models import DONE, FAILED, PENDING, Entry
from archiver.profiles import find_profile, profile_for_url
from archiver.spiders.middlewares import backoff_delay
from archiver.spiders.requests import to_request
from archiver.spiders.site import SiteSpider

log = logging.getLogger(__name__)

# Seconds a worker trusts its last look at a run's "stopped" flag: a stopped run may still
# see this much of one worker's requests start.
STOPPED_TTL = 0.25


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class RedisSet:
    """The few set operations the site spider uses (``in``, ``add``), on a Redis set."""

    def __init__(self, client: redis.Redis, key: str) -> None:
        self.r, self.key = client, key

    def __contains__(self, member: object) -> bool:
        return bool(self.r.sismember(self.key, str(member)))

    def add(self, member: str) -> None:
        self.r.sadd(self.key, member)

    def members(self) -> set[str]:
        return {_text(m) for m in self.r.smembers(self.key)}

    def __sub__(self, other: Any) -> set[str]:
        theirs = other.members() if isinstance(other, RedisSet) else set(other)
        return self.members() - theirs


class RedisHash:
    """A str -> str mapping (``get``, ``[]=``) on a Redis hash: the sections' names."""

    def __init__(self, client: redis.Redis, key: str) -> None:
        self.r, self.key = client, key

    def get(self, name: str, default: str | None = None) -> str | None:
        found = self.r.hget(self.key, name)
        return _text(found) if found is not None else default

    def __setitem__(self, name: str, value: str) -> None:
        self.r.hset(self.key, name, value)


class RunStats:
    """``crawler.stats`` for one run: every increment lands in the run's Redis hash too,
    sent with the worker's next acknowledgment (WorkerSpider.release), in its round trip:
    a request's counts reach Redis no later than the ack that may end the run (the
    coordinator reads them when nothing of the run is outstanding), for one round trip a
    request instead of one per count."""

    def __init__(self, client: redis.Redis, key: str, local: Any) -> None:
        self.r, self.key, self.local = client, key, local
        self.unsent: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1, start: int = 0, spider: Any = None) -> None:
        self.unsent[key] += count
        self.local.inc_value(key, count, start)

    def send(self, pipe: Any) -> None:
        for key, count in self.unsent.items():
            pipe.hincrby(self.key, key, count)
        self.unsent.clear()

    def set_value(self, key: str, value: Any, spider: Any = None) -> None:
        self.local.set_value(key, value)

    def get_value(self, key: str, default: Any = None, spider: Any = None) -> Any:
        return self.local.get_value(key, default)


class CrawlerView:
    """The worker's crawler, with the run's stats in place of its own."""

    def __init__(self, crawler: Crawler, stats: RunStats) -> None:
        self._crawler, self.stats = crawler, stats

    def __getattr__(self, name: str) -> Any:
        return getattr(self._crawler, name)


class StreamFrontier:
    """The frontier calls of the site spider. Changes go to the writer as stream messages
    (``archiver ingest`` applies them through the real Frontier); reads are answered from
    the run's Redis keys the coordinator filled from the archive at the run's start
    (archiver.crawl.distributed.start_run) and the workers keep current."""

    def __init__(self, client: redis.Redis, run: str, site: str, policy: RetryPolicy) -> None:
        self.r, self.run, self.site, self.policy = client, run, site, policy
        self.base = f"{PREFIX}:run:{run}"

    def _send(self, kind: str, data: dict[str, Any]) -> None:
        self.r.xadd(STREAM, wire.message(kind, {"run": self.run, "site": self.site, **data}))

    def add(self, entries: Iterable[Entry], *, reset: bool = False) -> None:
        rows = [wire.entry_to_json(e) for e in entries]
        if rows:
            self._send(wire.FRONTIER_ADD, {"entries": rows, "reset": reset})

    def finish(self, entry_or_key: Entry | str, status: str, reason: str | None = None) -> None:
        key = entry_or_key.key if isinstance(entry_or_key, Entry) else entry_or_key
        self._send(wire.FRONTIER_FINISH, {"key": key, "status": status, "reason": reason})

    def retry(self, entry: Entry, reason: str) -> str:
        """Kept for a later run, by the writer (Frontier.retry, which counts the attempts
        in the archive). The status returned (for the stats) counts them from the run's
        copy of the archive's attempts, plus this run's."""
        self._send(wire.FRONTIER_RETRY, {"entry": wire.entry_to_json(entry), "reason": reason,
                                         "policy": [self.policy.attempts, self.policy.base,
                                                    self.policy.cap]})
        attempts = int(self.r.hincrby(f"{self.base}:attempts", entry.key, 1))
        return FAILED if attempts >= self.policy.attempts else PENDING

    def _section(self, op: str, section: str, url: str, values: dict[str, Any]) -> None:
        self._send(wire.SECTION, {"op": op, "section": section, "url": url, "values": values})

    def set_walk(self, section: str, url: str, *, walked: bool, cut: str | None = None) -> None:
        self._section("walk", section, url, {"walked": walked, "cut": cut})
        if walked:
            self.r.srem(f"{self.base}:unfinished", section)
        else:
            self.r.sadd(f"{self.base}:unfinished", section)

    def set_expected(self, section: str, url: str, *, expected: int | None = None,
                     pages: int | None = None, source: str | None = None) -> None:
        self._section("expected", section, url,
                      {"expected": expected, "pages": pages, "source": source})

    def set_names(self, section: str, url: str, *, name: str | None, site_name: str | None,
                  source: str | None) -> None:
        self._section("names", section, url,
                      {"name": name, "site_name": site_name, "source": source})

    # -- reads: the run's start, as copied in by the coordinator ---------------------
    def walk(self, section: str) -> dict[str, Any] | None:
        """Only whether the last walk was finished (and the section's name) is kept in Redis:
        all SiteSpider reads of it during a run."""
        name = self.r.hget(f"{self.base}:names", section)
        return {"walked": not self.r.sismember(f"{self.base}:unfinished", section),
                "name": _text(name) if name is not None else None}

    def deferred(self) -> set[str]:
        return {_text(m) for m in self.r.smembers(f"{self.base}:deferred")}

    def pending(self, sections: Iterable[str] | None = None) -> list[Entry]:
        """The coordinator queues the interrupted run's pending requests itself: a worker
        has none of its own to resume."""
        return []

    def unfinished_listings(self, section: str) -> int:
        """Asked only when the run ends (SiteSpider.closed), which the writer decides from
        the archive (archiver.crawl.ingest, RUN_END): never from a worker."""
        return 0

    def done_articles(self) -> set[str]:
        """Part of the run's known set (with archived and given-up URLs): see ``known``."""
        return set()

    def given_up(self) -> set[str]:
        return set()


class StreamArchive:
    """What the site spider asks of the archive during a crawl, answered from Redis."""

    def __init__(self, client: redis.Redis, run: str) -> None:
        self.r, self.run = client, run

    def validators(self, url: str) -> dict[str, str]:
        found = self.r.hget(f"{PREFIX}:run:{self.run}:validators", url)
        return json.loads(found) if found else {}

    def touch(self, url: str) -> None:
        self.r.xadd(STREAM, wire.message(wire.TOUCH, {"run": self.run, "url": url}))


class StreamLedger:
    """The run ledger's calls the site spider and the pipelines make, for a run in Redis:
    frontier changes and 304 touches go on the stream, counts into the run's Redis stats
    (``archiver/section/NAME/COUNTER``, summed over workers), rejections both."""

    def __init__(self, client: redis.Redis, run: str, profile: Any, stats: RunStats,
                 policy: RetryPolicy) -> None:
        self.r = client
        self.base = f"{PREFIX}:run:{run}"
        self.profile = profile
        self.site = profile.id
        self.writer = StreamArchive(client, run)
        self.frontier = StreamFrontier(client, run, profile.id, policy)
        self.stats = stats
        # Per section, the name its listing gives it (a bare-URL crawl): shared by workers.
        self.names = RedisHash(client, f"{self.base}:names")

    @property
    def site_name(self) -> str | None:
        found = self.r.hget(self.base, "site_name")
        return _text(found) if found is not None else None

    @site_name.setter
    def site_name(self, value: str | None) -> None:
        if value:
            self.r.hset(self.base, "site_name", value)

    def count(self, section: str, key: str, n: int = 1) -> None:
        pass    # SiteSpider.count also adds archiver/section/NAME/COUNTER to the stats: enough

    def reject(self, entry: Entry | None, reason: str) -> None:
        """As RunLedger.reject (ValidatePipeline already counted archiver/rejected/KIND)."""
        if entry is None:
            return
        blocked = reason.startswith("blocked")
        counter = "blocked" if blocked else "errors" if reason.startswith("http:") else "rejected"
        self.stats.r.hincrby(self.stats.key, f"archiver/section/{entry.section}/{counter}", 1)
        if blocked:
            self.frontier.retry(entry, reason)
        else:
            self.frontier.finish(entry, DONE, reason[:500])


class RunHandler(SiteSpider):
    """The site spider for one run, its state in Redis. Never opened by Scrapy itself
    (no class-level name, so the spider loader does not list it)."""

    name = ""

    def __init__(self, run: str, config: dict[str, Any], worker: WorkerSpider) -> None:
        target = config["target"]
        profile = profile_for_url(target) if "://" in target else find_profile(target)
        super().__init__(profile=profile, refresh=config.get("refresh"),
                         backfill=config.get("backfill"), max_pages=config.get("max_pages"),
                         name="site")
        r = worker.r
        base = f"{PREFIX}:run:{run}"
        self.run = run
        self.worker = worker
        self.limit = int(config.get("limit", 2))
        self.delay = float(config.get("delay", 0.0))
        self.robots = bool(config.get("robots", True))
        self.queue = worker.queue
        policy = RetryPolicy(*config["retry"]) if config.get("retry") else RetryPolicy()
        stats = self.run_stats = RunStats(r, f"{base}:stats", worker.crawler.stats)
        self.crawler = CrawlerView(worker.crawler, stats)  # type: ignore[assignment]
        self.settings = worker.crawler.settings
        self._ledger = StreamLedger(r, run, profile, stats, policy)  # type: ignore[assignment]
        self._known = RedisSet(r, f"{base}:known")  # type: ignore[assignment]
        self._requested = RedisSet(r, f"{base}:requested")  # type: ignore[assignment]
        self._listing_keys = RedisSet(r, f"{base}:listings")  # type: ignore[assignment]
        # What SiteSpider.start reads locally, read by every worker from the run's keys.
        self._deferred = RedisSet(r, f"{base}:deferred")  # type: ignore[assignment]
        self._unfinished = RedisSet(r, f"{base}:unfinished")  # type: ignore[assignment]
        # Listing pages are answered by any worker: the sections whose end was reached or
        # whose walk was cut short are the run's, for the writer's SiteSpider.closed (RUN_END).
        self._reached_end = RedisSet(r, f"{base}:reached")  # type: ignore[assignment]
        self._cut_now = RedisSet(r, f"{base}:cut")  # type: ignore[assignment]

    # The block streak is the host's, counted in Redis by every worker together, and its
    # back-off holds for all of them: N workers each blocked once are N in a row.
    def end_streak(self, response: Response) -> None:
        self.worker.streak_ends.add(host_of(response.url))   # sent with the next ack

    def extend_streak(self, response: Response) -> int:
        host = host_of(response.url)
        self.worker.streak_ends.discard(host)    # this challenge comes after that good page
        streak = self.queue.extend_streak(host)
        self.queue.back_off(host, backoff_delay(self.settings, streak))
        return streak

    def closed(self, reason: str) -> None:
        """Never called for a handler: the writer does SiteSpider.closed's work at RUN_END."""


class WorkerSpider(scrapy.Spider):
    name = "worker"

    def __init__(self, redis_url: str | None = None, idle_exit: Any = None,
                 lease: Any = 60.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not redis_url:
            raise ValueError("WorkerSpider needs redis_url=redis://HOST:PORT/DB")
        self.r = connect(redis_url)
        self.queue = WorkQueue(self.r)
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}"
        self.idle_exit = float(idle_exit) if idle_exit not in (None, "") else None
        self.lease_seconds = float(lease)
        self.held: dict[str, str] = {}    # lease id -> its run
        self.handlers: dict[str, RunHandler | None] = {}   # by run, until it ends
        self.streak_ends: set[str] = set()    # hosts that answered a good page since the last ack
        self._stopped: dict[str, tuple[float, bool]] = {}
        self.exiting = False
        self.processed = 0
        self._beat: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> WorkerSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._dropped, signal=signals.item_dropped)
        crawler.signals.connect(spider._item_error, signal=signals.item_error)
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    # -- leases -------------------------------------------------------------------
    def _opened(self, spider: scrapy.Spider) -> None:
        self._beat = task.LoopingCall(self._heartbeat)
        self._beat.start(max(0.5, self.lease_seconds / 4), now=False)

    def _closed(self, spider: scrapy.Spider, reason: str) -> None:
        if self._beat is not None and self._beat.running:
            self._beat.stop()
        try:
            self._send_now()
        except redis.RedisError as exc:
            log.warning("worker: could not send its last counts: %s", exc)
        if self.held:   # a clean stop (SIGTERM): hand back what was not finished, now
            try:
                self.queue.extend(list(self.held), 0)
                self.queue.reap()
            except redis.RedisError as exc:
                log.warning("worker: could not hand back %d leases (they expire): %s",
                            len(self.held), exc)

    def _heartbeat(self) -> None:
        """Renew this worker's leases, and hand expired ones (a dead worker's) back."""
        try:
            self._send_now()
            self.queue.extend(list(self.held), self.lease_seconds)
            reaped = self.queue.reap()
            if reaped:
                log.warning("worker: %d expired leases (a stopped worker's requests) requeued", reaped)
            self._drop_ended_runs()
        except redis.RedisError as exc:
            log.warning("worker: Redis unavailable for the lease heartbeat: %s", exc)

    def _drop_ended_runs(self) -> None:
        """Forget the handlers of the runs that are over: a worker serves runs for months, and
        kept one (a site spider, its profile) for each. A run is over when nothing of it is
        queued or leased, by any worker (its ``outstanding`` count: the coordinator's own test
        for the run's end, and a finished run's key may be gone altogether); no request of it
        can come to this worker again. Should one come all the same, ``handler`` builds the
        run's handler again from its config: the run's state is in Redis, not in the handler."""
        held = set(self.held.values())
        idle = [run for run in self.handlers if run not in held]
        if not idle:
            return
        over = [run for run, n in self.queue.outstanding(idle).items() if n <= 0]
        # Counts go with a lease's ack or the heartbeat; a dropped run has neither any more,
        # so what it still buffers is sent first (an ended run's ack sent its counts already:
        # normally nothing is left).
        pipe = self.r.pipeline(transaction=False)
        for run in over:
            if (handler := self.handlers[run]) is not None:
                handler.run_stats.send(pipe)
        pipe.execute()
        for run in over:
            del self.handlers[run]
            self._stopped.pop(run, None)
        if over:
            log.debug("worker: %d ended runs forgotten, %d kept", len(over), len(self.handlers))

    def release(self, lease: str, record: dict[str, Any] | None = None) -> None:
        """Acknowledge a lease; a finished ``record`` (a stream message) goes on the stream
        in the same transaction, so that it is added if and only if the lease is acked."""
        run = self.held.pop(lease, None)
        self.processed += 1

        def before(pipe: Any) -> None:
            if record is not None:
                pipe.xadd(STREAM, record)
            # the lease's own run: its counts must be in before this ack (it may end the
            # run); other runs' go with their own leases' acks, or the heartbeat
            self._send_unsent(pipe, None if run is None else [run])

        self.queue.ack(lease, before=before, atomic=record is not None)

    def _send_now(self) -> None:
        pipe = self.r.pipeline(transaction=False)
        self._send_unsent(pipe)
        pipe.execute()

    def _send_unsent(self, pipe: Any, runs: Iterable[str] | None = None) -> None:
        """The counts (of ``runs``, or of every run) and streak ends held since the last
        round trip, onto ``pipe``."""
        for run in self.handlers if runs is None else runs:
            if (handler := self.handlers.get(run)) is not None:
                handler.run_stats.send(pipe)
        for host in self.streak_ends:
            self.queue.end_streak(host, pipe)
        self.streak_ends.clear()

    def host_backoff(self, url: str, delay: float) -> None:
        """A 429/5xx back-off (Retry-After) holds for every worker, not only this one."""
        try:
            self.queue.back_off(host_of(url), delay)
        except redis.RedisError as exc:
            log.warning("worker: could not share a back-off for %s: %s", url, exc)

    def handler(self, run: str) -> RunHandler | None:
        if run not in self.handlers:
            config = self.r.hget(f"{PREFIX}:run:{run}", "config")
            self.handlers[run] = RunHandler(run, json.loads(config), self) if config else None
        return self.handlers[run]

    def stopped(self, run: str) -> bool:
        """Whether the run was stopped (a block limit), asked at most every STOPPED_TTL
        seconds: once per request it was a tenth of the worker's Redis round trips."""
        now = time.monotonic()
        checked, value = self._stopped.get(run, (0.0, False))
        if now - checked >= STOPPED_TTL:
            value = bool(self.r.hget(f"{PREFIX}:run:{run}", "stopped"))
            self._stopped[run] = (now, value)
        return value

    # -- requests -----------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        cap = self.settings.getint("CONCURRENT_REQUESTS", 16)
        idle_since = time.monotonic()
        while not self.exiting:
            if len(self.held) >= cap:
                await asyncio.sleep(0.01)
                continue
            try:
                lease = self.queue.pop(self.worker_id, self.lease_seconds)
            except redis.RedisError as exc:
                log.warning("worker: Redis unavailable (%s); retrying", exc)
                await asyncio.sleep(1.0)
                continue
            if lease is None:
                if self.held:
                    idle_since = time.monotonic()
                elif self.idle_exit is not None and time.monotonic() - idle_since > self.idle_exit:
                    self.exiting = True
                    return
                await asyncio.sleep(0.02)
                continue
            idle_since = time.monotonic()
            request = self._to_request(lease.id, lease.payload)
            if request is None:   # a stopped run's: nothing of it was counted
                self.queue.ack(lease.id)
                continue
            self.held[lease.id] = lease.payload["run"]
            yield request

    def _to_request(self, lease: str, payload: dict[str, Any]) -> scrapy.Request | None:
        run = payload["run"]
        handler = self.handler(run)
        if handler is None or self.stopped(run):
            return None   # a stopped run: its frontier rows stay pending for the next run
        entry = wire.entry_from_json(payload["entry"])
        request = to_request(entry, self.on_response, self.on_failure, payload.get("headers"))
        request.meta.update(lease=lease, run=run, dont_obey_robotstxt=not handler.robots)
        handler.crawler.stats.inc_value("downloader/request_count")
        return request

    def push(self, handler: RunHandler, request: scrapy.Request) -> None:
        entry: Entry = request.meta["entry"]
        headers = {k.decode("latin-1"): v[0].decode("latin-1")
                   for k, v in request.headers.items()
                   if k.lower() in (b"if-none-match", b"if-modified-since", b"cache-control")}
        self.queue.push({"run": handler.run, "url": entry.url, "entry": wire.entry_to_json(entry),
                         "headers": headers}, limit=handler.limit, delay=handler.delay)

    # -- callbacks ------------------------------------------------------------------
    def on_response(self, response: Response) -> Any:
        meta = response.meta
        lease, run, entry = meta["lease"], meta["run"], meta["entry"]
        self.queue.host_done(lease)
        handler = self.handler(run)
        assert handler is not None
        try:
            if entry.kind == "listing":
                for out in handler.parse_listing(response) or ():
                    if isinstance(out, scrapy.Request):
                        self.push(handler, out)
                    else:   # the listing (or API answer) itself, archived as a page
                        self.r.xadd(STREAM, wire.page_message(run, out["raw"], out["kind"]))
                        handler.crawler.stats.inc_value(f"archiver/pages/{out['kind']}")
            else:
                for item in handler.parse_article(response) or ():
                    item.update(run=run, lease=lease, profile=handler.profile,
                                ledger=handler.ledger)
                    yield item      # the pipelines push the record, then acknowledge
                    return
        except CloseSpider as exc:
            self.r.hset(f"{PREFIX}:run:{run}", "stopped", exc.reason)
            self._stopped[run] = (time.monotonic(), True)
            log.warning("%s: run %s stopped: %s", handler.site, run, exc.reason)
        self.release(lease)

    def on_failure(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        lease, run = request.meta["lease"], request.meta["run"]
        self.queue.host_done(lease)
        handler = self.handler(run)
        if handler is not None:
            handler.crawler.stats.inc_value(
                f"downloader/exception_type_count/{failure.value.__class__.__name__}")
            handler.on_error(failure)
        self.release(lease)

    # -- item outcomes --------------------------------------------------------------
    def _dropped(self, item: dict[str, Any], spider: scrapy.Spider, exception: Exception,
                 **_: Any) -> None:
        if "lease" in item:   # ValidatePipeline told the run's StreamLedger why
            self.release(item["lease"])

    def _item_error(self, item: Any, response: Any, spider: scrapy.Spider, failure: Failure) -> None:
        if not isinstance(item, dict) or "lease" not in item:
            return
        handler = self.handler(item["run"])
        if handler is not None:
            handler.crawler.stats.inc_value(
                f"spider_exceptions/{failure.value.__class__.__name__}")
        self.release(item["lease"])

    def _idle(self, spider: scrapy.Spider) -> None:
        if not self.exiting:
            raise DontCloseSpider
