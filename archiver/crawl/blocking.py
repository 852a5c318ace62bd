"""Recognise anti-bot walls and soft-200 error pages by their shape, not by words. Pure.

The crawl's judgement of an HTTP answer: status and cookies here, the page's shape in
archiver.extraction.walls (which extraction's page kind asks too). A challenge is counted,
reported and backed off from — never solved, never stored (research §3). Government
listings, notices and API answers talk about 安全狗, 云锁, 知道创宇, 网站防火墙 and
页面不存在问题整改 as news, so a vendor name or an error phrase proves nothing. What does:

- the status: 412 (瑞数), 521 (加速乐) and 493 (WZWS) are only ever walls; 403/429/503 refuse;
- a challenge cookie or script on a *thin* page (little visible text, a few links at most);
- a thin page whose visible text is the block or error message itself, or a title that
  *is* an error phrase ("页面不存在_某某市人民政府", not "关于页面不存在问题整改的通报").

JSON and XML answers (search APIs, Hanweb's dataproxy) are data: judged by status only,
never by the words in them.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from archiver.encoding import decode
from archiver.extraction.walls import (  # re-exported: the crawl's callers import them from here
    SCAN,
    Shape,
    Verdict,
    error_title,
    page_shape,
    soft_error,
    text_verdict,
    wall_verdict,
)

__all__ = ["Shape", "Verdict", "classify", "error_title", "page_shape", "text_verdict"]

CHALLENGE_STATUSES = {412: "412 JS-cookie challenge (瑞数)", 521: "521 JS-cookie challenge (加速乐)",
                      493: "493 WZWS (网站卫士) block"}
RATE_STATUSES = {429: "429 rate limited", 403: "403 forbidden", 503: "503 unavailable",
                 405: "405 refused"}

def _is_data(body: bytes, content_type: str) -> bool:
    """A JSON, JSONP or XML answer (an API or Hanweb's dataproxy), not a page for people."""
    ctype = content_type.lower()
    if "json" in ctype or "javascript" in ctype:
        return True
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"[") or re.match(rb"[\w$.]+\s*\(\s*[\[{]", head):
        return True
    if head.startswith(b"<?xml") or re.match(rb"<(datastore|recordset|rss|feed|result)\b", head, re.I):
        return "html" not in ctype or b"<html" not in body[:4096].lower()
    return False


def _cookies(headers: Mapping[str, str]) -> str:
    return " ".join(v for k, v in headers.items() if k.lower() == "set-cookie")


def _content_type(headers: Mapping[str, str]) -> str:
    return next((v for k, v in headers.items() if k.lower() == "content-type"), "")


def classify(status: int, headers: Mapping[str, str], body: bytes) -> Verdict | None:
    """None for an ordinary answer; else why it is a wall or an error page."""
    if status in CHALLENGE_STATUSES:
        return Verdict("challenge", CHALLENGE_STATUSES[status])
    ctype = _content_type(headers)
    cookies = _cookies(headers)
    if _is_data(body, ctype):
        if status in RATE_STATUSES:
            return Verdict("rate_limit", RATE_STATUSES[status])
        return None
    text = decode(body[:SCAN], ctype or None).text if body else ""
    shape = page_shape(text)
    if wall := wall_verdict(shape, status, cookies):
        return wall
    if status in RATE_STATUSES:
        return Verdict("rate_limit", RATE_STATUSES[status])
    if status == 200 and soft_error(shape):
        return Verdict("soft_error", "soft-200 error page")
    return None


