"""Run the archiver stages (decode, repair, extract) on each raw page."""
from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from archiver.process import process_page
from archiver.spiders.extensions import ledger_of


class ProcessPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProcessPipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        raw = item["raw"]
        if raw.status == 200 and raw.body:
            # The crawl's profile, passed explicitly: its per-field selectors apply.
            article = process_page(raw, ledger_of(self.crawler).profile)
            item["article"] = article.to_dict()
            stats = self.crawler.stats
            decode = item["article"].get("decode") or {}
            if decode.get("disagreement"):
                stats.inc_value("archiver/encoding/declaration_wrong")
            if (item["article"].get("repair") or {}).get("changed"):
                stats.inc_value("archiver/repaired")
        return item
