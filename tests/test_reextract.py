"""`reextract`: stored raw pages through the stages again, no fetching; versions on change."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from archiver.models import RawPage
from archiver.store.reader import Archive
from archiver.store.reextract import reextract
from archiver.store.search import Filters, search
from archiver.store.writer import open_database
from tests.test_search_samples import ARTICLES, BASE, build_archive

STORED = {BASE + path: record for _, _, path, record in ARTICLES}


def upgraded_extractor(raw: RawPage) -> dict[str, Any]:
    """A pretend extractor upgrade: fixes one title, adds a flag to another page."""
    record = dict(STORED[raw.url])
    assert raw.body.decode("gbk").startswith("<html>")  # the stored bytes, not a fetch
    if raw.url.endswith("t20220603_2.html"):
        record["title"] = "运城市出台稳经济一揽子政策措施实施方案"
    if raw.url.endswith("t20220415_4.html"):
        record["flags"] = ["spam_removed", "no_author"]
    return record


def test_reextract_counts_and_versions(tmp_path: Path) -> None:
    path = build_archive(tmp_path / "a.db", edited=False)
    db = open_database(path)
    report = reextract(db, process=upgraded_extractor)
    assert (report.examined, report.changed, report.updated, report.unchanged, report.failed) == (
        4, 1, 1, 2, 0)
    assert report.fields == {"title": 1, "flags": 1}
    archive = Archive(path)
    url = BASE + "/xxgk/t20220603_2.html"
    assert [v.title for v in archive.versions(url)] == [
        "运城市出台稳经济一揽子政策措施", "运城市出台稳经济一揽子政策措施实施方案"]
    record = archive.get(url)
    assert record["version"] == 2 and record["last_seen"] == record["first_seen"]
    assert archive.get(BASE + "/zwyw/t20220415_4.html")["flags"] == ["spam_removed", "no_author"]
    assert len(archive.versions(BASE + "/zwyw/t20220415_4.html")) == 1
    assert [h.url for h in search(archive.db, "实施方案")] == [url]  # FTS follows the update


def test_reextract_is_idempotent_and_filtered(tmp_path: Path) -> None:
    db = open_database(build_archive(tmp_path / "a.db", edited=False))
    assert reextract(db, Filters(site="taiyuan"), process=upgraded_extractor).examined == 1
    again = reextract(db, process=upgraded_extractor)
    assert (again.changed, again.unchanged) == (1, 3)  # taiyuan's flag change already applied
    assert reextract(db, process=upgraded_extractor).unchanged == 4


def test_reextract_dry_run_writes_nothing(tmp_path: Path) -> None:
    path = build_archive(tmp_path / "a.db", edited=False)
    report = reextract(open_database(path), process=upgraded_extractor, dry_run=True)
    assert report.changed == 1
    assert len(Archive(path).versions(BASE + "/xxgk/t20220603_2.html")) == 1


def test_reextract_failure_is_reported_not_fatal(tmp_path: Path) -> None:
    def broken(raw: RawPage) -> dict[str, Any]:
        if "t20220512" in raw.url:
            raise ValueError("cannot parse")
        return STORED[raw.url]

    report = reextract(open_database(build_archive(tmp_path / "a.db", edited=False)), process=broken)
    assert (report.failed, report.unchanged) == (1, 3)
    assert report.errors == [(BASE + "/xxgk/t20220512_1.html", "ValueError: cannot parse")]


def test_reextract_with_the_real_stages(tmp_path: Path) -> None:
    report = reextract(open_database(build_archive(tmp_path / "a.db")))
    assert report.examined == 4 and report.failed == 0, report.errors
    assert report.changed + report.updated + report.unchanged == 4
