"""`stats`: counts per site/section/source/month, repaired and flagged pages, a bar chart."""
from __future__ import annotations

from pathlib import Path

from archiver.cli.statstext import bar_chart, stats_text
from archiver.store.reader import open_readonly
from archiver.store.search import Filters
from archiver.store.stats import compute_stats
from tests.test_search_samples import build_archive


def test_stats_counts(tmp_path: Path) -> None:
    stats = compute_stats(open_readonly(build_archive(tmp_path / "a.db")))
    assert (stats.total, stats.versions) == (4, 5)
    assert (stats.repaired, stats.lost, stats.flagged, stats.spam) == (1, 1, 2, 1)
    assert stats.sites == [("yuncheng", 3), ("taiyuan", 1)]
    assert stats.sections[0] == ("yuncheng/要闻", 2)
    assert ("运城日报", 1) in stats.sources
    assert stats.months == [("2022-04", 1), ("2022-05", 2), ("2022-06", 1)]


def test_stats_filtered_by_site(tmp_path: Path) -> None:
    stats = compute_stats(open_readonly(build_archive(tmp_path / "a.db")), Filters(site="taiyuan"))
    assert (stats.total, stats.versions, stats.spam, stats.repaired) == (1, 1, 1, 0)


def test_stats_bar_chart_scales_to_peak() -> None:
    chart = bar_chart([("2022-04", 1), ("2022-05", 4)], bar_width=8).splitlines()
    assert chart == ["2022-04  ██ 1", "2022-05  ████████ 4"]
    assert bar_chart([]) == "(no articles)"


def test_stats_render_has_tables_and_chart(tmp_path: Path) -> None:
    text = stats_text(compute_stats(open_readonly(build_archive(tmp_path / "a.db"))))
    assert "articles: 4   versions: 5" in text
    assert "articles per month:" in text and "2022-05  " in text
    assert "yuncheng/通知公告" in text
