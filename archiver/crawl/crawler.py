"""Run Scrapy crawls in this process with the project's settings.

Twisted's reactor cannot be restarted, so one process runs one batch of crawls:
the CLI calls this once per command, and tests drive the CLI in a subprocess.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from archiver.crawl.ledger import RunLedger
from archiver.spiders.extensions import RunLedgerExtension

log = logging.getLogger(__name__)


def project_settings(db: str, overrides: Mapping[str, Any] | None = None) -> Settings:
    """archiver.crawl.settings, found without scrapy.cfg so the CLI works from any directory."""
    settings = Settings()
    settings.setmodule("archiver.crawl.settings", priority="project")
    settings.set("ARCHIVER_DB", db, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


@dataclass
class CrawlOutcome:
    """What one spider did: the items it stored or dropped, and why it stopped."""

    spider: Any = None
    stored: list[dict[str, Any]] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    # The crawl's run ledger (status, counts, per-section counts, page outcomes); None
    # when the crawl never got as far as building its extensions.
    ledger: RunLedger | None = None


def _ledger(crawler: Crawler) -> RunLedger | None:
    """The crawl's ledger, or None when it has none (a Redis worker: its runs' ledgers live
    in Redis, RunLedgerExtension is disabled)."""
    ext = crawler.get_extension(RunLedgerExtension)
    return ext.ledger if ext is not None else None


def _watch(crawler: Crawler, outcome: CrawlOutcome, keep_items: bool) -> None:
    def scraped(item: dict[str, Any], spider: Any) -> None:
        outcome.spider = spider
        # A crawl must not keep every page (raw bytes and all) until its end; listings are
        # archived, not reported.
        if keep_items and item.get("kind", "article") == "article":
            outcome.stored.append(item)

    def dropped(item: dict[str, Any], spider: Any, exception: Exception) -> None:
        outcome.dropped.append(str(exception))

    def error(failure: Any, response: Any, spider: Any) -> None:
        outcome.errors.append(f"{failure.value.__class__.__name__}: {failure.getErrorMessage()}")

    def item_error(item: Any, response: Any, spider: Any, failure: Any) -> None:
        outcome.errors.append(f"{failure.value.__class__.__name__}: {failure.getErrorMessage()}")

    def closed(spider: Any, reason: str) -> None:
        outcome.spider = spider
        outcome.reason = reason
        outcome.stats = dict(crawler.stats.get_stats())
        if outcome.ledger is None:
            outcome.ledger = _ledger(crawler)

    def opened(spider: Any) -> None:
        outcome.ledger = _ledger(crawler)

    for handler, signal in ((scraped, signals.item_scraped), (dropped, signals.item_dropped),
                            (error, signals.spider_error),
                            (item_error, signals.item_error), (closed, signals.spider_closed),
                            (opened, signals.spider_opened)):
        crawler.signals.connect(handler, signal=signal, weak=False)


class QuietScrapy(logging.Filter):
    """Scrapy's own INFO records (the start-up banner with versions, the overridden settings,
    the middleware and pipeline lists, "Crawled 0 pages" and the stats dump: about 110 lines a
    run) are left out; its warnings and errors pass as their one-line message (an unreachable
    host's robots.txt error carries a 40-line traceback), and every archiver record passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.partition(".")[0] == "archiver":
            return True
        if record.levelno < logging.WARNING:
            return False
        if record.exc_info and record.name.partition(".")[0] in ("scrapy", "twisted"):
            record.exc_info, record.exc_text = None, None
        return True


def _route_logs(level: str, verbose: bool = False) -> None:
    """Set the handlers the CLI installed (or one on stderr) for a crawl.

    Quiet by default: a terminal, a cron mail, gets warnings and errors only (the command
    prints the table and the summary itself); a log file (``crawl --log-file``) also gets
    archiver's records at ``level``. ``verbose`` (``archiver -v``) lets everything through at
    ``level``, Scrapy's banner and stats included.
    """
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    threshold = logging.getLevelName(level) if isinstance(level, str) else level
    for handler in root.handlers:
        for old in [f for f in handler.filters if isinstance(f, QuietScrapy)]:
            handler.removeFilter(old)
        if verbose:
            handler.setLevel(threshold)
            continue
        handler.addFilter(QuietScrapy())
        to_file = isinstance(handler, logging.FileHandler)
        handler.setLevel(threshold if to_file else max(threshold, logging.WARNING))


def run_spiders(jobs: Iterable[tuple[str, Mapping[str, Any]]], settings: Settings,
                keep_items: bool = True) -> list[CrawlOutcome]:
    """Run spiders (by name, with arguments) together; return one outcome each (with the
    items stored, unless ``keep_items`` is false: a crawl's memory must not grow per page)."""
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    _route_logs(settings.get("LOG_LEVEL"), settings.getbool("ARCHIVER_VERBOSE"))
    process = CrawlerProcess(settings)
    # Scrapy writes a DEBUG record for every response and every item ("Crawled (200)",
    # "Scraped from"), which the handlers then drop, and its logging set-up (just now) gives
    # its logger DEBUG: below LOG_LEVEL the records are not even made (~1% of the loop).
    logging.getLogger("scrapy").setLevel(settings.get("LOG_LEVEL"))
    outcomes = []
    for name, kwargs in jobs:
        crawler = process.create_crawler(name)
        outcome = CrawlOutcome()
        _watch(crawler, outcome, keep_items)
        process.crawl(crawler, **kwargs)
        outcomes.append(outcome)
    process.start()
    return outcomes
