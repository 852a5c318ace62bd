"""The generic section spider: a listing URL in, raw article pages out.

It follows the listing's pagination and its article links within the site and
yields ``{"raw": RawPage}`` items; decoding, repair, extraction and storage are
the pipelines' job.
"""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from archiver.encoding import decode
from archiver.listing import parse_listing
from archiver.storage import open_database
from spiders.pages import raw_page

log = logging.getLogger(__name__)


class SectionSpider(scrapy.Spider):
    name = "section"

    def __init__(self, url: str | None = None, site: str | None = None,
                 section: str | None = None, max_pages: int | str = 50,
                 refresh: bool | str = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not url:
            raise ValueError("SectionSpider needs url=<section listing URL>")
        self.start_url = url
        host = urlsplit(url).hostname or ""
        self.site = site or host
        self.section = section or urlsplit(url).path
        self.allowed_domains = [host]
        self.max_pages = int(max_pages)
        self.refresh = str(refresh).lower() in {"1", "true", "yes"}
        self._known: set[str] | None = None

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.start_url, callback=self.parse_listing,
                             cb_kwargs={"page": 1})

    def known_urls(self) -> set[str]:
        """URLs already archived: read once, so an incremental run skips them."""
        if self._known is None:
            try:
                db = open_database(self.settings.get("ARCHIVER_DB"), readonly=True)
                self._known = {r[0] for r in db.execute("SELECT url FROM articles")}
            except Exception:  # no archive yet: nothing is known
                self._known = set()
        return self._known

    def parse_listing(self, response: Response, page: int) -> Any:
        text = decode(response.body, response.headers.get("Content-Type", b"").decode("latin-1"),
                      response.url).text
        listing = parse_listing(text, response.url)
        self.crawler.stats.inc_value("archiver/listing_pages")
        if not listing.article_urls:
            self.crawler.stats.inc_value("archiver/listing/empty")
            log.warning("listing %s yielded no article links: template change?", response.url)
        known = set() if self.refresh else self.known_urls()
        for url in listing.article_urls:
            if url in known:
                self.crawler.stats.inc_value("archiver/skipped_known")
                continue
            yield response.follow(url, callback=self.parse_article)
        if page < self.max_pages:
            for url in listing.next_pages:
                yield response.follow(url, callback=self.parse_listing, cb_kwargs={"page": page + 1})

    def parse_article(self, response: Response) -> Any:
        yield {"raw": raw_page(response, self.site, self.section)}
