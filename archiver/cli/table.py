"""Terminal tables, laid out by rich: it measures a CJK character as two columns and cuts an
over-long cell with "…". Plain text (no colour, no frame) so that cron mail and pipes read it."""
from __future__ import annotations

from collections.abc import Sequence
from io import StringIO
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

# Headers, a rule of dashes under each, then the rows; no frame, no vertical lines.
PLAIN = box.Box("    \n    \n -  \n    \n    \n    \n    \n    \n", ascii=True)


def text_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], max_col: int = 40) -> str:
    """``rows`` under ``headers`` as aligned text; a cell wider than ``max_col`` columns is cut."""
    table = Table(box=PLAIN, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0), header_style="")
    for header in headers:
        table.add_column(Text(header), max_width=max_col, overflow="ellipsis", no_wrap=True)
    for row in rows:
        table.add_row(*(Text("" if v is None else str(v).replace("\n", " ")) for v in row))
    out = StringIO()
    Console(file=out, width=100_000, color_system=None, emoji=False, highlight=False).print(table)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines())
