"""Plain-text tables that line up with Chinese text (wide characters take two columns)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from archiver.textwidth import clip, width

__all__ = ["clip", "render", "width"]


def render(headers: Sequence[str], rows: Sequence[Sequence[Any]], max_col: int = 40) -> str:
    cells = [[clip("" if v is None else str(v).replace("\n", " "), max_col) for v in row]
             for row in rows]
    widths = [max([width(h), *(width(r[i]) for r in cells)]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (w - width(v)) for v, w in zip(values, widths, strict=False)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in cells)])
