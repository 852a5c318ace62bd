"""The read-only Python API: Archive(path).search/get/articles/versions/query."""
from __future__ import annotations

from pathlib import Path

import pytest

import archiver
from archiver.errors import ArchiverError
from archiver.store.reader import Archive, QueryError
from tests.test_search_samples import BASE, EDITED_BODY, build_archive


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    with Archive(build_archive(tmp_path / "archive.db")) as opened:
        yield opened


def test_archive_is_exported_lazily() -> None:
    assert archiver.Archive is Archive


def test_archive_search_with_keyword_filters(archive: Archive) -> None:
    hits = archive.search("疫情防控", site="yuncheng", since="2022-05", until="2022-05")
    assert len(hits) == 2
    with pytest.raises(ArchiverError, match="unknown filter"):
        archive.search("疫情防控", city="运城")


def test_archive_get_by_url_and_id(archive: Archive) -> None:
    record = archive.get(BASE + "/xxgk/t20220603_2.html")
    assert record is not None and record["source"] == "运城市发展和改革委员会"
    assert record["attachments"][0]["name"] == "实施方案.pdf"  # JSON columns parsed
    assert archive.get(record["id"])["url"] == record["url"]
    assert archive.get(str(record["id"]))["url"] == record["url"]
    assert archive.get("http://nowhere.example/") is None


def test_archive_articles_filters_newest_first(archive: Archive) -> None:
    yuncheng = list(archive.articles(site="yuncheng"))
    assert [a["published_at"][:10] for a in yuncheng] == ["2022-06-03", "2022-05-20", "2022-05-12"]
    assert len(list(archive.articles(limit=1))) == 1
    assert [a["site"] for a in archive.articles(source="太原日报")] == ["taiyuan"]


def test_archive_versions_oldest_first(archive: Archive) -> None:
    versions = archive.versions(BASE + "/xxgk/t20220512_1.html")
    assert [v.version for v in versions] == [1, 2]
    assert versions[1].body == EDITED_BODY and versions[0].body != EDITED_BODY


def test_archive_query_refuses_writes(archive: Archive) -> None:
    assert archive.query("SELECT count(*) AS n FROM articles") == [{"n": 4}]
    for sql in ("DELETE FROM articles", "UPDATE articles SET title = 'x'",
                "CREATE TABLE t (x)", "ATTACH DATABASE ':memory:' AS other",
                "PRAGMA query_only = OFF; DELETE FROM articles"):
        with pytest.raises(QueryError):
            archive.query(sql)
    assert archive.query("SELECT count(*) AS n FROM articles") == [{"n": 4}]


def test_archive_query_malformed_sql(archive: Archive) -> None:
    with pytest.raises(QueryError, match="SQL error"):
        archive.query("SELEC * FROM articles")


def test_archive_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ArchiverError, match="no archive"):
        Archive(tmp_path / "missing.db").search("疫情防控")


def test_archive_query_cannot_lift_the_guard(archive: Archive) -> None:
    with pytest.raises(QueryError):
        archive.query("PRAGMA query_only = OFF")
    assert archive.query("PRAGMA table_info(runs)")  # reading pragmas still work
