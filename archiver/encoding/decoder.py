"""Decode page bytes into text, and say how: BOM, declarations, then the bytes themselves.

Order (issue 3, item 1):
1. a byte order mark wins over everything;
2. the HTTP header charset, then the <meta> charsets, each normalised (gb2312/gbk
   widen to gb18030) and accepted only if the bytes decode strictly under it, and
   only if the reading is plausible Chinese when another strict reading is far
   more plausible (Big5 pages declared gb2312 decode "strictly" as GB18030);
3. strict UTF-8 (pure ASCII counts as UTF-8);
4. GB18030 / Big5 readings ranked by a Chinese plausibility score, with chardet
   as the tie-breaker and as the detector for anything else;
5. a last resort that never raises and keeps every byte recoverable.

Encoding names in reports are Python's canonical codec names: "utf-8",
"utf-8-sig" (BOM stripped), "utf-16-le"..., "gb18030" (for every GB label),
"big5" (falling back to "cp950" then "big5hkscs"), "cp1252" (for latin-1 labels).

Last resort (source "fallback"): the candidate that leaves the fewest bytes
undecodable. Each undecodable byte 0xNN becomes the private-use character U+F7NN
(not a lone surrogate: those make lxml cut the text and sqlite3/parsel raise), so
``recover_bytes(report.text, report.encoding) == body``; ``report.undecodable``
counts them. A page cut inside its last character keeps its reading and source,
with the incomplete tail escaped the same way.
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from archiver.encoding import declared as charset_decl
from archiver.encoding.detect import (
    MAX_TAIL_BYTES,
    Reading,
    best_reading,
    chardet_reading,
    fallback_reading,
    strict,
    strict_big5,
    utf8_bonus,
    utf8_sure,
)
from archiver.encoding.escape import count_escapes, recover_bytes

__all__ = ["DecodeReport", "decode", "recover_bytes"]
log = logging.getLogger(__name__)

# A declared non-UTF-8 reading scoring at least this is accepted without a contest:
# real Chinese scores 0.6-0.8, mojibake readings below 0.3.
ACCEPT_SCORE = 0.5
# A declared UTF-8 that decodes strictly has structure on its side: it only needs
# not to read as nonsense (GBK 学学学学 read as UTF-8 "ѧѧѧѧ" scores below 0).
ACCEPT_UTF8_SCORE = 0.1
# Another reading must beat the declared one by this much to overrule it.
OVERRULE_MARGIN = 0.15
# A fallback reading this plausible, with few escaped bytes, beats chardet's guess.
FALLBACK_SCORE = 0.4
_ASCII_BYTES = bytes(range(0x80))


@dataclass(frozen=True)
class DecodeReport:
    """The decoded text and how its encoding was decided (stored with every article)."""

    text: str
    encoding: str
    source: str  # "bom" | "header" | "meta" | "detected" | "fallback"
    confidence: float
    declared: dict[str, Any] = field(default_factory=dict)  # header, meta, meta_all, refuted
    disagreement: str | None = None
    undecodable: int = 0  # bytes kept as U+F7NN escapes (fallback, or a truncated tail)

    def to_dict(self) -> dict[str, Any]:
        """Everything but the text; JSON-serialisable."""
        data = asdict(self)
        del data["text"]
        return data


def decode(body: bytes, content_type: str | None = None, url: str | None = None) -> DecodeReport:
    """Decode `body` (raw HTTP bytes). Never raises, whatever the bytes or header."""
    try:
        return _decode(bytes(body or b""), content_type, url)
    except Exception:  # noqa: BLE001 - the contract is "never raises"; log and degrade
        log.exception("decode failed unexpectedly; falling back to latin-1")
        raw = bytes(body) if isinstance(body, (bytes, bytearray, memoryview)) else b""
        return DecodeReport(raw.decode("latin-1"), "latin-1", "fallback", 0.0)


def _decode(body: bytes, content_type: str | None, url: str | None) -> DecodeReport:
    header = charset_decl.header_charset(content_type)
    metas = charset_decl.meta_charsets(body)
    # refuted: the declarations ("header utf-8") that the bytes contradict (strict decode fails)
    refuted: list[str] = []
    declared = {"header": header, "meta": metas[0] if metas else None, "meta_all": metas,
                "refuted": refuted}
    notes = _declaration_conflicts(header, metas)
    bom = charset_decl.sniff_bom(body)
    if bom is not None and (text := strict(body[bom[1]:], bom[0])) is not None:
        notes += [f"BOM {bom[0]} overrides {k} {v}" for k, v in (("header", header),
                  ("meta", metas[0] if metas else None)) if v and not _same_utf(v, bom[0])]
        return _report(Reading(bom[0], text, 1.0, 0), "bom", 1.0, declared, notes)
    utf16 = charset_decl.sniff_utf16(body)
    if utf16 is not None and (text := strict(body, utf16)) is not None:
        return _report(Reading(utf16, text), "detected", 0.9, declared, notes)
    utf8 = strict(body, "utf-8")
    for source, label in [("header", header or "")] + [("meta", m) for m in metas]:
        codec = charset_decl.normalise(label)
        if codec is None:
            if label:
                notes.append(f"{source} {label} is not a known encoding")
            continue
        codec, text = (codec, utf8) if codec == "utf-8" else _strict_declared(body, codec)
        if text is None:
            refuted.append(f"{source} {label}")
            notes.append(f"{source} {label} contradicts the bytes (strict decode fails)")
            continue
        if refuted:
            notes.append(f"{source} {label} agrees")
        return _judge_declared(body, Reading(codec, text, 0.0, 0), source, label,
                               utf8, url, declared, notes)
    return _undeclared(body, utf8, url, declared, notes)


def _same_utf(label: str, bom_codec: str) -> bool:
    """Does a declared label name the same Unicode form as the BOM (utf-8 vs utf-8-sig)?"""
    family = bom_codec.replace("-", "")[:5].rstrip("s")  # utf8 / utf16 / utf32
    return label.lower().replace("-", "").replace("_", "").startswith(family)


def _strict_declared(body: bytes, codec: str) -> tuple[str, str | None]:
    """(codec actually used, text): a big5 label may need cp950 or big5hkscs."""
    return strict_big5(body) if codec == "big5" else (codec, strict(body, codec))


def _judge_declared(body: bytes, reading: Reading, source: str, label: str, utf8: str | None,
                    url: str | None, declared: dict, notes: list[str]) -> DecodeReport:
    """Keep a strictly-decoding declaration unless the bytes clearly say otherwise."""
    if body.isascii():
        return _report(reading, source, 1.0, declared, notes)
    if reading.encoding == "utf-8" and utf8_sure(utf8):
        return _report(reading, source, 0.99, declared, notes)
    if utf8 is not None and utf8_sure(utf8):
        notes.append(f"{source} {label} decodes but the bytes are valid UTF-8")
        return _report(Reading("utf-8", utf8, 1.0, 0), "detected", 0.97, declared, notes)
    is_utf8 = reading.encoding == "utf-8"
    reading = reading.scored(utf8_bonus(reading.text) if is_utf8 else 0.0)
    if reading.score >= (ACCEPT_UTF8_SCORE if is_utf8 else ACCEPT_SCORE):
        return _report(reading, source, 0.95, declared, notes)
    rival = best_reading(body, utf8, url, exclude=reading.encoding)
    if rival is not None and rival.score > reading.score + OVERRULE_MARGIN:
        notes.append(f"{source} {label} decodes but reads implausibly "
                      f"({reading.score:.2f}); {rival.encoding} reads better ({rival.score:.2f})")
        return _report(rival, "detected", _margin_confidence(rival.score - reading.score),
                       declared, notes)
    return _report(reading, source, 0.8, declared, notes)


def _undeclared(body: bytes, utf8: str | None, url: str | None, declared: dict,
                notes: list[str]) -> DecodeReport:
    """No usable declaration: UTF-8 if valid, else the most plausible strict reading."""
    if utf8 is not None and (body.isascii() or utf8_sure(utf8)):
        return _report(Reading("utf-8", utf8, 1.0, 0), "detected", 1.0 if body.isascii()
                       else 0.99, declared, notes)
    best = best_reading(body, utf8, url)
    if best is not None:
        return _report(best, "detected", best.confidence, declared, notes)
    fallback = fallback_reading(body, _declared_codecs(declared))
    # A Chinese page with a few broken bytes (truncated, spliced) is still that page:
    # keep its reading rather than chardet's single-byte guess for the whole.
    if not _mostly_readable(body, fallback) and (guess := chardet_reading(body)) is not None:
        return _report(guess, "detected", guess.confidence, declared, notes)
    notes.append(f"no encoding decodes the bytes strictly; {fallback.undecodable} "
                 f"byte(s) kept as U+F7xx escapes under {fallback.encoding}")
    return _report(fallback, "fallback", _fallback_confidence(body, fallback), declared, notes)


def _mostly_readable(body: bytes, reading: Reading) -> bool:
    high = len(body.translate(None, _ASCII_BYTES))
    return reading.score >= FALLBACK_SCORE and reading.undecodable <= max(2, high // 50)


def _fallback_confidence(body: bytes, reading: Reading) -> float:
    return 0.3 if _mostly_readable(body, reading) else 0.0


def _declaration_conflicts(header: str | None, metas: list[str]) -> list[str]:
    codecs_seen = {charset_decl.normalise(x) for x in [header, *metas] if x}
    if len(codecs_seen) <= 1:
        return []
    said = ([f"header {header}"] if header else []) + [f"meta {m}" for m in metas]
    return ["declarations disagree: " + ", ".join(said)]


def _declared_codecs(declared: dict) -> list[str]:
    labels = [declared["header"], *declared["meta_all"]]
    return [c for c in map(charset_decl.normalise, labels) if c]


def _margin_confidence(margin: float) -> float:
    return round(min(0.95, 0.5 + margin), 2)


def _report(reading: Reading, source: str, confidence: float, declared: dict,
            notes: list[str]) -> DecodeReport:
    escaped = reading.undecodable or count_escapes(reading.text[-MAX_TAIL_BYTES:])
    if escaped and source != "fallback":
        notes = [*notes, f"page truncated: last {escaped} byte(s) kept as U+F7xx escapes"]
    confidence = round(min(1.0, max(0.0, confidence)), 2)
    return DecodeReport(reading.text, reading.encoding, source, confidence,
                        declared, "; ".join(notes) or None, escaped)
