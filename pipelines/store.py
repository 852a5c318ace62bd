"""Store each article with its raw page; open the run's row and keep it current."""
from __future__ import annotations

import asyncio
import logging
import sqlite3
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from archiver.crawl.keep import keep_article
from archiver.crawl.ledger import RunLedger
from archiver.errors import StorageError
from archiver.spiders.extensions import ledger_of
from archiver.store.writer import storage_problem

log = logging.getLogger(__name__)
STORAGE_REASON = "storage_error"


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._ledger: RunLedger | None = None
        self.closing: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    @property
    def ledger(self) -> RunLedger:
        if self._ledger is None:
            self._ledger = ledger_of(self.crawler)
        return self._ledger

    def open_spider(self, spider: Spider | None = None) -> None:
        # The runs row exists only when pages are stored (``fetch --no-store`` has none).
        self.ledger.start()

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        raw = item["raw"]
        kind = item.get("kind", "article")
        try:
            if kind != "article":
                self.ledger.writer.save_page(raw, self.ledger.run_id, kind)
                self.crawler.stats.inc_value(f"archiver/pages/{kind}")
                return item
            if "storage_error" in item:   # the pool process's transaction was rolled back
                raise StorageError(item["storage_error"])
            if "outcome" in item:
                # Stored by the pool process, page and frontier row together (crawl/keep.py);
                # the runs row follows on the ledger's clock, not one loop write a page.
                self._count(item)
                return item
            # The page, its frontier row and the runs row's counts in one transaction: the
            # runs row never says more or less than the archive holds, and one commit a page
            # instead of three (each a WAL append) is a tenth of the store's time. A failure rolls
            # back all three and ends the run (_storage_failed).
            writer = self.ledger.writer
            with writer.batch():
                item["outcome"] = keep_article(writer, raw, item["article"], self.ledger.run_id,
                                               self.ledger.site, item.get("entry"))
                self._count(item)
                self.ledger.flush(self.crawler.stats.get_stats())
        except (StorageError, sqlite3.Error) as exc:
            failure = exc if isinstance(exc, StorageError) else StorageError(
                f"cannot write to archive: {storage_problem(exc)}")
            self._storage_failed(failure)
            raise DropItem(f"storage: {failure}") from exc
        return item

    def _count(self, item: dict[str, Any]) -> None:
        self.crawler.stats.inc_value(f"archiver/{item['outcome']}")
        self.ledger.stored(item["raw"].url, item.get("entry"), item["outcome"])

    def _storage_failed(self, exc: StorageError) -> None:
        """A page could not be written (disk full, read-only, corrupt): its transaction was
        rolled back, so nothing is half-written. Count it, say so once, and end the run:
        every further page would fail the same way, and the pending ones wait for next run."""
        self.crawler.stats.inc_value("archiver/storage_errors")
        if self.ledger.storage_error is not None:
            return
        self.ledger.storage_error = str(exc)
        log.error("%s: %s; the run stops here (pending pages are fetched next run)",
                  self.ledger.site, exc)
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            # kept: a task nobody references may be collected before it runs
            self.closing = asyncio.ensure_future(engine.close_spider_async(reason=STORAGE_REASON))
