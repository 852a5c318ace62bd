"""One page, fetched through the same pipelines as a crawl (``archiver fetch``)."""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from spiders.pages import raw_page


class SinglePageSpider(scrapy.Spider):
    name = "single"
    custom_settings = {"ROBOTSTXT_OBEY": False, "RETRY_TIMES": 1}

    def __init__(self, url: str | None = None, site: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not url:
            raise ValueError("SinglePageSpider needs url=<page URL>")
        self.url = url
        self.site = site
        self.failure: str | None = None

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # Every status reaches parse(), so a 404 is reported, not silently dropped.
        yield scrapy.Request(self.url, callback=self.parse, errback=self.on_error,
                             meta={"handle_httpstatus_all": True}, dont_filter=True)

    def parse(self, response: Response) -> Any:
        yield {"raw": raw_page(response, self.site)}

    def on_error(self, failure: Failure) -> None:
        self.failure = f"{failure.value.__class__.__name__}: {failure.getErrorMessage()}"
