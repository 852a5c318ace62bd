"""Mojibake repair: ``repair(text) -> RepairReport`` (see compose.py for the stage order)."""
from archiver.mojibake.compose import repair
from archiver.mojibake.report import Change, RepairReport

__all__ = ["Change", "RepairReport", "repair"]
