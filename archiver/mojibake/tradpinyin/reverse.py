"""Undo the mirror sites' traditional + pinyin rewriting ("伪原创"), only where a page shows it.

Stage order: a regex pre-check for toned "(syllable)" groups; the evidence gate; realignment
(realign: drop confirmed annotations, put out-of-phase CP936 spans back in step, count what
is lost); OpenCC t2s plus the mirror's own quirks (convert.mirror_t2s: 陜 for 陕, 著 for 着).

Lost characters are marked with U+FFFD in ``text`` and counted in ``lost``; they are never
guessed. Full-width punctuation is never folded or unfolded: the mirror's fold is kept.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from archiver.mojibake.report import Change
from archiver.mojibake.tradpinyin import syllables as ps
from archiver.mojibake.tradpinyin.convert import converter, mirror_t2s, t2s_char
from archiver.mojibake.tradpinyin.realign import LOST, realign
from archiver.textmodel.hanzi import most_frequent

# How many of the text model's most frequent characters count as everyday ones. The model ranks
# simplified and traditional forms together: its 2,500 commonest hold 1,399 of the 1,500
# commonest simplified characters of jieba's general dictionary (the table used before).
EVERYDAY = 2500

__all__ = ["LOST", "Evidence", "TradPinyinResult", "evidence", "undo_trad_pinyin"]

# Cheap enough for every page: a tone-marked letter closing a group, "(yùn)" or "?qǐng)".
_PRECHECK = re.compile(rf"[{ps.TONE_MARKS}\ue7c7\ue7c8][a-zü{ps.TONE_MARKS}]{{0,5}}\)")
_MISALIGNED = re.compile(
    rf"[\u3400-\u9fff\ue000-\uf8ff]\?(?:!|[{ps.SYLLABLE_CHARS}]{{0,5}}[{ps.TONE_MARKS}][{ps.SYLLABLE_CHARS}]{{0,5}}\))"
)
_FOLDED = re.compile(r"[\u3400-\u9fff”’」》）][,:;!]|\((?=[\u3400-\u9fff])")
_CJK = re.compile(r"[\u3400-\u9fff]")
_FULL_WIDTH = re.compile("[\uff01-\uff5e]")


@dataclass(frozen=True)
class Evidence:
    """What the gate saw. The mirror annotates a fixed set of converted characters, every time,
    with one reading each, and leaves fingerprints a reading aid in a textbook does not."""

    annotations: int  # "(py)" groups confirmed by the reading of the character before
    distinct: int  # distinct annotated characters
    consistency: float  # share of annotated characters that always get the same reading
    traditional: float  # share of annotated characters whose simplified form differs
    misaligned: int  # '?syllable)' and '?!' artefacts of the byte-level insertion
    folded: bool  # half-width ,:;! right after a CJK character (the mirror's width fold)
    mixed: bool  # simplified-only characters beside the traditional ones (looked for last)
    share: float  # annotated characters / CJK characters
    repeated: bool  # a character annotated at each of its several occurrences (a table, not a
    # reading aid, which glosses a character once)
    usual: float = 1.0  # share of annotations giving the character's usual reading (rank 0):
    # the mirror's table does (all 91 of the seed's); a reading aid glosses 說 as yuè
    common: bool = False  # every annotated character is an everyday one (simplified form
    # among the most frequent characters)

    @property
    def convincing(self) -> bool:
        if self.annotations == 0 and self.misaligned == 0:
            return False
        if self.annotations and (self.consistency < 0.9 or self.traditional < 0.75):
            return False
        dense = self.annotations >= 8 and self.distinct >= 5 and self.share >= 0.05
        if self.misaligned or self.mixed or self.repeated:
            return True
        if self.distinct >= 2 and self.common and self.usual == 1.0 and self.traditional == 1.0:
            # A reading aid glosses a rare character or an unusual reading, once; the mirror
            # glosses everyday characters (新聞, 國) with their everyday reading.
            return True
        # The width fold and density alone also fit a reading aid on a page typed with ASCII
        # commas; there, an unusual reading is the aid's tell.
        return bool((self.folded or dense) and self.usual >= 0.9)


@dataclass(frozen=True)
class TradPinyinResult:
    """``text``: restored simplified text. ``changes``: pinyin_annotation,
    misaligned_insertion, byte_shift, leaked_tag and lost_char changes index the input;
    t2s changes index the realigned text they were applied to. ``lost``: characters known
    lost, each marked U+FFFD in ``text``, plus any '?' between CJK characters that may stand
    for a character GBK could not encode (kept as '?', since it may be a folded ？)."""

    text: str
    changes: list[Change] = field(default_factory=list)
    lost: int = 0
    evidence: Evidence | None = None


def undo_trad_pinyin(text: str) -> TradPinyinResult | None:
    """Restore simplified text from a traditional+pinyin mirror page, or None without evidence."""
    if not _PRECHECK.search(text):
        return None
    seen = evidence(text)
    if not seen.convincing:
        return None
    realigned, changes, lost = realign(text, fold=seen.folded and not _FULL_WIDTH.search(text))
    simplified = mirror_t2s(realigned)
    return TradPinyinResult(simplified, changes + _t2s_changes(realigned, simplified), lost, seen)


def evidence(text: str) -> Evidence:
    readings: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    count = usual = 0
    for match in ps.ANNOTATION.finditer(text):
        char, syllable = match.groups()
        if ps.reads_as(char, syllable) or ps.reads_as(t2s_char(char), syllable):
            readings[char].add(ps.normalize(syllable))
            counts[char] += 1
            count += 1
            usual += _usual_reading(char, ps.normalize(syllable))
    distinct = len(readings)
    cjk = len(_CJK.findall(text))
    misaligned = len(_MISALIGNED.findall(text))
    folded = bool(_FOLDED.search(text))
    repeated = _repeated(text, counts)
    return Evidence(
        annotations=count,
        distinct=distinct,
        consistency=sum(len(r) == 1 for r in readings.values()) / distinct if distinct else 0.0,
        traditional=sum(t2s_char(c) != c for c in readings) / distinct if distinct else 0.0,
        misaligned=misaligned,
        folded=folded,
        # the one costly test (a conversion per distinct character): only when nothing cheaper
        mixed=False if misaligned or folded or repeated else _has_simplified_only(text),
        share=count / cjk if cjk else 0.0,
        repeated=repeated,
        usual=usual / count if count else 1.0,
        common=bool(readings) and all(t2s_char(c) in _everyday() for c in readings),
    )


def _everyday() -> frozenset[str]:
    """The most frequent characters of the text model."""
    return most_frequent(EVERYDAY)


def _usual_reading(char: str, syllable: str) -> bool:
    return ps.rank(char, syllable) == 0 or ps.rank(t2s_char(char), syllable) == 0


def _repeated(text: str, counts: dict[str, int]) -> bool:
    return any(n >= 2 and text.count(char) == n for char, n in counts.items())


def _has_simplified_only(text: str) -> bool:
    """A page genuinely in traditional Chinese has no characters that only simplified uses."""
    return any(_simplified_only(char) for char in set(_CJK.findall(text)))


@lru_cache(maxsize=65536)
def _simplified_only(char: str) -> bool:
    return t2s_char(char) == char and converter("s2tw").convert(char) != char


def _t2s_changes(before: str, after: str) -> list[Change]:
    """One change per run of converted characters, indexed on the realigned text."""
    if len(before) != len(after):
        return [Change(0, len(before), before, after, "t2s", 0.95)] if before != after else []
    changes: list[Change] = []
    differing = [i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b]
    start = prev = -2
    for index in differing + [-1]:
        if index != prev + 1:
            if start >= 0:
                end = prev + 1
                changes.append(Change(start, end, before[start:end], after[start:end], "t2s", 0.95))
            start = index
        prev = index
    return changes
