"""Exports: JSONL and CSV of articles; WARC of the stored raw pages that passes `warcio check`."""
from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from sqlite_utils import Database
from warcio.archiveiterator import ArchiveIterator

from archiver.errors import ArchiverError
from archiver.store.export import export_csv, export_jsonl, export_warc, response_headers
from archiver.store.reader import open_readonly
from archiver.store.search import Filters
from tests.test_search_samples import ARTICLES, BASE, build_archive, page_html

WARCIO = Path(sys.executable).with_name("warcio")


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return open_readonly(build_archive(tmp_path / "archive.db"))


def test_export_jsonl_nests_json_columns(db: Database) -> None:
    out = io.StringIO()
    assert export_jsonl(db, out, Filters(site="yuncheng")) == 3
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["published_at"][:10] for r in records] == ["2022-05-12", "2022-05-20", "2022-06-03"]
    assert records[2]["attachments"][0]["name"] == "实施方案.pdf"
    assert records[1]["repair_report"]["kinds"] == ["utf8_as_gbk"]


def test_export_csv_round_trips_chinese(db: Database) -> None:
    out = io.StringIO()
    assert export_csv(db, out, Filters(since="2022-06")) == 1
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["title"] == "运城市出台稳经济一揽子政策措施"
    assert json.loads(rows[0]["attachments"])[0]["name"] == "实施方案.pdf"
    assert "repair_report" not in rows[0] and "body_html" not in rows[0]


def _with(tmp_path: Path, sql: str, value: str) -> Database:
    path = build_archive(tmp_path / "big.db")
    with sqlite3.connect(path) as conn:
        conn.execute(sql, [value])
    return open_readonly(path)


def test_export_csv_reads_back_at_the_default_field_limit(tmp_path: Path) -> None:
    """A huge repair report would overflow csv's default 131,072-character field limit; the
    reports are left out unless asked for, so the file reads back as written."""
    db = _with(tmp_path, "UPDATE articles SET repair_report = ?", "x" * 200_000)
    out = io.StringIO()
    export_csv(db, out)
    assert len(list(csv.DictReader(io.StringIO(out.getvalue())))) == 4


def test_export_csv_columns_and_excel(db: Database) -> None:
    out = io.StringIO()
    export_csv(db, out, Filters(since="2022-06"), columns=["url", "title"], excel=True)
    text = out.getvalue()
    assert text.startswith("\ufeffurl,title\r\n") and "运城市出台稳经济一揽子政策措施" in text
    with pytest.raises(ArchiverError, match="no column nope"):
        export_csv(db, io.StringIO(), columns=["url", "nope"])


def test_export_csv_excel_cuts_cells_excel_would_cut(tmp_path: Path) -> None:
    db = _with(tmp_path, "UPDATE articles SET body = ?", "正" * 40_000)
    out = io.StringIO()
    export_csv(db, out, columns=["url", "body"], excel=True)
    row = next(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    assert len(row["body"]) == 32_767 and row["body"].endswith("…")


def test_export_csv_empty_still_has_header(db: Database) -> None:
    out = io.StringIO()
    assert export_csv(db, out, Filters(site="nowhere")) == 0
    assert out.getvalue().startswith("id,url,")


def test_export_warc_passes_warcio_check(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "archive.warc.gz"
    with path.open("wb") as out:
        assert export_warc(db, out, filename=path.name) == 5  # 4 articles, one fetched twice
    if not WARCIO.exists():
        pytest.fail(f"warcio command missing next to {sys.executable}")
    check = subprocess.run([str(WARCIO), "check", "-v", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("digest pass") == 11  # warcinfo + 5 responses + 5 requests
    with path.open("rb") as stream:
        info = next(iter(ArchiveIterator(stream)))
    assert info.rec_headers.get_header("WARC-Filename") == "archive.warc.gz"
    assert info.rec_headers.protocol == "WARC/1.0"
    assert b"format: WARC File Format 1.0" in info.content_stream().read()


def test_export_warc_keeps_original_bytes_and_headers(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "current.warc.gz"
    with path.open("wb") as out:
        export_warc(db, out, Filters(site="taiyuan"), history=False)
    with path.open("rb") as stream:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.http_headers,
                        r.content_stream().read()) for r in ArchiveIterator(stream)]
    assert [r[0] for r in records] == ["warcinfo", "response", "request"]  # warcio's pair order
    _, url, request, _ = records[2]
    assert url == BASE + "/zwyw/t20220415_4.html"
    assert request.protocol == "GET" and request.get_header("User-Agent") == "gov-archiver/0.1"
    assert request.get_header("Host") == "www.yuncheng.gov.cn"
    _, _, response, body = records[1]
    record = ARTICLES[3][3]
    assert body == page_html(record["title"], record["body"])  # byte-exact GBK
    assert response.get_statuscode() == "200"
    assert response.get_header("Content-Type") == "text/html; charset=gbk"
    assert response.get_header("Server") == "TRS" and response.get_header("ETag") == '"5e1-4a"'
    assert response.get_header("Content-Length") == str(len(body))  # not the stale 999


def test_export_response_headers_drop_wire_encodings() -> None:
    body = "正文".encode("gbk")
    headers = response_headers(404, {"Transfer-Encoding": "chunked", "Content-Encoding": "gzip",
                                     "Content-Type": "text/html"}, body)
    assert headers.statusline == "404 Not Found"
    assert headers.get_header("Content-Encoding") is None
    assert headers.get_header("Transfer-Encoding") is None
    gz = response_headers(200, {"Content-Encoding": "gzip"}, zlib.compress(b"x")[:0] + b"\x1f\x8b..")
    assert gz.get_header("Content-Encoding") == "gzip"
