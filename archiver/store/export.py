"""Export articles (JSONL, CSV) or the raw pages behind them (WARC).

The WARC is built from the stored bytes and headers in ``pages`` with warcio,
one request and one response record per stored fetch, so the archive can go
into standard web-archive tools (pywb, OpenWayback, ArchiveBox imports).
"""
from __future__ import annotations

import csv
import json
import zlib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from typing import IO, Any, BinaryIO
from urllib.parse import urlsplit

from sqlite_utils import Database
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver import __version__
from archiver.errors import ArchiverError
from archiver.store.reader import decode_row
from archiver.store.search import Filters

FORMATS = ("jsonl", "csv", "warc")
CSV_LEFT_OUT = {"body_html", "decode_report", "repair_report", "provenance", "spam"}
EXCEL_CELL = 32_767
# Headers that described the bytes on the wire, not the bytes we kept: the
# crawler stores bodies de-chunked and decompressed, so these would lie.
_WIRE_HEADERS = {"transfer-encoding", "content-length", "content-encoding"}
_GZIP_MAGIC = b"\x1f\x8b"


def article_rows(db: Database, filters: Filters | None = None) -> Iterator[dict[str, Any]]:
    where, params = (filters or Filters()).where()
    sql = f"SELECT * FROM articles WHERE {' AND '.join(where) or '1'} ORDER BY published_at, id"
    yield from db.query(sql, params)


def export_jsonl(db: Database, out: IO[str], filters: Filters | None = None) -> int:
    """One JSON object per article (JSON columns nested, not strings). Returns the count."""
    count = 0
    for row in article_rows(db, filters):
        out.write(json.dumps(decode_row(row), ensure_ascii=False) + "\n")
        count += 1
    return count


def csv_columns(db: Database, asked: Sequence[str] | None = None) -> list[str]:
    """The columns a CSV holds: those asked for, else every column but the JSON reports and
    the body's HTML (a repair report alone can run to 150,000 characters: past what Python's
    csv module reads by default, and Excel cuts a cell at 32,767)."""
    have = [c.name for c in db["articles"].columns]
    if not asked:
        return [c for c in have if c not in CSV_LEFT_OUT]
    unknown = [c for c in asked if c not in have]
    if unknown:
        raise ArchiverError(f"--columns: no column {', '.join(unknown)} (there are: {', '.join(have)})")
    return list(asked)


def export_csv(db: Database, out: IO[str], filters: Filters | None = None, *,
               columns: Sequence[str] | None = None, excel: bool = False) -> int:
    """One CSV row per article (JSON columns as JSON text). ``excel``: a BOM so Excel reads
    UTF-8, and cells cut to the 32,767 characters Excel keeps, marked with …. Returns the count."""
    names = csv_columns(db, columns)
    if excel:
        out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(names)
    count = 0
    for row in article_rows(db, filters):
        cells = ["" if row[n] is None else row[n] for n in names]
        if excel:
            cells = [c[:EXCEL_CELL - 1] + "…" if isinstance(c, str) and len(c) > EXCEL_CELL else c
                     for c in cells]
        writer.writerow(cells)
        count += 1
    return count


def export_warc(db: Database, out: BinaryIO, filters: Filters | None = None, *,
                history: bool = True, filename: str = "archive.warc.gz") -> int:
    """Request/response record pairs for the articles' stored pages (every fetch
    with ``history``, else only each article's current page), then the listings, API
    answers and robots.txt the crawls kept. Returns the pair count."""
    writer = WARCWriter(out, gzip=True)
    version = writer.warc_version.removeprefix("WARC/")
    writer.write_record(writer.create_warcinfo_record(filename, {
        "software": f"gov-archiver/{__version__} (warcio)",
        "format": f"WARC File Format {version}",
        "description": "raw responses stored by gov-archiver",
    }))
    count = 0
    for page in _pages(db, filters, history):
        request, response = warc_pair(writer, page)
        writer.write_request_response_pair(request, response)
        count += 1
    return count


def _pages(db: Database, filters: Filters | None, history: bool) -> Iterator[dict[str, Any]]:
    filters = filters or Filters()
    where, params = filters.where()
    link = "p.url = articles.url" if history else "p.id = articles.page_id"
    sql = (f"SELECT p.* FROM pages p JOIN articles ON {link}"
           f" WHERE {' AND '.join(where) or '1'} ORDER BY p.fetched_at, p.id")
    yield from db.query(sql, params)
    yield from _other_pages(db, filters)


def _other_pages(db: Database, filters: Filters) -> Iterator[dict[str, Any]]:
    """Listings, API answers and robots.txt, so a replay can walk from a section to its
    articles. Only site and section narrow them (they have no source or date)."""
    if filters.source or filters.since or filters.until:
        return
    if "kind" not in {c.name for c in db["pages"].columns}:
        return   # an archive made before listings were kept
    where, params = ["p.kind IN ('listing', 'api', 'robots')"], []
    if filters.site:
        where.append("p.site = ?")
        params.append(filters.site)
    if filters.section:
        where.append("(p.section = ? OR p.kind = 'robots')")
        params.append(filters.section)
    yield from db.query(f"SELECT p.* FROM pages p WHERE {' AND '.join(where)}"
                        " ORDER BY p.fetched_at, p.id", params)


def warc_pair(writer: WARCWriter, page: dict[str, Any]) -> tuple[Any, Any]:
    """The request and response records for one ``pages`` row."""
    body = zlib.decompress(page["body"])
    url = page["final_url"] or page["url"]
    date = warc_date(page["fetched_at"])
    response = writer.create_warc_record(
        url, "response", payload=BytesIO(body), length=len(body),
        warc_headers_dict={"WARC-Date": date},
        http_headers=response_headers(page["status"], json.loads(page["headers"] or "{}"), body))
    request = writer.create_warc_record(
        url, "request", payload=BytesIO(b""), length=0,
        warc_headers_dict={"WARC-Date": date},
        http_headers=request_headers(page["method"] or "GET", url,
                                     json.loads(page["request_headers"] or "{}")))
    return request, response


def response_headers(status: int | None, headers: dict[str, str], body: bytes) -> StatusAndHeaders:
    code = status or 200
    try:
        reason = HTTPStatus(code).phrase
    except ValueError:
        reason = "Unknown"
    gzipped = body.startswith(_GZIP_MAGIC)
    kept = [(k, v) for k, v in headers.items()
            if k.lower() not in _WIRE_HEADERS or (k.lower() == "content-encoding" and gzipped)]
    kept.append(("Content-Length", str(len(body))))
    return StatusAndHeaders(f"{code} {reason}", kept, protocol="HTTP/1.1")


def request_headers(method: str, url: str, headers: dict[str, str]) -> StatusAndHeaders:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    items = list(headers.items())
    if not any(k.lower() == "host" for k, _ in items):
        items.insert(0, ("Host", parts.netloc))
    return StatusAndHeaders(f"{method} {target} HTTP/1.1", items, is_http_request=True)


def warc_date(fetched_at: str | None) -> str:
    """WARC-Date (UTC, ``YYYY-MM-DDThh:mm:ssZ``) from a stored ISO timestamp."""
    try:
        when = datetime.fromisoformat(fetched_at or "")
    except ValueError:
        when = datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
