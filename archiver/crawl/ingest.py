"""The one writer of a distributed crawl: the Redis stream into the SQLite archive.

Workers never touch SQLite. They put every outcome on one stream: frontier rows to
add or finish, 304 touches, finished records (record + raw bytes + headers), and the
coordinator adds each run's start and end. This process reads the stream through a
consumer group, applies a batch of messages in ONE SQLite transaction together with
the id of the last message applied (table ``ingest_state``; every write goes through
the archive's writer, inside its ``batch()``), and acknowledges the
batch (XACK, then XDEL: the stream does not grow) only after the commit.

Exactly once: a writer killed after its commit but before its XACK reads the same
messages again on restart (its pending list); every id at or below the committed one
is acknowledged without being applied again. A record whose frontier row this run
already marked done (a request a reaped lease handed to a second worker) is skipped.

Full-text indexing is not part of a batch: stored articles are queued by the schema's
triggers and indexed here in chunks whenever the stream is quiet, or when more than
``index_lag`` articles wait (archiver.store.textindex; search finds queued articles by
substring meanwhile). Storing runs at the stream's pace; the index follows.
"""
from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import redis

from archiver.crawl import wire
from archiver.crawl.frontier import Frontier, RetryPolicy
from archiver.crawl.redisq import GROUP, PREFIX, STREAM
from archiver.models import DONE
from archiver.store.stats import coverage_by_section
from archiver.store.textindex import INDEX_CHUNK, INDEX_LAG
from archiver.store.writer import ArchiveWriter

log = logging.getLogger(__name__)

# Seconds the writer waits after a short batch (see Ingest.run): ~4x less writer CPU per
# record while records trickle in, for at most this much delay before they are committed.
LINGER = 0.05


def _id(value: bytes | str) -> tuple[int, int]:
    text = value.decode() if isinstance(value, bytes) else value
    ms, _, seq = text.partition("-")
    return int(ms), int(seq or 0)


@dataclass
class IngestStats:
    messages: int = 0
    records: int = 0
    skipped: int = 0
    batches: int = 0
    indexed: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)


class Ingest:
    def __init__(self, client: redis.Redis, archive: ArchiveWriter, consumer: str = "writer",
                 *, index_lag: int = INDEX_LAG, index_idle: float = 0.0) -> None:
        self.r = client
        self.archive = archive
        self.archive.index_every = 0      # indexing is this loop's decision (see run)
        self.db = archive.db
        self.consumer = consumer
        self.index_lag = index_lag
        # Seconds the stream must have been empty before the queue is indexed (0: at any
        # short read). A writer that shares its cores with the workers sets it, so that
        # indexing waits for the crawl's end instead of taking CPU from the workers.
        self.index_idle = index_idle
        self.stats = IngestStats()
        self.notices: list[tuple[str, dict[str, Any]]] = []
        # Each run's (runs row id, counts) for the batch being applied, written once at its
        # end: read and rewritten per record, the counts JSON cost as much as the record.
        self._runs: dict[str, tuple[int | None, dict[str, Any]]] = {}
        self._dirty: set[str] = set()

    # -- bookkeeping in the archive ---------------------------------------------------
    def last_applied(self) -> tuple[int, int]:
        row = self.db.execute("SELECT last_id FROM ingest_state WHERE stream = ?",
                              [STREAM]).fetchone()
        return _id(row[0]) if row else (0, 0)

    def _run(self, run: str) -> tuple[int | None, dict[str, Any]]:
        if run not in self._runs:
            row = self.db.execute("SELECT run_id, counts FROM ingest_runs WHERE run_key = ?",
                                  [run]).fetchone()
            self._runs[run] = (row[0], json.loads(row[1] or "{}")) if row else (None, {})
        return self._runs[run]

    def _save_counts(self, run: str, counts: dict[str, Any]) -> None:
        self._runs[run] = (self._runs[run][0], counts)
        self._dirty.add(run)

    def _write_counts(self) -> None:
        for run in self._dirty:
            self.archive.save_ingest_counts(run, self._runs[run][1])
        self._dirty.clear()

    # -- messages ---------------------------------------------------------------------
    def apply(self, kind: str, data: dict[str, Any], body: bytes | None,
              zbody: bytes | None = None) -> None:
        run = data.get("run", "")
        if kind == wire.RUN_START:
            if self._run(run)[0] is None:
                if data.get("interrupt"):
                    self.archive.interrupt_stale_runs(data["site"])
                new_id = self.archive.start_run(data["site"], data.get("args") or {})
                self.archive.record_ingest_run(run, new_id, data["site"])
                self._runs[run] = (new_id, {})
            self.notices.append((kind, data))
            return
        run_id, counts = self._run(run)
        site = data.get("site") or ""
        if kind == wire.FRONTIER_ADD:
            Frontier(self.archive, site, run_id).add(
                [wire.entry_from_json(e) for e in data["entries"]], reset=bool(data.get("reset")))
        elif kind == wire.FRONTIER_FINISH:
            Frontier(self.archive, site, run_id).finish(data["key"], data["status"], data.get("reason"))
        elif kind == wire.FRONTIER_RETRY:
            policy = RetryPolicy(*data["policy"]) if data.get("policy") else None
            Frontier(self.archive, site, run_id, policy).retry(wire.entry_from_json(data["entry"]),
                                                               data["reason"])
        elif kind == wire.SECTION:
            if data["op"] not in ("walk", "expected", "names"):
                raise ValueError(f"unknown section message {data['op']!r}")
            setter: Callable[..., None] = getattr(Frontier(self.archive, site, run_id), f"set_{data['op']}")
            setter(data["section"], data["url"], **data["values"])
        elif kind == wire.PAGE:
            assert body is not None
            self.archive.save_page(wire.raw_from_record(data, body), run_id, data["kind"],
                                   zbody=zbody)
        elif kind == wire.TOUCH:
            self.archive.touch(data["url"])
        elif kind == wire.RECORD:
            assert body is not None
            self._record(run, run_id, counts, data, body, zbody)
        elif kind == wire.RUN_END:
            self._run_end(run, run_id, counts, data)

    def _record(self, run: str, run_id: int | None, counts: dict[str, Any],
                data: dict[str, Any], body: bytes, zbody: bytes | None) -> None:
        entry = wire.entry_from_json(data["entry"])
        raw = wire.raw_from_record(data, body)
        site = raw.site or ""
        done = self.db.execute(
            "SELECT 1 FROM frontier WHERE site = ? AND key = ? AND status = ? AND run_id = ?",
            [site, entry.key, DONE, run_id]).fetchone()
        if done and run_id is not None:
            self.stats.skipped += 1    # answered twice (a reaped lease): stored once
            return
        outcome = self.archive.save(raw, data["article"], run_id, zbody=zbody)
        Frontier(self.archive, site, run_id).finish(entry, DONE, outcome)
        stats = counts.setdefault("stats", {})
        stats[f"archiver/{outcome}"] = stats.get(f"archiver/{outcome}", 0) + 1
        key = f"archiver/section/{entry.section}/{outcome}"
        stats[key] = stats.get(key, 0) + 1
        if run_id is not None:
            self._save_counts(run, counts)
        self.stats.records += 1
        self.stats.outcomes[outcome] += 1

    def _run_end(self, run: str, run_id: int | None, counts: dict[str, Any],
                 data: dict[str, Any]) -> None:
        from archiver.crawl.ledger import closing, coverage_holes, section_counts

        if run_id is None or counts.get("finished"):
            self.notices.append((wire.RUN_END, data))
            return
        site = data.get("site") or ""
        names = list(data.get("sections") or [])
        frontier = Frontier(self.archive, site, run_id)
        # SiteSpider.closed, for the run as a whole: a section whose listing end some worker
        # reached, with no listing page of it cut short or left pending, is walked.
        urls = data.get("urls") or {}
        for name in sorted(set(data.get("reached") or ()) - set(data.get("cut") or ())):
            if not frontier.unfinished_listings(name):
                frontier.set_walk(name, urls.get(name, ""), walked=True)
        coverage = coverage_by_section(self.db, site, names)
        stats = Counter({k: int(v) for k, v in (data.get("stats") or {}).items()})
        stats.update(counts.get("stats") or {})
        status, totals, sections = closing(
            data.get("reason") or "finished", stats, section_counts(stats, names), site,
            coverage_holes(coverage))
        self.archive.finish_run(run_id, status, totals, sections, coverage)
        counts.update(finished=status, totals=totals, sections=sections)
        self._save_counts(run, counts)
        self.notices.append((wire.RUN_END, data))

    def _notify(self) -> None:
        """After the commit: tell the coordinators (run ids, finished runs). Idempotent."""
        for kind, data in self.notices:
            run = data.get("run", "")
            run_id, counts = self._run(run)
            key = f"{PREFIX}:run:{run}"
            if kind == wire.RUN_START and run_id is not None:
                self.r.hset(key, "run_id", run_id)
            elif kind == wire.RUN_END and counts.get("finished"):
                self.r.hset(key, mapping={"finished": counts["finished"], "result": json.dumps(
                    {k: counts.get(k) for k in ("totals", "sections")}, ensure_ascii=False)})
        self.notices.clear()

    # -- the loop -----------------------------------------------------------------------
    def ensure_group(self) -> None:
        try:
            self.r.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def batch(self, messages: list[tuple[bytes, dict[bytes, bytes]]]) -> None:
        """Apply messages in one transaction, then acknowledge and delete them."""
        last = self.last_applied()
        newest = last
        self._runs.clear()
        try:
            with self.archive.batch():
                for mid, fields in messages:
                    kind, data, body = wire.parse(fields)
                    if _id(mid) <= last:
                        if kind in (wire.RUN_START, wire.RUN_END):
                            self.notices.append((kind, data))   # re-notify: it may have been lost
                        self.stats.skipped += 1
                        continue
                    self.apply(kind, data, body, wire.zbody(fields))
                    newest = max(newest, _id(mid))
                    self.stats.messages += 1
                self._write_counts()
                if newest > last:
                    self.archive.mark_ingested(STREAM, f"{newest[0]}-{newest[1]}")
        finally:                      # a rolled-back batch leaves nothing cached
            self._runs.clear()
            self._dirty.clear()
        self.stats.batches += 1
        self._notify()
        ids = [mid for mid, _ in messages]
        acks = self.r.pipeline(transaction=False)   # one round trip, not two
        acks.xack(STREAM, GROUP, *ids)
        acks.xdel(STREAM, *ids)
        acks.execute()

    def _read(self, pending: bool, count: int, block: int | None) -> Any:
        return self.r.xreadgroup(GROUP, self.consumer, {STREAM: "0" if pending else ">"},
                                 count=count, block=block)

    def run(self, *, idle_exit: float | None = None, count: int = 200,
            until: Any = None) -> IngestStats:
        """Ingest until ``idle_exit`` seconds pass with nothing to read (forever if None)."""
        self.ensure_group()
        pending = True              # first re-read what this consumer was given but never acked
        backlog = False             # articles wait for the index: do not block on the stream
        idle_since = last_message = time.monotonic()
        ahead: Future[Any] | None = None
        # While a full batch is applied, the next one is read: Redis sends ~3 MB per batch,
        # as long as SQLite takes to store it. Read ahead, a batch stays pending in the
        # group until acknowledged, so a killed writer re-reads it on restart.
        with ThreadPoolExecutor(1, thread_name_prefix="ingest-read") as reader:
            while until is None or not until():
                try:
                    got: Any = ahead.result() if ahead is not None else self._read(
                        pending, count, None if pending or backlog else 500)
                except redis.ResponseError as exc:
                    if "NOGROUP" in str(exc):   # Redis restarted without its data, or the key was deleted
                        self.ensure_group()
                        continue
                    raise
                finally:
                    ahead = None
                messages = got[0][1] if got else []
                if pending and not messages:
                    pending = False
                    continue
                if messages:
                    idle_since = last_message = time.monotonic()
                    if not pending and len(messages) == count:
                        ahead = reader.submit(self._read, False, count, None)
                    self.batch(messages)
                    if len(messages) < count and not pending:
                        # A trickle (workers slower than the writer): let the next batch
                        # gather for a moment instead of paying a transaction, a commit
                        # and a round trip to Redis for every one or two records.
                        time.sleep(LINGER)
                # Index when the stream is quiet (a short read, and nothing read for
                # index_idle seconds), or when the queue is too long.
                quiet = len(messages) < count and (
                    time.monotonic() - last_message >= self.index_idle)
                backlog = False
                due = quiet or self.archive.unindexed() > self.index_lag
                if due and (n := self.archive.index(INDEX_CHUNK)):
                    self.stats.indexed += n
                    backlog = n == INDEX_CHUNK
                    idle_since = time.monotonic()
                if not messages and idle_exit is not None and time.monotonic() - idle_since > idle_exit:
                    break
        return self.stats


def run_ingest(redis_url: str, db: str, *, idle_exit: float | None = None,
               index_lag: int = INDEX_LAG, index_idle: float = 0.0) -> IngestStats:
    """``archiver ingest``: the archive's only writer for crawls that run over Redis."""
    from archiver.crawl.redisq import connect

    client = connect(redis_url)
    archive = ArchiveWriter(db)
    archive.checkpoint_in_background()   # a batch's commit never waits for an fsync
    try:
        return Ingest(client, archive, index_lag=index_lag,
                      index_idle=index_idle).run(idle_exit=idle_exit)
    finally:
        archive.stop_checkpoints()
        archive.db.conn.close()
