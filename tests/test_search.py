"""Chinese full-text search: trigram FTS, LIKE fallback, ranking, snippets, filters, safety."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from archiver.store.reader import open_readonly
from archiver.store.search import Filters, SearchError, make_snippet, search
from archiver.store.snippets import SNIPPET_COLUMNS
from archiver.store.writer import ArchiveWriter
from archiver.textwidth import width
from tests.test_search_samples import ARTICLES, build_archive, raw_page


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return open_readonly(build_archive(tmp_path / "archive.db"))


def titles(hits: list) -> list[str]:
    return [h.title for h in hits]


def test_search_trigram_finds_chinese_substring(db: Database) -> None:
    hits = search(db, "疫情防控")
    assert set(titles(hits)) == {"运城市召开疫情防控工作会议", "关于做好疫情防控期间道路运输保障的通知"}
    assert all(h.score is not None for h in hits)


def test_search_ranks_title_hits_first(db: Database) -> None:
    hits = search(db, "政务服务")
    assert titles(hits)[0] == "太原市推进政务服务改革"


def test_search_fts_snippet_is_highlighted(db: Database) -> None:
    hit = search(db, "道路运输")[0]
    assert "【道路运输】" in hit.snippet


def test_search_two_character_term_falls_back_to_like(db: Database) -> None:
    hits = search(db, "政策")  # trigram alone finds nothing for a 2-char word
    assert titles(hits) == ["运城市出台稳经济一揽子政策措施"]
    assert hits[0].score is None and "【政策】" in hits[0].snippet


def test_search_one_character_term(db: Database) -> None:
    assert "太原市推进政务服务改革" in titles(search(db, "便"))


def test_search_mixed_terms_are_anded(db: Database) -> None:
    assert titles(search(db, "疫情防控 通知")) == ["关于做好疫情防控期间道路运输保障的通知"]
    assert search(db, "疫情防控 太原") == []


def test_search_filters(db: Database) -> None:
    may = Filters(since="2022-05", until="2022-05")
    assert len(search(db, "疫情防控", may)) == 2
    assert titles(search(db, "运城市", Filters(source="发展和改革"))) == ["运城市出台稳经济一揽子政策措施"]
    assert titles(search(db, "疫情防控", Filters(section="通知公告"))) == [
        "关于做好疫情防控期间道路运输保障的通知"]
    assert search(db, "疫情防控", Filters(site="taiyuan")) == []
    assert len(search(db, "运城", Filters(until="2022-05-12"))) == 1


def test_search_bad_date_is_a_clear_error(db: Database) -> None:
    with pytest.raises(SearchError, match="bad date"):
        search(db, "疫情防控", Filters(since="May 2022"))


@pytest.mark.parametrize("text", ['"疫情', 'AND OR NEAR(', "疫情防控*", "'; DROP TABLE articles; --",
                                  "%", "_", "col:疫情防控"])
def test_search_user_text_is_never_syntax(db: Database, text: str) -> None:
    search(db, text)  # no exception: quoted FTS strings and escaped LIKE patterns
    assert db["articles"].count == len(ARTICLES)


def test_search_like_wildcards_are_literal(db: Database) -> None:
    assert search(db, "%") == [] and search(db, "_") == []


def test_search_raw_mode_syntax_error_is_one_line(db: Database) -> None:
    assert len(search(db, "疫情防控 OR 政务服务", raw=True)) == 3
    with pytest.raises(SearchError, match="FTS query syntax error") as info:
        search(db, 'NEAR("疫情防控"', raw=True)
    assert "\n" not in str(info.value)


def test_search_index_in_sync_on_insert_and_update(tmp_path: Path) -> None:
    path = tmp_path / "sync.db"
    writer = ArchiveWriter(path)
    site, section, url_path, record = ARTICLES[1]
    writer.save(raw_page(site, section, url_path, record), record)  # insert
    assert titles(search(open_readonly(path), "一揽子")) == [record["title"]]
    changed = {**record, "title": "运城市出台促消费十条措施", "body": "运城市发放消费券，促进餐饮零售回暖。"}
    assert writer.save(raw_page(site, section, url_path, changed), changed) == "changed"  # update
    reader = open_readonly(path)
    assert search(reader, "一揽子") == []
    assert titles(search(reader, "消费券")) == ["运城市出台促消费十条措施"]
    assert titles(search(reader, "回暖")) == ["运城市出台促消费十条措施"]


def test_search_empty_query(db: Database) -> None:
    assert search(db, "   ") == []


def test_make_snippet_marks_first_term() -> None:
    body = "前" * 50 + "政策" + "后" * 50
    text = make_snippet(body, ["政策"], columns=26)
    assert text == "…前前前前【政策】后后后后…"


@pytest.mark.parametrize("where", [0, 3, 20, 45, 98])
def test_snippet_is_centred_on_the_hit_and_fits_its_columns(where: int) -> None:
    """Wherever the term sits, the snippet fits the 40 columns of a table cell (a CJK
    character is two) and holds the marked hit whole."""
    body = "甲" * where + "考核" + "乙" * (100 - where) + "\n丙 Latin text"
    text = make_snippet(body, ["考核"])
    assert "【考核】" in text and width(text) <= SNIPPET_COLUMNS
    before, after = text.split("【考核】")
    if 5 < where < 90:
        assert abs(width(before) - width(after)) <= 2
