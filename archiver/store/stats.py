"""What is in the archive: counts per site, section, source and month, pages that
needed repair or carry flags, and a terminal bar chart of articles per month."""
from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlite_utils import Database

from archiver.store.search import Filters

_EMPTY_JSON = "('', '[]', '{}', 'null')"


@dataclass(frozen=True)
class Stats:
    total: int
    versions: int  # rows in ``versions``: > total when pages changed
    repaired: int  # mojibake repair applied
    lost: int  # characters destroyed beyond repair
    flagged: int
    spam: int  # injected spam removed
    sites: list[tuple[str, int]]
    sections: list[tuple[str, int]]  # "site/section"
    sources: list[tuple[str, int]]
    months: list[tuple[str, int]]  # "YYYY-MM", oldest first; "unknown" last
    # Per crawled section: what its listing states (expected), what is archived, whether the
    # last walk reached the end, and the requests left pending or failed (the holes).
    coverage: list[dict[str, Any]] = field(default_factory=list)
    holes: list[dict[str, Any]] = field(default_factory=list)  # the pending and failed requests

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _count(db: Database, where: str, clauses: list[str], params: list[Any]) -> int:
    sql = f"SELECT count(*) FROM articles WHERE {' AND '.join([*clauses, where])}"
    return int(db.execute(sql, params).fetchone()[0])


def _group(db: Database, expr: str, clauses: list[str], params: list[Any], order: str,
           limit: int | None = None) -> list[tuple[str, int]]:
    sql = (f"SELECT coalesce({expr}, '(none)') AS k, count(*) AS n FROM articles"
           f" WHERE {' AND '.join(clauses) or '1'} GROUP BY k ORDER BY {order}")
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [(str(k), int(n)) for k, n in db.execute(sql, params).fetchall()]


def compute_stats(db: Database, filters: Filters | None = None, *, top: int = 20) -> Stats:
    """Counts over the articles that match ``filters``; sources limited to the ``top`` most common."""
    clauses, params = (filters or Filters()).where()
    months = _group(db, "nullif(substr(published_at, 1, 7), '')", clauses, params, "k")
    months = [m for m in months if m[0] != "(none)"] + [("unknown", n) for k, n in months
                                                        if k == "(none)"]
    url_filter = f"url IN (SELECT url FROM articles WHERE {' AND '.join(clauses) or '1'})"
    return Stats(
        total=_count(db, "1", clauses, params),
        versions=int(db.execute(f"SELECT count(*) FROM versions WHERE {url_filter}",
                                params).fetchone()[0]),
        repaired=_count(db, f"coalesce(repair_kinds, '[]') NOT IN {_EMPTY_JSON}", clauses, params),
        lost=_count(db, "lost > 0", clauses, params),
        flagged=_count(db, f"coalesce(flags, '[]') NOT IN {_EMPTY_JSON}", clauses, params),
        spam=_count(db, f"coalesce(spam, '[]') NOT IN {_EMPTY_JSON}", clauses, params),
        sites=_group(db, "site", clauses, params, "n DESC, k"),
        sections=_group(db, "site || '/' || section", clauses, params, "n DESC, k"),
        sources=_group(db, "nullif(source, '')", clauses, params, "n DESC, k", top),
        months=months,
        **crawl_coverage(db, (filters or Filters()).site, (filters or Filters()).section),
    )


def section_coverage(db: Database, site: str | None = None, section: str | None = None, *,
                     names: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Per section: what its listing states (expected, expected_pages, source), how many of
    its articles are archived, whether its last walk reached the end (walked, cut), and the
    requests left pending or failed. The one query behind ``archiver stats`` and the
    coverage a run records when it ends.

    Without ``names``: every section a walk recorded, filtered by ``site``/``section``. With
    ``names``: exactly those sections of ``site``, in that order, recorded or not (a crawl's
    own sections, one of which may not have been reached)."""
    if names is not None:
        if not names:
            return []
        wanted = "VALUES " + ", ".join("(?, ?, ?)" for _ in names)
        wanted_params: list[Any] = [v for i, n in enumerate(names) for v in (i, site, n)]
    else:
        wanted, wanted_params = "SELECT 0, site, section FROM sections", []
    where, params = ["1"], list(wanted_params)
    for column, value in (("site", site), ("section", section)):
        if value:
            where.append(f"w.{column} = ?")
            params.append(value)
    return db.execute_returning_dicts(
        f"WITH wanted(pos, site, section) AS ({wanted})"
        " SELECT w.site, w.section, s.expected, s.expected_pages, s.expected_source AS source,"
        " (SELECT count(*) FROM articles a WHERE a.site = w.site AND a.section = w.section)"
        " AS archived, s.walked, s.cut,"
        " (SELECT count(*) FROM frontier f WHERE f.site = w.site AND f.section = w.section"
        "  AND f.status = 'pending') AS pending,"
        " (SELECT count(*) FROM frontier f WHERE f.site = w.site AND f.section = w.section"
        "  AND f.status = 'failed') AS failed"
        " FROM wanted w LEFT JOIN sections s ON s.site = w.site AND s.section = w.section"
        f" WHERE {' AND '.join(where)} ORDER BY w.pos, w.site, w.section", params)


def coverage_by_section(db: Database, site: str, names: Sequence[str]) -> dict[str, dict[str, Any]]:
    """A run's coverage as it ends, for the ``runs`` row: section name -> expected,
    expected_pages, source, archived, walked (a bool), cut, pending, failed."""
    return {row["section"]: {**{k: row[k] for k in _RUN_COVERAGE}, "walked": bool(row["walked"])}
            for row in section_coverage(db, site, names=names)}


_RUN_COVERAGE = ("expected", "expected_pages", "source", "archived", "cut", "pending", "failed")


def crawl_coverage(db: Database, site: str | None = None, section: str | None = None,
                   limit: int = 50) -> dict[str, list[dict[str, Any]]]:
    """Expected against archived per section, and the requests a crawl left unfinished."""
    where, params = ["1"], []
    for column, value in (("site", site), ("section", section)):
        if value:
            where.append(f"s.{column} = ?")
            params.append(value)
    try:
        coverage = section_coverage(db, site, section)
        holes = db.execute_returning_dicts(
            "SELECT s.site, s.section, s.status, s.attempts, s.kind, s.url, s.reason, s.next_at"
            f" FROM frontier s WHERE s.status IN ('pending', 'failed') AND {' AND '.join(where)}"
            f" ORDER BY s.status, s.site, s.section, s.id LIMIT {int(limit)}", params)
    except sqlite3.OperationalError:  # an archive made before coverage was recorded
        return {"coverage": [], "holes": []}
    return {"coverage": coverage, "holes": holes}


def coverage_cell(expected: int | None, pages: int | None, archived: int) -> str:
    """"12/12", or "12 (3 pages)" when the listing states only its page count."""
    if expected is not None:
        return f"{archived}/{expected}"
    return f"{archived} ({pages} pages)" if pages else str(archived)
