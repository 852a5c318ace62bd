"""How Chinese page text reads: the one plausibility model that decode and repair consult.

Built offline by bench/build_textmodel.py into data/hanzi_model.tsv.gz from real
government text, pypinyin's phrase dictionary and GB2312's two levels, with an OpenCC
s2t copy of all of it so that traditional text scores as well as simplified text: each
hanzi's log count, commonest first, then the attested hanzi bigrams. Loaded lazily, once.

Two readings of the one model, for two questions:

- ``score(text)``, for repair: an additive log-plausibility, so that a span and its
  candidate repairs compare directly. Everything that is not hanzi falls into a few
  classes with fixed costs, chosen so that the debris of mojibake (Latin-1 letters, C1
  controls, private use, kana, bopomofo, box drawing, rare hanzi) costs more than the
  text it hides.
- ``plausibility(text)``, for decode: the mean per-character weight over the first
  non-ASCII characters plus a bonus for the share of them that start an attested
  bigram, about 0.6-0.8 for real simplified or traditional Chinese and below 0.3 for a
  wrong reading (Big5 bytes read as GB18030, UTF-8 read as GBK: rare characters,
  private use, kana, box drawing). A mean, so readings of different lengths compare.
  chardet has no notion of which characters are *common*, so it cannot separate two
  strict readings of a title; this can.
"""
from __future__ import annotations

import gzip
import itertools
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

DATA = "hanzi_model.tsv.gz"
# Punctuation that real Chinese pages use all the time (full-width and curly forms included).
COMMON_PUNCT = frozenset("，。、：；！？“”‘’《》（）【】「」『』〔〕〈〉…—·～－％＋﹏・　\u00a0")
# A real question mark ends a question: after these characters '?' is punctuation, not the
# trace of a lost byte (repair's lossy marks and the mirror's CP936 '?' both ask).
QUESTION_FINAL = frozenset("吗嗎呢吧么麼嘛啊呀哪谁誰何啥怎否乎耶哉")

# score(): log-plausibility costs
BIGRAM_BONUS = 3.0
UNKNOWN_HAN = -17.0
LONE_LETTER = -8.0
IMPLAUSIBLE = -20.0
COMMON_SYMBOLS = frozenset("★☆●○■□▲△◆◇※→←↑↓√×÷±≤≥℃°№①②③④⑤⑥⑦⑧⑨⑩ⅠⅡⅢⅣⅤⅥ")
# Blocks above U+07FF that Chinese pages do use: punctuation, letterlike and number forms,
# arrows, maths, box drawing, shapes, symbols, kana, bopomofo, CJK compatibility, full-width.
FAMILIAR_BLOCKS = ((0x2000, 0x2BFF), (0x3000, 0x33FF), (0xFE10, 0xFE6F), (0xFF00, 0xFFEF),
                   (0xFFFD, 0xFFFD), (0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF),
                   (0xE000, 0xF8FF), (0x10000, 0x10FFFF))
CP1252_SPECIALS = frozenset("€‚ƒ„†‡ˆ‰Š‹ŒŽ•–˜™š›œžŸ")

# plausibility(): per-character weights
SAMPLE_CHARS = 800
# A hanzi weighs 1.0 at the commonest one's frequency and 0.5 at 1/4000 of it, linearly in
# the log, never below W_KNOWN_HAN: the frequency scale a rank table of 4000 characters had.
RANK_SPAN = math.log(4001)
W_KNOWN_HAN = 0.35  # every hanzi the model has seen (GB2312 levels 1 and 2 included)
W_PUNCT = 0.8
W_OTHER_HAN = 0.1
W_LATIN = 0.2  # accented Latin letters: real in UTF-8 pages, never dominant in Chinese ones
W_ODD_SCRIPT = -0.3  # kana, bopomofo, Greek, Cyrillic, box drawing: what Big5<->GBK swaps yield
W_BROKEN = -1.0  # private use, controls, U+FFFD, lone surrogates
W_WORDS = 0.3  # times the share of characters that start an attested bigram
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")


@dataclass(frozen=True)
class Model:
    unigram: dict[str, float]  # log-probability, the commonest hanzi near -4
    bigrams: frozenset[str]
    ranked: tuple[str, ...] = ()  # the hanzi, commonest first


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
    return Model({k: v - total - 2.0 for k, v in unigram.items()}, frozenset(bigrams), tuple(unigram))


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


@lru_cache(maxsize=4)
def most_frequent(n: int) -> frozenset[str]:
    """The n commonest hanzi of the model (simplified and traditional forms alike)."""
    return frozenset(load().ranked[:n])


# --- score(): for repair -------------------------------------------------------------------

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


# --- plausibility(): for decode ------------------------------------------------------------

@cache
def _weights() -> dict[str, float]:
    """Weight per hanzi of the model and per common punctuation mark, built once on first use."""
    unigram = load().unigram
    top = max(unigram.values(), default=0.0)
    weights = {ch: max(W_KNOWN_HAN, 1.0 - 0.5 * (top - logp) / RANK_SPAN) for ch, logp in unigram.items()}
    weights.update(dict.fromkeys(COMMON_PUNCT, W_PUNCT))
    return weights


@lru_cache(maxsize=4096)
def _class_weight(ch: str) -> float:
    """Weight of a character the model has no frequency for, by Unicode block."""
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


def _sample(text: str) -> tuple[list[str], int]:
    """The first SAMPLE_CHARS non-ASCII characters and the end of the text they span:
    one bounded scan, however long the page."""
    found = list(itertools.islice(_NON_ASCII.finditer(text), SAMPLE_CHARS))
    if not found:
        return [], 0
    return [m.group() for m in found], found[-1].end()


def word_share(text: str, end: int) -> float:
    """Share of Han characters in text[:end] that start an attested bigram.

    Unigram weights cannot split two readings of a short title made of common
    characters (关闭 vs 闽超); real text is full of known words, mojibake is not."""
    bigrams = load().bigrams
    pairs = hits = 0
    for match in _HAN_RUN.finditer(text, 0, end):
        run = match.group()
        pairs += len(run)
        hits += sum(run[i:i + 2] in bigrams for i in range(len(run) - 1))
        if pairs >= SAMPLE_CHARS:
            break
    return hits / pairs if pairs else 0.0


def plausibility(text: str) -> float:
    """Mean weight of the first non-ASCII characters, plus the attested-bigram bonus.

    ASCII carries no evidence here, so a pure-ASCII text scores 1.0."""
    sample, end = _sample(text)
    if not sample:
        return 1.0
    weights = _weights()
    total = 0.0
    for ch in sample:
        weight = weights.get(ch)
        total += _class_weight(ch) if weight is None else weight
    return total / len(sample) + W_WORDS * word_share(text, end)
