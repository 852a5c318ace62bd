"""The live progress block (rich Live): log records land above it and stay; no stale lines."""
from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator

import pytest

from archiver.crawl.live import LiveBlock

_CONTROL = re.compile(r"\x1b\[(\??)(\d*)([A-Za-z])|\r|\n|[^\x1b\r\n]+")


def screen(output: str) -> list[str]:
    """What a terminal shows after ``output``: lines, cursor up, erase line, carriage return."""
    lines, row, col = [""], 0, 0
    for m in _CONTROL.finditer(output):
        token = m.group()
        if token == "\n":
            row, col = row + 1, 0
            if row == len(lines):
                lines.append("")
        elif token == "\r":
            col = 0
        elif m.group(3) == "A":
            row = max(0, row - int(m.group(2) or 1))
        elif m.group(3) == "K" and m.group(2) == "2":
            lines[row] = ""
        elif not token.startswith("\x1b"):
            lines[row] = lines[row][:col] + token + lines[row][col + len(token):]
            col += len(token)
    return [line for line in lines if line]


@pytest.fixture
def terminal() -> Iterator[io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    yield out
    root.removeHandler(handler)


def test_progress_warnings_stay_above_the_live_block(terminal: io.StringIO) -> None:
    block = LiveBlock(terminal, force_terminal=True)
    block.start()
    block.update(["site/a: new=1", "site/b: new=1", "site/c: new=1"])
    logging.getLogger("archiver.test").warning("blocked: http://x/1")
    block.update(["site/a: new=2", "site/b: new=2", "site/c: new=2"])
    logging.getLogger("archiver.test").warning("blocked: http://x/2")
    block.update(["site/a: new=3"])  # the block shrinks: nothing of the old one may stay
    block.stop()
    assert screen(terminal.getvalue()) == ["WARNING blocked: http://x/1", "WARNING blocked: http://x/2",
                                           "site/a: new=3"]


def test_progress_live_block_gives_the_log_handlers_back(terminal: io.StringIO) -> None:
    before = list(logging.getLogger().handlers)
    block = LiveBlock(terminal, force_terminal=True)
    block.start()
    assert logging.getLogger().handlers != before
    block.stop()
    assert logging.getLogger().handlers == before
    logging.getLogger("archiver.test").warning("after")
    assert terminal.getvalue().endswith("WARNING after\n")
