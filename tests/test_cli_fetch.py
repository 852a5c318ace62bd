"""`archiver fetch`, `extract`, `search`, `query` against pages served on 127.0.0.1."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.testing.siteserver import SiteServer
from tests.clihelp import run_cli

SITE = Path(__file__).parent / "fixtures" / "cli" / "site"
ARTICLE = "/news/t20220520_1.html"
TITLE = "河东市召开2022年第一季度经济工作会议"


@pytest.fixture(scope="module")
def server() -> Iterator[SiteServer]:
    with SiteServer(SITE) as srv:
        yield srv


@pytest.fixture(scope="module")
def fetched(server: SiteServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    db = tmp_path_factory.mktemp("fetch") / "archive.db"
    result = run_cli("fetch", server.url(ARTICLE), "--db", str(db), "--json")
    assert result.returncode == 0, result.stderr
    return db, json.loads(result.stdout)


def test_fetch_decodes_gbk_under_lying_header(fetched: tuple[Path, dict]) -> None:
    _, record = fetched
    assert record["title"] == TITLE
    assert record["published_at"].startswith("2022-05-20T10:30")
    assert record["source"] == "河东日报"
    assert "李堃" in record["body"] and "打印本页" not in record["body"]
    assert record["decode"]["encoding"] in ("gb18030", "gbk")


def test_fetch_stores_one_article_with_attachment(fetched: tuple[Path, dict]) -> None:
    db, _ = fetched
    result = run_cli("query", "select title, source, attachments from articles", "--db", str(db),
                     "--json")
    assert result.returncode == 0, result.stderr
    [row] = json.loads(result.stdout)
    assert row["title"] == TITLE
    assert "plan.pdf" in row["attachments"]


def test_fetch_again_is_unchanged(server: SiteServer, fetched: tuple[Path, dict]) -> None:
    db, _ = fetched
    result = run_cli("fetch", server.url(ARTICLE), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "[unchanged]" in result.stdout


def test_search_finds_two_and_four_character_terms(fetched: tuple[Path, dict]) -> None:
    db, _ = fetched
    for term in ("疫情防控", "考核", "固定资产投资"):
        result = run_cli("search", term, "--db", str(db), "--json")
        assert result.returncode == 0, result.stderr
        assert [h["title"] for h in json.loads(result.stdout)] == [TITLE], term


def test_query_bad_sql_is_one_line_error(fetched: tuple[Path, dict]) -> None:
    db, _ = fetched
    result = run_cli("query", "selec nonsense", "--db", str(db))
    assert result.returncode != 0
    assert result.stderr.strip().startswith("Error:") and "\n" not in result.stderr.strip()


def test_query_refuses_writes(fetched: tuple[Path, dict]) -> None:
    db, _ = fetched
    result = run_cli("query", "delete from articles", "--db", str(db))
    assert result.returncode != 0
    check = run_cli("query", "select count(*) n from articles", "--db", str(db), "--json")
    assert json.loads(check.stdout) == [{"n": 1}]


@pytest.mark.parametrize("path,message", [
    ("/news/missing.html", "404"),
    ("/files/plan.pdf", "not an HTML page"),
    ("/news/empty.html", "empty body"),
])
def test_fetch_bad_input_is_one_line_error(server: SiteServer, tmp_path: Path, path: str,
                                           message: str) -> None:
    db = tmp_path / "a.db"
    result = run_cli("fetch", server.url(path), "--db", str(db))
    assert result.returncode != 0
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_fetch_unreachable_url(tmp_path: Path) -> None:
    result = run_cli("fetch", "http://127.0.0.1:9/nothing.html", "--db", str(tmp_path / "a.db"))
    assert result.returncode != 0
    assert "cannot fetch" in result.stderr


def test_fetch_unwritable_db(server: SiteServer, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_cli("fetch", server.url(ARTICLE), "--db", str(blocker / "a.db"))
    assert result.returncode != 0
    assert "cannot open archive" in result.stderr


def test_extract_offline_from_file() -> None:
    result = run_cli("extract", str(SITE / "news" / "t20220520_1.html"), "--url",
                     "http://127.0.0.1/news/t20220520_1.html", "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["title"] == TITLE and record["source"] == "河东日报"
    assert record["attachments"][0]["url"] == "http://127.0.0.1/files/plan.pdf"


def test_every_command_has_help_with_example() -> None:
    from archiver.cli import cli

    for name, command in cli.commands.items():
        result = run_cli(name, "--help")
        assert result.returncode == 0, name
        assert "Example" in (command.help or ""), f"{name} --help has no example"


def test_every_command_is_documented_in_readme() -> None:
    from archiver.cli import cli

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    missing = [name for name in cli.commands if f"archiver {name}" not in readme]
    assert not missing, f"commands not in README.md: {missing}"
