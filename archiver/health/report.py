"""``archiver health [SITE]``: each section's latest figures, their trend, the open alarms.

Reads the ``run_figures`` and ``alarms`` tables (written by archiver.health.monitor); the
command only renders what this returns.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from archiver.health.figures import SectionFigures

BARS = "▁▂▃▄▅▆▇█"
# (label, how to read the figure from a SectionFigures, fixed 0..1 scale?)
TRENDS: list[tuple[str, str, bool]] = [
    ("new", "count:new", False), ("date", "share:date", True), ("source", "share:source", True),
    ("body", "level:body_median", False), ("links", "level:links_per_listing", False),
    ("non-article", "share:non_article", True), ("challenge", "share:challenge", True),
]
HEADERS = ["site", "section", "runs", "last run", "new", "date", "source", "body", "links",
           "non-article", "encoding", "since new", "open alarms"]


def sparkline(values: Sequence[float | None], lo: float | None = None,
              hi: float | None = None) -> str:
    """One character per value, ▁ (lowest) to █ (highest); a run without the figure is "·"."""
    known = [v for v in values if v is not None]
    if not known:
        return "·" * len(values)
    lo = min(known) if lo is None else lo
    hi = max(known) if hi is None else hi
    span = hi - lo
    out = []
    for v in values:
        if v is None:
            out.append("·")
        elif span <= 0:
            out.append(BARS[len(BARS) // 2])
        else:
            out.append(BARS[min(len(BARS) - 1, max(0, int((v - lo) / span * (len(BARS) - 1) + 0.5)))])
    return "".join(out)


def read(fig: SectionFigures, key: str) -> float | None:
    kind, _, name = key.partition(":")
    if kind == "count":
        return float(fig.counts.get(name, 0))
    if kind == "share":
        return fig.share(name)
    return fig.levels.get(name)


def _age(hours: float | None) -> str:
    if hours is None:
        return "—"
    return f"{hours:.0f}h" if hours < 48 else f"{hours / 24:.0f}d"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


@dataclass(frozen=True)
class SectionHealth:
    site: str
    section: str
    runs: list[tuple[int, str]]          # (run id, run status), oldest first
    figures: list[SectionFigures]
    open_alarms: int

    def row(self) -> list[Any]:
        last = self.figures[-1]
        enc = last.mixes.get("encoding") or {}
        body = last.levels.get("body_median")
        links = last.levels.get("links_per_listing")
        return [self.site, self.section, len(self.runs), f"#{self.runs[-1][0]} {self.runs[-1][1]}",
                last.counts.get("new", 0), _pct(last.share("date")), _pct(last.share("source")),
                "—" if body is None else f"{body:.0f}", "—" if links is None else f"{links:.1f}",
                _pct(last.share("non_article")),
                max(enc, key=lambda k: enc[k]) if enc else "—", _age(last.levels.get("since_new_hours")),
                self.open_alarms or ""]

    def trends(self) -> list[tuple[str, str]]:
        out = []
        for label, key, unit in TRENDS:
            values = [read(f, key) for f in self.figures]
            out.append((label, sparkline(values, 0.0 if unit else None, 1.0 if unit else None)))
        return out


@dataclass(frozen=True)
class HealthReport:
    sections: list[SectionHealth]
    alarms: list[dict[str, Any]]

    @property
    def headers(self) -> list[str]:
        return HEADERS

    def rows(self) -> list[list[Any]]:
        return [s.row() for s in self.sections]


def health_report(db: Database, site: str | None = None, last: int = 20) -> HealthReport:
    """The latest ``last`` runs' figures of every section (of ``site``), and the open alarms."""
    where, params = ("WHERE f.site = ?", [site]) if site else ("", [])
    rows = db.execute_returning_dicts(
        "SELECT f.run_id, f.site, f.section, f.at, f.figures, r.status FROM run_figures f"
        f" JOIN runs r ON r.id = f.run_id {where} ORDER BY f.site, f.section, f.run_id", params)
    alarms = db.execute_returning_dicts(
        "SELECT id, run_id, site, section, figure, value, band, examples, message, raised_at"
        " FROM alarms WHERE status = 'open'" + (" AND site = ?" if site else "")
        + " ORDER BY site, section, id", params)
    for a in alarms:
        a["examples"] = json.loads(a["examples"] or "[]")
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        grouped.setdefault((r["site"], r["section"]), []).append(r)
    sections = []
    for (s, name), items in grouped.items():
        items = items[-last:]
        figs = [SectionFigures.from_json(s, name, r["at"], json.loads(r["figures"])) for r in items]
        open_here = sum(1 for a in alarms if a["site"] == s and a["section"] == name)
        sections.append(SectionHealth(s, name, [(r["run_id"], r["status"]) for r in items], figs,
                                      open_here))
    return HealthReport(sections, alarms)
