"""UTF-8 of Chinese short of some continuation bytes, read leniently (see dropped.py).

Kept apart from dropped.py so that the span search (spans.py) can ask whether a span has
that shape without importing the reading built on top of it.
"""
from __future__ import annotations

from archiver.mojibake.charsets import encode

# the bytes cp1252 leaves undefined: a decoder run with errors="ignore" drops them
DROPPED_BYTES = frozenset(b"\x81\x8d\x8f\x90\x9d")


def _need(lead: int) -> int:
    return 1 if lead <= 0xDF else 2 if lead <= 0xEF else 3


def utf8_shaped(text: str) -> bool:
    """`text`, re-encoded as cp1252, is UTF-8 of Chinese short of some bytes (see signature).
    GBK or Big5 read as cp1252 mostly leads with B0–F7 and is not held to this."""
    enc = encode(text, "latin") if not text.isascii() else None
    if enc is None:
        return False
    read = read_lenient(enc)
    return read is not None and signature(enc, read[1], read[2])


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


def signature(raw: bytes, lost: int, whole: int) -> bool:
    """Whole and short UTF-8 sequences of Chinese text, at least two, one short: every lead
    byte is one Chinese text uses (C2/C3 for ·×, E2 for “”—…, E3 for 。、, E4–E9 for hanzi,
    EF for full-width forms) and two of them lead hanzi. Latin text does not encode to that
    (French "à côté" leads with C3 and F4 and has no E4–E9 at all)."""
    leads = [b for b in raw if b >= 0xC0]
    return (lost >= 1 and whole + lost >= 2 and all(b in _CHINESE_LEADS for b in leads)
            and sum(0xE4 <= b <= 0xE9 for b in leads) >= 2)


_CHINESE_LEADS = frozenset((0xC2, 0xC3, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEF))
