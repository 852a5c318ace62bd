"""Pagination by a link: 下一页 / 下页 / 后页 / > , or the numbered pager's next number."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from parsel import Selector

from archiver.listings.html import page_base
from archiver.listings.model import PageRequest, clean_url

NEXT_TEXTS = {"下一页", "下页", "后页", "下一頁", ">", "›", "»", ">>", "next", "next page",
              "下一页>", "下一页>>", "下一页 >", "[下一页]", "下一页»"}
SKIP = ("javascript:", "mailto:", "tel:", "#")
# Where the current page number sits in a listing URL, most specific first.
PAGE_IN_URL = [
    re.compile(r"[?&](?:page|pageNo|pageNum|pageIndex|curPage|currentPage|p|pn)=(\d+)", re.I),
    re.compile(r"(?:index|list|column-index)[_-](\d+)\.s?html?$"),
    re.compile(r"_(\d+)\.s?html?$"),
    re.compile(r"/(\d+)\.s?html?$"),
]


# A pager that states its size: in words, 第1页/共109页 (samr.cfda.gov.cn, both real listings), or in
# easysite's hidden paging input, <input name="article_paging_list_hidden" … totalpage="280">
# (pbc.gov.cn, real listings).
STATED_PAGES = re.compile(r"第\s*\d+\s*页\s*/\s*共\s*(\d+)\s*页")
EASYSITE_PAGES = re.compile(r"<input[^>]*article_paging_list_hidden[^>]*totalpage=[\"'](\d+)", re.I)


def stated_pages(html: str) -> int | None:
    """The page count a 第N页/共M页 pager or an easysite paging input states, or None."""
    m = STATED_PAGES.search(html) or EASYSITE_PAGES.search(html)
    return int(m[1]) if m else None


def current_page(url: str) -> int:
    """1-based page number shown by ``url`` (index_1.html is page 2 on TRS; ``_N`` is page N
    elsewhere; a query page=N is page N). Unnumbered is page 1."""
    for i, pattern in enumerate(PAGE_IN_URL):
        if m := pattern.search(url):
            number = int(m[1])
            return number + 1 if i == 1 and "index_" in url else number
    return 1


def _anchors(sel: Selector, base: str) -> list[tuple[str, str]]:
    found = []
    for a in sel.css("a[href], a[tagname]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or href.lower().startswith(SKIP):
            # easysite pagers carry the page in tagname, not href: <a tagname="/…/11040/index2.html"
            # onclick="queryArticleByCondition(this, …)">下一页</a> (pbc.gov.cn, real listings);
            # a page with no next page keeps a placeholder there (tagname="[NEXTPAGE]").
            href = (a.attrib.get("tagname") or "").strip()
            if not href.startswith(("/", "http://", "https://")):
                continue
        text = "".join(a.css("::text").getall()).strip() or a.attrib.get("title", "").strip()
        found.append((clean_url(urljoin(base, href)), text))
    return found


def next_request(sel: Selector, url: str) -> tuple[PageRequest | None, str | None]:
    """The next page by its link text, else by the pager's next number."""
    here = clean_url(url)
    base = page_base(sel.root, url)
    anchors = [(u, t) for u, t in _anchors(sel, base) if u != here]
    number = current_page(url)
    for link, text in anchors:
        if " ".join(text.split()) in NEXT_TEXTS:
            return PageRequest(link, page=number + 1), "next_link"
    for link, text in anchors:
        if text.strip() == str(number + 1) and (_same_listing(link, url) or _same_listing(link, base)):
            return PageRequest(link, page=number + 1), "numbered"
    return None, None


def _same_listing(link: str, url: str) -> bool:
    """A pager link stays in the listing's directory (or is the same path with a query)."""
    a, b = urlsplit(link), urlsplit(url)
    if a.netloc != b.netloc:
        return False
    if a.path == b.path:
        return bool(parse_qsl(a.query))
    return a.path.rsplit("/", 1)[0] == b.path.rsplit("/", 1)[0]
