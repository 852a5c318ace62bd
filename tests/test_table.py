"""Terminal tables (rich): Chinese takes two columns, clipped cells never exceed the limit."""
from archiver.cli.table import text_table
from archiver.textwidth import clip, width


def test_table_width_counts_wide_characters_twice() -> None:
    assert width("运城ab") == 6


def test_table_clip_stays_within_limit() -> None:
    assert clip("运城市新冠肺炎疫情全面清零", 9) == "运城市新…"
    assert width(clip("运城市新冠肺炎疫情全面清零", 9)) <= 9
    assert clip("abcdef", 4) == "abc…"
    assert clip("运城", 4) == "运城"


def test_table_aligns_chinese_columns() -> None:
    lines = text_table(["来源", "n"], [["运城日报", 3], ["新华社", 12]]).splitlines()
    # the second column starts at the same display column on every line
    assert {width(line[: line.rindex(" ") + 1]) for line in lines} == {10}


def test_table_cuts_a_long_cell_within_the_column_limit() -> None:
    cell = text_table(["标题"], [["运城市新冠肺炎疫情全面清零"]], max_col=9).splitlines()[2]
    assert cell == "运城市新…" and width(cell) <= 9


def test_table_prints_cells_as_text() -> None:
    """No markup, emoji codes or highlighting: a title is shown as it is."""
    lines = text_table(["title"], [["[b]通知[/b] :smile: 2024-05-01"], [None]]).splitlines()
    assert lines[2] == "[b]通知[/b] :smile: 2024-05-01"
