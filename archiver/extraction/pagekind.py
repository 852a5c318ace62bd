"""Recognise pages that are not articles, so they never become fake records.

Kinds: "challenge" (anti-bot JS-cookie pages: 加速乐 __jsl_clearance, 安全狗/云锁 wzws_cid,
瑞数 $_ts …), "error" (a soft-200 "页面不存在"), "search" (site search results), "listing"
(a column page of links) and "article".
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from archiver.extraction.walls import text_verdict

# list pagers and JS-rendered lists (TRS createPageHTML, Hanweb jpage/datastore, UCAP listData)
LIST_MARKERS = re.compile(r"createPageHTML|jpage|<datastore>|var\s+listData|共\s*\d+\s*页|下一页|尾页")
LIST_URL = re.compile(r"/(index(_\d+)?\.s?html?|list[^/]*|col/col\d+/[^/]*)$|/$", re.I)
SEARCH_URL = re.compile(r"search|sousuo|was5|jrobot|searchword=|keyword=|[?&]q=", re.I)
SEARCH_TEXT = re.compile(r"搜索结果|检索结果|共找到\s*\d+|找到相关|相关结果约?\s*\d+|共检索到")


def classify_raw(raw: str, visible_chars: int, title: str) -> str | None:
    """Challenge or error from the page's shape (before extraction): the crawl's own judgement
    (archiver.extraction.walls, which archiver.crawl.blocking uses too). A headline or a body
    that mentions 页面不存在 or a WAF vendor stays an article, and a page that passed a wall
    (its cookie script still in the markup) is read like any other."""
    verdict = text_verdict(raw)
    if verdict is None:
        return None
    return "error" if verdict.kind == "soft_error" else "challenge"


def classify_content(url: str, body_text: str, body_link_ratio: float, title_links: int,
                     has_date_line: bool, raw: str = "") -> str:
    """Search, listing or article, once the body candidate is known.

    `title_links` counts anchors with headline-length text; a listing is many of those and a
    body that is either tiny or mostly links.
    """
    text_len = len(body_text)
    if SEARCH_TEXT.search(body_text[:2000]) and (SEARCH_URL.search(url) or body_link_ratio > 0.3):
        return "search"
    if SEARCH_URL.search(urlsplit(url).query or "") and title_links >= 5 and text_len < 2000:
        return "search"
    weak_body = text_len < 150 or body_link_ratio > 0.5 or (text_len < 400 and not has_date_line)
    if title_links >= 10 and weak_body:
        return "listing"
    if has_date_line or text_len >= 400:  # tested first: the marker scan reads the whole page
        return "article"
    if LIST_MARKERS.search(raw[:500_000]) or LIST_URL.search(urlsplit(url).path):
        return "listing"
    return "article"
