"""Keep undecodable bytes in decoded text, recoverably, as private-use characters.

Byte 0xNN that no reading can decode becomes U+F7NN. Python's own scheme,
errors="surrogateescape" (PEP 383), yields lone surrogates, and those break the
next stages: lxml silently cuts the text at the first one, parsel and sqlite3
raise on them. U+F700..U+F7FF are valid everywhere, and none of the CJK codecs
we decode with (gb18030, big5, cp950, big5hkscs) produces them, so the mapping
reverses exactly unless a UTF-8 page itself contains those code points.
"""
from __future__ import annotations

import re

ESCAPE_BASE = 0xF700
_ESCAPED = re.compile("[\uf700-\uf7ff]")
# surrogateescape output (U+DC80..U+DCFF, bytes >= 0x80) -> U+F780..U+F7FF
_TO_PUA = {0xDC00 + b: ESCAPE_BASE + b for b in range(0x80, 0x100)}
# back: high bytes to the surrogates surrogateescape encodes, low bytes to ASCII
_FROM_PUA = {ESCAPE_BASE + b: (0xDC00 + b if b >= 0x80 else b) for b in range(0x100)}


def escape_bytes(raw: bytes) -> str:
    """Each byte as its escape character (for a truncated tail)."""
    return "".join(chr(ESCAPE_BASE + b) for b in raw)


def escape_decode(body: bytes, codec: str) -> str:
    """`body` decoded under `codec`, undecodable bytes escaped. May raise
    UnicodeDecodeError when an undecodable byte is ASCII (surrogateescape's rule)."""
    return body.decode(codec, errors="surrogateescape").translate(_TO_PUA)


def recover_bytes(text: str, codec: str) -> bytes:
    """The bytes `text` was decoded from (inverse of escape_decode, and of decode()
    for the sources that keep every byte: header, meta, detected, fallback)."""
    return text.translate(_FROM_PUA).encode(codec, errors="surrogateescape")


def count_escapes(text: str) -> int:
    return len(_ESCAPED.findall(text))
