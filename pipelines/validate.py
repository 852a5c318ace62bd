"""Keep what is not an article out of the archive, and count why."""
from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from archiver.crawl.validate import rejection
from archiver.spiders.extensions import ledger_of


class ValidatePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        if item.get("kind", "article") != "article":
            return item   # a listing or an API answer: the spider judged it already
        reason = rejection(item["raw"], item.get("article"))
        if reason is not None:
            kind = reason.split(":", 1)[0]
            stats = self.crawler.stats
            stats.inc_value(f"archiver/rejected/{kind}")
            if kind == "blocked":
                stats.inc_value("archiver/blocked")
            # A Redis worker's item carries its run's ledger (spiders/worker.py).
            (item.get("ledger") or ledger_of(self.crawler)).reject(item.get("entry"), reason)
            raise DropItem(reason)
        return item
