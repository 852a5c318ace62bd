"""CP936 as PHP mbstring and Windows do it, which Python's ``gbk`` codec is not.

Mirror sites decode GBK bytes with PHP ``mb_convert_encoding(..., 'CP936')``. Its fingerprints
are what we must invert byte for byte: user-defined areas decode to private-use code points
(AEDF -> U+E1B6), A8BF -> U+E7C8 (GB18030-2005 says U+01F9), 0x80 is the euro sign, and an
invalid pair becomes one '?' that swallows the next byte, even an ASCII one. Python's codecs
keep that ASCII byte, so the table is hand-assembled here from ``gbk`` plus the PUA rules.
"""
from __future__ import annotations

from functools import lru_cache

SUBSTITUTE = "?"
_EURO = "\u20ac"
# Windows/PHP map these two pairs to the PUA; Python's gb18030 (2005) gives real letters.
_PUA_OVERRIDES = {b"\xa8\xbf": "\ue7c8", b"\xa8\xbc": "\ue7c7"}


def _decode_pair(pair: bytes) -> str | None:
    lead, trail = pair
    if ((0xAA <= lead <= 0xAF) or (0xF8 <= lead <= 0xFE)) and trail >= 0xA1:
        # mbstring computes user-defined areas 1 and 2 arithmetically (U+E000..U+E4C5)
        return chr(0xE000 + 94 * (lead - 0xF2 if lead >= 0xF8 else lead - 0xAA) + trail - 0xA1)
    if 0xA1 <= lead <= 0xA7 and trail < 0xA1:
        # user-defined area 3 (U+E4C6..U+E765)
        return chr(0xE4C6 + 96 * (lead - 0xA1) + trail - (0x41 if trail >= 0x80 else 0x40))
    if pair in _PUA_OVERRIDES:
        return _PUA_OVERRIDES[pair]
    try:
        return pair.decode("gbk")
    except UnicodeDecodeError:
        pass
    try:
        text = pair.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return text if len(text) == 1 and 0xE000 <= ord(text) <= 0xF8FF else None


@lru_cache(maxsize=1)
def decode_table() -> dict[int, str]:
    """Two-byte code (lead << 8 | trail) -> character, for every pair CP936 maps."""
    table: dict[int, str] = {}
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            if trail == 0x7F:
                continue
            char = _decode_pair(bytes((lead, trail)))
            if char is not None:
                table[lead << 8 | trail] = char
    return table


@lru_cache(maxsize=1)
def encode_table() -> dict[str, bytes]:
    """Character -> CP936 bytes; the first code wins where two codes share a character."""
    table: dict[str, bytes] = {_EURO: b"\x80"}
    for code, char in decode_table().items():
        table.setdefault(char, bytes((code >> 8, code & 0xFF)))
    return table


def encode_char(char: str) -> bytes | None:
    """CP936 bytes of one character, or None when CP936 has no code for it."""
    if ord(char) < 0x80:
        return char.encode("ascii")
    return encode_table().get(char)


def encode(text: str, errors: str = "strict") -> bytes:
    """Encode like mbstring: unmappable characters raise, or become '?' with errors='replace'."""
    out = bytearray()
    for char in text:
        code = encode_char(char)
        if code is None:
            if errors != "replace":
                raise UnicodeEncodeError("cp936-mbstring", text, 0, len(text), f"no code for {char!r}")
            code = SUBSTITUTE.encode()
        out += code
    return bytes(out)


def decode(data: bytes) -> str:
    """Decode like PHP 8 ``mb_convert_encoding($s, 'UTF-8', 'CP936')``.

    An invalid pair yields one '?' and consumes both bytes, so the ASCII byte after an orphan
    lead byte is lost: that is the mechanism behind the seed's ``日?qǐng)?bào)``.
    """
    table = decode_table()
    out: list[str] = []
    i, size = 0, len(data)
    while i < size:
        byte = data[i]
        if byte < 0x80:
            out.append(chr(byte))
            i += 1
        elif byte == 0x80:
            out.append(_EURO)
            i += 1
        elif byte == 0xFF:
            out.append("\uf8f5")
            i += 1
        elif i + 1 >= size:
            out.append(SUBSTITUTE)
            i += 1
        else:
            out.append(table.get(byte << 8 | data[i + 1], SUBSTITUTE))
            i += 2
    return "".join(out)
