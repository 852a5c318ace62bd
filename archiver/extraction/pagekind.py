"""Recognise pages that are not articles, so they never become fake records.

Kinds: "challenge" (anti-bot JS-cookie pages: 加速乐 __jsl_clearance, 安全狗/云锁 wzws_cid,
瑞数 $_ts …), "error" (a soft-200 "页面不存在"), "search" (site search results), "listing"
(a column page of links) and "article".
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

CHALLENGE_MARKERS = re.compile(
    r"__jsl_clearance|__jsluid|wzws_cid|wzwschallenge|acw_sc__v2|yunsuo_session_verify|\$_ts\s*=|"
    r"_\$ts|WZWS_CONFIRM_PREFIX|请开启\s*JavaScript|安全验证|人机验证|正在进行安全检测|"
    r"document\.cookie\s*=.{0,200}(location\.(reload|href)|setTimeout)",
    re.I | re.S,
)
ERROR_PHRASES = re.compile(
    r"页面不存在|页面未找到|找不到(该|此|您要访问的)?页面|您(所)?访问的页面|访问的(页面|文章|信息)不存在|"
    r"信息不存在|文章不存在|已被删除|已删除或|404\s*(Not Found|错误|页面)|Page Not Found|^404$|出错了|"
    r"服务器错误|无法访问",
    re.I,
)
# list pagers and JS-rendered lists (TRS createPageHTML, Hanweb jpage/datastore, UCAP listData)
LIST_MARKERS = re.compile(r"createPageHTML|jpage|<datastore>|var\s+listData|共\s*\d+\s*页|下一页|尾页")
LIST_URL = re.compile(r"/(index(_\d+)?\.s?html?|list[^/]*|col/col\d+/[^/]*)$|/$", re.I)
SEARCH_URL = re.compile(r"search|sousuo|was5|jrobot|searchword=|keyword=|[?&]q=", re.I)
SEARCH_TEXT = re.compile(r"搜索结果|检索结果|共找到\s*\d+|找到相关|相关结果约?\s*\d+|共检索到")

_MAX_CHALLENGE_TEXT = 300
_MAX_ERROR_TEXT = 800


def classify_raw(raw: str, visible_chars: int, title: str) -> str | None:
    """Challenge or error from the markup and the amount of visible text (before extraction)."""
    if visible_chars < _MAX_CHALLENGE_TEXT and CHALLENGE_MARKERS.search(raw[:200_000]):
        return "challenge"
    if ERROR_PHRASES.search(title) and visible_chars < _MAX_ERROR_TEXT * 3:
        return "error"
    if visible_chars < _MAX_ERROR_TEXT and ERROR_PHRASES.search(raw[:200_000]):
        return "error"
    return None


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
