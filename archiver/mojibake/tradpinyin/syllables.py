"""Toned pinyin syllables and character readings, from pypinyin's character dictionary.

Used to confirm that a "(py)" group really annotates the character before it, and to rebuild a
byte lost under a misaligned annotation from its pinyin key (qǐng + lead D5 -> 請 = D5 88).
"""
from __future__ import annotations

import re
from functools import lru_cache

from archiver.mojibake.tradpinyin import cp936

TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# CP936 decodes the GBK pinyin letters ǹ (A8BF) and ḿ (A8BC) to private-use code points.
_PUA_LETTERS = {"\ue7c8": "ǹ", "\ue7c7": "ḿ"}
SYLLABLE_CHARS = "a-zü" + TONE_MARKS + "".join(_PUA_LETTERS)
# "運(yùn)": a character and a "(syllable)" group after it (confirmed by reads_as).
ANNOTATION = re.compile(rf"([\u3400-\u9fff])\(([{SYLLABLE_CHARS}]{{1,7}})\)")


@lru_cache(maxsize=8192)
def normalize(syllable: str) -> str:
    """Undo the decoder's PUA letters so the syllable can be looked up."""
    return "".join(_PUA_LETTERS.get(char, char) for char in syllable)


@lru_cache(maxsize=1)
def _dictionary() -> dict[int, str]:
    from pypinyin.pinyin_dict import pinyin_dict  # deferred: 42k entries

    return pinyin_dict


@lru_cache(maxsize=1)
def inventory() -> frozenset[str]:
    """Every reading pypinyin knows, tone marks included (about 1 500 syllables)."""
    found: set[str] = set()
    for value in _dictionary().values():
        found.update(value.split(","))
    return frozenset(found)


def is_toned_syllable(text: str) -> bool:
    syllable = normalize(text)
    return syllable in inventory() and any(mark in syllable for mark in TONE_MARKS)


@lru_cache(maxsize=65536)
def readings(char: str) -> frozenset[str]:
    """All readings of one character (traditional or simplified); empty when unknown."""
    value = _dictionary().get(ord(char))
    return frozenset(value.split(",")) if value else frozenset()


@lru_cache(maxsize=65536)
def rank(char: str, syllable: str) -> int:
    """Position of ``syllable`` among the character's readings (0 = its usual reading)."""
    value = _dictionary().get(ord(char))
    listed = value.split(",") if value else []
    return listed.index(syllable) if syllable in listed else len(listed)


def reads_as(char: str, syllable: str) -> bool:
    return normalize(syllable) in readings(char)


@lru_cache(maxsize=4096)
def keys_with_byte(syllable: str, byte: int, position: int) -> tuple[tuple[str, int], ...]:
    """Characters reading ``syllable`` whose CP936 byte at ``position`` (0 lead, 1 trail) is
    ``byte``, each with its other byte. A misaligned annotation fixes one byte and the
    syllable; the lost byte is the other one."""
    table = cp936.decode_table()
    found = []
    for other in range(0x40, 0xFF):
        code = (byte << 8 | other) if position == 0 else (other << 8 | byte)
        char = table.get(code)
        if char is not None and reads_as(char, syllable):
            found.append((char, other))
    return tuple(found)
