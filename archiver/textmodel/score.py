"""How much a decoded text looks like real Chinese: the tie-breaker between readings.

A wrong CJK decoding still "decodes" (Big5 bytes read as GB18030, UTF-8 read as
GBK) but yields rare characters, private-use code points, kana and box-drawing
symbols. Real text is dominated by a few thousand common characters, and full of
frequent words. The score is the mean per-character weight over a sample of the
non-ASCII characters plus a bonus for the share of them that start a frequent word:
about 0.6-0.8 for real simplified or traditional Chinese, below 0.3 for mojibake.

Hand-written rather than chardet alone: chardet has no notion of which
characters are *common*, so it cannot separate two strict readings of a title.
"""
from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata

from archiver.textmodel import rank as _cjk_rank

SAMPLE_CHARS = 800
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")
# Punctuation that real Chinese text uses all the time.
_COMMON_PUNCT = "，。、；：？！“”‘’（）《》【】—…·「」『』〈〉　％～－﹏・\u00a0"
W_PUNCT = 0.8
W_LEVEL1 = 0.35  # GB2312 level 1 / Big5 common characters missing from the rank table
W_OTHER_HAN = 0.1
W_LATIN = 0.2  # accented Latin letters: real in UTF-8 pages, never dominant in Chinese ones
W_ODD_SCRIPT = -0.3  # kana, bopomofo, Greek, Cyrillic, box drawing: what Big5<->GBK swaps yield
W_BROKEN = -1.0  # private use, controls, U+FFFD, lone surrogates
W_WORDS = 0.3  # times the share of characters that start a frequent word


@functools.cache
def _table() -> dict[str, float]:
    """Weight per known character, built once on first use (no import-time work)."""
    weights: dict[str, float] = {}
    for rows, cols, codec in (((0xB0, 0xD8), (0xA1, 0xFF), "gb2312"),
                              ((0xA4, 0xC7), (0x40, 0xFF), "big5")):
        for lead in range(*rows):
            for trail in range(*cols):
                try:
                    weights[bytes((lead, trail)).decode(codec)] = W_LEVEL1
                except UnicodeDecodeError:
                    continue
    simplified = _cjk_rank.SIMPLIFIED
    traditional = _cjk_rank.TRADITIONAL.split("|")
    scale = math.log(len(simplified) + 1)
    for rank, (simp, trad) in enumerate(zip(simplified, traditional, strict=True)):
        weight = 1.0 - 0.5 * math.log(rank + 1) / scale
        for ch in simp + trad:
            weights[ch] = max(weights.get(ch, 0.0), weight)
    weights.update(dict.fromkeys(_COMMON_PUNCT, W_PUNCT))
    return weights


@functools.lru_cache(maxsize=4096)
def _classify(ch: str) -> float:
    """Weight of a character missing from the table, by Unicode block."""
    cp = ord(ch)
    category = unicodedata.category(ch)
    if category in ("Co", "Cs", "Cc") or cp == 0xFFFD:
        return W_BROKEN
    if 0x4E00 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF:
        return W_OTHER_HAN
    if 0xFF01 <= cp <= 0xFF5E:  # full-width ASCII: common in Chinese text
        return W_PUNCT
    if 0x00C0 <= cp <= 0x017F:
        return W_LATIN
    # Kana, bopomofo, box drawing (Big5<->GBK swaps) and U+02B0..U+07FF, the
    # modifier letters, Greek, Cyrillic, Hebrew and Arabic that short GBK strings
    # turn into when their bytes happen to form valid UTF-8.
    if (0x3040 <= cp <= 0x312F or 0x02B0 <= cp <= 0x07FF or 0x2500 <= cp <= 0x257F
            or 0x31A0 <= cp <= 0x31BF):
        return W_ODD_SCRIPT
    return 0.0


@functools.cache
def _words() -> frozenset[str]:
    packed = _cjk_rank.WORDS
    return frozenset(packed[i:i + 2] for i in range(0, len(packed), 2))


def _sample(text: str) -> tuple[list[str], int]:
    """The first SAMPLE_CHARS non-ASCII characters and the end of the text they span:
    one bounded scan, however long the page."""
    found = list(itertools.islice(_NON_ASCII.finditer(text), SAMPLE_CHARS))
    if not found:
        return [], 0
    return [m.group() for m in found], found[-1].end()


def word_share(text: str, end: int) -> float:
    """Share of Han characters in text[:end] that start a frequent two-character word.

    Unigram weights cannot split two readings of a short title made of common
    characters (关闭 vs 闽超); real text is full of known words, mojibake is not."""
    words = _words()
    pairs = hits = 0
    for match in _HAN_RUN.finditer(text, 0, end):
        run = match.group()
        pairs += len(run)
        hits += sum(run[i:i + 2] in words for i in range(len(run) - 1))
        if pairs >= SAMPLE_CHARS:
            break
    return hits / pairs if pairs else 0.0


def plausibility(text: str) -> float:
    """Mean weight of the first non-ASCII characters, plus the frequent-word bonus.

    ASCII carries no evidence here, so a pure-ASCII text scores 1.0."""
    sample, end = _sample(text)
    if not sample:
        return 1.0
    table = _table()
    total = 0.0
    for ch in sample:
        weight = table.get(ch)
        total += _classify(ch) if weight is None else weight
    return total / len(sample) + W_WORDS * word_share(text, end)
