"""Run the archiver stages (decode, repair, extract) on each raw page."""
from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from archiver.process import process_page


class ProcessPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProcessPipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        raw = item["raw"]
        if raw.status == 200 and raw.body:
            # A worker serves many sites: the item carries its run's selectors.
            selectors = item.get("selectors", getattr(self.crawler.spider, "selectors", None))
            article = process_page(raw, selectors)
            item["article"] = article.to_dict()
            stats = self.crawler.stats
            decode = item["article"].get("decode") or {}
            if decode.get("disagreement"):
                stats.inc_value("archiver/encoding/declaration_wrong")
            if (item["article"].get("repair") or {}).get("changed"):
                stats.inc_value("archiver/repaired")
        return item
