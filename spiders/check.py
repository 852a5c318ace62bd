"""``archiver sites --check``: each section's first listing page, fetched the way a crawl
fetches it (same settings, robots.txt, politeness, request builder), then judged the way a
crawl judges it (archiver.crawl.check). Nothing is stored."""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from archiver.crawl.check import failure_note, listing_note
from archiver.crawl.ledger import RunPlan
from archiver.models import Entry
from archiver.profiles import Profile
from archiver.spiders.extensions import ledger_of
from archiver.spiders.pages import headers_dict
from archiver.spiders.politeness import apply_politeness
from archiver.spiders.requests import to_request


class CheckSpider(scrapy.Spider):
    name = "check"

    def __init__(self, profile: Profile | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if profile is None:
            raise ValueError("CheckSpider needs profile=<Profile>")
        self.profile = profile
        self.allowed_domains = list(profile.allowed_domains)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> CheckSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        apply_politeness(crawler, spider.profile)
        return spider

    def run_plan(self) -> RunPlan:
        return RunPlan(self.profile.id, self.profile, tuple(s.name for s in self.profile.sections),
                       {"spider": self.name})

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for section in self.profile.sections:
            yield to_request(Entry(section.url, "listing", section.name, page=1), self.parse,
                             self.on_error)

    def parse(self, response: Response) -> None:
        entry: Entry = response.meta["entry"]
        section = next(s for s in self.profile.sections if s.name == entry.section)
        ledger_of(self.crawler).notes[section.name] = listing_note(
            response.status, headers_dict(response.headers), response.body, response.url,
            section.hints, listing_url=section.url)

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        entry: Entry | None = request.meta.get("entry") if request is not None else None
        if entry is not None:
            ledger_of(self.crawler).notes[entry.section] = failure_note(
                failure.value.__class__.__name__, failure.getErrorMessage())
