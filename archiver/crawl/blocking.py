"""Recognise anti-bot answers and soft-200 error pages at the crawl level. Pure.

A challenge is counted, reported and backed off from — never solved, never
stored (research §3: 瑞数 412 JS-cookie pages, 加速乐 521 + __jsl_clearance,
wzws_cid, 创宇盾/安全狗/云锁 WAF pages). Extraction also flags challenge pages
(page_kind "challenge"); this module decides from status, headers, cookies and
body signatures before anything is parsed.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


def _phrases(*words: str, extra: bytes | None = None) -> re.Pattern[bytes]:
    """Match the words in the raw bytes whether the page is UTF-8 or GBK (no decoding needed)."""
    alts = {re.escape(w.encode(enc)) for w in words for enc in ("utf-8", "gb18030")}
    return re.compile(b"|".join(sorted(alts) + ([extra] if extra else [])), re.I)


CHALLENGE_STATUSES = {412: "412 JS-cookie challenge", 521: "521 JS-cookie challenge (加速乐)"}
RATE_STATUSES = {429: "429 rate limited", 403: "403 forbidden", 503: "503 unavailable"}
COOKIE_SIGNS = {
    "__jsl_clearance": "加速乐 __jsl_clearance cookie",
    "__jsluid": "加速乐 __jsluid cookie",
    "wzws_cid": "WZWS (网站卫士) wzws_cid cookie",
    "wzws_sessionid": "WZWS (网站卫士) session cookie",
    "yunsuo_session_verify": "云锁 verify cookie",
    "acw_sc__v2": "Aliyun WAF acw_sc cookie",
}
BODY_SIGNS = [
    (re.compile(rb"document\.cookie\s*=\s*['\"]?__jsl_clearance"), "加速乐 JS cookie challenge"),
    (re.compile(rb"wzws_cid|WZWS_CONFIRM|wzwschallenge", re.I), "WZWS challenge page"),
    (re.compile(rb"\$_ts\s*=\s*window\['\$_ts'\]|\$_ts\.nsd|\$_ts\.cd"), "瑞数 JS challenge"),
    (_phrases("创宇盾", "知道创宇", "安全狗", "云锁", "网站防火墙", "WAF拦截", "您的访问被拦截",
               "访问被拒绝", "您的访问请求可能对网站造成安全威胁", "当前访问疑似黑客攻击",
               "访问过于频繁"), "WAF block page"),
]
SOFT_ERROR = _phrases("页面不存在", "页面未找到", "找不到页面", "您访问的页面不存在", "该信息已删除",
                      "信息不存在", "系统繁忙", "服务器繁忙", "访问出错", "页面已过期",
                      extra=rb"404\s*Not\s*Found")
# A page this small whose body says "error" is an error page, not an article that
# mentions the phrase; real challenge pages are a few KB of script.
SMALL_BODY = 12_000
TITLE = re.compile(rb"<title[^>]*>([\s\S]{0,300}?)</title>", re.I)
TINY_BODY = 3_000


@dataclass(frozen=True)
class Verdict:
    kind: str       # "challenge" | "rate_limit" | "soft_error"
    reason: str

    @property
    def back_off(self) -> bool:
        """Challenges and rate limits slow the site down; a soft 404 does not."""
        return self.kind != "soft_error"


def _cookies(headers: Mapping[str, str]) -> str:
    return " ".join(v for k, v in headers.items() if k.lower() == "set-cookie")


def classify(status: int, headers: Mapping[str, str], body: bytes) -> Verdict | None:
    """None for an ordinary answer; else why it is a block or an error page."""
    cookies = _cookies(headers)
    small = len(body) < SMALL_BODY
    if status in CHALLENGE_STATUSES:
        return Verdict("challenge", CHALLENGE_STATUSES[status])
    for name, reason in COOKIE_SIGNS.items():
        if name in cookies and (small or status != 200):
            return Verdict("challenge", reason)
    if small or status != 200:
        for pattern, reason in BODY_SIGNS:
            if pattern.search(body[:SMALL_BODY * 4]):
                return Verdict("challenge", reason)
    if status in RATE_STATUSES:
        return Verdict("rate_limit", RATE_STATUSES[status])
    if status == 200 and _soft_error(body):
        return Verdict("soft_error", "soft-200 error page")
    return None


def _soft_error(body: bytes) -> bool:
    """An error phrase in the <title>, or in a page too small to be an article."""
    title = TITLE.search(body[:20_000])
    if title and SOFT_ERROR.search(title[1]):
        # "页面不存在 - 某某网" is an error page; "页面不存在问题的整改通报" is an article.
        rest = _text(SOFT_ERROR.sub(b"", title[1]))
        if len("".join(ch for ch in rest if ch.isalnum())) <= 8:
            return True
    return len(body) < TINY_BODY and bool(SOFT_ERROR.search(body))


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", "replace")
