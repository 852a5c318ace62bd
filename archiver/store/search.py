"""Full-text search over the archive, for Chinese.

FTS5's trigram tokenizer matches any substring of three or more characters, so
terms of 3+ characters go to ``articles_fts`` and are ranked by bm25. One- and
two-character terms (common Chinese words such as 政策) match nothing in a trigram
index; they go to ``articles_grams`` (every 2-character window as a token, see
:mod:`archiver.store.schema`), or to LIKE when they hold punctuation or the archive
predates that index. Snippets are cut by :mod:`archiver.store.snippets`. Articles
stored but not yet indexed (the writer indexes in bulk, archiver.store.textindex)
are matched by substring, so a search finds every stored article at any moment;
raw FTS5 queries see indexed articles only.

Every piece of user text reaches SQLite as a bound parameter. Terms are quoted
as FTS5 strings, so quotes, ``AND``/``OR``/``NEAR`` or ``*`` in a query are
searched for literally; ``raw=True`` passes FTS5 syntax through instead and
turns a syntax error into a one-line :class:`SearchError`.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from sqlite_utils import Database

from archiver.errors import ArchiverError
from archiver.store.schema import FTS_COLUMNS, GRAMS_TABLE, UNINDEXED_TABLE
from archiver.store.snippets import MARK_CLOSE, MARK_OPEN, SNIPPET_COLUMNS, make_snippet
from archiver.store.textindex import has_queue

# bm25 weights per FTS column (title, body, source): a title hit outranks a body hit.
BM25_WEIGHTS = (10.0, 1.0, 0.5)
# Filters keeping at most this many articles may drive a ranked search, when the term
# matches LOOKUP_COST times more articles (see _selective; measured in bench/search_bench.py).
SELECTIVE_ROWS = 400
LOOKUP_COST = 75  # ~0.25 ms per FTS lookup vs ~3 µs per joined match at 100,000 articles
# A short word in at most this many articles is fetched from its matches; a commoner one
# is found walking the date index (both measured in bench/search_bench.py).
RARE_MATCHES = 2000
_LIKE_ESCAPE = "\\"
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


class SearchError(ArchiverError):
    """A search that cannot run: bad FTS syntax (raw mode) or a bad filter value."""


@dataclass(frozen=True)
class Filters:
    """Narrow a search or a listing. ``since``/``until`` take 2022, 2022-05 or 2022-05-31
    and are inclusive: ``until="2022-05"`` keeps everything published in May 2022."""

    site: str | None = None
    section: str | None = None
    source: str | None = None  # substring: "运城日报" also matches "运城日报社"
    since: str | None = None
    until: str | None = None

    def where(self, table: str = "articles") -> tuple[list[str], list[Any]]:
        """SQL conditions and their parameters (user values are always parameters)."""
        clauses: list[str] = []
        params: list[Any] = []
        for column in ("site", "section"):
            if (value := getattr(self, column)) is not None:
                clauses.append(f"{table}.{column} = ?")
                params.append(value)
        if self.source is not None:
            clauses.append(f"{table}.source LIKE ? ESCAPE '{_LIKE_ESCAPE}'")
            params.append(f"%{like_escape(self.source)}%")
        if self.since is not None:
            clauses.append(f"{table}.published_at >= ?")
            params.append(_date_bounds(self.since)[0])
        if self.until is not None:
            clauses.append(f"{table}.published_at < ?")
            params.append(_date_bounds(self.until)[1])
        return clauses, params


@dataclass(frozen=True)
class Hit:
    id: int
    url: str
    title: str | None
    published_at: str | None
    source: str | None
    site: str | None
    section: str | None
    snippet: str
    score: float | None  # bm25 (lower is better); None for LIKE-only searches


def _date_bounds(text: str) -> tuple[str, str]:
    """[start, end) of a year, month or day, as ISO strings that sort with published_at."""
    match = _DATE.match(text.strip())
    if not match:
        raise SearchError(f"bad date {text!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        start = date(year, month or 1, day or 1)  # type: ignore[arg-type]
        if day is not None:
            end = date.fromordinal(start.toordinal() + 1)
        elif month is not None:
            end = date(year + (month == 12), month % 12 + 1, 1)  # type: ignore[operator]
        else:
            end = date(year + 1, 1, 1)  # type: ignore[operator]
    except ValueError as exc:
        raise SearchError(f"bad date {text!r}: {exc}") from exc
    return start.isoformat(), end.isoformat()


def like_escape(term: str) -> str:
    """Make % and _ in user text literal inside a LIKE pattern."""
    return (term.replace(_LIKE_ESCAPE, _LIKE_ESCAPE * 2)
            .replace("%", _LIKE_ESCAPE + "%").replace("_", _LIKE_ESCAPE + "_"))


def fts_phrase(term: str) -> str:
    """Quote a term as an FTS5 string, so user text is never FTS syntax."""
    return '"' + term.replace('"', '""') + '"'


def split_terms(text: str) -> tuple[list[str], list[str]]:
    """Whitespace-separated terms, split into (trigram-searchable, too-short)."""
    terms = list(dict.fromkeys(text.split()))  # dedupe, keep order
    return [t for t in terms if len(t) >= 3], [t for t in terms if len(t) < 3]


@dataclass(frozen=True)
class _Plan:
    """How one query runs: which index answers which term."""

    match: str  # FTS5 query for articles_fts (3+ character terms); "" when none
    grams: str  # FTS5 query for articles_grams (1-2 character terms); "" when none
    like_terms: list[str]  # short terms no index can answer (punctuation, old archives)
    filters: Filters


def search(db: Database, text: str, filters: Filters | None = None, *, limit: int = 20,
           raw: bool = False) -> list[Hit]:
    """Articles matching every term of ``text`` (AND), best first.

    With any FTS term, results are ranked by bm25 (title weighted highest);
    with only short terms they come newest first.
    """
    filters = filters or Filters()
    long_terms, short_terms, match = _terms(text, raw)
    if not match and not short_terms:
        return []
    terms = long_terms + short_terms
    try:
        plan = _plan(db, match, short_terms, filters)
        rows = _ranked(db, plan, limit, raw) if match else _newest(db, plan, limit)
        # Articles stored but not yet indexed (seconds behind the writer): found by
        # substring, unranked, so after the ranked hits and by date among the newest.
        tail = _unindexed_hits(db, terms, filters, limit)
    except sqlite3.OperationalError as exc:
        if raw and ("fts5" in str(exc) or "syntax" in str(exc)):
            raise SearchError(f"FTS query syntax error in {text!r}: {exc}") from exc
        raise SearchError(f"search failed: {exc}") from exc
    if tail and not match:
        rows = sorted([*rows, *tail], key=lambda r: (r[3] or "", r[0]), reverse=True)
    else:
        rows = [*rows, *tail]
    return [_hit(row, terms) for row in rows[:limit]]


def _terms(text: str, raw: bool) -> tuple[list[str], list[str], str]:
    """(long terms, short terms, the articles_fts query): raw text is FTS5 syntax as typed."""
    if raw:
        return [], [], text.strip()
    long_terms, short_terms = split_terms(text)
    return long_terms, short_terms, " AND ".join(fts_phrase(t) for t in long_terms)


def match_condition(db: Database, text: str, *, raw: bool = False) -> tuple[str, list[Any]]:
    """One SQL condition on ``articles`` rows, true for exactly the articles :func:`search`
    finds for ``text`` before its limit: the trigram index for 3+ character terms, the pair
    index for 1-2 character ones. Datasette's table search box runs through this, so the box
    and ``archiver search`` agree."""
    long_terms, short_terms, match = _terms(text, raw)
    if not match and not short_terms:
        return "0", []
    plan = _plan(db, match, short_terms, Filters())
    where, params = _row_conditions(plan)
    if match:
        where.insert(0, "articles.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params.insert(0, match)
    tail = None if raw else _unindexed_conditions(db, [*long_terms, *short_terms])
    if tail is None:
        return " AND ".join(where), params
    return (f"(({' AND '.join(where)}) OR ({' AND '.join(tail[0])}))", [*params, *tail[1]])


def _plan(db: Database, match: str, short_terms: list[str], filters: Filters) -> _Plan:
    has_grams = db.execute("SELECT 1 FROM sqlite_master WHERE name = ?",
                           [GRAMS_TABLE]).fetchone() is not None
    indexed = [t for t in short_terms if has_grams and gram_indexable(t)]
    grams = " AND ".join(gram_phrase(t) for t in indexed)
    return _Plan(match, grams, [t for t in short_terms if t not in indexed], filters)


def gram_indexable(term: str) -> bool:
    """Whether articles_grams can answer a 1-2 character term: unicode61 keeps letters and
    digits (hanzi included) as token characters and drops the rest."""
    return all(ch.isalnum() for ch in term)


def gram_phrase(term: str) -> str:
    """The articles_grams query for a term: one 2-character token, or for a single
    character every token starting with it."""
    return fts_phrase(term) + ("*" if len(term) == 1 else "")


def _row_conditions(plan: _Plan, *, drive: bool = True) -> tuple[list[str], list[Any]]:
    """Conditions on ``articles`` rows: filters, LIKE terms and the short-term index.

    ``drive=False`` writes the index condition as ``+articles.id IN``, which SQLite cannot
    use to look rows up, so it walks an index (dates, site) and tests each row instead.
    """
    where, params = plan.filters.where()
    _add_like(where, params, plan.like_terms)
    if plan.grams:
        where.append(f"{'' if drive else '+'}articles.id IN"
                     f" (SELECT rowid FROM {GRAMS_TABLE} WHERE {GRAMS_TABLE} MATCH ?)")
        params.append(plan.grams)
    return where, params


def _add_like(where: list[str], params: list[Any], terms: list[str]) -> None:
    """Each term as a substring of title, body or source."""
    for term in terms:
        where.append("(" + " OR ".join(
            f"articles.{c} LIKE ? ESCAPE '{_LIKE_ESCAPE}'" for c in FTS_COLUMNS) + ")")
        params += [f"%{like_escape(term)}%"] * len(FTS_COLUMNS)


def _unindexed_conditions(db: Database, terms: list[str]) -> tuple[list[str], list[Any]] | None:
    """Articles stored but not yet in the full-text indexes (archiver.store.textindex) that
    hold every term, by substring; None when none wait (or the archive has no queue)."""
    if not terms or not has_queue(db) or db.execute(
            f"SELECT 1 FROM {UNINDEXED_TABLE} LIMIT 1").fetchone() is None:
        return None
    where = [f"articles.id IN (SELECT id FROM {UNINDEXED_TABLE})"]
    params: list[Any] = []
    _add_like(where, params, terms)
    return where, params


def _unindexed_hits(db: Database, terms: list[str], filters: Filters,
                    limit: int) -> list[tuple[Any, ...]]:
    """The newest ``limit`` matches among the articles waiting to be indexed."""
    tail = _unindexed_conditions(db, terms)
    if tail is None:
        return []
    where, params = filters.where()
    sql = (f"SELECT {_COLUMNS}, articles.body, NULL, NULL FROM articles"
           f" WHERE {' AND '.join([*tail[0], *where])}"
           " ORDER BY articles.published_at DESC, articles.id DESC LIMIT ?")
    return db.execute(sql, [*tail[1], *params, limit]).fetchall()


_COLUMNS = ("articles.id, articles.url, articles.title, articles.published_at,"
            " articles.source, articles.site, articles.section")


def _newest(db: Database, plan: _Plan, limit: int) -> list[tuple[Any, ...]]:
    """Short terms only: matching rows newest first (there is no text rank to sort by).

    A rare word is cheapest from its few matches, fetched and sorted; a common one
    (会议, 发展: most of the archive) from the date index, stopping at the ``limit``-th match.
    """
    rare = plan.grams and len(db.execute(
        f"SELECT rowid FROM {GRAMS_TABLE} WHERE {GRAMS_TABLE} MATCH ? LIMIT ?",
        [plan.grams, RARE_MATCHES + 1]).fetchall()) <= RARE_MATCHES
    where, params = _row_conditions(plan, drive=bool(rare))
    sql = (f"SELECT {_COLUMNS}, articles.body, NULL, NULL FROM articles"
           f" WHERE {' AND '.join(where) or '1'}"
           " ORDER BY articles.published_at DESC, articles.id DESC LIMIT ?")
    return db.execute(sql, [*params, limit]).fetchall()


def _ranked(db: Database, plan: _Plan, limit: int, raw: bool) -> list[tuple[Any, ...]]:
    """Rank first, then fetch only the top ``limit`` rows.

    Snippets of literal terms are cut in Python (:func:`make_snippet`): FTS5's snippet()
    re-tokenises each returned body and cost more than the ranking itself (about 0.3 ms a
    row). Raw FTS5 queries keep snippet(), the only thing that knows what they matched.
    """
    sql, params = _rank_sql(db, plan, limit)
    ranked = db.execute(sql, params).fetchall()
    if not ranked:
        return []
    ids = ", ".join("?" * len(ranked))
    if raw:
        marks = f"'{MARK_OPEN}', '{MARK_CLOSE}', '…', {SNIPPET_COLUMNS // 4}"
        fetch = (f"SELECT {_COLUMNS}, articles.body, snippet(articles_fts, 1, {marks})"
                 " FROM articles_fts JOIN articles ON articles.id = articles_fts.rowid"
                 f" WHERE articles_fts MATCH ? AND articles_fts.rowid IN ({ids})")
        rows = db.execute(fetch, [plan.match, *(r[0] for r in ranked)]).fetchall()
    else:
        rows = db.execute(f"SELECT {_COLUMNS}, articles.body, NULL FROM articles"
                          f" WHERE articles.id IN ({ids})", [r[0] for r in ranked]).fetchall()
    found = {row[0]: row for row in rows}
    return [(*found[rowid], score) for rowid, score in ranked if rowid in found]


def _rank_sql(db: Database, plan: _Plan, limit: int) -> tuple[str, list[Any]]:
    """(id, bm25 score) of the best ``limit`` matches.

    Without filters FTS5 ranks on its own. With filters that keep few articles, those
    articles drive the join and each is looked up in the FTS index, so the cost follows
    the filter rather than the term; otherwise every match is joined and filtered.
    """
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    score = f"bm25(articles_fts, {weights}) AS score"
    where, params = _row_conditions(plan)
    if not where:
        return ((f"SELECT rowid, {score} FROM articles_fts WHERE articles_fts MATCH ?"
                 " ORDER BY score LIMIT ?"), [plan.match, limit])
    # CROSS JOIN fixes the loop order: SQLite cannot know how many rows MATCH yields.
    join = ("articles CROSS JOIN articles_fts" if _selective(db, plan)
            else "articles_fts CROSS JOIN articles")
    sql = (f"SELECT articles.id, {score} FROM {join} ON articles.id = articles_fts.rowid"
           f" WHERE articles_fts MATCH ? {''.join(' AND ' + w for w in where)}"
           " ORDER BY score, articles.published_at DESC LIMIT ?")
    return sql, [plan.match, *params, limit]


def _selective(db: Database, plan: _Plan) -> bool:
    """Whether looking up each filtered article beats joining every match.

    One FTS lookup per article costs about LOOKUP_COST times what one joined match costs,
    so filters win when they keep at most SELECTIVE_ROWS articles and LOOKUP_COST times
    fewer than the term matches. Both counts are capped, so the check stays cheap.
    """
    where, params = replace(plan.filters, source=None).where()
    if not where:
        return False
    kept = db.execute(f"SELECT count(*) FROM (SELECT 1 FROM articles WHERE {' AND '.join(where)}"
                      " LIMIT ?)", [*params, SELECTIVE_ROWS + 1]).fetchone()[0]
    if kept > SELECTIVE_ROWS:
        return False
    cap = kept * LOOKUP_COST + 1
    matches = db.execute("SELECT count(*) FROM (SELECT 1 FROM articles_fts"
                         " WHERE articles_fts MATCH ? LIMIT ?)", [plan.match, cap]).fetchone()[0]
    return matches >= cap


def _hit(row: tuple[Any, ...], terms: list[str]) -> Hit:
    body, fts_snippet, score = row[7] or "", row[8], row[9]
    if fts_snippet and MARK_OPEN in fts_snippet:
        snippet = fts_snippet.replace("\n", " ")
    else:  # a LIKE hit, or an FTS hit only in the title/source: build one by hand
        snippet = make_snippet(body, terms)
    return Hit(row[0], row[1], row[2], row[3], row[4], row[5], row[6], snippet, score)


def hit_dict(hit: Hit) -> dict[str, Any]:
    return asdict(hit)
