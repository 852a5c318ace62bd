"""Read a section listing page: which links are articles, which lead to the next page.

Pure: HTML text and its URL in, a Listing out. Knows the common government CMS
pagination styles (a 下一页 link, TRS ``createPageHTML``, numbered pages).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

from parsel import Selector

# Article URL shapes of the CMS families (see research/cms-and-crawlers.md §2).
ARTICLE_URL_PATTERNS = {
    "trs": re.compile(r"/t\d{8}_\d+\.s?html?$"),
    "hanweb": re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html?$"),
    "post": re.compile(r"/(?:content/)?post_\d+\.s?html?$"),
    "dated_path": re.compile(r"/(?:19|20)\d{2}[-/]?\d{2}(?:[-/]?\d{2})?/[^/]+\.s?html?$"),
    "numeric_id": re.compile(r"/(?:content|detail|article|news|info)[_/-]?\d+\.s?html?$"),
}
NEXT_TEXTS = {"下一页", "下页", "后页", "下一頁", ">", "›", "»", "next", "Next"}
TRS_PAGER = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([\w-]+)[\"']\s*,\s*[\"'](\w+)[\"']\s*\)"
)
SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#")
FILE_EXT = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|zip|rar|ofd|ceb|jpe?g|png|gif)$", re.I)


@dataclass(frozen=True)
class Listing:
    article_urls: list[str] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)
    pagination: str | None = None   # "trs_script" | "next_link" | None
    total_pages: int | None = None


def _clean(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def _links(sel: Selector, base: str) -> list[tuple[str, str]]:
    found = []
    for a in sel.css("a[href]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or href.lower().startswith(SKIP_SCHEMES):
            continue
        text = " ".join(a.css("::text").getall()).strip() or a.attrib.get("title", "")
        found.append((_clean(urljoin(base, href)), text))
    return found


def article_links(sel: Selector, url: str) -> list[str]:
    """Links that look like this site's articles, in page order, without repeats."""
    host = urlsplit(url).hostname
    candidates = [(u, t) for u, t in _links(sel, url)
                  if urlsplit(u).hostname == host and u != _clean(url) and not FILE_EXT.search(u)]
    hits = [u for u, _ in candidates
            if any(p.search(urlsplit(u).path) for p in ARTICLE_URL_PATTERNS.values())]
    if not hits:
        hits = _dominant_container_links(sel, url)
    return list(dict.fromkeys(hits))


def _dominant_container_links(sel: Selector, url: str) -> list[str]:
    """No known URL shape: take the list (ul/ol/table/div) holding most long-titled links."""
    groups: Counter[str] = Counter()
    members: dict[str, list[str]] = {}
    for a in sel.xpath("//a[@href][ancestor::ul or ancestor::ol or ancestor::table]"):
        text = "".join(a.css("::text").getall()).strip()
        if len(text) < 6:
            continue
        parent = a.xpath("(ancestor::ul|ancestor::ol|ancestor::table)[last()]")
        key = parent[0].root.getroottree().getpath(parent[0].root) if parent else ""
        groups[key] += 1
        members.setdefault(key, []).append(_clean(urljoin(url, a.attrib["href"])))
    if not groups:
        return []
    key, count = groups.most_common(1)[0]
    return members[key] if count >= 3 else []


def next_pages(html: str, sel: Selector, url: str) -> tuple[list[str], str | None, int | None]:
    match = TRS_PAGER.search(html)
    if match:
        count, current, name, ext = int(match[1]), int(match[2]), match[3], match[4]
        if current + 1 < count:
            return [urljoin(url, f"{name}_{current + 1}.{ext}")], "trs_script", count
        return [], "trs_script", count
    for link, text in _links(sel, url):
        if text.strip() in NEXT_TEXTS and link != _clean(url):
            return [link], "next_link", None
    return [], None, None


def parse_listing(html: str, url: str) -> Listing:
    sel = Selector(text=html or "<html></html>")
    pages, style, total = next_pages(html, sel, url)
    return Listing(article_links(sel, url), pages, style, total)
