"""Whole-line readings: the fast path for text that is mojibake from end to end.

A page saved through one wrong decode is broken on every line. The span search (spans.py)
would find the same answer window by window, at a cost that grows with the damage (about
2 s for 50 KB of UTF-8 read as Latin-1). Here each line that holds a marker is re-read as a
whole first: encoded with the codec whose characters we see, decoded strictly with the one
the bytes were in (both C codecs). A reading is kept under the span search's own rules: a
clear gain under the Chinese text model, nothing implausible, an exact round trip (strict
decoding of the very bytes shown), and no marker left behind. A line that is only partly
broken never decodes strictly as a whole and is left to the span search.
"""
from __future__ import annotations

import re

from archiver.mojibake.charsets import decode_strict, encode
from archiver.mojibake.markers import Mark, scan
from archiver.mojibake.spans import FAMILY, READINGS, Candidate, Reading, _margin, _plausible
from archiver.textmodel.hanzi import Model, load, score

_FFFD_RUN = re.compile("\ufffd+")
MIN_CHARS = 6  # shorter lines gain too little to judge alone; the span search has context


def line_spans(text: str, marks: list[Mark]) -> list[tuple[int, int, frozenset[str]]]:
    """(start, end, families) of each line that holds a marker, without its line break."""
    out: list[tuple[int, int, frozenset[str]]] = []
    for m_start, _, fams in marks:
        if out and m_start < out[-1][1]:
            out[-1] = (out[-1][0], out[-1][1], out[-1][2] | fams)
            continue
        start = text.rfind("\n", 0, m_start) + 1
        end = text.find("\n", m_start)
        end = len(text) if end < 0 else end
        if end > start and text[end - 1] == "\r":
            end -= 1
        out.append((start, end, fams))
    return out


def read_line(text: str, start: int, end: int, fams: frozenset[str], model: Model) -> Candidate | None:
    """The best whole reading of text[start:end], or None when no reading is convincing."""
    line = text[start:end]
    if len(line) < MIN_CHARS:
        return None
    here: float | None = None  # scored only once a reading decodes: most lines have none
    best: Candidate | None = None
    for reading in READINGS:
        if FAMILY.get(reading.kind, "latin") not in fams:
            continue
        after, exact = _reread(line, reading)
        if after is None or after == line:
            continue
        if here is None:
            here = score(line, model)
        gain = score(after, model) - here
        if gain < _margin(reading.kind) or (best is not None and gain <= best.gain):
            continue
        cand = Candidate(start, end, after, reading.kind, gain, exact=exact)
        if _plausible(text, cand, model) and not _still_broken(after):
            best = cand
    return best


def _still_broken(text: str) -> bool:
    """A marker of a wrong reading remains (double mojibake: left to the span search);
    U+FFFD alone is a loss, which the next stage counts."""
    return any(fams - {"lost"} for *_, fams in scan(text))


def _reread(line: str, reading: Reading) -> tuple[str | None, bool]:
    """The line under `reading`; a line that already holds U+FFFD (a lossy round trip, as
    UTF-8 read as GB18030 with errors='replace') is read between them, each replacement
    standing for bytes that are gone: what survives is restored, the rest stays U+FFFD and
    is counted lost by the next stage (never exact, never guessed)."""
    if "\ufffd" not in line:
        enc = encode(line, reading.encoder)
        return (decode_strict(enc, reading.decoder) if enc is not None else None), True
    if reading.decoder != "utf-8":
        return None, False
    pieces = []
    for part in line.split("\ufffd"):
        enc = encode(part, reading.encoder)
        if enc is None:
            return None, False
        pieces.append(enc)
    # 0xFF is never UTF-8, so each replacement stays one; the lead bytes it left behind
    # decode to a second U+FFFD beside it: one loss, one mark
    return _FFFD_RUN.sub("\ufffd", b"\xff".join(pieces).decode("utf-8", errors="replace")), False


def whole_lines(text: str, marks: list[Mark], model: Model | None = None) -> list[Candidate]:
    """Accepted whole-line repairs, left to right (disjoint: one per line)."""
    model = model or load()
    found = []
    for start, end, fams in line_spans(text, marks):
        cand = read_line(text, start, end, fams, model)
        if cand is not None:
            found.append(cand)
    return found
