"""How much a decoded text looks like real Chinese: the tie-breaker between readings.

A wrong CJK decoding still "decodes" (Big5 bytes read as GB18030, UTF-8 read as
GBK) but yields rare characters, private-use code points, kana and box-drawing
symbols. Real text is dominated by a few thousand common characters. The score
is the mean per-character weight over a sample of the non-ASCII characters:
about 0.6-0.8 for real simplified or traditional Chinese, below 0.3 for mojibake.

Hand-written rather than chardet alone: chardet has no notion of which
characters are *common*, so it cannot separate two strict readings of a title.
"""
from __future__ import annotations

import functools
import math
import re
import unicodedata

from archiver import _cjk_rank

SAMPLE_CHARS = 800
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Punctuation that real Chinese text uses all the time.
_COMMON_PUNCT = "，。、；：？！“”‘’（）《》【】—…·「」『』〈〉　％～－﹏・\u00a0"
W_PUNCT = 0.8
W_LEVEL1 = 0.35  # GB2312 level 1 / Big5 common characters missing from the rank table
W_OTHER_HAN = 0.1
W_LATIN = 0.2  # accented Latin letters: real in UTF-8 pages, never dominant in Chinese ones
W_ODD_SCRIPT = -0.3  # kana, bopomofo, Greek, Cyrillic, box drawing: what Big5<->GBK swaps yield
W_BROKEN = -1.0  # private use, controls, U+FFFD, lone surrogates


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
    for rank, (simp, trad) in enumerate(zip(simplified, traditional)):
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


def _sample(text: str) -> list[str]:
    """The first SAMPLE_CHARS non-ASCII characters, scanning as little text as needed
    (dense Chinese fills the sample in 1-2 K characters, markup-heavy pages need more)."""
    for window in (2 * SAMPLE_CHARS, 16 * SAMPLE_CHARS, 128 * SAMPLE_CHARS):
        found = _NON_ASCII.findall(text, 0, window)
        if len(found) >= SAMPLE_CHARS or window >= len(text):
            break
    return found[:SAMPLE_CHARS]


def plausibility(text: str) -> tuple[float, int]:
    """(mean weight, characters scored) over the first non-ASCII characters.

    ASCII carries no evidence here, so a pure-ASCII text scores (1.0, 0)."""
    sample = _sample(text)
    if not sample:
        return 1.0, 0
    table = _table()
    total = 0.0
    for ch in sample:
        weight = table.get(ch)
        total += _classify(ch) if weight is None else weight
    return total / len(sample), len(sample)
