"""Scrapy extension printing crawl progress (archiver.crawl.progress formats it)."""
from __future__ import annotations

import logging
import sys
import time
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from archiver.crawl.progress import live_block, section_line

log = logging.getLogger("archiver.crawl.progress")


class ProgressExtension:
    def __init__(self, crawler: Crawler, mode: str, interval: float) -> None:
        self.crawler = crawler
        self.live = mode == "live" or (mode == "auto" and sys.stderr.isatty())
        self.interval = 1.0 if self.live else interval
        self.started = time.monotonic()
        self.shown = 0
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        mode = crawler.settings.get("ARCHIVER_PROGRESS", "auto")
        if mode == "off":
            raise NotConfigured
        ext = cls(crawler, mode, crawler.settings.getfloat("ARCHIVER_PROGRESS_INTERVAL", 10.0))
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.show, spider)
        self.loop.start(self.interval, now=False)

    def lines(self, spider: Spider) -> list[str]:
        elapsed = time.monotonic() - self.started
        counts: dict[str, Any] = getattr(spider, "section_counts", {})
        site = getattr(spider, "site", spider.name)
        return [section_line(site, name, c, elapsed) for name, c in counts.items()]

    def show(self, spider: Spider) -> None:
        lines = self.lines(spider)
        if self.live:
            sys.stderr.write(live_block(lines, self.shown))
            sys.stderr.flush()
            self.shown = len(lines)
        else:
            for line in lines:
                log.info(line)

    def closed(self, spider: Spider, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.show(spider)
