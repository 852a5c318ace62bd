"""UTF-8 read as cp1252 by a decoder that dropped the five bytes cp1252 leaves undefined.

cp1252 has no characters for 0x81, 0x8D, 0x8F, 0x90 and 0x9D. A decoder run with
errors="ignore" (and some editors) drops them, so every UTF-8 character whose bytes hold one
of them loses a continuation byte: 不 (E4 B8 8D) shows as "ä¸" and no strict reading of the
line exists. The span search then finds other codecs that turn the remaining bytes into
*some* hanzi (不能 → 涓能): one garbage into another.

This reading walks the bytes the text shows as UTF-8 and accepts a sequence short of its
continuation bytes as one lost character (U+FFFD, counted and flagged, never guessed: five
bytes could have been there). A chain of such sequences is restored when what survives reads
as clearly better Chinese; when the bytes carry the signature (whole UTF-8 sequences around
the gaps) but the reading does not convince, the span is left as it is, flagged, and kept
from the other readings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from archiver.mojibake.charsets import encode_run
from archiver.mojibake.report import Change
from archiver.mojibake.spans import NBSP_AS_SPACE, NBSP_STRIPPED, runs
from archiver.textmodel.hanzi import Model, implausible, is_han, load, score

KIND = "utf8_as_cp1252_dropped"
LEFT_KIND = "lost_utf8_as_cp1252_dropped"
DROPPED_BYTES = frozenset(b"\x81\x8d\x8f\x90\x9d")
MARGIN = 16.0  # as the span search's own margin (spans.MARGIN)
# a lead byte and up to three continuation bytes, chained across short ASCII gaps
_CHAIN = re.compile(rb"(?:[\xc2-\xf4][\x80-\xbf]{0,3})(?:[\x20-\x7e]{0,8}(?:[\xc2-\xf4][\x80-\xbf]{0,3}))*")


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    before: str
    after: str      # the restored text (U+FFFD per lost character), or `before` when left
    lost: int
    restored: bool
    gain: float


def _need(lead: int) -> int:
    return 1 if lead <= 0xDF else 2 if lead <= 0xEF else 3


def read_lenient(raw: bytes) -> tuple[str, int, int] | None:
    """(text, lost, whole) for bytes that are UTF-8 short of some continuation bytes: each
    short sequence becomes one U+FFFD. None when the bytes are not UTF-8 of that kind (a
    stray continuation byte, a bad lead, an overlong or surrogate sequence)."""
    out: list[str] = []
    lost = whole = i = 0
    n = len(raw)
    while i < n:
        b = raw[i]
        if b < 0x80:
            out.append(chr(b))
            i += 1
            continue
        if not 0xC2 <= b <= 0xF4:
            return None
        need = _need(b)
        j = i + 1
        while j < n and j - i - 1 < need and 0x80 <= raw[j] <= 0xBF:
            j += 1
        if j - i - 1 == need:
            try:
                out.append(raw[i:j].decode("utf-8"))
            except UnicodeDecodeError:
                return None
            whole += 1
        else:
            out.append("\ufffd")
            lost += 1
        i = j
    return "".join(out), lost, whole


def _signature(lost: int, whole: int, after: str) -> bool:
    """Whole UTF-8 sequences around the gaps, most of them hanzi: Latin text never encodes to
    that (a random pair of cp1252 letters is a valid UTF-8 sequence one time in twenty)."""
    han = sum(map(is_han, after))
    return lost >= 1 and whole >= 2 and whole >= lost and han >= 2


def find(text: str, model: Model | None = None) -> list[Found]:
    """Every span of `text` that shows UTF-8 read as cp1252 with undefined bytes dropped."""
    enc = encode_run(text, "latin") if not text.isascii() else None
    if enc is None:
        return _by_runs(text, model)
    return _in_run(text, 0, enc, model or load())


def _by_runs(text: str, model: Model | None) -> list[Found]:
    model = model or load()
    found: list[Found] = []
    for s, e in runs(text, "latin"):
        enc = encode_run(text[s:e], "latin")
        if enc is not None:
            found += _in_run(text, s, enc, model)
    return found


def _in_run(text: str, base: int, enc: tuple[bytes, list[int]], model: Model) -> list[Found]:
    raw, offsets = enc
    # 0xA0 (NBSP) continuation bytes shown as a space, or stripped at the end as whitespace, are
    # no dropped bytes: put back as the span search does (spans.NBSP_AS_SPACE, NBSP_STRIPPED)
    raw = NBSP_AS_SPACE.sub(b"\xa0", raw)
    bounds = {off: i for i, off in enumerate(offsets)}
    found = []
    for m in _CHAIN.finditer(raw):
        if m.start() not in bounds or m.end() not in bounds:
            continue
        chunk = m.group()
        if m.end() == len(raw) and NBSP_STRIPPED.search(chunk):
            chunk += b"\xa0"
        read = read_lenient(chunk)
        if read is None:
            continue
        after, lost, whole = read
        if not _signature(lost, whole, after):
            continue
        s, e = base + bounds[m.start()], base + bounds[m.end()]
        before = text[s:e]
        survived = after.replace("\ufffd", "")
        gain = score(survived, model) - score(before, model)
        ok = gain >= MARGIN and not implausible(survived, model)
        found.append(Found(s, e, before, after if ok else before, lost, ok, gain))
    return found


def to_changes(found: list[Found]) -> list[Change]:
    """A restored span is one change; a span left as it is is one flag (before == after)."""
    out = []
    for f in found:
        if f.restored:
            out.append(Change(f.start, f.end, f.before, f.after, KIND, round(f.gain / (f.gain + 20.0) * 0.8, 3)))
        else:
            out.append(Change(f.start, f.end, f.before, f.before, LEFT_KIND, 0.5))
    return out
