"""Byte-exact encoders and decoders for the readings that make mojibake.

Python's codecs are close to what broken pages went through, but not equal:
- Windows/PHP CP936 maps 0x80 to '€' and the GBK user-defined and unassigned
  positions to private-use code points (A8BF -> U+E7C8, AEDF -> U+E1B6). Python's
  `gbk` rejects them and its `gb18030` follows the 2005 table (A8BF -> 'ǹ'). The
  private-use table below is the GB18030-2000 one, which is the CP936 one.
- WHATWG windows-1252 (what browsers and most converters use) maps the five bytes
  cp1252 leaves undefined to C1 controls; Python's `cp1252` rejects them.
Tables are built lazily (no work at import).
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate

SINGLE_BYTE = ("latin", "mac_roman")


def _is_pua(ch: str) -> bool:
    return "\ue000" <= ch <= "\uf8ff"


@lru_cache(maxsize=1)
def cp936_pairs() -> dict[bytes, str]:
    """Every CP936 double-byte code and its character, private-use positions included."""
    table: dict[bytes, str] = {}
    last_pua = 0
    for lead in range(0x81, 0xFF):
        for trail in (*range(0x40, 0x7F), *range(0x80, 0xFF)):
            pair = bytes((lead, trail))
            try:
                table[pair] = pair.decode("gbk")
                continue
            except UnicodeDecodeError:
                pass
            try:
                ch = pair.decode("gb18030")
            except UnicodeDecodeError:
                continue
            if _is_pua(ch):
                last_pua = ord(ch)
            elif last_pua:
                # A position GB18030-2005 moved out of the private-use area: CP936 (and
                # GB18030-2000) keep the sequential private-use code it had.
                last_pua += 1
                ch = chr(last_pua)
            table[pair] = ch
    return table


@lru_cache(maxsize=1)
def cp936_chars() -> dict[str, bytes]:
    inverse = {ch: pair for pair, ch in cp936_pairs().items()}
    for pair, ch in cp936_pairs().items():
        if _is_pua(ch):  # a GB18030-2005 decoder shows these positions as real characters
            try:
                inverse.setdefault(pair.decode("gb18030"), pair)
            except UnicodeDecodeError:
                continue
    inverse["€"] = b"\x80"
    return inverse


@lru_cache(maxsize=1)
def latin_chars() -> dict[str, int]:
    """windows-1252 as WHATWG defines it, plus ISO-8859-1 C1 controls (the union of both)."""
    table = {chr(b): b for b in range(0x80, 0x100)}
    for b in range(0x80, 0xA0):
        try:
            table[bytes([b]).decode("cp1252")] = b
        except UnicodeDecodeError:
            pass
    return table


@lru_cache(maxsize=1)
def _latin_decode_table() -> dict[int, str]:
    """C1 positions that windows-1252 defines, for str.translate after a latin-1 decode."""
    return {b: ch for ch, b in latin_chars().items() if b < 0xA0 and ord(ch) != b}


@lru_cache(maxsize=1)
def _latin_encode_table() -> dict[int, int]:
    return {ord(ch): b for ch, b in latin_chars().items() if ord(ch) != b}


@lru_cache(maxsize=2)
def single_byte_run(codec: str) -> re.Pattern[str]:
    """Runs of characters a single-byte codec can encode (ASCII included)."""
    if codec == "latin":
        chars = set(latin_chars())
    else:
        chars = {bytes([b]).decode(codec) for b in range(0x80, 0x100)}
    return re.compile("[\t\n\r\x20-\x7e" + "".join(sorted(re.escape(c) for c in chars)) + "]+")


def _encode_char(ch: str, codec: str) -> bytes | None:
    if ch.isascii():
        return ch.encode("ascii")
    if codec == "utf8mix":
        # what a lenient UTF-8 decoder shows: a byte it could not read as its Latin-1/cp1252
        # character (C1 controls included), a valid two-byte sequence as its character
        # (GBK 一 = D2 BB shows as Cyrillic һ U+04BB). Ambiguous where a valid sequence shows as
        # a Latin-1 letter (好工 = BA C3 B9 A4: C3 B9 is "ù"): such a span is left as it is
        code = latin_chars().get(ch)
        if code is not None:
            return bytes([code])
        # three-byte sequences only outside the ranges Chinese text itself uses (punctuation,
        # CJK, private use): 办公 = B0 EC B9 AB shows as "°칫" (Hangul U+CE6B)
        return ch.encode("utf-8") if ("\u0100" <= ch <= "\u1fff" or "\ua000" <= ch <= "\ud7ff") else None
    if codec == "cp936":
        return cp936_chars().get(ch)
    if codec == "latin":
        code = latin_chars().get(ch)
        return None if code is None else bytes([code])
    name = "cp950" if codec == "big5" else codec
    for candidate in (name, "big5"):
        try:
            return ch.encode(candidate)
        except UnicodeEncodeError:
            continue
    return None


FAST = {"cp936": "gbk", "big5": "cp950", "latin": "latin-1", "mac_roman": "mac_roman"}


def _encode_fast(text: str, codec: str) -> bytes | None:
    """The C codec's answer where it equals ours (why: per-character lookups are ~50x slower)."""
    if codec not in FAST:
        return None
    try:
        if codec == "latin":  # cp1252 specials first become their byte (as a latin-1 char)
            text = text.translate(_latin_encode_table())
        return text.encode(FAST[codec])
    except UnicodeEncodeError:
        return None


def _encode_chars(text: str, codec: str) -> list[bytes] | None:
    """Each character's bytes, one lookup at a time; None if a character has no code."""
    chunks = []
    for ch in text:
        raw = _encode_char(ch, codec)
        if raw is None:
            return None
        chunks.append(raw)
    return chunks


def encode(text: str, codec: str) -> bytes | None:
    """encode_run's bytes without the offsets, which most callers never read (why: for a
    double-byte codec they cost a Python step per character, more than the C codec's encoding
    of a 45 000-character line of HTML)."""
    if (fast := _encode_fast(text, codec)) is not None:
        return fast
    chunks = _encode_chars(text, codec)
    return None if chunks is None else b"".join(chunks)


def encode_run(text: str, codec: str) -> tuple[bytes, list[int]] | None:
    """Bytes of `text` under `codec` and the byte offset where each character starts
    (one extra entry for the end); None if a character has no code."""
    fast = _encode_fast(text, codec)
    if fast is not None:
        if codec in SINGLE_BYTE:
            return fast, list(range(len(text) + 1))
        return fast, list(accumulate((1 if ch < "\x80" else 2 for ch in text), initial=0))
    chunks = _encode_chars(text, codec)
    if chunks is None:
        return None
    return b"".join(chunks), list(accumulate(map(len, chunks), initial=0))


def encodable(ch: str, codec: str) -> bool:
    return _encode_char(ch, codec) is not None


def decode_cp936(raw: bytes) -> str | None:
    pairs = cp936_pairs()
    out = []
    i = 0
    while i < len(raw):
        b = raw[i]
        if b < 0x80:
            out.append(chr(b))
            i += 1
        elif b == 0x80:
            out.append("€")
            i += 1
        elif (ch := pairs.get(raw[i : i + 2])) is not None:
            out.append(ch)
            i += 2
        else:
            return None
    return "".join(out)


def decode_strict(raw: bytes, codec: str) -> str | None:
    """Strict decode; None when the bytes are not valid in `codec`."""
    if codec == "cp936":
        return decode_cp936(raw)
    if codec == "latin":
        return raw.decode("latin-1").translate(_latin_decode_table())
    try:
        return raw.decode("cp950" if codec == "big5" else codec)
    except UnicodeDecodeError:
        return None


__all__ = ["decode_strict", "encodable", "encode", "encode_run"]
