"""Report types for mojibake repair: every change is explained and can be replayed."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Change:
    """One repaired span. ``start``/``end`` index the text the step was applied to."""

    start: int
    end: int
    before: str
    after: str
    kind: str
    confidence: float


@dataclass(frozen=True)
class RepairReport:
    text: str
    changed: bool
    kinds: list[str] = field(default_factory=list)
    lost: int = 0
    changes: list[Change] = field(default_factory=list)

    def to_dict(self, include_text: bool = False) -> dict[str, Any]:
        data = asdict(self)
        if not include_text:
            data.pop("text")
        return data
