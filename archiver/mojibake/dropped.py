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

from archiver.mojibake.charsets import SINGLE_BYTE, decode_strict, encode, encode_run
from archiver.mojibake.report import Change
from archiver.mojibake.spans import NBSP_AS_SPACE, NBSP_STRIPPED, runs
from archiver.mojibake.utf8short import read_lenient, signature
from archiver.textmodel.hanzi import Model, implausible, is_han, load, score

KIND = "utf8_as_cp1252_dropped"
LEFT_KIND = "lost_utf8_as_cp1252_dropped"
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


def find(text: str, model: Model | None = None) -> list[Found]:
    """Every span of `text` that shows UTF-8 read as cp1252 with undefined bytes dropped."""
    if text.isascii():
        return []
    model = model or load()
    other = _read_whole_elsewhere(text)
    enc = encode_run(text, "latin")
    if enc is not None:
        return _in_run(text, 0, enc, model, other)
    found: list[Found] = []
    for s, e in runs(text, "latin"):
        if (enc := encode_run(text[s:e], "latin")) is not None:
            found += _in_run(text, s, enc, model, other)
    return found


def _in_run(text: str, base: int, enc: tuple[bytes, list[int]], model: Model,
            other: list[tuple[int, int]]) -> list[Found]:
    raw, offsets = enc
    # 0xA0 (NBSP) continuation bytes shown as a space, or stripped at the end as whitespace, are
    # no dropped bytes: put back as the span search does (spans.NBSP_AS_SPACE, NBSP_STRIPPED)
    raw = NBSP_AS_SPACE.sub(b"\xa0", raw)
    bounds = {off: i for i, off in enumerate(offsets)}
    found = []
    for m in _CHAIN.finditer(raw):
        if m.start() not in bounds or m.end() not in bounds:
            continue
        # In UTF-8 shown as cp1252 every non-ASCII byte is part of the UTF-8 structure: a
        # chain that touches a byte outside it (GBK's C0, a stray continuation) is not UTF-8
        if (m.start() and raw[m.start() - 1] >= 0x80) or (m.end() < len(raw) and raw[m.end()] >= 0x80):
            continue
        s, e = base + bounds[m.start()], base + bounds[m.end()]
        if any(s < o_end and o_start < e for o_start, o_end in other):
            continue
        chunk = m.group()
        read = read_lenient(chunk)
        if m.end() == len(raw) and NBSP_STRIPPED.search(chunk):
            # a short last sequence is a stripped NBSP (put back, as the span search does)
            # unless other sequences of the chain are short too: then it lost a byte like them
            patched = read_lenient(chunk + b"\xa0")
            if patched is not None and (read is None or patched[1] == 0 or read[1] < 2):
                read = patched
        if read is None:
            continue
        after, lost, whole = read
        if not signature(chunk, lost, whole):
            continue
        s, e = base + bounds[m.start()], base + bounds[m.end()]
        before = text[s:e]
        survived = after.replace("\ufffd", "")
        gain = score(survived, model) - score(before, model)
        # restored only when most of it survives and reads as clearly better Chinese
        ok = whole >= lost and gain >= MARGIN and not implausible(survived, model)
        found.append(Found(s, e, before, after if ok else before, lost, ok, gain))
    return found


def _read_whole_elsewhere(text: str) -> list[tuple[int, int]]:
    """Spans that UTF-8 read through another single-byte codec (Mac Roman) reads back whole:
    those are that reading's, not this one's."""
    spans = []
    for codec in SINGLE_BYTE:
        if codec == "latin":
            continue
        for s, e in runs(text, codec):
            enc = encode(text[s:e], codec)
            decoded = decode_strict(enc, "utf-8") if enc is not None else None
            # Chinese, not a chance pair ("œï" reads as the one character ϕ)
            if decoded is not None and sum(map(is_han, decoded)) >= 2:
                spans.append((s, e))
    return spans


def to_changes(found: list[Found]) -> list[Change]:
    """A restored span is one change; a span left as it is is one flag (before == after)."""
    out = []
    for f in found:
        if f.restored:
            confidence = round(f.gain / (f.gain + 20.0) * 0.8, 3)
            out.append(Change(f.start, f.end, f.before, f.after, KIND, confidence))
        else:
            out.append(Change(f.start, f.end, f.before, f.before, LEFT_KIND, 0.5))
    return out
