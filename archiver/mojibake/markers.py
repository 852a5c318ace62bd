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
from archiver.mojibake.entities import EXTRA_LAYER
from archiver.mojibake.tradpinyin.syllables import TONE_MARKS
from archiver.textmodel.hanzi import COMMON_PUNCT, is_han, load

UTF8_LEADS = frozenset((0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEF, 0xF0))
LATIN_FIRST = ("\u00a1-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
               "\u2020\u2021\u2030\u2039\u203a\u20ac\u2122")
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
    return {ch for pair, ch in cp936_pairs().items()
            if pair[0] in (0xC2, 0xC3, 0xC5, 0xC6, 0xCB) and 0x80 <= pair[1] <= 0xBF}


@lru_cache(maxsize=1)
def single_families() -> dict[str, frozenset[str]]:
    """Single-character markers and the reading families they point to."""
    table: dict[str, set[str]] = {}
    for family, chars in (("gbk", gbk_chars()), ("big5", big5_chars())):
        for ch in chars:
            table.setdefault(ch, set()).add(family)
    return {ch: frozenset(fams) for ch, fams in table.items()}


# What follows the "(" of a toned syllable after a hanzi: 運(yùn)
_TONED_AFTER_PAREN = f"[a-zü]*[{TONE_MARKS}][a-zü]*\\)"


@lru_cache(maxsize=1)
def marker_regex() -> re.Pattern[str]:
    """Every branch starts with a character of first_regex() (lookbehinds keep it so)."""
    branches = [
        "(?P<lost>[\ufffd]|锟斤拷|嚙踝蕭|(?<=[\u4e00-\u9fff])\\?\\?|\\?{4})",
        f"(?P<single>[{_class(set(single_families()))}])",
        f"(?P<gbk>[\ue000-\uf8ff]|[{_class(latin_lead_gbk_chars())}]{{3}})",
        f"(?P<latin>[\u0080-\u009f]|[{LATIN_FIRST}][{LATIN_NEXT}])",
        f"(?P<pinyin>(?<=[\u4e00-\u9fff?])\\({_TONED_AFTER_PAREN})",
        r"(?P<entity>&(?:#[0-9]|#[xX][0-9a-fA-F]|[A-Za-z][A-Za-z0-9]{1,31};))",
    ]
    return re.compile("|".join(branches))


@lru_cache(maxsize=4)  # first_regex() and first_regex(True) are separate keys
def first_regex(entities: bool = True) -> re.Pattern[str]:
    """One character class holding the first character of every marker (why: a single
    class scans 50 KB in well under a millisecond; the alternation takes ~10 ms).
    A lead that starts a marker only with given characters around it ("(" of 運(yùn), "??",
    a 盲赂忙 triple) is checked in the same pass by lookarounds after the class, which keep
    the class as the pattern's prefix for the fast scan (why: "(" and "?" fill HTML source,
    and 女 路 平 品 are such leads too, ~900 stops on a clean 50 KB page; each stop was a
    round trip through Python, and a whole-text test per lead cost as much as the scan).
    `entities`: "&" may start a marker (scan leaves it out when a whole-text test rules
    entities out: which ones count depends on the whole text, see _entity_lead)."""
    triple = latin_lead_gbk_chars()
    others = set(single_families()) | set("\ufffd锟嚙") | set("(?&" if entities else "(?")
    ranges = re.compile(f"[{_RANGES}]")
    # only where the gbk branch's [..]{3} is the one branch they can start
    only_triple = _class({ch for ch in triple - others if not ranges.match(ch)})
    checked = (f"(?<=[{only_triple}])(?=[{_class(triple)}]{{2}})",
               "(?<=\\?)(?=\\?)",
               f"(?<=[\u4e00-\u9fff?]\\()(?={_TONED_AFTER_PAREN})",
               f"(?<![{only_triple}?(])")
    return re.compile(f"[{_class(others | triple)}{_RANGES}](?:{'|'.join(checked)})")


_RANGES = f"\ue000-\uf8ff\u0080-\u009f{LATIN_FIRST}"
_ENTITY = re.compile(r"&(?:#[0-9]|#[xX][0-9a-fA-F]|[A-Za-z][A-Za-z0-9]{1,31};)")


def _entity_lead(text: str, markup: bool) -> bool:
    """"&" may start a marker: some entity exists (in HTML source, only when one is escaped a
    level too many, "&amp;amp;": then every entity of the page is looked at)."""
    return bool((EXTRA_LAYER if markup else _ENTITY).search(text))


def _plausible_char(ch: str) -> bool:
    if is_han(ch):
        return ch in load().unigram
    return (ch in COMMON_PUNCT or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
            or "\u2000" <= ch <= "\u206f")


def _confirmed(text: str, i: int, family: str) -> bool:
    """A single-character marker counts only when its bytes and those of the next two
    characters start with a UTF-8 sequence for a common character, followed by another
    one or by ASCII (why: 浏 in 浏览 and 鎮 in 鎮江 are real characters from the marker
    rows, but E4 AF C0 is no UTF-8, and 鎮江 reads as one rare character at most)."""
    raw = b"".join(_encode(ch, family) for ch in text[i : i + 3])
    if len(raw) < 3 or (raw[0] >= 0xF0 and len(raw) < 4):
        return True
    if raw[0] >= 0xF0:
        # four bytes: an emoji or pictograph read wrong (😀 as 馃榾) is worth a search; the rare
        # characters that lead the others (皓 馥 皎 鸲: F0 A9...) would read as CJK Extension B
        # or worse, which no page means, and sent 8 of 22 big clean pages into a search
        try:
            return "\U0001f000" <= raw[:4].decode("utf-8") <= "\U0001faff"
        except UnicodeDecodeError:
            return False
    try:
        if not _plausible_char(raw[:3].decode("utf-8")):
            return False
    except UnicodeDecodeError:
        return False
    rest = raw[3:6]
    if rest and 0x80 <= rest[0] < 0xC2:  # a continuation byte where a character must start
        return False
    if len(rest) < 3 or rest[0] < 0x80:
        return True
    try:
        return _plausible_char(rest.decode("utf-8"))
    except UnicodeDecodeError:
        return False


def _encode(ch: str, family: str) -> bytes:
    if family == "gbk":
        return cp936_chars().get(ch) or ch.encode("utf-8", "surrogatepass")
    try:
        return ch.encode("cp950")
    except UnicodeEncodeError:  # a lone surrogate gives bytes no codec reads: not confirmed
        return ch.encode("utf-8", "surrogatepass")


Mark = tuple[int, int, frozenset[str]]


def scan(text: str, markup: bool = False) -> list[Mark]:
    """Confirmed markers: (start, end, families of damage they point to). With `markup`
    (HTML source) an entity is a marker only when escaped once too often."""
    marks: list[Mark] = []
    first, full = first_regex(_entity_lead(text, markup)), marker_regex()
    pos = 0
    while (hit := first.search(text, pos)) is not None:
        pos = hit.start() + 1
        m = full.match(text, hit.start())
        if m is None:
            continue
        if m.lastgroup == "single":
            fams = frozenset(f for f in single_families()[m.group()] if _confirmed(text, m.start(), f))
        else:
            fams = frozenset((m.lastgroup or "",))
        if fams:
            end = m.end()
            if m.lastgroup == "latin":  # one mark per run: a page of Ã¥Â... made 50 000 marks (0.1 s)
                end = _latin_run().match(text, end).end()  # type: ignore[union-attr]
            marks.append((m.start(), end, fams))
            pos = end
    return marks


@lru_cache(maxsize=1)
def _latin_run() -> re.Pattern[str]:
    return re.compile(f"[{LATIN_NEXT}]*")


def suspicious(text: str) -> bool:
    """True when `text` shows a confirmed sign of damage (cheap; no candidate search)."""
    return bool(scan(text))


def windows(text: str, marks: list[Mark], pad: int = 48) -> list[Mark]:
    """Merged stretches around the markers, `pad` characters each side (why: mojibake is
    dense in markers, so a span never reaches far past its last marker)."""
    merged: list[Mark] = []
    for m_start, m_end, fams in marks:
        start, end = max(0, m_start - pad), min(len(text), m_end + pad)
        if merged and start <= merged[-1][1]:
            last = merged.pop()
            merged.append((last[0], max(last[1], end), last[2] | fams))
        else:
            merged.append((start, end, fams))
    return merged
