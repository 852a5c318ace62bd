"""What ``archiver sites --check`` says of a section's first listing page. Pure.

The same judgement as a crawl's: the wall check of archiver.crawl.blocking, the decoder,
and archiver.listings.parse_listing; spiders/check.py fetches the page the crawl's way.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from archiver.crawl.blocking import classify
from archiver.encoding import decode
from archiver.listings import ListingHints, parse_listing

POLICY = re.compile(r"Forbidden by robots\.txt|Filtered offsite request")


def listing_note(status: int, headers: Mapping[str, str], body: bytes, url: str,
                 hints: ListingHints | None = None, listing_url: str | None = None) -> str:
    """"12 links", or why the crawl would get none (blocked, HTTP error, no links)."""
    verdict = classify(status, headers, body)
    if verdict is not None:
        return f"blocked ({verdict.reason})"
    if status != 200:
        return f"fetch failed (HTTP {status})"
    ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    listing = parse_listing(decode(body, ctype, url).text, url, hints, listing_url=listing_url)
    return f"{len(listing.article_urls)} links" + (f", {listing.problem}" if listing.problem else "")


def failure_note(kind: str, message: str) -> str:
    reason = f"{kind}: {message}"
    if POLICY.search(reason):
        return "robots.txt forbids it" if "robots" in reason else "offsite"
    return f"fetch failed ({reason})"
