"""End to end: a real Scrapy crawl over HTTP on 127.0.0.1 of the bundled demo site."""
from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from archiver.crawl.demo import DEMO_ROOT, demo_expected
from archiver.testing.siteserver import SiteServer
from tests.clihelp import REPO, run_cli

EXPECTED = demo_expected()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Both demo runs serve the site on the same port, as repeated `make demo` runs do.
DEMO_ENV = {"ARCHIVER_DEMO_PORT": str(_free_port())}


def _rows(db: Path) -> dict[str, sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = conn.execute("SELECT * FROM articles").fetchall()
    conn.close()
    return {urlsplit(r["url"]).path: r for r in rows}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    db = tmp_path_factory.mktemp("demo") / "archive.db"
    result = run_cli("demo", "--db", str(db), timeout=600, env=DEMO_ENV)
    assert result.returncode == 0, result.stderr[-3000:]
    return db, result


def test_demo_archives_every_article_exactly_once(demo_db: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    db, result = demo_db
    rows = _rows(db)
    expected_paths = {a["path"] for a in EXPECTED["articles"]}
    assert set(rows) == expected_paths  # nothing missing, nothing extra (no soft 404, no listing)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(expected_paths)
    assert conn.execute("SELECT count(DISTINCT url) FROM versions").fetchone()[0] == len(expected_paths)
    assert f"{len(expected_paths)} of {len(expected_paths)} demo articles archived" in result.stdout


@pytest.mark.parametrize("expected", EXPECTED["articles"], ids=lambda a: a["path"])
def test_demo_article_fields(demo_db: tuple[Path, subprocess.CompletedProcess[str]], expected: dict) -> None:
    row = _rows(demo_db[0])[expected["path"]]
    assert row["title"] == expected["title"]
    assert row["published_at"] == expected["published_at"]
    assert row["source"] == expected["source"]
    assert row["author"] == expected["author"]
    assert row["section"] == expected["section"]
    if expected["corrupted"]:
        assert json.loads(row["repair_kinds"]), "a corrupted page must record its repairs"
    for path in expected["attachments"]:
        assert path in row["attachments"]


def test_demo_prints_summary_and_search_hit(demo_db: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out = demo_db[1].stdout
    assert "政务要闻" in out and "Sample search" in out and "【" in out


def test_demo_records_one_run_with_section_counts(demo_db: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    result = run_cli("runs", "--db", str(demo_db[0]), "--json")
    [run] = json.loads(result.stdout)
    assert (run["site"], run["status"], run["new"]) == ("demo", "ok", len(EXPECTED["articles"]))
    assert run["finished"]
    conn = sqlite3.connect(demo_db[0])
    sections = json.loads(conn.execute("SELECT sections FROM runs").fetchone()[0])
    assert {name: counts["new"] for name, counts in sections.items()} == {
        s["name"]: len(s["article_paths"]) for s in EXPECTED["sections"]}


def test_demo_second_run_fetches_listings_only(demo_db: tuple[Path, subprocess.CompletedProcess[str]],
                                                tmp_path: Path) -> None:
    """An incremental run: every listing is read again, no known article is fetched."""
    db = tmp_path / "again.db"
    db.write_bytes(demo_db[0].read_bytes())
    result = run_cli("demo", "--db", str(db), timeout=600, env=DEMO_ENV)
    assert result.returncode == 0, result.stderr[-2000:]
    runs = json.loads(run_cli("runs", "--db", str(db), "--json").stdout)
    latest = runs[0]
    assert (latest["new"], latest["changed"]) == (0, 0)
    assert latest["requests"] <= 2 * len(EXPECTED["sections"]) + 2  # listings (+ robots.txt)
    assert len(_rows(db)) == len(EXPECTED["articles"])


def test_scrapy_crawl_from_repository_root(tmp_path: Path) -> None:
    """`scrapy crawl section -a url=...` works as Scrapy users expect (scrapy.cfg)."""
    section = EXPECTED["sections"][0]
    db = tmp_path / "scrapy.db"
    with SiteServer(DEMO_ROOT / "site") as server:
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "section", "-a", f"url={server.url(section['start_path'])}",
             "-s", f"ARCHIVER_DB={db}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
             "-s", "LOG_LEVEL=WARNING"],
            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = _rows(db)
    assert set(section["article_paths"]) <= set(rows)
