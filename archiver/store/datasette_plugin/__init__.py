"""The Datasette plugin of ``archiver serve``: Datasette reads Chinese.

- The articles table's search box (``?_search=``) goes through :func:`archiver.store.search.
  match_condition`, so one- and two-character words (考核, 政策) are found through the pair
  index, and the box returns the rows ``archiver search`` returns. Datasette's own search
  filter can only use the trigram index, which never matches a term under three characters.
- ``/<db>/articles/<id>/read``: the article as a page (headline, date, source, author, body
  paragraphs, attachments, repairs and flags, versions); ``/<db>/articles/<id>/raw``: the page
  as archived, bytes and Content-Type as served, sandboxed.
- The articles table shows :data:`~archiver.store.datasette.TABLE_COLUMNS` unless ``_col`` or
  ``_nocol`` asks otherwise, and its titles link to the article page.

Registered through the ``datasette`` entry point (pyproject.toml), so plain ``datasette
archive.db`` gets it too; every hook first checks that the database is an archive (it has the
pair index), and leaves any other database alone.
"""
from __future__ import annotations

import json
import re
import zlib
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import await_me_maybe
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup
from sqlite_utils import Database

from archiver.store.datasette import TABLE_COLUMNS
from archiver.store.schema import GRAMS_TABLE
from archiver.store.search import match_condition
from archiver.store.show import NotFound as NoArticle, decode_summary, repair_summary, show

TABLE = "articles"
_PAGE = re.compile(r"^/(?P<database>[^/]+)/articles/(?P<id>\d+)/(?P<view>read|raw)$")


async def _is_archive(datasette: Any, database: str) -> bool:
    db = datasette.databases.get(database)
    return db is not None and bool(await db.table_exists(GRAMS_TABLE))


def _sqlite_utils(conn: Any) -> Database:
    return Database(conn, recursive_triggers=False)  # Datasette's read connection, borrowed


def _is_datasette_search(result: Any) -> bool:
    return (getattr(result, "__module__", "") == "datasette.filters"
            and getattr(result, "__qualname__", "").startswith("search_filters."))


@hookimpl(specname="filters_from_request", wrapper=True)
def route_table_search(request: Any, database: str, table: str, datasette: Any) -> Any:
    """Swap Datasette's ``?_search=`` filter on the articles table for ours."""
    results = yield
    if table != TABLE or "_search" not in request.args:
        return results
    return [_pair_search(request, database, datasette, r) if _is_datasette_search(r) else r
            for r in results]


def _pair_search(request: Any, database: str, datasette: Any,
                 fallback: Any) -> Callable[[], Awaitable[Any]]:
    async def inner() -> Any:
        if not await _is_archive(datasette, database):
            return await await_me_maybe(fallback)
        text = request.args["_search"]
        mode = request.args.get("_searchmode") or datasette.table_metadata(database, TABLE).get("searchmode")
        raw = mode == "raw"
        sql, params = await datasette.get_database(database).execute_fn(
            lambda conn: match_condition(_sqlite_utils(conn), text, raw=raw))
        names = [f"archiver_search_{i}" for i in range(len(params))]
        pieces = sql.split("?")
        named = pieces[0] + "".join(f":{name}{piece}" for name, piece in zip(names, pieces[1:], strict=True))
        return FilterArguments([named], dict(zip(names, params, strict=True)),
                               [f'search matches "{text}"'],
                               {"supports_search": True, "search": text})
    return inner


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[Any], Any]:
    """The articles table page without ``_col``/``_nocol`` shows TABLE_COLUMNS: the body,
    its HTML and the JSON reports are too long for a table cell. JSON and CSV keep every column."""
    def wrap(app: Any) -> Any:
        async def default_columns(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") == "http":
                match = re.match(r"^/([^/.]+)/articles$", scope.get("path", ""))
                query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
                if (match and not any(k in ("_col", "_nocol") for k, _ in query)
                        and await _is_archive(datasette, match.group(1))):
                    query += [("_col", c) for c in TABLE_COLUMNS]
                    scope = {**scope, "query_string": urlencode(query).encode("latin-1")}
            await app(scope, receive, send)
        return default_columns
    return wrap


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str,
                datasette: Any) -> Any:
    """Article titles link to the readable page."""
    if table != TABLE or column != "title" or not value:
        return None
    try:
        article_id = row["id"]
    except (IndexError, KeyError):
        return None
    href = datasette.urls.path(f"/{quote(database)}/{TABLE}/{article_id}/read")
    return Markup('<a href="{}">{}</a>').format(href, value)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(_PAGE.pattern, article_page)]


async def article_page(datasette: Any, request: Any) -> Response:
    database, view = request.url_vars["database"], request.url_vars["view"]
    article_id = int(request.url_vars["id"])
    await datasette.ensure_permissions(request.actor, [
        ("view-table", (database, TABLE)), ("view-database", database), "view-instance"])
    if not await _is_archive(datasette, database):
        raise NotFound(f"{database} is not an archive")
    db = datasette.get_database(database)
    try:
        report = await db.execute_fn(lambda conn: show(_sqlite_utils(conn), article_id))
    except NoArticle as exc:
        raise NotFound(str(exc)) from exc
    record = report.record
    if view == "raw":
        return await _raw_page(db, record)
    urls = datasette.urls
    context = {
        "database": database, "record": record,
        "paragraphs": [line.strip() for line in (record.get("body") or "").splitlines() if line.strip()],
        "attachments": [_attachment(a) for a in record.get("attachments") or []],
        "decode": decode_summary(record.get("decode_report")),
        "repairs": repair_summary(record.get("repair_report")),
        "flags": record.get("flags") or [], "spam": record.get("spam") or [],
        "versions": report.versions,
        "raw_url": urls.path(f"/{quote(database)}/{TABLE}/{article_id}/raw"),
        "row_url": urls.row(database, TABLE, str(article_id)),
        "page_row_url": (urls.row(database, "pages", str(record["page_id"]))
                         if record.get("page_id") else None),
        "versions_url": urls.table(database, "versions") + "?" + urlencode({"url": record["url"]}),
    }
    return Response.html(await datasette.render_template("archiver_article.html", context, request=request))


def _attachment(item: Any) -> dict[str, str]:
    if isinstance(item, dict):
        url = str(item.get("url") or "")
        return {"url": url, "name": str(item.get("name") or item.get("text") or url)}
    return {"url": str(item), "name": str(item)}


async def _raw_page(db: Any, record: dict[str, Any]) -> Response:
    """The archived response body as served. CSP sandbox: a government page's scripts must
    not run with the archive browser's origin."""
    rows = (await db.execute("SELECT body, headers FROM pages WHERE id = ?", [record.get("page_id")])).rows
    if not rows or rows[0]["body"] is None:
        raise NotFound("the raw page of this article is not in the archive")
    try:
        headers = {k.lower(): v for k, v in json.loads(rows[0]["headers"] or "{}").items()}
    except (ValueError, AttributeError):
        headers = {}
    content_type = headers.get("content-type") or "application/octet-stream"
    return Response(zlib.decompress(rows[0]["body"]), content_type=content_type,
                    headers={"Content-Security-Policy": "sandbox", "X-Content-Type-Options": "nosniff"})

