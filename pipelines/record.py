"""Worker side of storage: the finished record goes on the Redis stream for the one writer."""
from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from archiver.crawl import wire
from archiver.crawl.redisq import STREAM


class RecordPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RecordPipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        spider: Any = self.crawler.spider
        spider.r.xadd(STREAM, wire.record_message(item["run"], item["entry"], item["raw"],
                                                  item.get("article")))
        spider.release(item["lease"])    # acknowledged only once the record is on the stream
        return item
