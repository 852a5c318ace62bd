"""Fast path: one compiled regex that every kind of damage we repair must trigger.

A text without a match is proven clean without any candidate search. Each branch is a
necessary sign of one kind:
- UTF-8 read as GBK/GB18030/GB2312: every two CJK characters leave one character whose
  GBK lead byte is a UTF-8 lead (E2-E9, EF) and whose trail byte is a continuation
  byte (80-BF): 鍙 鏃 鐨 涓 锛 鈥 锟 ...; the same holds for the Big5 reading.
- double mojibake through GBK: pairs of characters with GBK lead C2/C3 (盲赂, 忙艗);
- UTF-8 or GBK read as cp1252/Latin-1/MacRoman: two adjacent non-ASCII Latin-1 or
  cp1252 characters (å¸, ÖÐ) or a C1 control; a lone accent (Zürich) is not a sign;
- losses: U+FFFD, private-use code points (CP936 decoders), "锟斤拷";
- traditional+pinyin: a toned syllable in brackets right after a hanzi: 運(yùn);
- HTML character references shown as text: &#36816; &amp; &ldquo;.
Markers are permissive on purpose: a false trigger only costs time, the candidate
search decides. The character classes are built once, lazily, from the codec tables.
"""
from __future__ import annotations

import re
from functools import lru_cache

from archiver.mojibake.charsets import cp936_chars, cp936_pairs

UTF8_LEADS = frozenset((0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEF, 0xF0))
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
LATIN_FIRST = "\u00a1-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2020\u2021\u2030\u2039\u203a\u20ac\u2122"
LATIN_NEXT = LATIN_FIRST + "\u0080-\u00a0\u2013\u2014\u2018-\u201e\u2022\u2026"


def _class(chars: set[str]) -> str:
    return "".join(sorted(re.escape(c) for c in chars))


@lru_cache(maxsize=1)
def gbk_chars() -> set[str]:
    return {ch for pair, ch in cp936_pairs().items() if pair[0] in UTF8_LEADS and 0x80 <= pair[1] <= 0xBF}


@lru_cache(maxsize=1)
def big5_chars() -> set[str]:
    chars = set()
    for lead in UTF8_LEADS:
        for trail in range(0xA1, 0xC0):
            try:
                chars.add(bytes((lead, trail)).decode("cp950"))
            except UnicodeDecodeError:
                continue
    return chars


@lru_cache(maxsize=1)
def latin_lead_gbk_chars() -> set[str]:
    return {ch for pair, ch in cp936_pairs().items() if pair[0] in (0xC2, 0xC3) and 0x80 <= pair[1] <= 0xBF}


@lru_cache(maxsize=1)
def single_families() -> dict[str, frozenset[str]]:
    """Single-character markers and the reading families they point to."""
    table: dict[str, set[str]] = {}
    for family, chars in (("gbk", gbk_chars()), ("big5", big5_chars())):
        for ch in chars:
            table.setdefault(ch, set()).add(family)
    return {ch: frozenset(fams) for ch, fams in table.items()}


@lru_cache(maxsize=1)
def marker_regex() -> re.Pattern[str]:
    branches = [
        f"(?P<single>[{_class(set(single_families()))}])",
        f"(?P<gbk>[\ue000-\uf8ff]|[{_class(latin_lead_gbk_chars())}]{{2}})",
        f"(?P<latin>[\u0080-\u009f]|[{LATIN_FIRST}][{LATIN_NEXT}])",
        "(?P<lost>[\ufffd]|锟斤拷|[\u4e00-\u9fff]\\?\\?|\\?{4})",
        f"(?P<pinyin>[\u4e00-\u9fff?]\\([a-zü]*[{TONED}][a-zü]*\\))",
        r"(?P<entity>&(?:#[0-9]|#[xX][0-9a-fA-F]|[A-Za-z][A-Za-z0-9]{1,31};))",
    ]
    return re.compile("|".join(branches))


def suspicious(text: str) -> bool:
    """True when `text` shows any sign of damage (cheap; no candidate search)."""
    return marker_regex().search(text) is not None


def _lead_byte(ch: str, family: str) -> int:
    if family == "gbk":
        raw = cp936_chars().get(ch) or ch.encode("utf-8")[:1]
    else:
        try:
            raw = ch.encode("cp950")
        except UnicodeEncodeError:
            return 0
    return raw[0]


def _families(m: re.Match[str], text: str) -> frozenset[str]:
    """Families a marker points to; a single-character marker only counts when the next
    character can carry the UTF-8 continuation byte it needs (why: 浏 in 浏览 is
    level-2 GB2312 and on every government page, but 览 cannot continue its sequence)."""
    if m.lastgroup != "single":
        return frozenset((m.lastgroup or "",))
    nxt = text[m.end() : m.end() + 1]
    fams = single_families()[m.group()]
    if not nxt:
        return fams
    return frozenset(f for f in fams if 0x80 <= _lead_byte(nxt, f) <= 0xBF)


def windows(text: str, pad: int = 120) -> list[tuple[int, int, frozenset[str]]]:
    """Merged stretches around every confirmed marker, `pad` characters each side (why:
    mojibake is dense in markers, so a span never reaches far past its last marker),
    with the families of damage seen in each."""
    merged: list[tuple[int, int, frozenset[str]]] = []
    for m in marker_regex().finditer(text):
        fams = _families(m, text)
        if not fams:
            continue
        start, end = max(0, m.start() - pad), min(len(text), m.end() + pad)
        if merged and start <= merged[-1][1]:
            last = merged.pop()
            merged.append((last[0], max(last[1], end), last[2] | fams))
        else:
            merged.append((start, end, fams))
    return merged
