"""Anti-bot walls and error pages told from content by their shape, not by words. Pure, text in.

Government listings, notices and API answers talk about 安全狗, 云锁, 知道创宇, 网站防火墙 and
页面不存在问题整改 as news, so a vendor name or an error phrase anywhere in a page proves
nothing. What does: a challenge script or cookie on a *thin* page (little visible text, at most
a few links, no article or pager marks — a page that passed the wall still carries the vendor's
cookie and, for 瑞数, its ``$_ts`` script, around real content); a thin page whose visible text
is the block or error message itself; a title that *is* an error phrase ("页面不存在_某某市人民政府",
not "关于页面不存在问题整改的通报"). Extraction's page kind asks this module; the crawl
(archiver.crawl.blocking) adds what only the HTTP answer tells: status and cookies.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice

COOKIE_SIGNS = {
    "__jsl_clearance": "加速乐 __jsl_clearance cookie",
    "wzws_cid": "WZWS (网站卫士) wzws_cid cookie",
    "wzws_sessionid": "WZWS (网站卫士) session cookie",
    "yunsuo_session_verify": "云锁 verify cookie",
    "security_session_verify": "云锁 verify cookie",
    "acw_sc__v2": "Aliyun WAF acw_sc__v2 cookie",
}
# Scripts and forms that only a challenge page runs (looked for on thin pages only).
SCRIPT_SIGNS = [
    (re.compile(r"\$_ts\s*=\s*window\[\s*['\"]\$_ts['\"]\s*\]|\$_ts\.(?:nsd|cd)\b"), "瑞数 $_ts challenge"),
    (re.compile(r"__jsl_clearance|document\.cookie\s*=\s*\(\s*'_'\s*\)\s*\+"), "加速乐 JS cookie challenge"),
    (re.compile(r"var\s+arg1\s*=\s*['\"][0-9A-Fa-f]{20,}['\"]|acw_sc__v2"),
     "Aliyun WAF acw_sc__v2 challenge"),
    (re.compile(r"wzwschallenge|wzwsquestion|wzwsmethod|WZWS_CONFIRM|/wzws-waf-cgi/", re.I),
     "WZWS (网站卫士) challenge"),
    (re.compile(r"yunsuo_session_verify|security_verify_(?:data|img)|/yunsuo_", re.I),
     "云锁 verify challenge"),
    (re.compile(r"document\.cookie\s*=.{0,400}?(?:location\.(?:reload|href|replace)|window\.location)",
                re.S), "JS cookie challenge"),
]
# What a block page says about *this* request: only walls talk like this (read on thin
# pages only, outside links, so a one-headline listing is never taken for one).
WALL_SENTENCES = re.compile(
    "访问被阻断|已被阻断|已被拦截|被网站管理员设置拦截|被系统设置拦截|请求带有不合法参数|可能对网站造成安全威胁|"
    "疑似黑客攻击|访问过于频繁|访问频率过快|请开启\\s*JavaScript|您的访问被拦截|请求已被拦截|请完成安全验证|人机验证|"
    "Access\\s*Denied|Request\\s*Rejected", re.I)
# Vendor names and terse refusals: a wall only when the line is little else ("网站防火墙").
BLOCK_WORDS = re.compile(
    "安全狗|云锁|创宇盾|知道创宇|网站卫士|网站防火墙|防火墙|WAF|访问被拒绝|拒绝访问|访问被拦截|拦截|安全验证|"
    "Forbidden|blocked", re.I)
ERROR_PHRASE = ("页面不存在|页面未找到|找不到(?:该|此|您要访问的)?页面|"
                "(?:您|你)(?:所)?(?:要)?访问的(?:页面|网页|文章|信息|内容)(?:不存在|已删除|已被删除|找不到)|该信息已删除|信息不存在|文章不存在|内容不存在|页面已(?:过期|删除)|"
                "系统繁忙|服务器繁忙|访问出错|网页走丢了|页面走丢了|404\\s*Not\\s*Found|Not\\s*Found|^404$|"
                "500\\s*Internal\\s*Server\\s*Error|Internal\\s*Server\\s*Error|Service\\s*Unavailable|"
                "Bad\\s*Gateway")
ERROR_WORDS = re.compile(ERROR_PHRASE, re.I)
# Decoration around a message: apologies, punctuation, status numbers, "请稍后再试".
_DECOR = re.compile(r"对不起|抱歉|很抱歉|sorry|错误|error|提示|温馨提示|系统提示|请稍后(?:再试|重试)|"
                    r"或已被?删除|已被?删除|或已过期|\d{3}|[\s,，。.!！:：;；~～\-—_|·()（）【】\[\]]+", re.I)
# A message line: the phrase and little else ("对不起，您访问的页面不存在！" vs a sentence of news).
MESSAGE_SLACK = 6
# Thin: what a wall or an error page is — a title and a few lines, hardly any links.
THIN_TEXT = 600
THIN_LINKS = 3
# A page with its own navigation: many links, but its non-link text is only the message.
MESSAGE_TEXT = 300
# An article's own marks: its standard meta tags, or a labelled publication line. The labels
# are found by str.find and checked where they occur: one regex over the page for them (no
# literal prefix to search for) cost as much as the rest of the page-kind test. str.find looks
# for a label's second character, not the word (why: CPython searches one character with memchr
# on its low byte, 03 for 布 and 90 for 源, rare bytes in a page; a two-character word goes
# through a loop over every position, ~25x slower; 来 would be a poor pick, its low byte is "e").
_ARTICLE_META = re.compile(r"<meta\s[^>]*name\s*=\s*['\"]?(?:ArticleTitle|PubDate|ContentSource)", re.I)
_ARTICLE_LABELS = {"发布": re.compile(r"发布(?:时间|日期)\s*[:：]"), "来源": re.compile(r"来源\s*[:：]")}
# A listing's own marks: its pager (a last page may hold one headline and little else).
LISTING_SIGNS = re.compile(r"createPageHTML|<datastore|上一页|下一页|尾页|末页|共\s*\d+\s*页")
SCAN = 256_000


def article_signs(text: str) -> bool:
    """The page's first SCAN characters carry an article's own marks (PubDate, 发布时间：, 来源：)."""
    head = text[:SCAN]
    # the labels first: their memchr search costs a tenth of the meta regex's walk from "<" to "<"
    for word, label in _ARTICLE_LABELS.items():
        at = head.find(word[1], 1)
        while at != -1:
            if head[at - 1] == word[0] and label.match(head, at - 1):
                return True
            at = head.find(word[1], at + 1)
    return bool(_ARTICLE_META.search(head))


@dataclass(frozen=True)
class Verdict:
    kind: str       # "challenge" | "rate_limit" | "soft_error"
    reason: str

    @property
    def back_off(self) -> bool:
        """Challenges and rate limits slow the site down; a soft 404 does not."""
        return self.kind != "soft_error"


@dataclass(frozen=True)
class Shape:
    """What a page looks like to a reader: its article marks, title, visible lines, links, scripts.

    Built from the page's first SCAN characters; every fact is found on first use and kept,
    because the crawl asks for the shape of every answer and most answers are settled by a
    cheap fact: an article's marks rule out every verdict, so its title, links and lines
    (a few regex passes over the page each) are never rendered; a page with more than
    THIN_LINKS links is not thin, so its full-text lines are never read."""

    text: str = field(repr=False)

    @cached_property
    def signed(self) -> bool:
        """The page carries an article's own marks (see article_signs)."""
        return article_signs(self.text)

    @cached_property
    def scripts(self) -> str:
        return "\n".join(m[1] for m in _SCRIPT.finditer(self.text))

    @cached_property
    def _title_body(self) -> tuple[str, str]:
        """The title, and the page with scripts, styles, comments and the title taken out."""
        body = _SCRIPT.sub(" ", _DROP.sub(" ", self.text))
        title_m = _TITLE.search(body)
        if not title_m:
            return "", body
        return " ".join(_lines(title_m[1])), body[:title_m.start()] + body[title_m.end():]

    @property
    def title(self) -> str:
        return self._title_body[0]

    @property
    def body(self) -> str:
        return self._title_body[1]

    @cached_property
    def links(self) -> int:
        """Anchors with text that lead somewhere."""
        return sum(self._links())

    @cached_property
    def few_links(self) -> bool:
        """At most THIN_LINKS links: counted only that far (why: a page with its navigation
        has hundreds, each read through two regexes)."""
        return next(islice(self._links(), THIN_LINKS, None), None) is None

    def _links(self) -> Iterator[int]:
        """1 for each link, in page order."""
        for anchor in _ANCHOR.finditer(self.body):
            attrs, inner = anchor.groups()
            href = _HREF.search(attrs)
            target = href[1].strip().lower() if href else ""
            if target and not target.startswith(("#", "javascript:")) and _has_words(inner):
                yield 1

    @cached_property
    def lines(self) -> tuple[str, ...]:
        """Visible text lines, link text included."""
        return tuple(_lines(self.body))

    @cached_property
    def plain(self) -> tuple[str, ...]:
        """Visible text lines outside links."""
        outside, anchors = _ANCHOR.subn("\n", self.body)
        # without an anchor they are `lines`, already read when the page had few links
        return tuple(_lines(outside)) if anchors else self.lines

    @property
    def text_len(self) -> int:
        return sum(len(ln) for ln in self.lines) + len(self.title)

    @property
    def thin(self) -> bool:
        return self.few_links and self.text_len <= THIN_TEXT


# An element's content up to its first closing tag (here and in _ANCHOR), read as runs between "<"
# with nothing to give back: the same match as a lazy ".*?" before the closing tag, without
# trying the closing tag at every character (why: a page's inline CSS of 100 000 characters took
# ~3 ms under ".*?")
_DROP = re.compile(r"<!--.*?-->|<(style|noscript|template|textarea|select)\b"
                   r"[^<]*+(?:<(?!/\1\s*>)[^<]*+)*+</\1\s*>", re.S | re.I)
_SCRIPT = re.compile(r"<script\b[^>]*>([^<]*+(?:<(?!/script\s*>)[^<]*+)*+)</script\s*>", re.S | re.I)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.S | re.I)
_ANCHOR = re.compile(r"<a\b([^>]*)>([^<]*+(?:<(?!/a\s*>)[^<]*+)*+)</a\s*>", re.S | re.I)
_HREF = re.compile(r"""href\s*=\s*["']?\s*([^"'\s>]*)""", re.I)
_BREAK = re.compile(r"<(?:br|/p|/div|/li|/h[1-6]|/tr|/td|/th|/dt|/dd|/section|/article|/header|"
                    r"/footer|/span|/ul|/ol|/table|/form|p|div|li|h[1-6]|tr)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]+>")
# A run of spaces and of these collapses to one space: each becomes a space by str.replace,
# then runs of spaces shrink by a regex with a literal prefix (one character class over the
# page scanned every character and made a substitution at every word)
_TO_SPACE = "\t\r\f\v\u3000\xa0"
_RUN = re.compile("  +")


def _lines(fragment: str) -> list[str]:
    text = html.unescape(_TAG.sub(" ", _BREAK.sub("\n", fragment)))
    for space in _TO_SPACE:
        text = text.replace(space, " ")
    return [ln for x in _RUN.sub(" ", text).split("\n") if (ln := x.strip())]


def _has_words(fragment: str) -> bool:
    """`_lines(fragment)` is not empty (without building the lines: one per anchor)."""
    if "<" in fragment or "&" in fragment:
        fragment = html.unescape(_TAG.sub(" ", _BREAK.sub("\n", fragment)))
    return bool(fragment) and not fragment.isspace()


def page_shape(text: str) -> Shape:
    """The visible shape of an HTML page (regexes, not a parser: walls are often broken HTML)."""
    return Shape(text[:SCAN])


def _is_message(line: str, words: re.Pattern[str]) -> bool:
    """The line is the message itself: the phrase, decoration, and a few characters more."""
    found = words.search(line)
    if not found:
        return False
    rest = words.sub("", words.sub("", line))  # twice: "被创宇盾拦截" leaves "被拦截"
    return len(_DECOR.sub("", rest)) <= MESSAGE_SLACK


def error_title(title: str) -> bool:
    """A title that *is* an error message, alone or before the site's name
    ("页面不存在_某某市人民政府", "404 Not Found"); not a headline about one."""
    for part in re.split(r"\s*[_|–—-]{1,2}\s*|\s{2,}", title):
        if ERROR_WORDS.search(part) and len(_DECOR.sub("", ERROR_WORDS.sub("", part))) <= 2:
            return True
    return False



def text_verdict(text: str) -> Verdict | None:
    """The same judgement on a page's decoded text alone (no status, no headers): what
    extraction uses to tell a wall or an error page from an article."""
    shape = page_shape(text)
    return wall_verdict(shape, 200, "") or (
        Verdict("soft_error", "soft-200 error page") if soft_error(shape) else None)


def wall_verdict(shape: Shape, status: int, cookies: str) -> Verdict | None:
    """A challenge or block page by its shape: a thin page (little text, few links, no
    article or pager marks) with a challenge script or cookie, or whose own text is the
    block message. ``cookies`` is the answer's Set-Cookie text ("" when unknown)."""
    # The article marks first: most pages the crawl fetches carry them, and they are the
    # cheapest fact (the shape's links and lines are never rendered then)
    if not shape.signed and shape.thin and not LISTING_SIGNS.search(shape.text):
        for pattern, reason in SCRIPT_SIGNS:
            if pattern.search(shape.scripts) or pattern.search(shape.text):
                return Verdict("challenge", reason)
        # The vendor's cookies ride on every answer of a protected site, real pages too:
        # they mark a wall only on a page with nothing to read, or one that is refused.
        if not shape.lines or status != 200 or "document.cookie" in shape.scripts:
            for name, reason in COOKIE_SIGNS.items():
                if name in cookies:
                    return Verdict("challenge", reason)
        said = [shape.title, *shape.plain]
        if any(WALL_SENTENCES.search(ln) or _is_message(ln, BLOCK_WORDS) for ln in said):
            return Verdict("challenge", "WAF block page")
    return None


def soft_error(shape: Shape) -> bool:
    """A soft-200 error page: a title that is an error message, or a page whose own
    text (outside links) is only the message."""
    # An article's own marks (PubDate, 发布时间：, 来源：) make it one, whatever its title.
    if shape.signed:
        return False
    if error_title(shape.title):
        return True
    # A bare error page, or one inside the site's template (navigation links around it)
    # whose own text, outside the links, is only the message.
    own = sum(len(ln) for ln in shape.plain)
    if shape.thin or own <= MESSAGE_TEXT:
        return any(_is_message(ln, ERROR_WORDS) for ln in shape.plain)
    return False
