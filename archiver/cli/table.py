"""Plain-text tables that line up with Chinese text (wide characters take two columns)."""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any


def width(text: str) -> int:
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
    return "".join(out) + "…"


def render(headers: Sequence[str], rows: Sequence[Sequence[Any]], max_col: int = 40) -> str:
    cells = [[clip("" if v is None else str(v).replace("\n", " "), max_col) for v in row]
             for row in rows]
    widths = [max([width(h), *(width(r[i]) for r in cells)]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (w - width(v)) for v, w in zip(values, widths, strict=False)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in cells)])
