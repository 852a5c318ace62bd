"""Span-level repair of text that went through a wrong decode (one or two rounds).

For each reading (the codec that produced the characters, and the codec the bytes were
really in) a run of text is re-encoded, the byte string is searched for chains of
valid sequences of the true codec that start and end on character boundaries, and each
chain is cut to its best-scoring stretch (maximum subarray over the aligned pieces).
A stretch is kept only when the model of Chinese text prefers it to the text as it
stands by a clear margin and it round-trips exactly. Only the stretch is replaced, so a
clean line with one broken span keeps its clean part.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from itertools import accumulate, pairwise

from archiver.mojibake.charsets import (
    SINGLE_BYTE,
    decode_strict,
    encodable,
    encode,
    encode_run,
    single_byte_run,
)
from archiver.mojibake.markers import first_regex, scan
from archiver.mojibake.report import Change
from archiver.mojibake.utf8short import utf8_shaped
from archiver.textmodel.hanzi import COMMON_PUNCT, Model, has_bigram, implausible, is_han, load, score

MARGIN = 16.0  # log-plausibility a candidate must win by (why: 2-character spans win by ~20)
DOUBLE_MARGIN = 28.0  # two readings in a row have more freedom to fit noise
BIG5_MARGIN = 18.0  # UTF-8 bytes rarely decode as Big5 at all; when they do, be stricter
_MB_UTF8 = rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
_MB_GBK = rb"[\x81-\xfe][\x40-\x7e\x80-\xfe]|\x80"
_MB_BIG5 = rb"[\x81-\xfe][\x40-\x7e\xa1-\xfe]"
_GAP = rb"[\t\n\r\x20-\x7e]{0,8}"
MULTIBYTE = {"utf-8": _MB_UTF8, "cp936": _MB_GBK, "big5": _MB_BIG5}
# A chain may end on one ASCII byte: the trail byte of the last pair (的B = E7 9A 84 42 -> 鐨凚).
CHAIN = {k: re.compile(rb"(?:%s)(?:%s(?:%s))*[\x20-\x7e]?" % (v, _GAP, v)) for k, v in MULTIBYTE.items()}
SEQ = {k: re.compile(rb"%s|[\x00-\x7f]" % v) for k, v in MULTIBYTE.items()}
# A space standing for a 0xA0 continuation byte, and a final 0xA0 stripped as whitespace
# (both seen in the wild: 你 = E4 BD A0 shown as "ä½ ", "…å…ƒç´" losing its last byte).
NBSP_AS_SPACE = re.compile(rb"(?<=[\xe0-\xef][\x80-\xbf]) ")
NBSP_STRIPPED = re.compile(rb"[\xe0-\xef][\x80-\xbf]\Z")


Unit = tuple[int, int, str]  # char start, char end, decoded text of one aligned piece


@dataclass(frozen=True)
class Reading:
    kind: str
    encoder: str  # codec whose characters we see: re-encode with it
    decoder: str  # codec the bytes were really in


READINGS = (
    Reading("utf8_as_gbk", "cp936", "utf-8"),
    Reading("utf8_as_big5", "big5", "utf-8"),
    Reading("utf8_as_cp1252", "latin", "utf-8"),
    Reading("utf8_as_macroman", "mac_roman", "utf-8"),
    Reading("gbk_as_cp1252", "latin", "cp936"),
    Reading("big5_as_cp1252", "latin", "big5"),
    # GBK read by a lenient UTF-8 decoder: bytes that form a valid two-byte sequence show as
    # Cyrillic, Armenian or Hebrew letters (D2 BB → һ), the others as Latin-1 letters or C1
    # controls (們 = 82 83 → "\x82\x83")
    Reading("gbk_as_utf8_mixed", "utf8mix", "cp936"),
)
# Which readings each marker family (see markers.py) calls for.
FAMILY = {"utf8_as_gbk": "gbk", "utf8_as_big5": "big5"}
ALL_FAMILIES = frozenset(("gbk", "big5", "latin"))


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    after: str
    kind: str
    gain: float
    exact: bool  # False when an edge byte was assumed (0xA0 restored)


def runs(text: str, codec: str) -> list[tuple[int, int]]:
    """Maximal stretches of `text` that `codec` can encode and that hold non-ASCII."""
    if codec in SINGLE_BYTE:
        return [m.span() for m in single_byte_run(codec).finditer(text) if not m.group().isascii()]
    if encode(text, codec) is not None:
        return [] if text.isascii() else [(0, len(text))]
    out, start = [], None
    for i, ch in enumerate(text):
        if encodable(ch, codec):
            start = i if start is None else start
        elif start is not None:
            out.append((start, i))
            start = None
    if start is not None:
        out.append((start, len(text)))
    return [(s, e) for s, e in out if not text[s:e].isascii()]


def _encoded(text: str, reading: Reading) -> tuple[bytes, list[int], bool] | None:
    enc = encode_run(text, reading.encoder)
    if enc is None:
        return None
    raw, offsets = enc
    patched = False
    if reading.encoder == "latin" and reading.decoder == "utf-8":
        fixed = NBSP_AS_SPACE.sub(b"\xa0", raw)
        if NBSP_STRIPPED.search(fixed):
            fixed += b"\xa0"
            offsets = offsets[:-1] + [len(fixed)]
        patched = fixed != raw
        raw = fixed
    return raw, offsets, patched


def _units(raw: bytes, start: int, end: int, decoder: str, bounds: dict[int, int]) -> tuple[list[Unit], bool]:
    """Pieces of a chain between consecutive byte offsets that are both a sequence end
    and a character boundary, as (char_start, char_end, decoded)."""
    points = [start] + [m.end() for m in SEQ[decoder].finditer(raw, start, end) if m.end() in bounds]
    units: list[Unit] = []
    for a, b in pairwise(points):
        decoded = decode_strict(raw[a:b], decoder)
        if decoded is None:
            return units, False
        units.append((bounds[a], bounds[b], decoded))
    return units, True


def _best_stretch(units: list[Unit], text: str, model: Model) -> tuple[int, int] | None:
    """Maximum-subarray over unit gains (Kadane)."""
    best, best_span, run_gain, run_start = 0.0, None, 0.0, 0
    for i, (cs, ce, decoded) in enumerate(units):
        gain = score(decoded, model) - score(text[cs:ce], model)
        if run_gain <= 0:
            run_gain, run_start = gain, i
        else:
            run_gain += gain
        if run_gain > best:
            best, best_span = run_gain, (run_start, i + 1)
    return best_span


def gain_of(text: str, start: int, end: int, after: str, model: Model) -> float:
    left, right = text[max(0, start - 1) : start], text[end : end + 1]
    return score(left + after + right, model) - score(left + text[start:end] + right, model)


def chains(text: str, reading: Reading) -> list[tuple[int, int, list[Unit]]]:
    """Aligned decodable chains of one run: (char_start, char_end, units)."""
    enc = _encoded(text, reading)
    if enc is None:
        return []
    raw, offsets, _ = enc
    bounds = {off: i for i, off in enumerate(offsets)}
    found, pos, pattern = [], 0, CHAIN[reading.decoder]
    while (m := pattern.search(raw, pos)) is not None:
        if m.start() not in bounds:
            pos = offsets[bisect_right(offsets, m.start())]
            continue
        units, _ = _units(raw, m.start(), m.end(), reading.decoder, bounds)
        if units:
            found.append((units[0][0], units[-1][1], units))
            pos = offsets[units[-1][1]]
        else:
            pos = offsets[bisect_right(offsets, m.start())]
    return found


def _exact(before: str, after: str, reading: Reading) -> bool:
    """Round trip: `after` under the true codec gives the very bytes `before` showed."""
    shown = encode(before, reading.encoder)
    if reading.decoder == "utf-8":
        real = after.encode("utf-8", errors="surrogatepass")
    else:
        real = encode(after, reading.decoder) or b""
    return shown is not None and shown == real


def run_candidates(text: str, base: int, reading: Reading, model: Model, depth: int) -> list[Candidate]:
    found = []
    for _cs, _ce, units in chains(text, reading):
        span = _best_stretch(units, text, model)
        if span is not None:
            s, e = units[span[0]][0], units[span[1] - 1][1]
            after = "".join(u[2] for u in units[span[0] : span[1]])
            found.append(_candidate(text, base, s, e, after, reading, model))
        if depth > 1:
            found += _second_round(text, base, units, reading, model)
    return found


def _candidate(text: str, base: int, s: int, e: int, after: str, reading: Reading, model: Model,
               kind: str | None = None) -> Candidate:
    exact = _exact(text[s:e], after, reading)
    return Candidate(base + s, base + e, after, kind or reading.kind,
                     gain_of(text, s, e, after, model), exact)


def _second_round(text: str, base: int, units: list[Unit], reading: Reading, model: Model) -> list[Candidate]:
    """Double mojibake: the decoded chain is itself mojibake of another reading. Only the
    units under the inner repairs are replaced (a clean neighbour may join the chain)."""
    middle = "".join(u[2] for u in units)
    if middle.isascii() or first_regex().search(middle) is None or not scan(middle):
        return []
    inner = find_candidates(middle, model, depth=1)
    if not inner:
        return []
    starts = list(accumulate((len(u[2]) for u in units), initial=0))
    first = bisect_right(starts, inner[0].start) - 1
    last = bisect_right(starts, inner[-1].end - 1) - 1
    lo, hi = starts[first], starts[last + 1]
    shifted = [replace(c, start=c.start - lo, end=c.end - lo) for c in inner]
    final = apply(middle[lo:hi], shifted)
    kind = "double:" + reading.kind + "+" + inner[0].kind
    cand = _candidate(text, base, units[first][0], units[last][1], final, reading, model, kind)
    return [replace(cand, exact=all(c.exact for c in inner))]


def find_candidates(
    text: str, model: Model | None = None, depth: int = 2, families: frozenset[str] = ALL_FAMILIES
) -> list[Candidate]:
    """Accepted, non-overlapping repairs for `text`, left to right. `families` limits the
    readings tried to those the markers point to."""
    model = model or load()
    pool = []
    for reading in READINGS:
        if FAMILY.get(reading.kind, "latin") not in families:
            continue
        for s, e in runs(text, reading.encoder):
            pool += run_candidates(text[s:e], s, reading, model, depth)
    chosen = _choose(text, pool, model, relaxed=False)
    if any(c.kind in LATIN_TO_CJK for c in chosen):
        # The text is shown to hold GBK/Big5-as-Latin spans: short ones (JScript 9Óë) count too.
        chosen = _choose(text, pool, model, relaxed=True)
    return sorted(chosen, key=lambda c: c.start)


def _choose(text: str, pool: list[Candidate], model: Model, relaxed: bool) -> list[Candidate]:
    chosen: list[Candidate] = []
    taken: list[tuple[int, int]] = []  # sorted, disjoint (start, end) of chosen spans
    for cand in sorted(pool, key=lambda c: -c.gain):
        if cand.gain < _margin(cand.kind) or cand.after == text[cand.start : cand.end]:
            continue
        i = bisect_right(taken, (cand.start, cand.end))
        if (i and taken[i - 1][1] > cand.start) or (i < len(taken) and taken[i][0] < cand.end):
            continue
        if _plausible(text, cand, model, relaxed):
            chosen.append(cand)
            taken.insert(i, (cand.start, cand.end))
    return chosen


LATIN_TO_CJK = ("gbk_as_cp1252", "big5_as_cp1252", "gbk_as_utf8_mixed")


def _plausible(text: str, cand: Candidate, model: Model, relaxed: bool = False) -> bool:
    if implausible(cand.after, model):
        return False
    if cand.kind in LATIN_TO_CJK and utf8_shaped(text[cand.start : cand.end]):
        # UTF-8 of Chinese short of dropped bytes (dropped.py): re-read as GBK or Big5 it
        # still makes hanzi (不能 → 涓能), one garbage for another
        return False
    if cand.kind not in LATIN_TO_CJK or relaxed:
        return True
    # Latin-1 letters read as GBK/Big5 pairs always make *some* hanzi (ÄÖÜäöü -> 闹茕鳇):
    # ask for two hanzi with a word among them or a non-letter among the bytes (¡±, ³),
    # or for CJK punctuation made of symbols (£º -> ：, ¡¢ -> 、).
    before = text[cand.start : cand.end]
    context = text[max(0, cand.start - 1) : cand.start] + cand.after + text[cand.end : cand.end + 1]
    letters_only = all(ch.isalpha() or ch.isspace() for ch in before)
    han = sum(map(is_han, cand.after))
    if han >= 2:
        return has_bigram(context, model) or not letters_only
    return not letters_only and all(is_han(ch) or ch.isascii() or ch in COMMON_PUNCT for ch in cand.after)


def _margin(kind: str) -> float:
    if kind.startswith("double:"):
        return DOUBLE_MARGIN
    return BIG5_MARGIN if "big5" in kind else MARGIN


def apply(text: str, cands: list[Candidate]) -> str:
    out, pos = [], 0
    for c in sorted(cands, key=lambda c: c.start):
        out += [text[pos : c.start], c.after]
        pos = c.end
    return "".join(out) + text[pos:]


def to_changes(text: str, cands: list[Candidate]) -> list[Change]:
    def confidence(c: Candidate) -> float:
        base = c.gain / (c.gain + 20.0)
        return round(base if c.exact else base * 0.8, 3)

    return [Change(c.start, c.end, text[c.start : c.end], c.after, c.kind, confidence(c)) for c in cands]
