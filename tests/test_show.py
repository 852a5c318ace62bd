"""`show`: record, reports, flags, attachments, version history with a diff."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from archiver.store.reader import open_readonly
from archiver.store.show import NotFound, repair_summary, report_text, show
from tests.test_search_samples import BASE, build_archive


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return open_readonly(build_archive(tmp_path / "archive.db"))


def test_show_version_history_with_diff(db: Database) -> None:
    report = show(db, BASE + "/xxgk/t20220512_1.html")
    assert [v.version for v in report.versions] == [1, 2]
    (diff,) = report.diffs
    assert diff.changed_fields == ["body"]
    assert "-严格落实各项防控措施，确保人民群众生命安全和身体健康。" in diff.diff
    assert "+统筹疫情防控和经济社会发展。" in diff.diff
    assert diff.diff.startswith("--- version 1 (2022-06-10T08:00:00+00:00)")


def test_show_reports_flags_and_attachments(db: Database) -> None:
    repaired = show(db, BASE + "/tzgg/t20220520_3.html")
    text = report_text(repaired, full=True)
    assert "repair report:" in text and "utf8_as_gbk" in text and "lost: 2" in text
    assert "decode report:" in text and "encoding: gb18030" in text
    assert "  - lost_characters" in text
    assert repaired.diffs == [] and "versions (1):" in text
    short = report_text(repaired)
    assert "decode: gb18030 from " in short and "repair report:" not in short
    assert "characters lost for good" in short and "  - lost_characters" in short
    with_files = report_text(show(db, BASE + "/xxgk/t20220603_2.html"))
    assert "实施方案.pdf " + BASE + "/xxgk/fj1.pdf" in with_files


def test_show_by_id_and_json_shape(db: Database) -> None:
    report = show(db, 4)
    assert report.record["site"] == "taiyuan" and "body_html" not in report.record
    data = report.to_dict()
    assert data["record"]["spam"] == ["澳门博彩 在线娱乐 点击进入"]
    assert data["versions"][0]["version"] == 1


def test_show_unknown_article(db: Database) -> None:
    with pytest.raises(NotFound, match="no article"):
        show(db, "http://www.yuncheng.gov.cn/missing.html")


def test_repair_summary_counts_kinds_and_shows_the_first_changes() -> None:
    changes = [{"kind": "utf8_as_gbk", "before": "鍏徃", "after": "公司"}] * 7 + [
        {"kind": "entities", "before": "&amp;lt;", "after": "<"}]
    lines = repair_summary({"changed": True, "lost": 0, "changes": changes, "kinds": []})
    assert lines[0] == "repair: 8 changes (utf8_as_gbk 7, entities 1)"
    assert lines[1] == "  utf8_as_gbk: '鍏徃' -> '公司'" and lines[-1].startswith("  … 3 more")
    assert repair_summary(None) == ["repair: none"]
