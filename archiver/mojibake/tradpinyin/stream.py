"""The byte stream state shared by the traditional+pinyin realignment steps.

``State`` is where the walk stands (a lead byte left pending when the decoded and the original
character boundaries disagree); ``Acc`` collects the output, the changes and the score that
look-aheads compare.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from archiver.mojibake.report import Change
from archiver.mojibake.tradpinyin import cp936
from archiver.mojibake.tradpinyin.convert import mirror_t2s_char

LOST = "\ufffd"  # marks a character known to be lost; never guessed


@dataclass(frozen=True)
class State:
    dangling: int | None = None  # pending lead byte of the clean stream
    prev_byte: int | None = None  # last byte of the previous double-byte character
    prev_char: str = ""


@dataclass
class Acc:
    out: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    score: float = 0.0
    lost: int = 0
    fold: bool = False  # fold full-width ASCII restored from shifted runs, as the page was


@lru_cache(maxsize=65536)
def rarity(char: str) -> float:
    """0 for everyday characters (ASCII, GB2312 symbols and level 1, or traditional forms of
    them), 0.5 for GB2312 level 2, 1 for the rest: out-of-phase garbage is mostly rare."""
    if ord(char) < 0x80:
        return 0.0
    if 0xE000 <= ord(char) <= 0xF8FF:
        return 1.0
    best = 1.0
    for form in (char, mirror_t2s_char(char)):
        try:
            lead = form.encode("gb2312")[0]
        except UnicodeEncodeError:
            continue
        best = min(best, 0.0 if lead <= 0xD7 else 0.5)
    return best


def pair(lead: int, trail: int) -> str | None:
    return cp936.decode_table().get(lead << 8 | trail)


def emit(acc: Acc, st: State, char: str, span: tuple[int, int], before: str, kind: str) -> State:
    code = cp936.encode_char(char) if char != LOST else None
    if acc.fold and kind and 0xFF01 <= ord(char) <= 0xFF5E:
        char = chr(ord(char) - 0xFEE0)
    acc.out.append(char)
    if char != before:
        acc.changes.append(Change(span[0], span[1], before, char, kind, 0.9))
    if char == LOST:
        acc.lost += 1
        acc.score -= 3
    else:
        acc.score -= rarity(char)
    prev_byte = code[-1] if code is not None and len(code) == 2 else None
    return State(None, prev_byte, char)


def is_cjk(char: str) -> bool:
    return bool(char) and "\u3400" <= char <= "\u9fff"


def foldable(char: str) -> bool:
    return len(char) == 1 and 0x21 <= ord(char) <= 0x7E


# One way to read the text at a position: consumes it, returns the next index and state.
Option = Callable[[Acc], tuple[int, State]]
