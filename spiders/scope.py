"""Downloader middleware: no request leaves the crawled site, redirect hops included.

Scrapy's OffsiteMiddleware lets every ``dont_filter=True`` request through, and article and
listing requests carry it (the spider de-duplicates them itself), so a redirect from an
article to another host was followed and the offsite page stored under the on-site URL.
Here every request, each redirect hop included (RedirectMiddleware and MetaRefreshMiddleware
send hops back through the downloader middlewares), passes the same host check as a link
(archiver.profiles.in_domains). It runs before RobotsTxtMiddleware, so not even an offsite
robots.txt is asked for.

Scrapy's cookie middleware asks tldextract whether a cookie's domain is public, and
tldextract's default is to download the Public Suffix List from the internet on first use
(a Set-Cookie on a 521 page did it): the list bundled with tldextract is used instead.
"""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from archiver.profiles import in_domains

log = logging.getLogger(__name__)


def use_bundled_suffix_list() -> None:
    """Point Scrapy's cookie middleware at tldextract's bundled suffix list (no download,
    no cache directory). Scrapy keeps its extractor in a module global, so it is replaced."""
    from scrapy.downloadermiddlewares import cookies
    from tldextract import TLDExtract

    cookies._split_domain = TLDExtract(suffix_list_urls=(), cache_dir=None,
                                       include_psl_private_domains=True)


def in_scope(url: str, domains: list[str] | tuple[str, ...]) -> bool:
    """A URL whose host is one of ``domains`` (or under one); the port does not matter."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # "http://[::1" is no host at all
        return False
    return in_domains(host, domains)


class ScopeMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeMiddleware:
        use_bundled_suffix_list()
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        spider = spider or self.crawler.spider
        domains = getattr(spider, "allowed_domains", None)
        if not domains or in_scope(request.url, domains):
            return
        hops = request.meta.get("redirect_urls") or []
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value("archiver/offsite_redirect" if hops else "archiver/offsite_request")
        origin = f" (redirected from {hops[0]})" if hops else ""
        log.warning("not following offsite %s%s", request.url, origin)
        # "Filtered offsite request" is the wording the spiders file as a policy skip.
        raise IgnoreRequest(f"Filtered offsite request to {request.url}{origin}")
