"""Scrapy extensions: the run ledger every component shares, and crawl progress (a live block
on a terminal, archiver.crawl.live; log lines otherwise; Scrapy's own stats stay in the log)."""
from __future__ import annotations

import logging
import sys
import time
from dataclasses import replace
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from twisted.internet import task

from archiver.crawl.frontier import RetryPolicy
from archiver.crawl.ledger import RunLedger, RunPlan
from archiver.crawl.live import LiveBlock
from archiver.crawl.progress import section_line
from archiver.spiders.pages import raw_page

log = logging.getLogger("archiver.crawl.progress")


class RunLedgerExtension:
    """Owns the crawl's one RunLedger. Extensions are built after the spider, so the plan
    (site, profile, sections, arguments) is read from the spider's ``run_plan()`` here, once;
    from then on spider, pipelines and runner share the ledger through ``ledger_of``."""

    def __init__(self, crawler: Crawler, ledger: RunLedger, interval: float) -> None:
        self.crawler = crawler
        self.ledger = ledger
        self.interval = interval
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunLedgerExtension:
        spider = crawler.spider
        plan_of = getattr(spider, "run_plan", None)
        plan = plan_of() if callable(plan_of) else RunPlan(getattr(spider, "name", "crawl"))
        settings = crawler.settings
        retry = RetryPolicy(settings.getint("ARCHIVER_MAX_ATTEMPTS", 4),
                            settings.getfloat("ARCHIVER_RETRY_BASE", 600.0),
                            settings.getfloat("ARCHIVER_RETRY_MAX", 86_400.0))
        ext = cls(crawler, RunLedger(settings.get("ARCHIVER_DB"), plan, retry),
                  settings.getfloat("ARCHIVER_LEDGER_INTERVAL", 2.0))
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        return ext

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        """robots.txt is archived like any page (Scrapy's robots middleware fetches it on its
        own, outside the spider's callbacks): what the site allowed, when, is evidence."""
        if (self.ledger.run_id is None or urlsplit(request.url).path != "/robots.txt"
                or response.status != 200):
            return
        raw = replace(raw_page(response, self.ledger.site), url=request.url)
        self.ledger.writer.save_page(raw, self.ledger.run_id, "robots")
        self.crawler.stats.inc_value("archiver/pages/robots")

    def flush(self) -> None:
        self.ledger.flush(self.crawler.stats.get_stats())

    def opened(self, spider: Spider) -> None:
        # Counts that only Scrapy's stats know (requests, errors) reach the runs row on a
        # clock; stored pages flush it at once (StorePipeline).
        self.loop = task.LoopingCall(self.flush)
        self.loop.start(self.interval, now=False)

    def closed(self, spider: Spider, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.ledger.finish(reason, self.crawler.stats.get_stats())


def ledger_of(crawler: Crawler) -> RunLedger:
    """The crawl's ledger (RunLedgerExtension must be enabled: archiver.crawl.settings does)."""
    ext = crawler.get_extension(RunLedgerExtension)
    if ext is None:
        raise RuntimeError("archiver.spiders.extensions.RunLedgerExtension is not enabled")
    return ext.ledger


class ProgressExtension:
    def __init__(self, crawler: Crawler, mode: str, interval: float) -> None:
        self.crawler = crawler
        live = mode == "live" or (mode == "auto" and sys.stderr.isatty())
        # "live" asked for by name draws the block even when stderr is not a terminal
        self.block = LiveBlock(force_terminal=True if mode == "live" else None) if live else None
        self.interval = 1.0 if live else interval
        self.started = time.monotonic()
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
        if self.block is not None:
            self.block.start()
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.interval, now=False)

    def lines(self) -> list[str]:
        elapsed = time.monotonic() - self.started
        ledger = ledger_of(self.crawler)
        return [section_line(ledger.site, name, c, elapsed) for name, c in ledger.sections.items()]

    def show(self) -> None:
        lines = self.lines()
        if self.block is not None:
            self.block.update(lines)
        else:
            for line in lines:
                log.info(line)

    def closed(self, spider: Spider, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.show()
        if self.block is not None:
            self.block.stop()
