"""Numbered pages from a profile template: ``?page={n}``, ``list_{n}.html``, ``index_{n0}.html``.

``{n}`` is the 1-based page number, ``{n0}`` the 0-based one (TRS: page 2 is
index_1.html). Page 1 is the section's own listing URL.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from archiver.listings.model import PageRequest


def page_url(listing_url: str, template: str, number: int) -> str:
    if number <= 1:
        return listing_url
    filled = template.replace("{n0}", str(number - 1)).replace("{n}", str(number))
    if filled.startswith(("?", "&")):
        # The template's parameters replace any of the same name (a listing URL that is
        # itself page 2 must not become "?page=2&page=3").
        parts = urlsplit(listing_url)
        ours = parse_qsl(filled.lstrip("?&"), keep_blank_values=True)
        names = {k for k, _ in ours}
        kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in names]
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept + ours), ""))
    return urljoin(listing_url, filled)


def next_request(listing_url: str, template: str, number: int,
                 total: int | None = None) -> PageRequest | None:
    """Page ``number + 1``, unless the listing said it has only ``total`` pages."""
    if total is not None and number >= total:
        return None
    return PageRequest(page_url(listing_url, template, number + 1), page=number + 1,
                       family="numbered")
