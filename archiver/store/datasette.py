"""Datasette metadata for the archive: titles, descriptions, the FTS table and
canned queries. Pure data; ``archiver serve`` passes it to Datasette."""
from __future__ import annotations

from typing import Any

from archiver.store.search import BM25_WEIGHTS, MARK_CLOSE, MARK_OPEN

_WEIGHTS = ", ".join(str(w) for w in BM25_WEIGHTS)

QUERIES: dict[str, dict[str, str]] = {
    "search": {
        "title": "Full-text search (3+ characters), ranked, with snippets",
        "description": "Trigram FTS: any Chinese substring of three or more characters."
                       " For one- or two-character words use short_term_search.",
        "sql": "select articles.id, articles.title, articles.published_at, articles.site,"
               f" articles.source, snippet(articles_fts, 1, '{MARK_OPEN}', '{MARK_CLOSE}', '…', 15)"
               " as snippet, articles.url from articles_fts"
               " join articles on articles.id = articles_fts.rowid"
               " where articles_fts match escape_fts(:q)"
               f" order by bm25(articles_fts, {_WEIGHTS}) limit 100",
    },
    "short_term_search": {
        "title": "Search for a one- or two-character word (e.g. 政策)",
        "description": "A trigram index cannot match terms under three characters: LIKE scan,"
                       " newest first.",
        "sql": "select id, title, published_at, site, source, url from articles"
               " where title like '%' || :q || '%' or body like '%' || :q || '%'"
               " order by published_at desc limit 100",
    },
    "latest_per_site": {
        "title": "Latest articles per site",
        "description": "The ten most recently published articles of every site.",
        "sql": "select site, published_at, title, source, section, url from ("
               " select *, row_number() over (partition by site order by published_at desc) as n"
               " from articles) where n <= 10 order by site, published_at desc",
    },
    "repaired_pages": {
        "title": "Repaired pages",
        "description": "Articles whose text needed mojibake repair; lost = characters that"
                       " could not be recovered.",
        "sql": "select id, site, published_at, title, repair_kinds, lost, url from articles"
               " where coalesce(repair_kinds, '[]') not in ('', '[]')"
               " order by lost desc, published_at desc",
    },
    "spam_flagged_pages": {
        "title": "Spam-flagged pages",
        "description": "Articles from which injected spam (link farms, gambling or porn lines)"
                       " was removed or flagged.",
        "sql": "select id, site, published_at, title, spam, flags, url from articles"
               " where coalesce(spam, '[]') not in ('', '[]') or flags like '%spam%'"
               " order by published_at desc",
    },
    "open_alarms": {
        "title": "Open drift alarms",
        "description": "Figures of a site section that left the band of the site's own history"
                       " (archiver.health): the value, the band and example URLs. Newest first.",
        "sql": "select alarms.raised_at, alarms.site, alarms.section, alarms.figure, alarms.value,"
               " alarms.band, alarms.examples, alarms.run_id, runs.status as run_status"
               " from alarms join runs on runs.id = alarms.run_id"
               " where alarms.status = 'open' order by alarms.id desc",
    },
}

TABLES: dict[str, dict[str, Any]] = {
    "articles": {
        "title": "Articles",
        "description": "One row per article URL, latest version. Search uses the trigram FTS"
                       " index (3+ characters); JSON columns: flags, spam, attachments,"
                       " provenance, decode_report, repair_report.",
        "fts_table": "articles_fts",
        "fts_pk": "id",
        "sort_desc": "published_at",
        "label_column": "title",
        "facets": ["site", "section", "source", "page_kind"],
    },
    "versions": {"title": "Versions",
                 "description": "Every content change of an article; history is never overwritten.",
                 "sort_desc": "id"},
    "pages": {"title": "Raw pages",
              "description": "Responses as served: zlib-compressed bytes, original headers."},
    "runs": {"title": "Crawl runs", "description": "One row per crawl, with counts.",
             "sort_desc": "id"},
    "run_figures": {"title": "Run figures",
                    "description": "Per run and section: field fill, body length, flags, links per"
                                   " listing, encodings (JSON), the drift alarm's input.",
                    "sort_desc": "id"},
    "alarms": {"title": "Drift alarms",
               "description": "A figure out of its band: site, section, figure, band, value,"
                              " example URLs; status open, repeated or cleared.",
               "sort_desc": "id", "facets": ["site", "status", "figure"]},
    # Internal: the short-word (1–2 character) index behind `archiver search`, not for browsing.
    "articles_grams": {"hidden": True},
    "_articles_gram_offsets": {"hidden": True},
    # Internal: the Redis writer's bookkeeping (archiver.store.ingest).
    "ingest_state": {"hidden": True},
    "ingest_runs": {"hidden": True},
}


def build_metadata(db_name: str = "archive") -> dict[str, Any]:
    """Datasette metadata for an archive file whose stem is ``db_name``."""
    return {
        "title": "Government news archive",
        "description": "Articles crawled from Chinese government news sites, with raw pages,"
                       " version history and crawl runs. Built by gov-archiver.",
        "databases": {db_name: {
            "description": "Search articles with the box on the articles table, or use the"
                           " canned queries below.",
            "tables": TABLES,
            "queries": QUERIES,
        }},
    }
