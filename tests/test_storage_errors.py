"""Issue 11: broken archives give one line and the right exit code, never a traceback.

A corrupted, a future-version, an immutable and a read-only-mounted archive meet every
command that opens one; a full disk (a small tmpfs, when the tests run as root) fails a crawl
with one clear line, counted, and nothing half-written. Reads of an immutable or read-only
archive still work (read-only media are opened with immutable=1)."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli.main import cli
from archiver.store.writer import ArchiveWriter
from archiver.testing.siteserver import SiteServer
from tests.crawlkit import FAST, article_html, cli as run_cli, rows, write_profile

AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("mount") is not None
URL = "http://127.0.0.1:9/zwyw/t20240101_1.html"  # never reached: the archive fails first
READS = [["search", "工作"], ["stats"], ["export", "--format", "jsonl"], ["query", "select 1"]]
WRITES = [["reextract"], ["crawl", "http://127.0.0.1:9/zwyw/index.html"], ["fetch", URL]]


def _archive(path: Path) -> Path:
    ArchiveWriter(path).db.conn.close()
    return path


def _invoke(db: Path, args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--db", str(db)])
    assert "Traceback" not in result.output, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    return result.exit_code, result.output


def _one_line_error(db: Path, args: list[str], words: str) -> None:
    code, out = _invoke(db, args)
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert code == 1 and len(lines) == 1 and lines[0].startswith("Error:"), (args, out)
    assert words in lines[0], (args, lines[0])


@pytest.mark.parametrize("args", READS + WRITES, ids=lambda a: a[0])
def test_storage_corrupt_archive(tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "a.db"
    db.write_bytes(b"this is no sqlite archive\n" * 400)
    _one_line_error(db, args, "corrupt")


@pytest.mark.parametrize("args", READS + WRITES, ids=lambda a: a[0])
def test_storage_future_version(tmp_path: Path, args: list[str]) -> None:
    db = _archive(tmp_path / "a.db")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    _one_line_error(db, args, "newer version")
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == 999


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[Path]:
    db = _archive(tmp_path / "a.db")
    if subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here (needs root and a supporting filesystem)")
    try:
        yield db
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=False)


@pytest.fixture
def readonly_mount(tmp_path: Path) -> Iterator[Path]:
    if not AS_ROOT:
        pytest.skip("mounting a read-only filesystem needs root")
    mnt = tmp_path / "ro"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mnt)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        _archive(mnt / "a.db")
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        yield mnt / "a.db"
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.mark.parametrize("kind", ["immutable", "readonly_mount"])
def test_storage_read_only_archives(kind: str, request: pytest.FixtureRequest) -> None:
    db: Path = request.getfixturevalue(kind)
    for args in READS:  # reading needs no write access
        code, out = _invoke(db, args)
        assert code == 0, (args, out)
    for args in WRITES:
        _one_line_error(db, args, "read-only")


@pytest.mark.parametrize("jobs", [1, 2], ids=["in-loop", "pool"])
def test_storage_full_disk_during_crawl(tmp_path: Path, jobs: int) -> None:
    """The disk fills mid-crawl, where the crawl's loop stores or where its pool does."""
    if not AS_ROOT:
        pytest.skip("a small tmpfs needs root")
    mnt = tmp_path / "small"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mnt)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    filler = "".join(f"<p>第{i}段：全市各级各部门认真贯彻落实有关部署，扎实推进各项工作，取得明显成效。</p>"
                     for i in range(60))
    for i in range(8):
        (site / "a" / f"{i}.html").write_text(article_html(f"新闻标题第{i}号关于推进重点工作", "2023-05-05",
                                                           extra=filler if i else ""), encoding="utf-8")
    (site / "list.html").write_text("<ul>" + "".join(
        f'<li><a href="/a/{i}.html">新闻标题第{i}号关于推进重点工作</a></li>' for i in range(8)) + "</ul>",
        encoding="utf-8")
    try:
        db = _archive(mnt / "a.db")
        space = shutil.disk_usage(mnt).free
        (mnt / "ballast").write_bytes(b"\0" * max(0, space - 150_000))
        with SiteServer(site) as srv:
            write_profile(tmp_path / "sites", srv.base_url,
                          sections=[("news", "/list.html", 'article_selector = "ul a"\n')])
            args = ("crawl", "fixture", "--sites-dir", str(tmp_path / "sites"), "--db", str(db), *FAST,
                    "-s", f"ARCHIVER_JOBS={jobs}")
            r = run_cli(*args)
            assert r.returncode == 1, r.stderr[-2000:]
            errors = [ln for ln in r.stderr.splitlines() if ln.startswith("Error:")]
            assert len(errors) == 1 and "disk is full" in errors[0], r.stderr[-2000:]
            assert "Traceback" not in r.stderr, r.stderr[-3000:]
            # nothing half-written: every stored article has its page, the file is sound
            assert rows(db, "PRAGMA integrity_check") == [("ok",)]
            assert rows(db, "SELECT count(*) FROM articles a LEFT JOIN pages p ON p.id = a.page_id"
                            " WHERE p.id IS NULL") == [(0,)]
            assert rows(db, "SELECT count(*) FROM articles")[0][0] < 8
            (mnt / "ballast").unlink()  # space again: the next run stores what the first could not
            again = run_cli(*args)
        assert again.returncode == 0, again.stderr[-2000:]
        assert rows(db, "SELECT count(*) FROM articles") == [(8,)]
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)
