"""Store each article with its raw page; open the run's row and keep it current."""
from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from archiver.crawl.ledger import RunLedger
from archiver.spiders.extensions import ledger_of


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._ledger: RunLedger | None = None

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
        if kind != "article":
            self.ledger.writer.save_page(raw, self.ledger.run_id, kind)
            self.crawler.stats.inc_value(f"archiver/pages/{kind}")
            return item
        outcome = self.ledger.writer.save(raw, item["article"], self.ledger.run_id)
        self.crawler.stats.inc_value(f"archiver/{outcome}")
        self.ledger.stored(raw.url, item.get("entry"), outcome)
        self.ledger.flush(self.crawler.stats.get_stats())
        return item
