"""Full-text search over the archive, for Chinese.

FTS5's trigram tokenizer matches any substring of three or more characters;
one- and two-character terms (common Chinese words such as 政策) fall back to
LIKE over title and body, since trigram silently returns nothing for them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database


@dataclass(frozen=True)
class Hit:
    id: int
    url: str
    title: str
    published_at: str | None
    source: str | None
    site: str | None
    snippet: str


def _fts_phrase(term: str) -> str:
    """Quote a term as an FTS5 string, so user text is never FTS syntax."""
    return '"' + term.replace('"', '""') + '"'


def search(db: Database, text: str, *, limit: int = 20) -> list[Hit]:
    terms = text.split()
    if not terms:
        return []
    long_terms = [t for t in terms if len(t) >= 3]
    short_terms = [t for t in terms if len(t) < 3]
    where, params = [], []
    if long_terms:
        where.append("articles.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params.append(" AND ".join(_fts_phrase(t) for t in long_terms))
    for term in short_terms:
        where.append("(articles.title LIKE ? OR articles.body LIKE ?)")
        params += [f"%{term}%", f"%{term}%"]
    sql = (
        "SELECT id, url, title, published_at, source, site, body FROM articles"
        f" WHERE {' AND '.join(where)} ORDER BY published_at DESC LIMIT ?"
    )
    rows = db.execute(sql, [*params, limit]).fetchall()
    return [Hit(r[0], r[1], r[2], r[3], r[4], r[5], _snippet(r[6] or "", terms)) for r in rows]


def _snippet(body: str, terms: list[str], width: int = 30) -> str:
    for term in terms:
        pos = body.find(term)
        if pos >= 0:
            start = max(0, pos - width)
            end = pos + len(term) + width
            text = body[start:pos] + "【" + term + "】" + body[pos + len(term):end]
            return ("…" if start else "") + text.replace("\n", " ") + ("…" if end < len(body) else "")
    return body[: 2 * width].replace("\n", " ")


def hit_dict(hit: Hit) -> dict[str, Any]:
    return hit.__dict__.copy()
