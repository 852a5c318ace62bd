"""The live progress block of a crawl on a terminal: rich Live, with log records printed above it.

A block redrawn with cursor movements erases whatever was written over it: a WARNING logged
between two redraws vanished, and a block that shrank or wrapped left stale lines behind. rich
Live owns the bottom of the screen instead, and while it runs the stderr log handlers are
swapped for one that prints through Live's console, so each record lands above the block and
stays. The same records, formatted the same way; handlers that write to files are left alone.
"""
from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import IO

from rich.console import Console, Group
from rich.live import Live
from rich.text import Text


class AboveLive(logging.Handler):
    """Print log records through a rich console, above its live block when one is showing."""

    def __init__(self, console: Console, like: logging.Handler) -> None:
        super().__init__(like.level)
        self.console = console
        self.setFormatter(like.formatter)
        for log_filter in like.filters:
            self.addFilter(log_filter)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.console.print(Text(self.format(record)), soft_wrap=True)
        except Exception:  # noqa: BLE001 - logging must never raise
            self.handleError(record)


class LiveBlock:
    """Lines redrawn in place at the bottom of a terminal (``update``), between start and stop."""

    def __init__(self, stream: IO[str] | None = None, force_terminal: bool | None = None) -> None:
        self.console = Console(file=stream or sys.stderr, force_terminal=force_terminal,
                               highlight=False, emoji=False)
        self.live = Live(Text(""), console=self.console, auto_refresh=False,
                         redirect_stdout=False, redirect_stderr=False)
        self._swapped: list[tuple[logging.Handler, logging.Handler]] = []

    def start(self) -> None:
        self.live.start()
        handlers = logging.getLogger().handlers
        for index, handler in enumerate(handlers):
            if _writes_to_terminal(handler, self.console.file):
                handlers[index] = AboveLive(self.console, handler)  # in place: order kept
                self._swapped.append((handler, handlers[index]))

    def update(self, lines: Sequence[str]) -> None:
        """Show ``lines`` as the block; each is cut at the terminal's width, never wrapped."""
        block = Group(*(Text(line, no_wrap=True, overflow="ellipsis") for line in lines))
        self.live.update(block, refresh=True)

    def stop(self) -> None:
        """Leave the last block on screen and give the log handlers back."""
        self.live.stop()
        handlers = logging.getLogger().handlers
        for handler, above in self._swapped:
            if above in handlers:
                handlers[handlers.index(above)] = handler
        self._swapped.clear()


def _writes_to_terminal(handler: logging.Handler, stream: IO[str]) -> bool:
    return (type(handler) is logging.StreamHandler
            and getattr(handler, "stream", None) in (stream, sys.stderr, sys.__stderr__))
