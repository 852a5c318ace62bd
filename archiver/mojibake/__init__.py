"""Mojibake repair: ``repair(text) -> RepairReport`` (see compose.py for the stage order);
``replay(original, report.changes)`` re-applies a stored repair."""
from archiver.mojibake.compose import repair
from archiver.mojibake.report import Change, RepairReport, replay

__all__ = ["Change", "RepairReport", "repair", "replay"]
