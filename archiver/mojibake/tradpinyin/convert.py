"""Simplified/traditional conversion, in one place: OpenCC's converters (built once each), and
the mirror's t2s, which is OpenCC's plus an explicit layer of the mirror's own quirks.

Two questions, two functions: ``t2s_char`` asks OpenCC what a character is in simplified
Chinese (the evidence gate's question); ``mirror_t2s`` undoes what the mirror did to a text,
quirks included, and ``mirror_t2s_char`` does so for one character out of context.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

# The mirror's quirks over OpenCC t2s: it writes 陜 for 陕, and 著 for the particle 着 (outside
# the words that keep 著, data/tp_zhu_words.txt).
MIRROR_QUIRKS = {"陜": "陕"}


@lru_cache(maxsize=4)
def converter(config: str) -> Any:  # opencc ships no type information
    """OpenCC converter for ``config`` ("t2s", "s2tw", ...), built on first use."""
    import opencc  # deferred: building a converter costs milliseconds

    return opencc.OpenCC(config)


@lru_cache(maxsize=65536)
def t2s_char(char: str) -> str:
    """OpenCC's simplified form of one character."""
    return converter("t2s").convert(char)


def mirror_t2s(text: str) -> str:
    """OpenCC t2s plus the mirror's quirks: 陜 (its 陕) and 著 standing for the particle 着."""
    out = list(converter("t2s").convert(text).translate(str.maketrans(MIRROR_QUIRKS)))
    if len(out) != len(text):  # OpenCC kept lengths on everything seen; be safe if not
        return "".join(out)
    for index, char in enumerate(out):
        if char == "著" and not _in_zhu_word(text, index):
            out[index] = "着"
    return "".join(out)


@lru_cache(maxsize=65536)
def mirror_t2s_char(char: str) -> str:
    return mirror_t2s(char)


@lru_cache(maxsize=1)
def _zhu_words() -> tuple[str, ...]:
    path = resources.files("archiver.mojibake.tradpinyin").joinpath("data/tp_zhu_words.txt")
    data = path.read_text("utf-8")
    return tuple(line for line in data.splitlines() if line and not line.startswith("#"))


def _in_zhu_word(text: str, index: int) -> bool:
    for word in _zhu_words():
        offset = word.find("著")
        start = index - offset
        if start >= 0 and text.startswith(word, start):
            return True
    return False
