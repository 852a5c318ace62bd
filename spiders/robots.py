"""robots.txt for workers: fetched once per host per run, for every worker together.

Scrapy's RobotsTxtMiddleware keeps one parser per host in each process, so N workers
asked each host for robots.txt N times and each obeyed its own copy. Here the first
worker to need a host's rules in a run takes a short lock in Redis, downloads
robots.txt, puts the body in the run's hash ``archiver:run:RUN:robots`` (with a TTL; the
coordinator deletes it when the run ends) and archives it as a page of kind "robots" on
the stream, as a local crawl does; the other workers wait for the body and parse the
same rules. A worker that waits longer than the lock (its holder died) fetches it
itself. Requests outside a run (none today) get Scrapy's own per-process behaviour.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import redis
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler

from archiver.crawl import wire
from archiver.crawl.redisq import PREFIX, STREAM
from archiver.spiders.pages import raw_page

if TYPE_CHECKING:
    from scrapy.robotstxt import RobotParser

log = logging.getLogger(__name__)
LOCK_SECONDS = 60          # longer than one robots.txt download with its retries
TTL_SECONDS = 7 * 24 * 3600  # as the run hash: a run longer than a week re-asks
KEEP_PARSERS = 4096        # (run, host) rules a worker keeps parsed, newest first


def robots_key(run: str) -> str:
    return f"{PREFIX}:run:{run}:robots"


class SharedRobotsMiddleware(RobotsTxtMiddleware):
    """RobotsTxtMiddleware whose rules are shared by all workers of a run (see module)."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._shared: dict[tuple[str, str], asyncio.Future[RobotParser | None]] = {}

    async def robot_parser(self, request: Request) -> RobotParser | None:
        run = request.meta.get("run")
        spider = self.crawler.spider
        if run is None or getattr(spider, "r", None) is None:
            return await super().robot_parser(request)
        key = (run, urlparse_cached(request).netloc)
        if key not in self._shared:   # one look-up per host and run in this worker too
            self._shared[key] = asyncio.ensure_future(self._rules(spider, run, request))
            while len(self._shared) > KEEP_PARSERS:   # a long-lived worker sees many runs
                self._shared.pop(next(iter(self._shared)))
        try:
            return await self._shared[key]
        except redis.RedisError as exc:   # Redis away: this worker's own copy, as Scrapy does
            log.warning("robots.txt of %s: Redis unavailable (%s); fetched by this worker alone",
                        key[1], exc)
            self._shared.pop(key, None)
            return await super().robot_parser(request)

    async def _rules(self, spider: Any, run: str, request: Request) -> RobotParser | None:
        body = await self._body(spider, run, request)
        return build_from_crawler(self._parserimpl, self.crawler, body)

    async def _body(self, spider: Any, run: str, request: Request) -> bytes:
        r = spider.r
        url = urlparse_cached(request)
        host = url.netloc
        deadline = time.monotonic() + LOCK_SECONDS
        while time.monotonic() < deadline:
            found = r.hget(robots_key(run), host)
            if found is not None:
                return bytes(found)
            if r.set(f"{robots_key(run)}:lock:{host}", spider.worker_id, nx=True, ex=LOCK_SECONDS):
                break
            await asyncio.sleep(0.1)   # another worker is fetching it
        else:
            log.warning("robots.txt of %s: the worker fetching it never answered; fetching it here",
                        host)
        body = await self._fetch(spider, run, f"{url.scheme}://{host}/robots.txt")
        r.hset(robots_key(run), host, body)
        r.expire(robots_key(run), TTL_SECONDS)
        return body

    async def _fetch(self, spider: Any, run: str, robots_url: str) -> bytes:
        """The body to obey: robots.txt as served, or nothing (all allowed) when it cannot
        be fetched, as Scrapy's middleware does."""
        robots = Request(robots_url, priority=self.DOWNLOAD_PRIORITY, callback=NO_CALLBACK,
                         meta={"dont_obey_robotstxt": True})
        self._stats.inc_value("robotstxt/request_count")
        handler = spider.handler(run)
        if handler is not None:   # the run's requests count it, as a local crawl's do
            handler.crawler.stats.inc_value("downloader/request_count")
        try:
            response = await self.crawler.engine.download_async(robots)
        except Exception as exc:
            log.warning("robots.txt %s could not be fetched (%s): every page is allowed",
                        robots_url, exc)
            self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
            return b""
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        if response.status == 200:   # archived like any page: what the site allowed, when
            raw = replace(raw_page(response, handler.site if handler else None), url=robots_url)
            spider.r.xadd(STREAM, wire.page_message(run, raw, "robots"))
            if handler is not None:
                handler.crawler.stats.inc_value("archiver/pages/robots")
        return bytes(response.body)
