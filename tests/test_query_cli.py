"""The reading commands through click: search, show, export, reextract, stats, query, runs."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archiver.cli import cli
from tests.clihelp import run_cli
from tests.test_search_samples import BASE, build_archive

READING = ("search", "show", "export", "reextract", "stats", "serve", "query", "runs", "health")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(build_archive(tmp_path_factory.mktemp("cli") / "archive.db"))


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("name", READING)
def test_cli_every_reading_command_has_help_and_db(name: str) -> None:
    result = run(name, "--help")
    assert result.exit_code == 0 and "Example:" in result.output and "--db" in result.output


def test_cli_search_table_json_csv(db: str) -> None:
    table = run("search", "疫情防控", "--db", db, "--site", "yuncheng", "--since", "2022-05",
                "--until", "2022-05")
    assert table.exit_code == 0 and "【疫情防控】" in table.output
    hits = json.loads(run("search", "疫情防控", "--db", db, "--format", "json").output)
    assert {h["title"] for h in hits} == {"运城市召开疫情防控工作会议",
                                          "关于做好疫情防控期间道路运输保障的通知"}
    rows = list(csv.DictReader(io.StringIO(run("search", "政策", "--db", db, "--format", "csv").output)))
    assert [r["title"] for r in rows] == ["运城市出台稳经济一揽子政策措施"]
    limited = json.loads(run("search", "运城", "--db", db, "--limit", "1", "--json").output)
    assert len(limited) == 1
    by_source = json.loads(run("search", "运城", "--db", db, "--source", "交通运输局", "--json").output)
    assert [h["source"] for h in by_source] == ["运城市交通运输局"]


def test_cli_search_errors_are_one_line(db: str) -> None:
    for args in (("search", 'NEAR("疫情', "--raw"), ("search", "疫情防控", "--since", "last May")):
        result = run(*args, "--db", db)
        assert result.exit_code == 1 and result.output.startswith("Error: ")
        assert result.output.count("\n") == 1
    assert run("search", 'NEAR("疫情', "--db", db).exit_code == 0  # plain mode: literal text


def test_cli_query_read_only_and_malformed(db: str) -> None:
    ok = run("query", "select count(*) as n from articles", "--db", db, "--json")
    assert json.loads(ok.output) == [{"n": 4}]
    for sql in ("delete from articles", "drop table articles", "insert into runs (site) values ('x')"):
        result = run("query", sql, "--db", db)
        assert result.exit_code == 1 and "refused" in result.output
    bad = run("query", "selec * from articles", "--db", db)
    assert bad.exit_code == 1 and bad.output.startswith("Error: SQL error")
    assert json.loads(run("query", "select count(*) as n from articles", "--db", db,
                          "--json").output) == [{"n": 4}]


def test_cli_show_and_stats(db: str) -> None:
    shown = run("show", BASE + "/xxgk/t20220512_1.html", "--db", db)
    assert shown.exit_code == 0 and "changes v1 -> v2: body" in shown.output
    assert json.loads(run("show", "2", "--db", db, "--json").output)["record"]["id"] == 2
    missing = run("show", "999", "--db", db)
    assert missing.exit_code == 1 and "no article" in missing.output
    stats = run("stats", "--db", db)
    assert "articles per month:" in stats.output and "█" in stats.output
    assert json.loads(run("stats", "--db", db, "--site", "taiyuan", "--json").output)["total"] == 1


def test_cli_export_formats(db: str, tmp_path: Path) -> None:
    out = tmp_path / "may.jsonl"
    result = run("export", "--format", "jsonl", "--since", "2022-05", "--until", "2022-05",
                 "--db", db, "-o", str(out))
    assert result.exit_code == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    warc = tmp_path / "a.warc.gz"
    assert run("export", "--format", "warc", "--db", db, "-o", str(warc)).exit_code == 0
    assert warc.stat().st_size > 0
    assert run("export", "--format", "warc", "--db", db).exit_code == 1  # binary to a terminal


def test_cli_reextract_dry_run(tmp_path: Path) -> None:
    path = str(build_archive(tmp_path / "r.db"))
    result = run("reextract", "--db", path, "--site", "taiyuan", "--dry-run", "--json")
    report = json.loads(result.output)
    assert report["examined"] == 1 and report["failed"] == 0


def test_cli_missing_archive(tmp_path: Path) -> None:
    result = run("search", "疫情防控", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 1 and "no archive" in result.output
    assert not (tmp_path / "none.db").exists()  # reading never creates a file


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_cli_reextract_missing_archive(tmp_path: Path, dry_run: list[str]) -> None:
    """reextract changes an archive but never starts one: no empty file to report 0 on."""
    result = run("reextract", "--db", str(tmp_path / "none.db"), *dry_run)
    assert result.exit_code == 1 and "no archive at" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "none.db").exists()


def test_cli_db_from_environment(db: str) -> None:
    result = run_cli("query", "select count(*) as n from articles", "--json",
                     env={"ARCHIVER_DB": db})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"n": 4}]
