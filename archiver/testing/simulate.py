"""Simulate the seed mirror's corruption pipeline (see research/seed-forensics.md).

Used to generate corrupted demo pages and to round-trip-test ``undo_trad_pinyin``. The steps:
one-to-one simplified->traditional table, "(pinyin)" inserted by sequential byte-level
str_replace over GBK, the 0xA1 of 。 lost in front of a quote, PHP-mbstring CP936 decode,
full-width ASCII fold.
"""
from __future__ import annotations

import random
from functools import lru_cache
from importlib import resources

from pypinyin import Style, pinyin

from archiver.mojibake.tradpinyin import cp936
from archiver.mojibake.tradpinyin.convert import converter

# The mirror's table is one-to-one and incomplete: it leaves these alone (seed: 后兩位, 縣里,
# 下沉干部, 余輛, 志愿者; 镕 on another site) and has its own choices for 陕 and 墙.
# OpenCC s2tw per character matches the rest of the seed (為, 啟, 吃, 著).
_S2T_KEEP = frozenset("后里干并镕余愿")
_S2T_QUIRKS = {"陕": "陜", "墙": "墻", "钟": "鐘"}  # s2tw gives 鍾, which t2s reads as 锺
_QUOTES_AFTER_FULL_STOP = frozenset((0xB0, 0xB1, 0xAE, 0xAF))  # “ ” ‘ ’ trail bytes


@lru_cache(maxsize=1)
def seed_table() -> dict[str, str]:
    """The seed mirror's annotated characters and their one reading each."""
    text = resources.files("archiver.testing").joinpath("data/tp_seed_table.tsv").read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return dict(rows)


@lru_cache(maxsize=8192)
def _s2t_char(char: str) -> str:
    if char in _S2T_QUIRKS:
        return _S2T_QUIRKS[char]
    if char in _S2T_KEEP or ord(char) < 0x3400:
        return char
    converted = converter("s2tw").convert(char)
    return converted if len(converted) == 1 else char


def to_traditional(text: str) -> str:
    """Character-by-character s2t, as the mirror's lookup table does it (no phrases)."""
    return "".join(_s2t_char(char) for char in text)


def _reading_table(annotated_chars: str | None) -> dict[str, str]:
    if annotated_chars is None:
        return seed_table()
    table = {}
    for char in annotated_chars:
        # pypinyin documents list results from `errors` (one reading per character); its stub
        # types the callback as returning str only.
        reading = pinyin(char, style=Style.TONE, errors=lambda _: [""])[0][0]  # type: ignore[arg-type,return-value]
        if reading:
            table[char] = reading
    return table


def insert_pinyin(data: bytes, table: dict[str, str], seed: int = 0) -> bytes:
    """Sequential byte-level str_replace (PHP ``str_replace(array, array, $s)``).

    Later patterns match inside earlier insertions and across character boundaries; that is
    how ``日?qǐng)?bào)`` arises, so the order matters and is part of the simulation.
    """
    items = sorted(table.items())
    if seed:
        random.Random(seed).shuffle(items)
    for char, reading in items:
        key = cp936.encode_char(char)
        annotation = cp936.encode(f"({reading})", errors="replace")
        if key is not None and len(key) == 2:
            data = data.replace(key, key + annotation)
    return data


def drop_full_stop_lead(data: bytes) -> bytes:
    """The 0xA1 of 。 becomes '?' when a quote follows and a double-byte character precedes.

    An observed rule, not a known mechanism (forensics, step 3).
    """
    out = bytearray(data)
    i, prev_double = 0, False
    while i < len(out):
        if (
            prev_double
            and out[i : i + 3] == b"\xa1\xa3\xa1"
            and i + 3 < len(out)
            and out[i + 3] in _QUOTES_AFTER_FULL_STOP
        ):
            out[i] = 0x3F
        prev_double = out[i] >= 0x81 and i + 1 < len(out)
        i += 2 if prev_double else 1
    return bytes(out)


def fold_width(text: str) -> str:
    """Full-width ASCII to half-width, applied by the mirror after decoding (ftfy-like)."""
    return "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in text)


def corrupt_like_seed(text: str, annotated_chars: str | None = None, seed: int = 0) -> str:
    """Corrupt clean simplified ``text`` the way the seed's mirror did.

    ``annotated_chars``: traditional characters to annotate (each gets pypinyin's first
    reading); None uses the seed page's own 91-character table. ``seed`` != 0 shuffles the
    replacement order, which changes where cross-boundary matches win.
    """
    data = cp936.encode(to_traditional(text), errors="replace")
    data = insert_pinyin(data, _reading_table(annotated_chars), seed)
    return fold_width(cp936.decode(drop_full_stop_lead(data)))
