"""Datasette metadata for the archive: titles, descriptions, the FTS table and
canned queries. Pure data; ``archiver serve`` passes it to Datasette."""
from __future__ import annotations

from typing import Any

from archiver.store.schema import GRAMS_TABLE
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
        "description": "The index of character pairs answers one- and two-character words;"
                       " newest first. The search box of the articles table does the same.",
        "sql": "select id, title, published_at, site, source, url from articles"
               f" where id in (select rowid from {GRAMS_TABLE} where {GRAMS_TABLE} match"
               " '\"' || replace(:q, '\"', '\"\"') || '\"' || case when length(:q) = 1 then '*' else '' end)"
               " order by published_at desc limit 100",
    },
    "articles_per_month": {
        "title": "Articles per month per site",
        "description_html": "Articles by month of publication, one series per site."
                            ' <a href="#g.mark=line&amp;g.x_column=month&amp;g.x_type=ordinal'
                            "&amp;g.y_column=articles&amp;g.y_type=quantitative"
                            '&amp;g.color_column=site">Chart it</a> (datasette-vega).',
        "sql": "select substr(published_at, 1, 7) as month, site, count(*) as articles"
               " from articles where published_at >= '1000'"
               " group by month, site order by month, site",
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

# The articles table page shows these unless ?_col= or ?_nocol= says otherwise: the body, its
# HTML and the JSON reports run to kilobytes per cell (the plugin in datasette_plugin applies it).
TABLE_COLUMNS = ("title", "published_at", "source", "section", "site")

# Bookkeeping, not archive content: hidden from Datasette's lists (still reachable by URL).
INTERNAL_TABLES = ("articles_grams", "_articles_gram_offsets", "_articles_unindexed", "frontier",
                   "ingest_state", "ingest_runs")

TABLES: dict[str, dict[str, Any]] = {
    "articles": {
        "title": "Articles",
        "description": "One row per article URL, latest version. The search box finds any"
                       " word, one or two characters included (as `archiver search` does);"
                       " a title opens the article as a page. Shown: "
                       + ", ".join(TABLE_COLUMNS) + "; add ?_nocol=body_html for every column.",
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
    # Internal: the short-word index behind search, the crawl frontier, the Redis writer's
    # bookkeeping (archiver.crawl.ingest).
    **{name: {"hidden": True} for name in INTERNAL_TABLES},
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
