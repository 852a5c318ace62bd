"""Choose among readings of undeclared or mis-declared bytes: strict decodes, scored.

Helpers for archiver.encoding.decoder. Candidates for Chinese pages are UTF-8, GB18030
and the Big5 family; chardet (7+) breaks near-ties and detects anything else.
"""
from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import chardet

from archiver.encoding.declared import normalise
from archiver.encoding.escape import count_escapes, escape_bytes, escape_decode, recover_bytes
from archiver.textmodel.hanzi import plausibility

log = logging.getLogger(__name__)

BIG5_FAMILY = ("big5", "cp950", "big5hkscs")  # plain code page first, then supersets
# Valid UTF-8 is structural evidence no frequency score has: a short UTF-8 title
# gets this head start over GB18030/Big5 readings of the same bytes. Less when all
# its characters are 2-byte sequences (< U+0800): pairs of GBK characters often
# form those by chance (丝路 = CB BF C2 B7 = "˿·").
UTF8_BONUS = 0.3
UTF8_BONUS_2BYTE = 0.15
# Valid UTF-8 with this many characters from 3-byte sequences, or this many
# non-ASCII characters in all, is UTF-8 whatever was declared: other CJK
# encodings practically never form that many valid UTF-8 sequences.
UTF8_SURE_CHARS = 4
UTF8_SURE_2BYTE = 16
_BEYOND_2BYTE = re.compile("[\u0800-\U0010ffff]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# A .tw/.hk/.mo (or .cn) host makes Big5 (or GB18030) slightly more likely.
HOST_BONUS = 0.05
# Readings closer than this are a tie, broken by chardet.
TIE_MARGIN = 0.05
# chardet returns its "nothing fit" sentinel at 0.10; below this we ignore it.
CHARDET_MIN_CONFIDENCE = 0.2
# Truncation tolerance in strict(): bodies at least this long, tails at most this long.
TRUNCATION_MIN_BYTES = 256
MAX_TAIL_BYTES = 3


@dataclass(frozen=True)
class Reading:
    """One way of decoding the bytes, with its plausibility score."""

    encoding: str
    text: str
    score: float = 0.0
    undecodable: int = 0
    confidence: float = 0.0

    def scored(self, bonus: float = 0.0) -> Reading:
        return replace(self, score=plausibility(self.text) + bonus)


def strict(body: bytes, codec: str) -> str | None:
    """`body` decoded strictly under `codec`, or None.

    A page cut inside its last character (size limits, dropped connections) still
    counts as strict: the incomplete tail (at most 3 bytes) is kept as escape
    characters (archiver.encoding.escape), so the bytes stay recoverable. Not for short bodies, where a "tail"
    could be half of a title."""
    try:
        return body.decode(codec)
    except LookupError:
        return None
    except UnicodeDecodeError as err:
        cut = err.start
    if len(body) < TRUNCATION_MIN_BYTES or cut < len(body) - MAX_TAIL_BYTES:
        return None
    try:
        head = body[:cut].decode(codec)
    except UnicodeDecodeError:
        return None
    return head + escape_bytes(body[cut:])


def strict_big5(body: bytes) -> tuple[str, str | None]:
    """(codec, text) for the first Big5 variant that decodes `body` strictly."""
    for codec in BIG5_FAMILY:
        if (text := strict(body, codec)) is not None:
            return codec, text
    return "big5", None


def _host_bonus(url: str | None, encoding: str) -> float:
    try:
        host = (urlsplit(url).hostname or "") if isinstance(url, str) else ""
    except ValueError:
        return 0.0
    if encoding in BIG5_FAMILY and host.endswith((".tw", ".hk", ".mo")):
        return HOST_BONUS
    return HOST_BONUS if encoding == "gb18030" and host.endswith(".cn") else 0.0


def utf8_bonus(text: str) -> float:
    return UTF8_BONUS if _BEYOND_2BYTE.search(text) else UTF8_BONUS_2BYTE


def utf8_sure(text: str | None) -> bool:
    """Is valid UTF-8 `text` certainly UTF-8? Yes with a few 3-byte characters, or
    many 2-byte ones: GBK text made of characters like 学 (D1 A7) is valid UTF-8
    Cyrillic ("ѧ"), but never for long."""
    if text is None:
        return False
    wide = itertools.islice(_BEYOND_2BYTE.finditer(text), UTF8_SURE_CHARS)
    if sum(1 for _ in wide) >= UTF8_SURE_CHARS:
        return True
    return sum(1 for _ in itertools.islice(_NON_ASCII.finditer(text), UTF8_SURE_2BYTE)) \
        >= UTF8_SURE_2BYTE


def candidates(body: bytes, utf8: str | None, url: str | None,
               exclude: str | None = None) -> list[Reading]:
    """Strict readings of `body` as UTF-8, GB18030 and Big5, scored, best first."""
    found = []
    if utf8 is not None and exclude != "utf-8":
        found.append(Reading("utf-8", utf8).scored(utf8_bonus(utf8)))
    if exclude != "gb18030" and (text := strict(body, "gb18030")) is not None:
        found.append(Reading("gb18030", text).scored(_host_bonus(url, "gb18030")))
    codec, text = strict_big5(body)
    if exclude not in BIG5_FAMILY and text is not None:
        found.append(Reading(codec, text).scored(_host_bonus(url, codec)))
    return sorted(found, key=lambda r: r.score, reverse=True)


def best_reading(body: bytes, utf8: str | None, url: str | None,
                 exclude: str | None = None) -> Reading | None:
    """The most plausible strict reading (chardet breaks ties), or None."""
    found = candidates(body, utf8, url, exclude)
    if not found:
        return None
    best = found[0]
    if len(found) == 1:
        return replace(best, confidence=round(min(0.9, 0.4 + best.score / 2), 2))
    margin = best.score - found[1].score
    if margin < TIE_MARGIN:
        best = _chardet_tiebreak(body, found) or best
    return replace(best, confidence=round(min(0.95, 0.5 + margin), 2))


def _chardet_guess(body: bytes, include: list[str] | None = None) -> tuple[str | None, float]:
    # With a restricted set, "nothing fit" must name one of the set, not cp1252.
    no_match = include[0] if include else "cp1252"
    result = chardet.detect(body, include_encodings=include, prefer_superset=True,
                            compat_names=False, no_match_encoding=no_match)
    label, confidence = result.get("encoding"), result.get("confidence") or 0.0
    return normalise(label) if label else None, confidence


def _chardet_tiebreak(body: bytes, tied: list[Reading]) -> Reading | None:
    close = [r for r in tied if tied[0].score - r.score < TIE_MARGIN]
    guess, _ = _chardet_guess(body, [r.encoding for r in close])
    family = {r.encoding: r for r in close}
    if guess in BIG5_FAMILY:
        guess = next((c for c in family if c in BIG5_FAMILY), guess)
    log.debug("tie between %s broken by chardet: %s", list(family), guess)
    return family.get(guess or "")


def chardet_reading(body: bytes) -> Reading | None:
    """chardet's pick, when it is confident and decodes strictly (not CJK pages)."""
    guess, confidence = _chardet_guess(body)
    if guess is None or confidence < CHARDET_MIN_CONFIDENCE:
        return None
    text = strict(body, guess)
    if text is None:
        return None
    return Reading(guess, text, confidence=round(confidence, 2)).scored()


def fallback_reading(body: bytes, preferred: list[str]) -> Reading:
    """The reading with the fewest undecodable bytes, kept as escape characters.

    Exact round trip: byte_escape.recover_bytes(text, encoding) == body."""
    best: Reading | None = None
    for codec in dict.fromkeys([*preferred, "utf-8", "gb18030", *BIG5_FAMILY]):
        try:
            text = escape_decode(body, codec)
            if recover_bytes(text, codec) != body:
                continue
        except (UnicodeError, LookupError):
            continue
        reading = Reading(codec, text, undecodable=count_escapes(text))
        if best is None or reading.undecodable < best.undecodable:
            best = reading
    if best is None:  # latin-1 maps every byte: recoverable, if unreadable
        return Reading("latin-1", body.decode("latin-1"))
    return best.scored()
