"""Issue 11: read-only queries. A short list of harmless pragmas is allowed, case-insensitively,
and nothing else; a statement has a time limit and a row cap, with one-line errors; two crawls
reaching one archive through a symlink take the same lock."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli.main import cli
from archiver.crawl.lock import LockedError, site_lock
from archiver.store.reader import Archive, QueryError, open_readonly, run_query
from archiver.store.writer import ArchiveWriter

ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One archive for the module: every test here only reads it."""
    path = tmp_path_factory.mktemp("query") / "a.db"
    ArchiveWriter(path).db.conn.close()
    return path


@pytest.mark.parametrize("sql", [
    "pragma QUERY_ONLY = false", "PRAGMA query_only = 0", "pragma Writable_Schema=1",
    "PRAGMA writable_schema = ON", "pragma user_version = 99", "PRAGMA Journal_Mode = DELETE",
    "pragma temp_store_directory = '/tmp'", "pragma cache_size = -2000000", "pragma mmap_size=1",
    "PRAGMA trusted_schema = 1", "pragma wal_checkpoint", "pragma optimize", "pragma shrink_memory",
])
def test_query_pragma_refused(archive: Path, sql: str) -> None:
    db = open_readonly(archive)
    with pytest.raises(QueryError, match="refused"):
        run_query(db, sql)
    with pytest.raises(QueryError):  # the guard still holds afterwards
        run_query(db, "CREATE TEMP TABLE t (x)")


@pytest.mark.parametrize("sql", [
    "PRAGMA table_info(articles)", "pragma TABLE_INFO('pages')", "pragma index_list(articles)",
    "PRAGMA user_version", "pragma Query_Only", "select * from pragma_table_info('runs')",
    "PRAGMA integrity_check", "pragma quick_check(5)",
])
def test_query_harmless_pragmas_allowed(archive: Path, sql: str) -> None:
    assert run_query(open_readonly(archive), sql)


def test_query_time_limit_and_row_cap(archive: Path) -> None:
    with Archive(archive) as arch:
        started = time.monotonic()
        with pytest.raises(QueryError, match="time limit"):
            arch.query(ENDLESS, timeout=0.5)
        assert time.monotonic() - started < 5
        many = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c"
        assert [r["x"] for r in arch.query(many, limit=3)] == [1, 2, 3]
        assert sum(1 for _ in arch.iterquery(many, limit=50_000)) == 50_000
        assert arch.query("SELECT 1 AS one") == [{"one": 1}]  # the handler is gone again


def test_query_cli_timeout_and_limit(archive: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(cli, ["query", ENDLESS, "--timeout", "0.5", "--db", str(archive)])
    assert r.exit_code == 1 and r.output.strip().count("\n") == 0 and "time limit" in r.output
    many = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 30) SELECT x FROM c"
    r = runner.invoke(cli, ["query", many, "--limit", "5", "--format", "json", "--db", str(archive)])
    assert r.exit_code == 0 and "first 5 rows shown" in r.stderr
    r = runner.invoke(cli, ["query", "pragma QUERY_ONLY = false", "--db", str(archive)])
    assert r.exit_code == 1 and "refused" in r.output


def test_query_lock_follows_symlinks(tmp_path: Path, archive: Path) -> None:
    link = tmp_path / "elsewhere" / "link.db"
    link.parent.mkdir()
    link.symlink_to(archive)
    with site_lock(archive, "fixture"), pytest.raises(LockedError):
        with site_lock(link, "fixture"):
            pass
