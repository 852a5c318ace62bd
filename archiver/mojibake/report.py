"""Report types for mojibake repair: every change is explained and can be replayed."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Change:
    """One repaired span. ``start``/``end`` index the text that ``step`` was applied to:
    the changes of one step share a base text, and steps run in order (see replay())."""

    start: int
    end: int
    before: str
    after: str
    kind: str
    confidence: float
    step: int = 0


@dataclass(frozen=True)
class RepairReport:
    text: str
    changed: bool
    kinds: list[str] = field(default_factory=list)
    lost: int = 0
    changes: list[Change] = field(default_factory=list)

    def to_dict(self, include_text: bool = False) -> dict[str, Any]:
        # Not dataclasses.asdict: it deep-copies field by field, 1.5 s per 20,000 changes.
        data: dict[str, Any] = {"text": self.text} if include_text else {}
        return data | {"changed": self.changed, "kinds": list(self.kinds), "lost": self.lost,
                       "changes": [dict(vars(c)) for c in self.changes]}


def replay(text: str, changes: list[Change]) -> str:
    """Apply a report's changes to the original text again: the repair, explained.

    Raises ValueError when a change does not fit the text (a different original).
    """
    for step in sorted({c.step for c in changes}):
        out, pos = [], 0
        for change in sorted((c for c in changes if c.step == step), key=lambda c: (c.start, c.end)):
            if change.start < pos or text[change.start : change.end] != change.before:
                raise ValueError(f"change {change} does not apply to this text")
            out += [text[pos : change.start], change.after]
            pos = change.end
        text = "".join(out) + text[pos:]
    return text
