"""Simulated run figures of a site section with natural variation, on a clock we control.

The drift alarm must stay quiet over many ordinary runs (a few articles a day, the odd
page without a source, a quiet weekend) and speak on the first run after a change. Real
crawls are slow, so the many ordinary runs are simulated here as ``SectionFigures`` and fed
to ``archiver.health.alarms.judge_section`` directly; tests crawl for real only a few times.
Deterministic for a given seed.
"""
from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from archiver.health.alarms import Alarm, judge_section
from archiver.health.baseline import HISTORY_RUNS, usual_gap
from archiver.health.figures import Outcome, Record, SectionFigures, section_figures

START = dt.datetime(2025, 3, 3, 6, 0, tzinfo=dt.UTC)  # a Monday
RUN_EVERY = dt.timedelta(hours=6)
# The changes the simulation can apply (the demo site's switches, as figures see them).
CHANGES = ("date_moved", "body_renamed", "links_changed", "charset_changed", "section_moved",
           "challenge", "silent")


@dataclass
class SiteHabits:
    """How one section of one site looks when nothing is wrong."""

    per_day: float = 2.0           # articles a weekday (none at weekends)
    date: float = 0.99             # share of pages with a date
    source: float = 0.9            # 0.0: a site that never shows 来源
    author: float = 0.3
    date_meta: float = 0.8         # the rest of the dates come from the metadata line
    body_log_mean: float = 6.5     # ~660 characters
    body_log_sd: float = 0.5
    repaired: float = 0.05
    non_article: float = 0.02
    errors: float = 0.01
    gbk: float = 1.0               # share of pages decoded as gb18030 (the rest utf-8)
    per_page: int = 20             # links on a listing page
    backfill: int = 50             # records of the first run


@dataclass
class Simulation:
    """One section run after run; ``change`` switches a template change on from now on."""

    habits: SiteHabits = field(default_factory=SiteHabits)
    seed: int = 0
    site: str = "sim"
    section: str = "要闻"
    changes: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.clock = START
        self.serial = 0
        self.published: list[str] = []
        self.history: list[SectionFigures] = []
        self.last_new: dt.datetime | None = None
        self.runs = 0

    def _poisson(self, lam: float) -> int:
        # Knuth's method: fine for the small rates of a section's day.
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= self.rng.random()
            if p <= limit:
                return k
            k += 1

    def _record(self, day: dt.date) -> Record:
        r, h, ch = self.rng, self.habits, self.changes
        self.serial += 1
        url = f"http://sim.gov.cn/zwyw/{day:%Y%m}/t{day:%Y%m%d}_{self.serial}.html"
        if "links_changed" in ch:
            url = f"http://sim.gov.cn/zwyw/content/{self.serial}.shtml"
        has_date = r.random() < h.date
        date_rule = "meta:pubdate" if r.random() < h.date_meta else "metaline:发布时间"
        if "date_moved" in ch:
            date_rule = "url:trs"
        length = max(20, int(math.exp(r.gauss(h.body_log_mean, h.body_log_sd))))
        body_rule = "container:TRS_Editor" if r.random() < 0.99 else "density"
        if "body_renamed" in ch:  # the extractor falls back to reading the densest block
            body_rule, length = "density", length // 2
        enc = "gb18030" if r.random() < h.gbk else "utf-8"
        if "charset_changed" in ch:
            enc = "utf-8"
        return Record(url, title="标题", published_at=day.isoformat() if has_date else None,
                      source="来源" if r.random() < h.source else None,
                      author="作者" if r.random() < h.author else None, body_length=length,
                      flags=("repaired",) if r.random() < h.repaired else (), encoding=enc,
                      provenance={"title": "meta:articletitle", "published_at": date_rule,
                                  "body": body_rule, "source": "metaline:来源"})

    def _new_records(self) -> list[Record]:
        if self.runs == 0:  # the backfill: the section's last pages, published as it publishes
            out: list[Record] = []
            day = self.clock.date()
            while len(out) < self.habits.backfill:
                day -= dt.timedelta(days=1)
                if day.weekday() < 5:
                    out += [self._record(day) for _ in range(self._poisson(self.habits.per_day))]
            return out[:self.habits.backfill]
        if "silent" in self.changes:
            return []
        out = []
        # Articles appear during working hours of weekdays: the 6 hours before this run.
        day = (self.clock - RUN_EVERY).date()
        if day.weekday() < 5:
            out = [self._record(day) for _ in range(self._poisson(self.habits.per_day / 4))]
        return out

    def step(self) -> tuple[SectionFigures, list[Alarm]]:
        """One run: its figures, judged against the history so far (then added to it if clean)."""
        r, h, ch = self.rng, self.habits, self.changes
        records = self._new_records()
        outcomes = []
        for rec in records:
            kind = "new"
            if "challenge" in ch:
                kind = "blocked: 加速乐 JS cookie challenge"
            elif r.random() < h.non_article:
                kind = "not_article: a listing page"
            elif r.random() < h.errors:
                outcomes.append(Outcome(rec.url, "failed", "HTTP 500"))
                continue
            outcomes.append(Outcome(rec.url, "done" if kind == "new" else "failed", kind))
        stored = [rec for rec, o in zip(records, outcomes, strict=False) if o.reason == "new"]
        listings = max(1, len(records) // h.per_page + 1) if self.runs == 0 else 1
        links = h.per_page * listings - r.randint(0, 3) if "links_gone" not in ch else 0
        counts = {"listings": listings, "links": links, "articles": len(records),
                  "new": len(stored)}
        fig = section_figures(self.site, self.section, self.clock.isoformat(), stored, outcomes,
                              counts, start_url="http://sim.gov.cn/zwyw/index.html",
                              moved_to="http://sim.gov.cn/xwzx/zwyw/index.html"
                              if "section_moved" in ch else None)
        self.published += [rec.published_at for rec in stored if rec.published_at]
        silent_for = 0.0 if stored else (
            (self.clock - self.last_new).total_seconds() if self.last_new else None)
        alarms = judge_section(fig, self.history[-HISTORY_RUNS:], silent_for=silent_for,
                               gap=usual_gap(sorted(self.published)[-60:]))
        if stored:
            self.last_new = self.clock
        if not alarms:
            self.history.append(fig)
        self.runs += 1
        self.clock += RUN_EVERY
        return fig, alarms

    def run(self, n: int) -> Iterator[tuple[SectionFigures, list[Alarm]]]:
        for _ in range(n):
            yield self.step()
