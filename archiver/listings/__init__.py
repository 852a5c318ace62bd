"""Read a section listing: its article links and how to reach the next page.

Pure: text and URL (and the request that fetched it) in, a Listing out. One
module per CMS family (trs, hanweb, jsonapi, numbered, nextlink); ``detect``
picks the family when no profile says it; ``links`` picks the article links.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from parsel import Selector

from archiver.listings import formapi, hanweb, jsonapi, nextlink, numbered, trs
from archiver.listings.detect import detect_family
from archiver.listings.links import article_links, filter_links
from archiver.listings.model import Listing, PageRequest

__all__ = ["Listing", "ListingHints", "PageRequest", "detect_family", "parse_listing"]

PAGINATIONS = ("auto", "next_link", "trs", "hanweb", "numbered", "json", "api", "none")
COMMENT = re.compile(r"<!--([\s\S]*?)-->")


@dataclass(frozen=True)
class ListingHints:
    """A profile's hints for one section; every field is optional."""

    article_selector: str | None = None   # CSS, or XPath when it starts with "/"
    pagination: str = "auto"
    page_template: str | None = None      # numbered: "list_{n}.html", "?page={n}", "index_{n0}.html"
    json_items: str | None = None         # dotted path to the records
    json_link: str | None = None          # key of a record's link
    json_total: str | None = None         # dotted path to the page count
    perpage: int | None = None            # Hanweb records per page


def _uncomment(html: str) -> str:
    """Lists hidden in HTML comments and filled by script (Gansu 集约化, listing 006)."""
    return COMMENT.sub(lambda m: m[1] if "<a " in m[1] and "href" in m[1] else "", html)


def _json_listing(text: str, url: str, hints: ListingHints, page: int) -> Listing:
    links = filter_links(jsonapi.links(text, hints.json_items, hints.json_link), url)
    total = jsonapi.total(text, hints.json_total)
    nxt = None
    if hints.page_template and links:
        nxt = numbered.next_request(url, hints.page_template, page, total)
    return _done(links, [nxt] if nxt else [], "json", total, "json")


def _hanweb_listing(text: str, url: str, hints: ListingHints,
                    request: PageRequest | None) -> Listing:
    frags = hanweb.records(text)
    sel = Selector(text="<html><body><ul>" + "".join(frags) + "</ul></body></html>")
    links = article_links(sel, url, hints.article_selector) if frags else []
    if request is not None and request.family == "hanweb_proxy":
        done = hanweb.record_range(request.url) or (1, len(frags))
        nxt = hanweb.next_request(text, url, done[1] + 1, dict(request.form), hints.perpage)
    else:
        nxt = hanweb.next_request(text, url, len(frags) + 1, None, hints.perpage)
    total = hanweb.total_records(text)
    per = hints.perpage or 0
    pages = -(-total // per) if total and per else None
    return _done(links, [nxt] if nxt else [], "hanweb", pages, "hanweb")


def _form_api_listing(text: str, url: str, request: PageRequest) -> Listing:
    """An answer of a POSTed search API (TRS trsapi, UCAP queryList): see ``formapi``."""
    found, total = formapi.read_answer(text)
    nxt = formapi.next_request(request, len(found), total)
    return _done(filter_links(found, url), [nxt] if nxt else [], "form_api", total, "json")


def _done(links: list[str], reqs: list[PageRequest], style: str | None, total: int | None,
          family: str) -> Listing:
    problem = None if links else "no article links: template change?"
    return Listing(links, [r.url for r in reqs], style, total, family, tuple(reqs), problem)


def _html_pages(html: str, sel: Selector, url: str, hints: ListingHints, page: int,
                listing_url: str | None = None) -> tuple[list[PageRequest], str | None, int | None]:
    style = hints.pagination
    if style in ("none", "api"):
        return [], None, None
    if style == "numbered" and hints.page_template:
        nxt = numbered.next_request(url, hints.page_template, page)
        return ([nxt] if nxt else []), "numbered", None
    if style in ("auto", "trs"):
        nxt, total = trs.next_request(html, url)
        if total is not None:
            return ([nxt] if nxt else []), "trs_script", total
    nxt, found = nextlink.next_request(sel, url)
    if nxt is not None:
        return [PageRequest(nxt.url, page=page + 1)], found, nextlink.stated_pages(html)
    if hints.page_template and (guess := numbered.next_request(listing_url or url, hints.page_template,
                                                               page)):
        return [guess], "numbered", None
    return [], None, nextlink.stated_pages(html)   # the last page still states the count


def parse_listing(text: str, url: str, hints: ListingHints | None = None, *,
                  page: int = 1, request: PageRequest | None = None,
                  listing_url: str | None = None) -> Listing:
    """Article links and next-page requests of one listing page (page ``page``)."""
    hints = hints or ListingHints()
    text = text or ""
    if request is not None and request.family == "form_api":
        return _form_api_listing(text, listing_url or url, request)
    family = "json" if hints.pagination == "json" else detect_family(text)
    if family == "json":
        return _json_listing(text, listing_url or url, hints, page)
    if family == "hanweb" and (hanweb.records(text) or hints.pagination == "hanweb"):
        return _hanweb_listing(text, url, hints, request)
    html = _uncomment(text)
    sel = Selector(text=html or "<html></html>")
    links = article_links(sel, url, hints.article_selector)
    if not links:  # a UCAP-style list the page's script renders from embedded JSON
        links = filter_links(jsonapi.embedded_links(text), url)
    if hints.page_template and hints.pagination == "numbered" and listing_url:
        reqs = [r for r in [numbered.next_request(listing_url, hints.page_template, page)] if r]
        return _done(links, reqs, "numbered", None, family)
    reqs, style, total = _html_pages(html, sel, url, hints, page, listing_url)
    if not reqs and page == 1 and hints.pagination in ("auto", "api") \
            and (api := formapi.first_request(text, url, len(links))):
        reqs, style, total = [api], "form_api", formapi.page_count(text)
    return _done(links, reqs, style, total, family)
