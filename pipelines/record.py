"""Worker side of storage: the finished record goes on the Redis stream for the one writer."""
from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from archiver.crawl import wire


class RecordPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RecordPipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        spider: Any = self.crawler.spider
        # The record and the lease's acknowledgment together: both or neither.
        spider.release(item["lease"], wire.record_message(item["run"], item["entry"], item["raw"],
                                                          item.get("article")))
        return item
