"""The ``archiver`` command line: click commands (crawling.py, reading.py) over the library.

``cli`` is resolved lazily so that importing a helper module of this package (options, table)
does not register every command and import the whole crawl stack."""
from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "cli":
        from archiver.cli.main import cli

        return cli
    raise AttributeError(f"module 'archiver.cli' has no attribute {name!r}")
