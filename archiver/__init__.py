"""Archiver for Chinese government news sites.

Public API: ``decode``, ``repair``, ``extract``, ``Article`` and ``Archive``.
They are resolved lazily so that ``import archiver`` stays cheap (the CLI's
``--help`` and Scrapy's settings import this package).
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "decode": "archiver.encoding",
    "DecodeReport": "archiver.encoding",
    "repair": "archiver.mojibake",
    "RepairReport": "archiver.mojibake",
    "extract": "archiver.process",
    "Article": "archiver.extraction",
    "Archive": "archiver.store.reader",
}

__all__ = ["__version__", *_EXPORTS]  # noqa: PLE0604 - the lazy export table's keys are strings


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'archiver' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
