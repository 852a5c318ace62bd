"""A small model of real Chinese text: how plausible is a string as Chinese page text?

Character unigram log-frequencies plus a set of attested hanzi bigrams, built offline by
bench/build_repair_model.py into data/hanzi_model.tsv.gz (simplified and traditional).
Everything that is not hanzi falls into a few classes with fixed costs, chosen so that
the debris of mojibake (Latin-1 letters, C1 controls, private-use, kana, bopomofo,
box drawing, rare hanzi) costs more than the text it hides. Loaded lazily, once.
"""
from __future__ import annotations

import gzip
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

DATA = "hanzi_model.tsv.gz"
BIGRAM_BONUS = 3.0
UNKNOWN_HAN = -17.0
LONE_LETTER = -8.0
# Punctuation that real Chinese pages use all the time (full-width and curly forms included).
COMMON_PUNCT = frozenset("，。、：；！？“”‘’《》（）【】「」『』〔〕…—·～－％＋　\u00a0")
COMMON_SYMBOLS = frozenset("★☆●○■□▲△◆◇※→←↑↓√×÷±≤≥℃°№①②③④⑤⑥⑦⑧⑨⑩ⅠⅡⅢⅣⅤⅥ")
# Blocks above U+07FF that Chinese pages do use: punctuation, letterlike and number forms,
# arrows, maths, box drawing, shapes, symbols, kana, bopomofo, CJK compatibility, full-width.
FAMILIAR_BLOCKS = ((0x2000, 0x2BFF), (0x3000, 0x33FF), (0xFE10, 0xFE6F), (0xFF00, 0xFFEF),
                   (0xFFFD, 0xFFFD), (0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF),
                   (0xE000, 0xF8FF), (0x10000, 0x10FFFF))
CP1252_SPECIALS = frozenset("€‚ƒ„†‡ˆ‰Š‹ŒŽ•–˜™š›œžŸ")


@dataclass(frozen=True)
class Model:
    unigram: dict[str, float]
    bigrams: frozenset[str]


@lru_cache(maxsize=1)
def load() -> Model:
    raw = resources.files("archiver.textmodel").joinpath("data", DATA).read_bytes()
    unigram: dict[str, float] = {}
    bigrams: set[str] = set()
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        key, _, weight = line.partition("\t")
        if weight:
            unigram[key] = float(weight)
        elif key:
            bigrams.add(key)
    total = max(unigram.values(), default=0.0) + 2.0
    # Rebase log counts to log-probabilities with the commonest character near -4.
    return Model({k: v - total - 2.0 for k, v in unigram.items()}, frozenset(bigrams))


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


@lru_cache(maxsize=4096)
def _class_cost(ch: str) -> float:
    """Cost of a non-hanzi character (why: mojibake debris must cost more than real text)."""
    if ch.isascii():
        return -3.0 if ch.isprintable() or ch in "\t\n\r" else -20.0
    if ch in COMMON_PUNCT:
        return -5.0
    if ch in COMMON_SYMBOLS:
        return -8.0
    code = ord(ch)
    if 0x80 <= code <= 0x9F or ch == "\ufffd" or 0xE000 <= code <= 0xF8FF:
        return -22.0
    if code > 0xFFFF:
        return -18.0 if 0x20000 <= code <= 0x2A6DF else -22.0  # rare hanzi / other astral
    if 0xFF01 <= code <= 0xFF5E:
        return -10.0  # full-width letters and rare full-width signs
    if ch in CP1252_SPECIALS or 0xA1 <= code <= 0xFF:
        return -13.0
    if code >= 0x800 and not any(lo <= code <= hi for lo, hi in FAMILIAR_BLOCKS):
        return -19.0  # hangul, syllabics, Indic, ...: where garbage 3-byte sequences land
    category = unicodedata.category(ch)
    if category.startswith("L"):
        return -15.0  # kana, bopomofo, Cyrillic, Armenian ...: rare in Chinese text
    return -16.0


def char_cost(ch: str, model: Model) -> float:
    if is_han(ch):
        return model.unigram.get(ch, UNKNOWN_HAN)
    return _class_cost(ch)


IMPLAUSIBLE = -20.0


def implausible(text: str, model: Model | None = None) -> bool:
    """Holds a character no repair should produce (C1 control, private use, hangul).
    U+FFFD may be the faithful reading of a replacement character that was mojibaked."""
    model = model or load()
    return any(char_cost(ch, model) <= IMPLAUSIBLE and ch != "\ufffd" for ch in text)


def has_bigram(text: str, model: Model | None = None) -> bool:
    model = model or load()
    return any(text[i : i + 2] in model.bigrams for i in range(len(text) - 1))


def score(text: str, model: Model | None = None) -> float:
    """Log-plausibility of `text` as Chinese page text (higher is more plausible)."""
    model = model or load()
    total = 0.0
    prev2 = prev = ""
    for ch in text:
        total += char_cost(ch, model)
        if prev and prev + ch in model.bigrams:
            total += BIGRAM_BONUS
        elif prev.isascii() and prev.isalpha() and is_han(ch) and prev2 and is_han(prev2):
            total += LONE_LETTER  # 寶i芨: a GBK trail byte read as a letter, not an English word
        prev2, prev = prev, ch
    return total
