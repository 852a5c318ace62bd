"""Which links on a listing are the section's articles.

Navigation, footers, other sections' menus, counters and files are not. Steps:
1. candidates: same-site http links that are not files, counters or the page itself;
2. links whose URL has a known CMS article shape win; without any, the URL shape
   (digits generalised) shared by most titled links wins;
3. only the links inside the smallest element holding most of the winners are kept,
   so a "hot news" sidebar with the same URL shape is dropped.
A profile's CSS/XPath selector replaces steps 2–3.
"""
from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement
from parsel import Selector

from archiver.listings.html import ASSET_EXTS, DOCUMENT_EXTS, page_base
from archiver.listings.model import clean_url

ARTICLE_URL_PATTERNS = {
    "trs": re.compile(r"/t\d{8}_\d+\.s?html?$"),
    "hanweb": re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html?$"),
    "ucap": re.compile(r"/content/content_\d+\.html?$"),
    "post": re.compile(r"/(?:content/)?post_\d+\.s?html?$"),
    "dated_id": re.compile(r"/(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:\d{2})?/\d{5,}\.s?html?$"),
    "dated_path": re.compile(r"/(?:19|20)\d{2}[-/]?\d{2}(?:[-/]?\d{2})?/[^/]+\.s?html?$"),
    "numeric_id": re.compile(r"/(?:content|detail|article|news|info)[_/-]?\d+\.s?html?$"),
}
SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#", "data:")
FILE_EXT = re.compile(r"\.(?:" + "|".join(DOCUMENT_EXTS + ASSET_EXTS) + r")$", re.I)
# Counters and listing pages are never articles (research §2.3: visitcount endpoints).
NOT_ARTICLE = re.compile(
    r"visitcount|articlehits|clicknum|/api/hits|/(?:index|list|default)(?:_\d+)?\.s?html?$"
    r"|/col/col\d+/(?:index\.html?)?$|/$", re.I)
MIN_TITLE = 4
DOMINANCE = 0.6


def _site(host: str | None) -> str:
    """The last three labels of a host: www.x.gov.cn and sthjt.x.gov.cn are one site."""
    labels = (host or "").lower().split(".")
    return ".".join(labels[-3:]) if len(labels) >= 3 else ".".join(labels)


def _may_be_article(link: str, site: str) -> bool:
    """An http(s) link of `site` that is not a file, a counter or a listing page."""
    parts = urlsplit(link)
    return parts.scheme in ("http", "https") and _site(parts.hostname) == site \
        and not FILE_EXT.search(parts.path) and not NOT_ARTICLE.search(link)


def candidates(sel: Selector, url: str) -> list[tuple[str, str, HtmlElement]]:
    """(absolute URL, link text or title, element) for every plausible same-site link."""
    site, here, base = _site(urlsplit(url).hostname), clean_url(url), page_base(sel.root, url)
    found = []
    for a in sel.xpath("//a[@href]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or href.lower().startswith(SKIP_SCHEMES):
            continue
        link = clean_url(urljoin(base, href))
        if link == here or not _may_be_article(link, site):
            continue
        text = " ".join("".join(a.xpath(".//text()").getall()).split())
        found.append((link, text or a.attrib.get("title", "").strip(), a.root))
    return found


def url_shape(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"[0-9a-f]{16,}", "H", parts.path)
    path = re.sub(r"\d+", "N", path)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return path + ("?" + "&".join(keys) if keys else "")


def _by_shape(cands: list[tuple[str, str, HtmlElement]]) -> list[tuple[str, str, HtmlElement]]:
    titled = [c for c in cands if len(c[1]) >= MIN_TITLE]
    shapes = Counter(url_shape(u) for u, _, _ in titled)
    if not shapes:
        return []
    shape, count = shapes.most_common(1)[0]
    return [c for c in titled if url_shape(c[0]) == shape] if count >= 3 else []


def _dominant(chosen: list[tuple[str, str, HtmlElement]]) -> list[tuple[str, str, HtmlElement]]:
    """Keep the links inside the deepest element that holds most of them."""
    if len(chosen) < 4:
        return chosen
    counts: Counter[HtmlElement] = Counter()
    depth: dict[HtmlElement, int] = {}
    for _, _, el in chosen:
        for d, anc in enumerate(reversed(list(el.iterancestors()))):
            counts[anc] += 1
            depth[anc] = d
    need = DOMINANCE * len(chosen)
    best = max((a for a, n in counts.items() if n >= need), key=lambda a: depth[a], default=None)
    if best is None:
        return chosen
    return [c for c in chosen if best in set(c[2].iterancestors())]


def article_links(sel: Selector, url: str, selector: str | None = None) -> list[str]:
    """The section's article links, in page order, without repeats."""
    if selector:
        nodes = sel.xpath(selector) if selector.startswith(("/", "(")) else sel.css(selector)
        hrefs = [n.attrib.get("href") or n.xpath("string(.//a/@href)").get() for n in nodes]
        base = page_base(sel.root, url)
        return list(dict.fromkeys(clean_url(urljoin(base, h.strip())) for h in hrefs if h))
    cands = candidates(sel, url)
    shaped = [c for c in cands
              if any(p.search(urlsplit(c[0]).path) for p in ARTICLE_URL_PATTERNS.values())]
    chosen = shaped if len(shaped) >= 2 else (_by_shape(cands) or shaped)
    return list(dict.fromkeys(u for u, _, _ in _dominant(chosen)))


def filter_links(links: list[str], url: str) -> list[str]:
    """Absolute, same-site, non-file, non-listing links from a record list (JSON, CDATA)."""
    site = _site(urlsplit(url).hostname)
    found = (clean_url(urljoin(url, href.strip())) for href in links)
    return list(dict.fromkeys(link for link in found if _may_be_article(link, site)))
