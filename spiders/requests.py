"""Scrapy requests for frontier entries (listings, Hanweb proxy POSTs, articles). Thin."""
from __future__ import annotations

from typing import Any

import scrapy

from archiver.listings import PageRequest
from archiver.listings.hanweb import PROXY_PATH
from archiver.models import Entry

# Statuses the spider must see itself: 304 (unchanged), challenges and errors it counts.
HANDLED = [304, 400, 401, 403, 404, 410, 412, 429, 500, 502, 503, 504, 521]


def listing_entry(section: str, req: PageRequest) -> Entry:
    return Entry(req.url, "listing", section, req.method, req.form, req.page)


def _family(entry: Entry) -> str | None:
    """How to read a POSTed listing's answer: Hanweb's XML proxy, else a JSON search API."""
    if entry.method != "POST":
        return None
    return "hanweb_proxy" if PROXY_PATH in entry.url else "form_api"


def to_request(entry: Entry, callback: Any, errback: Any,
               headers: dict[str, str] | None = None) -> scrapy.Request:
    meta = {"entry": entry, "handle_httpstatus_list": HANDLED}
    if entry.kind == "listing":
        preq = PageRequest(entry.url, entry.method, entry.form, _family(entry), entry.page)
        meta["preq"] = preq
        if entry.method == "POST":
            return scrapy.FormRequest(entry.url, formdata=dict(entry.form), callback=callback,
                                      errback=errback, meta=meta, dont_filter=True)
        return scrapy.Request(entry.url, callback=callback, errback=errback, meta=meta,
                              dont_filter=True)
    # dont_filter: the spider de-duplicates articles itself, and a redirect loop must reach
    # REDIRECT_MAX_TIMES (an error with a reason) instead of vanishing in the dupefilter.
    return scrapy.Request(entry.url, callback=callback, errback=errback, meta=meta,
                          headers=headers or None, dont_filter=True)
