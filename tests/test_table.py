"""Plain-text tables: Chinese takes two columns, clipped cells never exceed the limit."""
from archiver.cli.table import clip, render, width


def test_table_width_counts_wide_characters_twice() -> None:
    assert width("运城ab") == 6


def test_table_clip_stays_within_limit() -> None:
    assert clip("运城市新冠肺炎疫情全面清零", 9) == "运城市新…"
    assert width(clip("运城市新冠肺炎疫情全面清零", 9)) <= 9
    assert clip("abcdef", 4) == "abc…"
    assert clip("运城", 4) == "运城"


def test_table_render_aligns_chinese_columns() -> None:
    lines = render(["来源", "n"], [["运城日报", 3], ["新华社", 12]]).splitlines()
    # the second column starts at the same display column on every line
    assert {width(line[: line.rindex(" ") + 1]) for line in lines} == {10}
