"""``archiver worker``: one Scrapy process answering requests from the shared Redis queue."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from archiver.crawl.redisq import connect

log = logging.getLogger(__name__)

# The worker's pipelines: the same processing and validation as a local crawl, then the
# stream instead of the archive (the one writer, ``archiver ingest``, stores it).
WORKER_PIPELINES = {
    "archiver.pipelines.process.ProcessPipeline": 300,
    "archiver.pipelines.validate.ValidatePipeline": 400,
    "archiver.pipelines.record.RecordPipeline": 500,
}


def run_worker(redis_url: str, *, idle_exit: float | None = None, lease: float = 60.0,
               overrides: Mapping[str, Any] | None = None) -> int:
    """Answer requests until stopped (or idle for ``idle_exit`` s); return how many."""
    from archiver.crawl.crawler import project_settings, run_spiders

    connect(redis_url).close()          # Redis unreachable: one line, before Scrapy starts
    settings = project_settings("", {"ITEM_PIPELINES": WORKER_PIPELINES,
                                     "ARCHIVER_PROGRESS": "off",
                                     # No archive here: each run's ledger lives in Redis.
                                     "EXTENSIONS": {
                                         "archiver.spiders.extensions.RunLedgerExtension": None,
                                         "archiver.spiders.extensions.ProgressExtension": None},
                                     # Per-host delay and concurrency are global, in Redis;
                                     # the local slot only keeps its floor and cap.
                                     "AUTOTHROTTLE_ENABLED": False,
                                     **dict(overrides or {})})
    # robots.txt once per host and run for all workers (Scrapy's middleware: once per process).
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    middlewares.update({"scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
                        "archiver.spiders.robots.SharedRobotsMiddleware": 100})
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
    settings.set("DOWNLOAD_DELAY", settings.getfloat("ARCHIVER_MIN_DELAY", 0.01), priority="cmdline")
    settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", settings.getint("ARCHIVER_MAX_PER_HOST", 2),
                 priority="cmdline")
    for name in ("archiver",):
        logging.getLogger(name).setLevel(settings.get("LOG_LEVEL", "INFO"))
    [outcome] = run_spiders([("worker", {"redis_url": redis_url, "idle_exit": idle_exit,
                                         "lease": lease})], settings, keep_items=False)
    return int(getattr(outcome.spider, "processed", 0))
