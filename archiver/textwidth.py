"""How wide text is on a terminal: a CJK character takes two columns, and a cut respects that.

Shared by the terminal tables and the search snippets, which are cut to the column they fill."""
from __future__ import annotations

import unicodedata

ELLIPSIS = "…"


def width(text: str) -> int:
    """Display columns: East Asian wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` columns, the cut marked with "…" (one column)."""
    if width(text) <= limit:
        return text
    out: list[str] = []
    used = 0
    for char in text:
        w = width(char)
        if used + w > limit - 1:
            break
        out.append(char)
        used += w
    return "".join(out) + ELLIPSIS
