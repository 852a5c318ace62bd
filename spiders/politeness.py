"""A profile's politeness applied to a crawler's settings (before they are frozen)."""
from __future__ import annotations

import logging

from scrapy.crawler import Crawler

from archiver.profiles import Profile

log = logging.getLogger(__name__)


def apply_politeness(crawler: Crawler, profile: Profile) -> None:
    """The profile's politeness, below command-line settings (tests, benchmarks) in priority."""
    settings, pol = crawler.settings, profile.politeness
    cap = settings.getint("ARCHIVER_MAX_PER_HOST", 2)
    settings.set("ROBOTSTXT_OBEY", pol.robots, priority="spider")
    settings.set("DOWNLOAD_DELAY", pol.delay, priority="spider")
    settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", max(1, min(pol.concurrency, cap)),
                 priority="spider")
    settings.set("AUTOTHROTTLE_ENABLED", pol.autothrottle, priority="spider")
    settings.set("DOWNLOAD_TIMEOUT", pol.timeout, priority="spider")
    # Scrapy 2.19 lets a slot burst past CONCURRENT_REQUESTS_PER_DOMAIN when DOWNLOAD_DELAY
    # is 0 (the slot's bookkeeping runs in a coroutine scheduled later), so a small floor
    # keeps the per-host limit true even when a profile or the command line asks for 0.
    floor = settings.getfloat("ARCHIVER_MIN_DELAY", 0.01)
    if settings.getfloat("DOWNLOAD_DELAY") < floor:
        settings.set("DOWNLOAD_DELAY", floor, priority="cmdline")
    if not settings.getbool("ROBOTSTXT_OBEY"):
        log.warning("%s: robots.txt is NOT being honoured (profile politeness.robots = false)",
                    profile.id)
