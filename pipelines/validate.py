"""Keep what is not an article out of the archive, and count why."""
from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.exceptions import DropItem

from archiver.validate import rejection


class ValidatePipeline:
    def process_item(self, item: dict[str, Any], spider: Spider) -> dict[str, Any]:
        reason = rejection(item["raw"], item.get("article"))
        if reason is not None:
            kind = reason.split(":", 1)[0]
            spider.crawler.stats.inc_value(f"archiver/rejected/{kind}")
            if kind == "blocked":
                spider.crawler.stats.inc_value("archiver/blocked")
            item["rejected"] = reason
            raise DropItem(reason)
        return item
