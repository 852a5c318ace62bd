"""One page, fetched through the same pipelines as a crawl (``archiver fetch``)."""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from archiver.crawl.ledger import RunPlan
from archiver.profiles import Profile, ProfileError, match_profile
from archiver.spiders.extensions import ledger_of
from archiver.spiders.pages import raw_page

ERROR_STATUSES = [*range(400, 600)]


class SinglePageSpider(scrapy.Spider):
    name = "single"
    # A person asked for this one page, as a browser would: robots.txt governs crawls.
    custom_settings = {"ROBOTSTXT_OBEY": False, "RETRY_TIMES": 1}  # noqa: RUF012 - Scrapy reads, never mutates

    def __init__(self, url: str | None = None, site: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not url:
            raise ValueError("needs url=<page URL>")
        self.url = url
        try:
            profile = match_profile(url)
        except ProfileError:  # a broken profile must not stop an ad hoc fetch
            profile = None
        # Redirects are followed (http -> https, moved pages) but only within the page's own
        # host or its site's domains (archiver.spiders.scope).
        host = urlsplit(url).hostname or ""
        self.allowed_domains = [host, *(profile.allowed_domains if profile else ())]
        # A known site's per-field selector overrides apply to a single fetch too.
        self.profile: Profile | None = profile
        self.site = site or (profile.id if profile else urlsplit(url).hostname) or url

    def run_plan(self) -> RunPlan:
        """What this run is, for the crawl's RunLedger."""
        return RunPlan(self.site, self.profile, (), {"spider": self.name, "url": self.url})

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # Every error status reaches parse(), so a 404 is reported, not silently dropped;
        # 3xx are left to RedirectMiddleware (at most REDIRECT_MAX_TIMES hops, each in scope).
        yield scrapy.Request(self.url, callback=self.parse, errback=self.on_error,
                             meta={"handle_httpstatus_list": ERROR_STATUSES}, dont_filter=True)

    def parse(self, response: Response) -> Any:
        yield {"raw": raw_page(response, self.site)}

    def on_error(self, failure: Failure) -> None:
        ledger_of(self.crawler).failures.append(
            f"{failure.value.__class__.__name__}: {failure.getErrorMessage()}")
