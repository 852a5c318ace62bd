"""Check a finished run: its figures per section, judged against the site's history.

The only impure part of archiver.health: it reads what the run left in the archive (the
``runs`` row with its per-section counts, the articles stored, the frontier rows of the
run's requests) and writes figures and alarms through ArchiveWriter. Everything is read from
the archive rather than from the crawler, so a check needs no Scrapy and can be re-run.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from sqlite_utils import Database

from archiver.health.alarms import Alarm, judge_section
from archiver.health.baseline import HISTORY_RUNS, usual_gap
from archiver.health.figures import Outcome, Record, SectionFigures, section_figures
from archiver.store.writer import ArchiveWriter

log = logging.getLogger(__name__)

PUBLISHED_KEPT = 60      # publication dates read for a section's usual interval
GOOD = ("ok", "partial", "degraded")  # a degraded run is good for the sections it did not alarm in
# Records (and article requests) judged per section of one run. A backfill stores 100,000
# pages in a run; a uniform sample of this many judges its shares and mixes as well (the
# bands are binomial in the sample's n) and keeps the check's memory flat.
JUDGED_PER_SECTION = 5_000
T = TypeVar("T")


@dataclass(frozen=True)
class RunCheck:
    run_id: int
    site: str
    status: str
    alarms: list[Alarm] = field(default_factory=list)
    figures: list[SectionFigures] = field(default_factory=list)


def _parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _sample(rows: Iterable[Any], make: Callable[[Any], T], seed: int,
            cap: int = JUDGED_PER_SECTION) -> list[T]:
    """A uniform sample of at most ``cap`` items, read from a cursor (reservoir sampling,
    seeded by the run so a re-check judges the same sample), in row order."""
    rng = random.Random(seed)
    kept: list[tuple[int, T]] = []
    for n, row in enumerate(rows, 1):
        if n <= cap:
            kept.append((n, make(row)))
        elif (j := rng.randrange(n)) < cap:
            kept[j] = (n, make(row))
    return [item for _, item in sorted(kept, key=lambda p: p[0])]


# One section at a time: a backfill's sections together hold every record of the run.
_RUN_ARTICLES = ("FROM articles a JOIN pages p ON p.id = a.page_id"
                 " WHERE p.run_id = ? AND a.site = ?")
_RUN_REQUESTS = "FROM frontier WHERE site = ? AND run_id = ? AND kind = 'article'"


def _records(db: Database, run_id: int, site: str, section: str) -> list[Record]:
    """The articles of ``section`` whose stored page this run wrote (a sample of a big run)."""
    rows = db.query(
        "SELECT a.url, a.title, a.published_at, a.source, a.author,"
        " length(a.body) AS body_length, a.flags, a.encoding, a.provenance"
        f" {_RUN_ARTICLES} AND coalesce(a.section, '') = ? ORDER BY a.id", [run_id, site, section])
    return _sample(rows, lambda r: Record(
        r["url"], r["title"], r["published_at"], r["source"], r["author"],
        int(r["body_length"] or 0), tuple(json.loads(r["flags"] or "[]")), r["encoding"],
        json.loads(r["provenance"] or "{}")), run_id)


def _outcomes(db: Database, run_id: int, site: str, section: str) -> list[Outcome]:
    """What became of the section's article requests in this run (a sample of a big run)."""
    return _sample(db.query(f"SELECT url, status, reason {_RUN_REQUESTS}"
                            " AND coalesce(section, '') = ? ORDER BY id", [site, run_id, section]),
                   lambda r: Outcome(r["url"], r["status"], r["reason"]), run_id)


def _starts(db: Database, run_id: int, site: str) -> tuple[dict[str, str], dict[str, str]]:
    """(start URL by section, new address by moved section)."""
    starts: dict[str, str] = {}
    moved: dict[str, str] = {}
    for r in db.query("SELECT url, section, reason FROM frontier WHERE site = ? AND run_id = ?"
                      " AND kind != 'article' AND coalesce(page, 1) = 1 ORDER BY id", [site, run_id]):
        section = r["section"] or ""
        starts.setdefault(section, r["url"])
        if (r["reason"] or "").startswith("moved: "):
            moved[section] = r["reason"][len("moved: "):]
    return starts, moved


def collect(db: Database, run_id: int) -> list[SectionFigures]:
    """The figures of every section of run ``run_id``."""
    run = db.execute_returning_dicts("SELECT * FROM runs WHERE id = ?", [run_id])
    if not run:
        return []
    site, at = run[0]["site"], run[0]["started"] or ""
    counts: dict[str, dict[str, int]] = json.loads(run[0]["sections"] or "{}")
    starts, moved = _starts(db, run_id, site)
    names = set(counts) | {r[0] or "" for r in db.execute(
        f"SELECT DISTINCT a.section {_RUN_ARTICLES}", [run_id, site])} | {r[0] or "" for r in db.execute(
        f"SELECT DISTINCT section {_RUN_REQUESTS}", [site, run_id])}
    return [section_figures(site, name, at, _records(db, run_id, site, name),
                            _outcomes(db, run_id, site, name), counts.get(name, {}),
                            moved_to=moved.get(name), start_url=starts.get(name))
            for name in sorted(names)]


def history(db: Database, site: str, section: str, before: int,
            limit: int = HISTORY_RUNS) -> list[SectionFigures]:
    """The section's figures in the site's last good runs before ``before``, oldest first.
    A run that raised an alarm in this section is not part of the band it broke, unless a
    person accepted the alarm (``archiver accept``): then the baseline starts again at that
    run, so the accepted template is the new normal and the old one no longer counts."""
    rows = db.execute_returning_dicts(
        "SELECT f.site, f.section, f.at, f.figures FROM run_figures f JOIN runs r ON r.id = f.run_id"
        " WHERE f.site = ? AND f.section = ? AND f.run_id < ? AND r.status IN"
        f" ({', '.join('?' * len(GOOD))}) AND NOT EXISTS (SELECT 1 FROM alarms a"
        " WHERE a.run_id = f.run_id AND a.section = f.section AND a.status != 'accepted')"
        " AND f.run_id >= coalesce((SELECT max(a.run_id) FROM alarms a WHERE a.site = f.site"
        " AND a.section = f.section AND a.status = 'accepted'), 0)"
        " ORDER BY f.run_id DESC LIMIT ?", [site, section, before, *GOOD, limit])
    return [SectionFigures.from_json(r["site"], r["section"], r["at"], json.loads(r["figures"]))
            for r in reversed(rows)]


def _last_new(db: Database, site: str, section: str, before: int) -> str | None:
    """When a run of the site last found a new article in the section (its start time)."""
    for r in db.execute_returning_dicts(
            "SELECT at, figures FROM run_figures WHERE site = ? AND section = ? AND run_id < ?"
            " ORDER BY run_id DESC", [site, section, before]):
        if json.loads(r["figures"]).get("counts", {}).get("new"):
            return str(r["at"])
    return None


def _published(db: Database, site: str, section: str) -> list[str]:
    return [r[0] for r in db.execute(
        "SELECT published_at FROM articles WHERE site = ? AND section = ? AND published_at"
        " IS NOT NULL ORDER BY published_at DESC LIMIT ?", [site, section, PUBLISHED_KEPT])]


def silence(db: Database, now: SectionFigures, before: int,
            clock: dt.datetime | None = None) -> tuple[float | None, float | None]:
    """(seconds since a run last found a new article here, the usual publication gap)."""
    if now.counts.get("new"):
        return 0.0, None
    last = _parse_time(_last_new(db, now.site, now.section, before))
    when = clock or _parse_time(now.at)
    if last is None or when is None:
        return None, None
    return (when - last).total_seconds(), usual_gap(_published(db, now.site, now.section))


def judge_run(db: Database, run_id: int, figures: Sequence[SectionFigures],
              clock: dt.datetime | None = None) -> tuple[list[Alarm], list[SectionFigures]]:
    """The run's alarms, and its figures with the time since a new article added."""
    alarms: list[Alarm] = []
    judged = []
    for fig in figures:
        past = history(db, fig.site, fig.section, run_id)
        silent_for, gap = silence(db, fig, run_id, clock)
        if silent_for is not None:
            fig = replace(fig, levels={**fig.levels, "since_new_hours": silent_for / 3600})
        judged.append(fig)
        found = judge_section(fig, past, silent_for=silent_for, gap=gap)
        alarms += [replace(a, run_id=run_id) for a in found]
    return alarms, judged


def check_run(db_or_path: Database | str, run_id: int,
              clock: dt.datetime | None = None) -> RunCheck:
    """Compute, judge and store run ``run_id``'s figures; return its alarms and status."""
    archive = ArchiveWriter(db_or_path)
    db = archive.db
    figures = collect(db, run_id)
    site_row = db.execute("SELECT site, status FROM runs WHERE id = ?", [run_id]).fetchone()
    if site_row is None:
        raise LookupError(f"no run {run_id}")
    alarms, figures = judge_run(db, run_id, figures, clock)
    status = archive.record_health(
        run_id, site_row[0],
        [(f.section, f.at, f.to_json(), {k: list(v) for k, v in f.examples.items()}) for f in figures],
        [a.to_dict() for a in alarms]) or site_row[1]
    for alarm in alarms:
        log.warning("alarm: %s; e.g. %s", alarm.message, ", ".join(alarm.examples) or "-")
    return RunCheck(run_id, site_row[0], status, alarms, list(figures))


def runs_since(db: Database, site: str, after: int) -> list[int]:
    return [r[0] for r in db.execute("SELECT id FROM runs WHERE site = ? AND id > ? ORDER BY id",
                                     [site, after])]


def last_run_id(db: Database) -> int:
    row = db.execute("SELECT max(id) FROM runs").fetchone()
    return int(row[0] or 0)


def alarm_rows(db: Database, site: str | None = None, open_only: bool = True) -> list[dict[str, Any]]:
    where = ["status = 'open'"] if open_only else []
    params: list[Any] = []
    if site:
        where.append("site = ?")
        params.append(site)
    sql = ("SELECT id, run_id, site, section, figure, value, band, examples, message, raised_at,"
           " status FROM alarms" + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY id DESC")
    return db.execute_returning_dicts(sql, params)
