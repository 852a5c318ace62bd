"""The site spider: a profile's sections in, raw article pages out.

Every listing is fetched each run; articles already archived are skipped
unless ``refresh`` (then asked for conditionally: 304 means unchanged); paging
stops at a listing page whose articles are all known unless ``backfill``, or
unless the section's last walk was cut short (a block, an error, ``--max-pages``,
a kill): then this walk goes on to the end, past known pages.
Every request is written to the frontier first, so a killed run resumes; a
request that is blocked, times out or fails stays pending and is retried by a
later run with back-off, and is marked failed after a bounded number of tries.
Blocked answers are counted, backed off from and never passed on for storage.
"""
from __future__ import annotations

import logging
import os
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from archiver.crawl.blocking import classify
from archiver.crawl.frontier import Frontier
from archiver.crawl.ledger import RunLedger, RunPlan
from archiver.encoding.decoder import decode
from archiver.listings import parse_listing
from archiver.listings.naming import page_names
from archiver.listings.size import stated_size
from archiver.models import DONE, Entry
from archiver.profiles import Profile, Section, find_profile, in_domains, profile_for_url
from archiver.spiders.extensions import ledger_of
from archiver.spiders.middlewares import DeferPage, backoff_delay, slow_down
from archiver.spiders.pages import headers_dict, raw_page
from archiver.spiders.politeness import apply_politeness
from archiver.spiders.requests import listing_entry, to_request
from archiver.store.writer import ArchiveWriter

log = logging.getLogger(__name__)
POLICY = re.compile(r"Forbidden by robots\.txt|Filtered offsite request")


def _flag(value: Any) -> bool:
    return str(value).lower() in {"1", "true", "yes"}


def permanently_moved(response: Response) -> str | None:
    """The new address when the request was answered by a permanent redirect (301/308)."""
    reasons = response.meta.get("redirect_reasons") or []
    if any(r in (301, 308) for r in reasons):
        return response.url
    return None


class SiteSpider(scrapy.Spider):
    name = "site"

    def __init__(self, profile: Profile | str | None = None, refresh: Any = False,
                 backfill: Any = False, max_pages: Any = None, **kwargs: Any) -> None:
        site = kwargs.pop("site", None)  # `scrapy crawl site -a site=ID` reads naturally
        super().__init__(**kwargs)
        profile = profile if profile is not None else site
        if profile is None:
            raise ValueError("needs site=<profile id, profile file or listing URL>")
        if isinstance(profile, str):
            profile = profile_for_url(profile) if "://" in profile else find_profile(profile)
        self.profile = profile
        self.site = profile.id
        self.allowed_domains = list(profile.allowed_domains)
        self.refresh, self.backfill = _flag(refresh), _flag(backfill)
        self.max_pages = int(max_pages) if max_pages else (
            10_000 if self.backfill else profile.max_pages)
        # A --max-pages below the profile's depth cuts the walk short: the next plain run
        # goes on from there. The profile's own depth is the section's depth of interest.
        self.cut_by_cap = bool(max_pages) and int(max_pages) < profile.max_pages
        self.sections = {s.name: s for s in profile.sections}
        self.blocked_streak = 0
        self._ledger: RunLedger | None = None
        self._known: set[str] | None = None
        self._listing_keys: set[str] = set()
        self._requested: set[str] = set()
        self._deferred: set[str] = set()
        self._unfinished: set[str] = set()   # sections whose last walk was cut short
        self._reached_end: set[str] = set()  # sections whose listing end this run reached
        self._cut_now: set[str] = set()      # sections whose walk this run cut short

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        apply_politeness(crawler, spider.profile)
        queue_dir = crawler.settings.get("ARCHIVER_QUEUE_DIR")
        if queue_dir and not crawler.settings.get("JOBDIR"):   # requests wait on disk
            crawler.settings.set("JOBDIR", os.path.join(queue_dir, spider.site), priority="spider")
        return spider

    def run_plan(self) -> RunPlan:
        """What this run is, for the crawl's RunLedger (read once, when it is created)."""
        args: dict[str, Any] = {"spider": self.name, "url": getattr(self, "start_url", None),
                                "section": getattr(self, "section", None),
                                "refresh": self.refresh, "backfill": self.backfill,
                                "max_pages": self.max_pages}
        return RunPlan(self.site, self.profile, tuple(self.sections), args)

    # -- state: the crawl's ledger, not this object ------------------------------------
    @property
    def ledger(self) -> RunLedger:
        if self._ledger is None:
            self._ledger = ledger_of(self.crawler)
        return self._ledger

    @property
    def writer(self) -> ArchiveWriter:
        return self.ledger.writer

    @property
    def frontier(self) -> Frontier:
        return self.ledger.frontier

    def known(self) -> set[str]:
        """URLs already archived or judged for good: read once per run."""
        if self._known is None:
            rows = self.writer.db.execute("SELECT url FROM articles")
            self._known = ({r[0] for r in rows} | self.frontier.done_articles()
                           | self.frontier.given_up())
        return self._known

    def count(self, section: str, key: str, n: int = 1) -> None:
        self.ledger.count(section, key, n)
        self.crawler.stats.inc_value(f"archiver/section/{section}/{key}", n)

    # -- requests -----------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        # Only this crawl's sections: a one-section spider of the same site must not
        # take over the pending work of the site's other sections.
        resumed = self.frontier.pending(self.sections)
        self._deferred = self.frontier.deferred()
        for name in self.sections:
            walk = self.frontier.walk(name)
            if walk is None or not walk["walked"]:
                self._unfinished.add(name)
            if walk and walk.get("name"):
                self.ledger.names[name] = walk["name"]
        if resumed:
            log.info("%s: resuming %d pending requests from an interrupted run",
                     self.site, len(resumed))
            self.crawler.stats.set_value("archiver/resumed", len(resumed))
        stored = {r[0] for r in self.writer.db.execute(
            "SELECT url FROM articles WHERE site = ?", [self.site])} if resumed else set()
        for entry in resumed:
            seen = self._listing_keys if entry.kind == "listing" else self._requested
            if entry.key in seen:
                continue
            if entry.kind == "article" and entry.url in stored and not self.refresh:
                # Stored just before a kill, its frontier row not yet closed: not fetched again.
                self.frontier.finish(entry, DONE, "stored")
                continue
            seen.add(entry.key)
            yield self._request(entry)
        for section in self.profile.sections:
            entry = Entry(section.url, "listing", section.name, page=1)
            if entry.key not in self._listing_keys:
                self._listing_keys.add(entry.key)
                self.frontier.add([entry], reset=True)
                yield self._request(entry)

    def _request(self, entry: Entry, headers: dict[str, str] | None = None) -> scrapy.Request:
        callback = self.parse_listing if entry.kind == "listing" else self.parse_article
        return to_request(entry, callback, self.on_error, headers)

    def allowed(self, url: str) -> bool:
        """Offsite links are never followed (listings bypass Scrapy's offsite filter)."""
        if in_domains(urlsplit(url).hostname or "", self.allowed_domains):
            return True
        self.crawler.stats.inc_value("archiver/offsite_skipped")
        log.info("%s: not following offsite %s", self.site, url)
        return False

    def _article_request(self, url: str, section: str) -> scrapy.Request | None:
        if url in self._requested or not self.allowed(url):
            return None
        self._requested.add(url)
        if url in self._deferred:  # failed before, its back-off not over: a later run asks
            self.count(section, "deferred")
            return None
        if url in self.known():
            if not self.refresh:
                self.count(section, "skipped")
                return None
            found = self.writer.validators(url)
            headers = {k: v for k, v in (("If-None-Match", found.get("etag")),
                                         ("If-Modified-Since", found.get("last_modified"))) if v}
            return self._request(Entry(url, "article", section), headers or {"Cache-Control": "no-cache"})
        return self._request(Entry(url, "article", section))

    # -- callbacks ---------------------------------------------------------------
    def _blocked(self, response: Response, entry: Entry) -> bool:
        verdict = classify(response.status, headers_dict(response.headers), response.body)
        if verdict is None:
            self.end_streak(response)
            return False
        self.count(entry.section, "blocked")
        self.crawler.stats.inc_value("archiver/blocked")
        self.crawler.stats.inc_value(f"archiver/blocked/{verdict.kind}")
        log.warning("%s: blocked at %s: %s", self.site, response.url, verdict.reason)
        if verdict.kind == "soft_error":
            # The site's own "no such page" under 200: a dead link, not a refusal.
            self.frontier.finish(entry, DONE, f"gone: {verdict.reason}")
        else:
            self._retry(entry, f"blocked: {verdict.reason}")
        if verdict.back_off:
            streak = self.extend_streak(response)
            slow_down(self.crawler, response.request or Request(response.url),
                      backoff_delay(self.settings, streak))
            if streak >= self.settings.getint("ARCHIVER_BLOCK_LIMIT", 3):
                raise CloseSpider("blocked")
        return True

    # The challenges in a row that asked for a back-off: this crawl's own; a worker's
    # RunHandler keeps one per host for all workers instead (archiver.spiders.worker).
    def end_streak(self, response: Response) -> None:
        self.blocked_streak = 0

    def extend_streak(self, response: Response) -> int:
        self.blocked_streak += 1
        return self.blocked_streak

    def parse_listing(self, response: Response) -> Any:
        entry: Entry = response.meta["entry"]
        section = self.sections.get(entry.section) or Section(entry.section, entry.url)
        if self._blocked(response, entry):
            return
        page = entry.page or 1
        if response.status in (404, 410) and page > 1:
            # A guessed page past the end (numbered templates, JSON APIs): the list is over.
            self.frontier.finish(entry, DONE, f"end of listing (HTTP {response.status})")
            self._reached_end.add(section.name)
            return
        if response.status != 200:
            self.count(section.name, "errors")
            self._retry(entry, f"HTTP {response.status}")
            log.warning("%s: listing %s answered HTTP %s", self.site, response.url, response.status)
            return
        ctype = (response.headers.get("Content-Type") or b"").decode("latin-1")
        text = decode(response.body, ctype, response.url).text
        listing = parse_listing(text, response.url, section.hints, page=page,
                                request=response.meta.get("preq"), listing_url=section.url)
        self.count(section.name, "listings")
        # Links per listing page is a drift figure (archiver.health): a redesign shows there first.
        self.count(section.name, "links", len(listing.article_urls))
        self.crawler.stats.inc_value("archiver/listing_pages")
        if page == 1 and self._bare(section):
            self._name(section, text)
        if page == 1:
            size = stated_size(text)
            if size.known:
                self.frontier.set_expected(section.name, section.url, expected=size.articles,
                                           pages=size.pages, source=size.source)
        if listing.empty and page == 1:
            self.count(section.name, "empty")
            self.crawler.stats.inc_value("archiver/listing/empty")
            log.warning("%s: listing %s yielded no article links: template change?",
                        self.site, response.url)
        elif listing.empty:
            log.info("%s: %s page %d has no articles: end of listing", self.site,
                     section.name, page)
        fresh = [u for u in listing.article_urls if self.refresh or u not in self.known()]
        requests = [r for r in (self._article_request(u, section.name)
                                for u in listing.article_urls) if r is not None]
        more = self._next_pages(listing, section, page, all_known=bool(listing.article_urls)
                                and not fresh)
        self.frontier.add([r.meta["entry"] for r in requests])
        self.frontier.add(more, reset=True)
        moved = permanently_moved(response) if page == 1 else None
        if moved:
            log.warning("%s: section %s moved: %s answers 301 to %s", self.site, section.name,
                        entry.url, moved)
        # The new address stays with the run (the health check reads it from the frontier).
        self.frontier.finish(entry, DONE, f"moved: {moved}" if moved else None)
        if not listing.requests:
            self._reached_end.add(section.name)
        # The listing itself is archived too (raw bytes and headers), through the pipelines.
        api = entry.method == "POST" or any(t in ctype.lower() for t in ("json", "xml"))
        yield {"raw": raw_page(response, self.site, section.name), "kind": "api" if api else "listing"}
        yield from requests
        for nxt in more:
            yield self._request(nxt)

    def _next_pages(self, listing: Any, section: Section, page: int, all_known: bool) -> list[Entry]:
        cap = section.max_pages or self.max_pages
        if all_known and not self.backfill:
            if section.name not in self._unfinished:
                self.crawler.stats.inc_value("archiver/paging_stopped_known")
                return []
            self.crawler.stats.inc_value("archiver/paging_resumed")
        if page >= cap:
            if listing.requests:
                self.crawler.stats.inc_value("archiver/paging_capped")
                if self.cut_by_cap:
                    self._cut(section, f"--max-pages {cap}")
                else:  # the profile's depth: as deep as this section is wanted
                    self._reached_end.add(section.name)
            return []
        out = []
        for req in listing.requests:
            entry = listing_entry(section.name, req)
            if entry.key not in self._listing_keys and self.allowed(entry.url):
                self._listing_keys.add(entry.key)
                out.append(replace(entry, page=req.page or page + 1))
        return out

    def parse_article(self, response: Response) -> Any:
        entry: Entry = response.meta["entry"]
        self.count(entry.section, "articles")
        if response.status == 304:
            self.writer.touch(entry.url)
            self.count(entry.section, "unchanged")
            self.crawler.stats.inc_value("archiver/unchanged")
            self.crawler.stats.inc_value("archiver/not_modified")
            self.frontier.finish(entry, DONE, "304 not modified")
            return
        if self._blocked(response, entry):
            return
        if response.status in (404, 410):
            self.count(entry.section, "errors")
            self.frontier.finish(entry, DONE, f"gone: HTTP {response.status}")
            return
        if response.status != 200:
            self.count(entry.section, "errors")
            self._retry(entry, f"HTTP {response.status}")
            return
        section = self.ledger.names.get(entry.section, entry.section)
        yield {"raw": raw_page(response, self.site, section), "entry": entry}

    @staticmethod
    def _bare(section: Section) -> bool:
        """A section known only by its URL (``archiver crawl URL``): named after its path."""
        return section.name in (urlsplit(section.url).path or "/", section.url)

    def _name(self, section: Section, text: str) -> None:
        """Name a bare-URL section (and its site) from its first listing page."""
        names = page_names(text)
        if names.section:
            self.ledger.names[section.name] = names.section
        if names.site:
            self.ledger.site_name = names.site
        if names.section or names.site:
            self.frontier.set_names(section.name, section.url, name=names.section,
                                    site_name=names.site, source=names.source)

    def _retry(self, entry: Entry, reason: str) -> None:
        """Keep the request for a later run; a listing that failed cuts its section's walk."""
        status = self.frontier.retry(entry, reason)
        self.crawler.stats.inc_value(f"archiver/frontier/{status}")
        if entry.kind == "listing":
            section = self.sections.get(entry.section)
            self._cut(section or Section(entry.section, entry.url), reason)

    def _cut(self, section: Section, why: str) -> None:
        self.frontier.set_walk(section.name, section.url, walked=False, cut=why[:200])
        self._unfinished.add(section.name)
        self._cut_now.add(section.name)

    def closed(self, reason: str) -> None:
        """A section whose listing end this run reached, with no listing page of it cut
        short or left pending, is walked: a later run may stop again at the first page
        of known articles. (Decided at the end: listing pages are answered in any order.)"""
        for name in self._reached_end - self._cut_now:
            if not self.frontier.unfinished_listings(name):
                section = self.sections.get(name)
                self.frontier.set_walk(name, section.url if section else "", walked=True)

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        entry: Entry | None = request.meta.get("entry") if request is not None else None
        reason = f"{failure.value.__class__.__name__}: {failure.getErrorMessage()}"
        if isinstance(failure.value, DeferPage):
            # A long Retry-After or an open circuit breaker: the page stays pending for a
            # later run (the frontier's back-off); counted as blocked (the site refused it for
            # now), so the run is partial.
            self.crawler.stats.inc_value("archiver/blocked")
            if entry is not None:
                self.count(entry.section, "blocked")
                self._retry(entry, reason[:500])
            return
        if isinstance(failure.value, IgnoreRequest) and POLICY.search(reason):
            # robots.txt or offsite: a rule kept, not an error; not retried next run.
            self.crawler.stats.inc_value("archiver/skipped_policy")
            if entry is not None:
                if entry.kind == "listing" and "robots" in reason:
                    # Said, not only counted: a section whose listing robots.txt forbids is
                    # never crawled, and a bare "failed" would leave the reader guessing.
                    log.warning("%s: section %s: robots.txt forbids its listing %s; nothing"
                                " of it is crawled", self.site, entry.section, entry.url)
                self.count(entry.section, "skipped")
                self.frontier.finish(entry, DONE, reason[:500])
            return
        log.warning("%s: %s failed: %s", self.site, getattr(request, "url", "?"), reason)
        if entry is not None:
            self.count(entry.section, "errors")
            self._retry(entry, reason)
        self.crawler.stats.inc_value("archiver/errors")
