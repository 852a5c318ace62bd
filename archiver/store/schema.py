"""The archive's schema, as an ordered list of migrations.

sqlite-utils creates the tables; ``PRAGMA user_version`` records how far a file
has been migrated. (The separate sqlite-migrate package would add a dependency
for what is a dozen lines here.) New migrations are appended, never edited.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

from archiver.errors import StorageError
from archiver.store.transaction import transaction

FTS_COLUMNS = ["title", "body", "source"]
# Columns of ``articles`` holding JSON text (the writer dumps them, the reader parses them):
# the Article's own list and dict fields, stored empty when it has none, then the reports.
ARTICLE_JSON_FIELDS: dict[str, Callable[[], object]] = {
    "images": list, "attachments": list, "doc_fields": dict, "flags": list, "spam": list,
    "provenance": dict}
JSON_COLUMNS = (*ARTICLE_JSON_FIELDS, "decode_report", "repair_kinds", "repair_report")
# A run's counters: the ``runs`` table's count columns (and the crawl's summary line).
RUN_COUNTS = ("requests", "new", "changed", "unchanged", "blocked", "errors")


def _m1_core(db: Database) -> None:
    db.table("pages").create(
        {
            "id": int, "url": str, "final_url": str, "method": str, "status": int,
            "fetched_at": str, "request_headers": str, "headers": str,
            "body": bytes, "body_sha256": str, "body_size": int, "run_id": int,
        },
        pk="id",
    )
    db.table("pages").create_index(["url"])
    db.table("pages").create_index(["body_sha256"])
    db.table("articles").create(
        {
            "id": int, "url": str, "site": str, "section": str, "title": str,
            "subtitle": str, "published_at": str, "source": str, "author": str,
            "editor": str, "body": str, "body_html": str, "images": str,
            "attachments": str, "doc_fields": str, "flags": str, "spam": str,
            "page_kind": str, "provenance": str, "encoding": str,
            "encoding_source": str, "decode_report": str, "repair_kinds": str,
            "repair_report": str, "lost": int, "content_hash": str, "version": int,
            "page_id": int, "etag": str, "last_modified": str, "first_seen": str,
            "last_seen": str, "updated_at": str,
        },
        pk="id",
        not_null={"url"},
        foreign_keys=[("page_id", "pages", "id")],
    )
    db.table("articles").create_index(["url"], unique=True)
    db.table("articles").create_index(["site", "section"])
    db.table("articles").create_index(["published_at"])
    db.table("versions").create(
        {
            "id": int, "url": str, "version": int, "fetched_at": str, "page_id": int,
            "content_hash": str, "title": str, "published_at": str, "source": str,
            "author": str, "body": str,
        },
        pk="id",
        foreign_keys=[("page_id", "pages", "id")],
    )
    db.table("versions").create_index(["url", "version"], unique=True)
    db.table("runs").create(
        {
            "id": int, "site": str, "started": str, "finished": str, "status": str,
            "requests": int, "new": int, "changed": int, "unchanged": int,
            "blocked": int, "errors": int, "sections": str, "args": str, "pid": int,
        },
        pk="id",
    )
    # trigram: any substring of 3+ characters matches, which is what Chinese needs
    # (unicode61 treats a run of hanzi as one token).
    db.table("articles").enable_fts(FTS_COLUMNS, tokenize="trigram", create_triggers=True)


def _m2_frontier(db: Database) -> None:
    """The crawl frontier lives in the archive, so a killed run resumes where it stopped."""
    db.table("frontier").create(
        {
            "id": int, "site": str, "key": str, "url": str, "kind": str, "section": str,
            "method": str, "form": str, "page": int, "status": str, "reason": str,
            "attempts": int, "run_id": int, "added_at": str, "updated_at": str,
        },
        pk="id",
        not_null={"site", "key", "url", "status"},
    )
    db.table("frontier").create_index(["site", "key"], unique=True)
    db.table("frontier").create_index(["site", "status"])


GRAMS_TABLE = "articles_grams"
_OFFSETS_TABLE = "_articles_gram_offsets"
_CHUNK = 64  # characters per piece: substr() walks UTF-8 from the start, so one call per
_OFFSETS = 16_384  # character would be quadratic; pieces cover texts up to 1 MiB characters


def grams_sql(expr: str) -> str:
    """SQL for the space-separated 2-character windows of ``expr`` (plain SQL, no UDF).

    Written as joins over a small offsets table because trigger bodies cannot hold a
    recursive CTE, and a Python function in a trigger would break every writer that
    has not registered it (sqlite-utils CLI, Datasette). The text is cut into pieces of
    _CHUNK characters (plus one of overlap) and the windows are taken inside each piece.
    Order does not matter: the index is only asked whether a document holds a token.
    """
    piece = (f"SELECT substr({expr}, hi.n * {_CHUNK} + 1, {_CHUNK + 1}) AS t"
             f" FROM {_OFFSETS_TABLE} hi WHERE hi.n < (length({expr}) + {_CHUNK - 1}) / {_CHUNK}"
             " LIMIT -1")  # LIMIT keeps SQLite from inlining the pieces: each would be cut again per window
    return (f"(SELECT group_concat(substr(p.t, lo.n + 1, 2), ' ')"
            f" FROM ({piece}) p CROSS JOIN {_OFFSETS_TABLE} lo WHERE lo.n < min({_CHUNK}, length(p.t)))")


def _grams_values(prefix: str) -> str:
    return ", ".join(grams_sql(f"{prefix}.{c}") for c in FTS_COLUMNS)


def _m3_short_term_index(db: Database) -> None:
    """Index 1-2 character terms, which the trigram index cannot match.

    Every 2-character window of title, body and source becomes a unicode61 token
    ("政策措施" -> "政策 策措 措施 施"), so a 2-character word is one token lookup and a
    1-character word a prefix query. Windows that cross punctuation leave a single
    character, so the last character of every run is covered too. Contentless with
    detail=none: the index only answers "which articles contain this token", which
    keeps it small; articles_fts stays the table Datasette and sqlite-utils use.
    """
    db.execute(f"CREATE TABLE {_OFFSETS_TABLE} (n INTEGER PRIMARY KEY)")
    db.conn.executemany(f"INSERT INTO {_OFFSETS_TABLE} (n) VALUES (?)",
                        [(n,) for n in range(_OFFSETS)])
    columns = ", ".join(FTS_COLUMNS)
    db.execute(f"CREATE VIRTUAL TABLE {GRAMS_TABLE} USING fts5({columns}, content='',"
               " detail=none, tokenize='unicode61')")
    insert = (f"INSERT INTO {GRAMS_TABLE} (rowid, {columns})"
              f" VALUES (new.id, {_grams_values('new')});")
    delete = (f"INSERT INTO {GRAMS_TABLE} ({GRAMS_TABLE}, rowid, {columns})"
              f" VALUES ('delete', old.id, {_grams_values('old')});")
    db.execute(f"CREATE TRIGGER {GRAMS_TABLE}_ai AFTER INSERT ON articles BEGIN {insert} END")
    db.execute(f"CREATE TRIGGER {GRAMS_TABLE}_ad AFTER DELETE ON articles BEGIN {delete} END")
    # Only a change to an indexed column re-indexes: crawls touch last_seen constantly.
    db.execute(f"CREATE TRIGGER {GRAMS_TABLE}_au AFTER UPDATE OF {columns} ON articles"
               f" BEGIN {delete} {insert} END")
    db.execute(f"INSERT INTO {GRAMS_TABLE} (rowid, {columns})"
               f" SELECT id, {_grams_values('articles')} FROM articles")


def _m4_site_date_index(db: Database) -> None:
    """Site + date range is the commonest filter ("this bureau, May 2022"): answered from
    one index instead of reading every article of the site to check its date."""
    db.table("articles").create_index(["site", "published_at"], if_not_exists=True)


def _m5_health(db: Database) -> None:
    """Per-run figures of each site section, and the alarms judged from them (archiver.health).

    Kept beside the run they describe: the baseline is the site's own history, so the
    figures must outlive the frontier rows and articles they were computed from."""
    db.table("run_figures").create(
        {"id": int, "run_id": int, "site": str, "section": str, "at": str, "figures": str,
         "examples": str},
        pk="id", not_null={"run_id", "site", "section"},
    )
    db.table("run_figures").create_index(["site", "section", "run_id"])
    db.table("alarms").create(
        {"id": int, "run_id": int, "site": str, "section": str, "figure": str, "band": str,
         "value": str, "examples": str, "message": str, "raised_at": str, "status": str,
         "cleared_run_id": int},
        pk="id", not_null={"run_id", "site", "figure", "status"},
    )
    db.table("alarms").create_index(["site", "status"])
    db.table("alarms").create_index(["run_id"])


def _m6_ingest_state(db: Database) -> None:
    """The distributed writer's bookkeeping (archiver.crawl.ingest): the last stream
    message applied, committed with the data it wrote, and each Redis run's runs row."""
    db.table("ingest_state").create({"stream": str, "last_id": str}, pk="stream")
    db.table("ingest_runs").create({"run_key": str, "run_id": int, "site": str, "counts": str},
                                   pk="run_key")


def _m7_holes_and_coverage(db: Database) -> None:
    """Nothing dropped, coverage visible (issue 10). ``frontier.next_at``: a failed request
    stays pending and is retried by a later run, not before this time (back-off).
    ``sections``: per site section, whether its last listing walk reached the end
    (``walked``; else ``cut`` says why it stopped), and what the listing says it holds
    (``expected`` articles or ``expected_pages``, with the rule that read it), and for a
    crawl from a bare URL the names the page gives the section and the site. ``runs``
    keeps the holes left when the run ended (``pending``, ``failed``) and its coverage;
    ``pages.kind`` (article, listing, api, robots) with the page's site and section."""
    db.table("frontier").add_column("next_at", str)
    db.table("sections").create(
        {
            "id": int, "site": str, "section": str, "url": str, "walked": int, "cut": str,
            "expected": int, "expected_pages": int, "expected_source": str, "listed": int,
            "name": str, "site_name": str, "name_source": str, "updated_at": str,
        },
        pk="id",
        not_null={"site", "section"},
    )
    db.table("sections").create_index(["site", "section"], unique=True)
    # Listings, API answers and robots.txt are kept like article pages (raw bytes, headers,
    # one row per distinct body), so a WARC export can walk from a section to its articles.
    db.table("pages").add_column("kind", str)
    db.table("pages").add_column("site", str)
    db.table("pages").add_column("section", str)
    db.table("pages").create_index(["kind", "site"])
    db.table("runs").add_column("pending", int)
    db.table("runs").add_column("failed", int)
    db.table("runs").add_column("coverage", str)


def _m8_redirects(db: Database) -> None:
    """The redirect chain that led to a page (JSON list of {url, status}), kept with it:
    a page's URL, its hops and its final URL are the evidence of where the bytes came from."""
    db.execute("ALTER TABLE pages ADD COLUMN redirects TEXT")


UNINDEXED_TABLE = "_articles_unindexed"


def _m9_bulk_indexing(db: Database) -> None:
    """Both full-text indexes are filled in bulk by the writer (archiver.store.textindex),
    not row by row in triggers: per article the two indexes cost ~5 ms of SQLite time
    (bench/writer_bench.py), which capped one writer near 100-200 records/s.

    The triggers now only queue: an inserted or edited article's id goes into
    _articles_unindexed, and an edit or delete of an article already indexed takes its
    old text out of both indexes at once (that needs the old values, which only a trigger
    has). So whatever writes the table (the crawl, the distributed writer, reextract, the
    sqlite-utils CLI) leaves the index exact for every row not queued, and the queue
    names every row that is not; search reads the queued rows by substring, so every
    stored article is found at every commit (archiver.store.search)."""
    for name in ("articles_ai", "articles_ad", "articles_au",
                 f"{GRAMS_TABLE}_ai", f"{GRAMS_TABLE}_ad", f"{GRAMS_TABLE}_au"):
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    db.execute(f"CREATE TABLE {UNINDEXED_TABLE} (id INTEGER PRIMARY KEY)")
    columns = ", ".join(FTS_COLUMNS)
    indexed = f"NOT EXISTS (SELECT 1 FROM {UNINDEXED_TABLE} WHERE id = old.id)"
    unindex = (f"INSERT INTO articles_fts (articles_fts, rowid, {columns})"
               f" SELECT 'delete', old.id, {', '.join(f'old.{c}' for c in FTS_COLUMNS)}"
               f" WHERE {indexed};"
               f" INSERT INTO {GRAMS_TABLE} ({GRAMS_TABLE}, rowid, {columns})"
               f" SELECT 'delete', old.id, {_grams_values('old')} WHERE {indexed};")
    queue = f"INSERT OR IGNORE INTO {UNINDEXED_TABLE} (id) VALUES (new.id);"
    db.execute(f"CREATE TRIGGER articles_index_ai AFTER INSERT ON articles BEGIN {queue} END")
    db.execute(f"CREATE TRIGGER articles_index_ad AFTER DELETE ON articles BEGIN {unindex}"
               f" DELETE FROM {UNINDEXED_TABLE} WHERE id = old.id; END")
    # Only a change to an indexed column re-indexes: crawls touch last_seen constantly.
    db.execute(f"CREATE TRIGGER articles_index_au AFTER UPDATE OF {columns} ON articles"
               f" BEGIN {unindex} {queue} END")


MIGRATIONS: list[Callable[[Database], None]] = [
    _m1_core, _m2_frontier, _m3_short_term_index, _m4_site_date_index, _m5_health,
    _m6_ingest_state, _m7_holes_and_coverage,
    _m8_redirects, _m9_bulk_indexing]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: Database) -> None:
    """Bring ``db`` up to the current schema; a no-op on an up-to-date file."""
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:  # a newer archiver's file: never migrate (or write) it down
        raise StorageError(f"archive was made by a newer version of archiver (schema {current};"
                           f" this version knows {SCHEMA_VERSION}): upgrade archiver")
    for number, step in enumerate(MIGRATIONS[current:], start=current + 1):
        with transaction(db):
            # Another process may have opened the same new archive at the same moment.
            if db.execute("PRAGMA user_version").fetchone()[0] >= number:
                continue
            step(db)
            db.execute(f"PRAGMA user_version = {number}")
