"""Scrapy's scheduler, with waiting requests kept in memory up to a bound and on disk beyond.

A local crawl gives Scrapy a JOBDIR so that a 100,000-page backfill does not hold every
waiting request in memory (docs/scaling.md). Scrapy then writes every request to disk and
reads it back: each push serialises the request (finding its callback's name by listing
the spider's methods) and each pop rebuilds it, about 0.4 ms of the download loop per page,
where most crawls never have more than a few hundred requests waiting at once. Here a
request waits in memory while fewer than ARCHIVER_QUEUE_MEMORY do, and only the overflow
goes to disk: memory stays bounded, and the common crawl pays nothing for the disk queue.

Scrapy's own order of service is kept: the memory queue first, the disk queue when it is
empty (as for any request Scrapy cannot serialise). Resuming is the frontier's job, not
the queue's (the JOBDIR goes with the run), so a request in memory is never at risk.
"""
from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.core.scheduler import Scheduler

from archiver.crawl.settings import ARCHIVER_QUEUE_MEMORY as QUEUE_MEMORY


class SpillScheduler(Scheduler):
    """Scrapy's Scheduler; the disk queue takes a request only when the memory queue is full."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = self.crawler.settings if self.crawler is not None else None
        self.memory_limit = (settings.getint("ARCHIVER_QUEUE_MEMORY", QUEUE_MEMORY)
                             if settings is not None else QUEUE_MEMORY)

    def _dqpush(self, request: Request) -> bool:
        if len(self.mqs) < self.memory_limit:
            return False   # Scrapy's enqueue_request puts it in memory then
        return super()._dqpush(request)
