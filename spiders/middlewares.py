"""Downloader middleware: retries that wait (Retry-After, else exponential back-off),
within bounds.

Scrapy's RetryMiddleware retries at once, which is what gets a crawler blocked
by a government WAF; this one waits first and slows the host's download slot
for everyone, honouring Retry-After (seconds or an HTTP date) on 429/503.

Bounds (issue 11: one ``Retry-After: 100000`` held a 20-link site for 19 minutes, 40 pages
answering 500 took 685 s):
- a Retry-After longer than ARCHIVER_RETRY_AFTER_MAX is not waited for: the page is
  deferred to the next run (DeferPage; the site spider leaves it pending in the frontier)
  and the host is not slowed down;
- ARCHIVER_BREAKER_LIMIT consecutive 5xx answers from one host open its circuit breaker:
  no more retries, every further request to it is deferred, and the crawl of the site
  ends early (close reason "circuit_breaker": the run is partial and the exit non-zero).
"""
from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.response import response_status_message

log = logging.getLogger(__name__)
BREAKER_REASON = "circuit_breaker"


class DeferPage(IgnoreRequest):
    """Not fetched in this run, on the server's word: the page waits for the next run."""


def retry_after(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds asked for by a Retry-After header, or None when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def backoff_delay(settings: BaseSettings, tries: int, asked: float | None = None) -> float:
    """Seconds to wait: what the server asked for (Retry-After), else ARCHIVER_BACKOFF_BASE
    doubled per try; never more than ARCHIVER_BACKOFF_MAX."""
    base = settings.getfloat("ARCHIVER_BACKOFF_BASE", 2.0)
    return min(settings.getfloat("ARCHIVER_BACKOFF_MAX", 300.0),
               asked if asked is not None else base * 2 ** tries)


def slow_down(crawler: Crawler, request: Request, delay: float) -> None:
    """Space this host's requests ``delay`` seconds apart for the next ``delay`` seconds;
    then the slot's own delay (profile or AutoThrottle) applies again."""
    downloader = getattr(crawler.engine, "downloader", None)
    if downloader is None:
        return
    key = request.meta.get("download_slot") or downloader.get_slot_key(request)
    slot = downloader.slots.get(key)
    if slot is None or slot.delay >= delay:
        return
    before, slot.delay = slot.delay, delay

    def restore() -> None:
        if slot.delay == delay:
            slot.delay = before

    from twisted.internet import reactor

    # zope.interface declares IReactorTime.callLater without `self`, so mypy shifts its arguments.
    reactor.callLater(delay, restore)  # type: ignore[arg-type]


def _host(request: Request) -> str:
    return urlsplit(request.url).hostname or ""


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff_settings = settings
        self.retry_after_max = settings.getfloat("ARCHIVER_RETRY_AFTER_MAX", 60.0)
        self.breaker_limit = settings.getint("ARCHIVER_BREAKER_LIMIT", 10)
        self.server_errors: Counter[str] = Counter()  # consecutive 5xx per host
        self.open_hosts: set[str] = set()
        self.closing: asyncio.Future[None] | None = None

    def process_request(self, request: Request, spider: object = None) -> None:
        if _host(request) in self.open_hosts:
            raise DeferPage(f"deferred to the next run: circuit breaker open for {_host(request)}")

    def _count_status(self, request: Request, status: int) -> None:
        """Track consecutive 5xx per host; open the breaker and end the crawl at the limit."""
        host = _host(request)
        if status < 500:
            self.server_errors[host] = 0
            return
        self.server_errors[host] += 1
        if self.server_errors[host] < self.breaker_limit or host in self.open_hosts:
            return
        self.open_hosts.add(host)
        self.crawler.stats.inc_value("archiver/circuit_breaker")
        log.error("%s answered %d server errors in a row: circuit breaker open, the run ends"
                  " early and the rest waits for the next run", host, self.server_errors[host])
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            # kept: a task nobody references may be collected before it runs
            self.closing = asyncio.ensure_future(engine.close_spider_async(reason=BREAKER_REASON))

    def _delay(self, request: Request, response: Response | None) -> float:
        asked = retry_after(response.headers.get("Retry-After")) if response is not None else None
        return backoff_delay(self.backoff_settings, request.meta.get("retry_times", 0), asked)

    async def _wait_and_retry(self, request: Request, reason: object,
                              response: Response | None) -> Request | None:
        retry = self._retry(request, reason)  # type: ignore[arg-type]
        if retry is None:
            return None
        delay = self._delay(request, response)
        self.crawler.stats.inc_value("archiver/backoff")
        log.info("backing off %.1fs before retrying %s (%s)", delay, request.url, reason)
        slow_down(self.crawler, request, delay)
        # A Redis worker shares the back-off with every other worker (spiders/worker.py).
        share = getattr(self.crawler.spider, "host_backoff", None)
        if share is not None:
            share(request.url, delay)
        await asyncio.sleep(delay)
        return retry

    async def process_response(self, request: Request, response: Response,  # type: ignore[override]
                               spider: object = None) -> Request | Response:
        self._count_status(request, response.status)
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes \
                or _host(request) in self.open_hosts:
            return response
        asked = retry_after(response.headers.get("Retry-After"))
        if asked is not None and asked > self.retry_after_max:
            self.crawler.stats.inc_value("archiver/deferred")
            log.warning("%s asks to retry after %.0fs (more than %.0fs): deferred to the next run",
                        request.url, asked, self.retry_after_max)
            raise DeferPage(f"deferred to the next run: HTTP {response.status} with Retry-After"
                            f" {asked:.0f}s for {request.url}")
        reason = response_status_message(response.status)
        return await self._wait_and_retry(request, reason, response) or response

    async def process_exception(self, request: Request, exception: Exception,  # type: ignore[override]
                                spider: object = None) -> Request | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry"):
            return None
        return await self._wait_and_retry(request, exception, None)
