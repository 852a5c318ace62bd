"""1-2 character terms through articles_grams, the upgrade of older archives, and the
filtered-search plans (which must return what the plain join returns)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from sqlite_utils import Database

from archiver.store import search as search_module
from archiver.store.reader import open_readonly
from archiver.store.schema import GRAMS_TABLE, MIGRATIONS, grams_sql
from archiver.store.search import Filters, search
from archiver.store.textindex import grams, index_all
from archiver.store.writer import ArchiveWriter, open_database
from tests.test_search_samples import ARTICLES, build_archive

# Hanzi, digits and punctuation: windows that cross punctuation are the edge cases.
ALPHABET = "政策会议运城市疫情防控5G，。、 \n“”"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return open_readonly(build_archive(tmp_path / "archive.db"))


def _insert(db: Database, rows: list[tuple[str, str, str, str]]) -> None:
    with db.conn:
        db.conn.executemany("INSERT INTO articles (url, title, body, source, published_at)"
                            " VALUES (?, ?, ?, ?, '2022-01-01')", rows)


def _grams_rowids(db: Database, query: str) -> set[int]:
    return {r[0] for r in db.execute(
        f"SELECT rowid FROM {GRAMS_TABLE} WHERE {GRAMS_TABLE} MATCH ?", [query])}


def test_two_character_term_is_answered_by_the_grams_index(db: Database) -> None:
    assert _grams_rowids(db, '"政策"')  # the index itself holds the word
    hits = search(db, "政策")
    assert [h.title for h in hits] == ["运城市出台稳经济一揽子政策措施"]
    assert hits[0].score is None and "【政策】" in hits[0].snippet


def test_short_terms_come_newest_first(db: Database) -> None:
    dates = [h.published_at[:10] for h in search(db, "运城")]
    assert dates == sorted(dates, reverse=True) and len(dates) == 3


def test_one_character_term_matches_at_the_end_of_a_run(db: Database) -> None:
    # 捷 is the last character before "。": only a single-character token holds it.
    assert [h.title for h in search(db, "捷")] == ["太原市推进政务服务改革"]


def test_term_with_punctuation_falls_back_to_like(db: Database) -> None:
    assert [h.title for h in search(db, "“一")] == ["太原市推进政务服务改革"]


def test_mixed_long_and_short_terms(db: Database) -> None:
    assert [h.title for h in search(db, "疫情防控 道路")] == ["关于做好疫情防控期间道路运输保障的通知"]
    assert search(db, "疫情防控 太原") == []


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(st.text(ALPHABET, max_size=150), min_size=1, max_size=6),
       term=st.text(ALPHABET, min_size=1, max_size=2))
def test_short_term_search_equals_substring_search(tmp_path_factory: pytest.TempPathFactory,
                                                   texts: list[str], term: str) -> None:
    path = tmp_path_factory.mktemp("prop") / "a.db"
    writer = open_database(path)
    _insert(writer, [(f"u{i}", "标题", text, "来源") for i, text in enumerate(texts)])
    term = term.strip() or "政"
    expected = {f"u{i}" for i, text in enumerate(texts) if term.lower() in text.lower()}
    found = {h.url for h in search(open_readonly(path), term, limit=100)}
    assert found == expected


@given(text=st.text(ALPHABET + "abcXYZ", max_size=300))
def test_grams_sql_is_every_two_character_window(text: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE _articles_gram_offsets (n INTEGER PRIMARY KEY)")
    conn.executemany("INSERT INTO _articles_gram_offsets VALUES (?)", [(n,) for n in range(100)])
    in_sql = conn.execute(f"SELECT {grams_sql('?1')}", [text]).fetchone()[0]
    # The bulk indexer cuts them in Python; the delete triggers in SQL: the same tokens.
    assert sorted((in_sql or "").split(" ")) == sorted((grams(text) or "").split(" "))
    assert (in_sql is None) == (grams(text) is None)


def test_grams_follow_update_and_delete(tmp_path: Path) -> None:
    db = open_database(tmp_path / "a.db")
    _insert(db, [("u1", "标题", "防汛抗旱", "本站")])
    index_all(db)
    db.execute("UPDATE articles SET body = '秸秆禁烧' WHERE url = 'u1'")
    db.conn.commit()
    assert _grams_rowids(db, '"防汛"') == set()       # the old text left the index at once …
    assert [h.url for h in search(db, "禁烧")] == ["u1"]  # … the new one is found queued
    index_all(db)
    assert _grams_rowids(db, '"禁烧"') == {1}
    db.execute("DELETE FROM articles")
    db.conn.commit()
    assert _grams_rowids(db, '"禁烧"') == set()
    db.execute(f"INSERT INTO {GRAMS_TABLE} ({GRAMS_TABLE}) VALUES ('integrity-check')")
    db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")


def _version_2_archive(path: Path) -> None:
    """An archive as the code before migration 3 left it, with articles in it."""
    db = Database(sqlite3.connect(str(path)))
    for number, step in enumerate(MIGRATIONS[:2], start=1):
        step(db)
        db.execute(f"PRAGMA user_version = {number}")
    _insert(db, [("u1", "运城市出台稳经济政策", "会议指出，政策要落地。", "运城日报"),
                 ("u2", "太原市召开会议", "会议强调安全生产。", "太原日报")])
    db.close()


def test_old_archive_read_only_still_searches_short_terms(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    _version_2_archive(path)
    reader = open_readonly(path)  # read-only never migrates: short terms use LIKE
    assert reader.execute("PRAGMA user_version").fetchone()[0] == 2
    assert [h.url for h in search(reader, "政策")] == ["u1"]
    assert {h.url for h in search(reader, "会议")} == {"u1", "u2"}


def test_old_archive_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    _version_2_archive(path)
    ArchiveWriter(path).db.close()  # any writer migrates
    reader = open_readonly(path)
    assert reader.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert _grams_rowids(reader, '"政策"') == {1}  # existing rows were indexed
    assert [h.url for h in search(reader, "政策")] == ["u1"]
    assert [h.url for h in search(reader, "安全生产 会议")] == ["u2"]
    assert reader.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("filters", [
    Filters(site="yuncheng"), Filters(since="2022-05", until="2022-05"),
    Filters(site="yuncheng", section="通知公告"), Filters(source="运城"),
    Filters(site="taiyuan", until="2022-04"),
])
@pytest.mark.parametrize("text", ["疫情防控", "运城市", "疫情防控 会议", "通知"])
def test_filtered_plans_agree(db: Database, monkeypatch: pytest.MonkeyPatch,
                              filters: Filters, text: str) -> None:
    monkeypatch.setattr(search_module, "SELECTIVE_ROWS", 0)  # always join every match
    joined = [(h.id, h.snippet) for h in search(db, text, filters)]
    monkeypatch.setattr(search_module, "SELECTIVE_ROWS", 10**6)  # drive by filter whenever
    monkeypatch.setattr(search_module, "LOOKUP_COST", 0)  # the term matches anything
    assert [(h.id, h.snippet) for h in search(db, text, filters)] == joined


def test_search_text_reaches_the_grams_index_as_data(db: Database) -> None:
    for text in ('"', "*", "OR", "a:", "^"):
        search(db, text)  # no FTS syntax error
    assert db["articles"].count == len(ARTICLES)


@pytest.mark.parametrize("filters", [Filters(), Filters(site="yuncheng"), Filters(source="运城"),
                                     Filters(since="2022-05", until="2022-06")])
@pytest.mark.parametrize("text", ["运城", "会议", "运城 通知", "局", "%"])
def test_short_term_plans_agree(db: Database, monkeypatch: pytest.MonkeyPatch,
                                filters: Filters, text: str) -> None:
    monkeypatch.setattr(search_module, "RARE_MATCHES", 0)  # always walk the date index
    walked = [h.id for h in search(db, text, filters)]
    monkeypatch.setattr(search_module, "RARE_MATCHES", 10**6)  # always fetch the matches
    assert [h.id for h in search(db, text, filters)] == walked
