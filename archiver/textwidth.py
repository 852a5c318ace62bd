"""How wide text is on a terminal: a CJK character takes two columns, and a cut respects that.

Search snippets are cut to the column they fill in a table; the measure is rich's, the one the
terminal tables (archiver.cli.table) lay out with, so the two always agree."""
from __future__ import annotations

from rich.cells import cell_len

ELLIPSIS = "…"


def width(text: str) -> int:
    """Display columns: East Asian wide and full-width characters count two."""
    return cell_len(text)


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
