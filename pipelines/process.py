"""Run the archiver stages (decode, repair, extract) on each raw page.

With ``ARCHIVER_JOBS`` > 1 the stages run in a pool of processes (spawned, so they share
nothing with the reactor; one pool per crawl process, archiver.crawl.pool), and the
download loop only waits for the result: one machine's cores are used and a slow page never
holds up the downloads. In a local crawl that stores its pages, the pool process stores the
article too (archiver.crawl.keep), and the store pipeline only counts the outcome.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from scrapy.crawler import Crawler

from archiver.budget import RAW_FLAGS, Budget
from archiver.crawl import pool as shared_pool
from archiver.crawl.keep import Destination, process_and_keep
from archiver.crawl.ledger import RunLedger
from archiver.process import process_record
from archiver.spiders.extensions import RunLedgerExtension, ledger_of

T = TypeVar("T")


async def _in_pool(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in the pool. A page whose process died under it (the pool is started
    again, archiver.crawl.pool) gets one more try; if it breaks the pool again, the error
    drops the item and its request stays pending for the next run."""
    try:
        return await asyncio.wrap_future(shared_pool.submit(fn, *args))
    except BrokenProcessPool:
        return await asyncio.wrap_future(shared_pool.submit(fn, *args))


class ProcessPipeline:
    def __init__(self, crawler: Crawler, jobs: int = 1) -> None:
        self.crawler = crawler
        self.jobs = jobs
        self.pooled = False   # pages go to the process's pool (archiver.crawl.pool)
        self.ledger: RunLedger | None = None
        settings = crawler.settings
        # Per-page budget (archiver.budget): a hostile page is kept raw and the crawl moves on.
        self.budget = Budget.from_settings(settings.getfloat("ARCHIVER_PAGE_SECONDS", 5.0),
                                           settings.getint("ARCHIVER_PAGE_MAX_BYTES", 2_000_000))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProcessPipeline:
        return cls(crawler, shared_pool.pool_size(crawler.settings.getint("ARCHIVER_JOBS", 0)))

    def open_spider(self, spider: Any = None) -> None:
        # The crawl process's one pool (archiver.crawl.pool), shared with the other sites'
        # crawlers; the runner has usually started it already.
        self.pooled = shared_pool.acquire(self.jobs)
        # Looked up once, not per item. A Redis worker has no ledger of its own: its items
        # carry their run's profile, and their records go to the stream.
        if self.crawler.get_extension(RunLedgerExtension) is not None:
            self.ledger = ledger_of(self.crawler)

    def close_spider(self, spider: Any = None) -> None:
        if self.pooled:
            self.pooled = False
            shared_pool.release()

    async def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        raw = item["raw"]
        if item.get("kind", "article") != "article":
            return item   # a listing or an API answer: kept as fetched, not extracted
        if raw.status == 200 and raw.body:
            # The crawl's profile, passed explicitly: its per-field selectors apply. A Redis
            # worker serves many runs: there the item carries its run's profile.
            profile = item["profile"] if "profile" in item else (
                self.ledger or ledger_of(self.crawler)).profile
            if self.pooled and (to := self._destination(item)) is not None:
                item.update(await _in_pool(process_and_keep, raw, profile, self.budget,
                                           item.get("entry"), to))
            elif self.pooled:
                item["article"] = await _in_pool(process_record, raw, profile, self.budget)
            else:
                item["article"] = process_record(raw, profile, self.budget)
            stats = self.crawler.stats
            flags = set(item["article"].get("flags") or ())
            for flag in flags & {*RAW_FLAGS, "repair_skipped", "attributes_pruned"}:
                stats.inc_value(f"archiver/budget/{flag}")
            decode = item["article"].get("decode") or {}
            if decode.get("disagreement"):
                stats.inc_value("archiver/encoding/declaration_wrong")
            if (item["article"].get("repair") or {}).get("changed"):
                stats.inc_value("archiver/repaired")
        return item

    def _destination(self, item: dict[str, Any]) -> Destination | None:
        """The archive and run the pool stores this article in: a local crawl's, once the
        store pipeline has opened its run and while the archive takes writes. None for a
        Redis worker (no ledger here: its records go to the stream) and a fetch that stores
        nothing (no run), where the pool only processes."""
        ledger = self.ledger
        if ("profile" in item or ledger is None or ledger.run_id is None
                or ledger.storage_error is not None or not ledger.db_path):
            return None
        return Destination(ledger.db_path, ledger.site, ledger.run_id)
