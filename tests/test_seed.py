"""The seed page restored to readable simplified Chinese: a reviewed golden file."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from archiver.mojibake.tradpinyin.reverse import LOST, undo_trad_pinyin

FIXTURES = Path(__file__).parent / "fixtures" / "seed"


def _restore():  # type: ignore[no-untyped-def]
    result = undo_trad_pinyin((FIXTURES / "seed.txt").read_text("utf-8"))
    assert result is not None
    return result


def test_seed_restoration_matches_golden() -> None:
    assert _restore().text == (FIXTURES / "seed.restored.txt").read_text("utf-8")


def test_seed_flags_the_one_lost_digit() -> None:
    result = _restore()
    assert result.lost == 1 and result.text.count(LOST) == 1
    assert f"蔬菜水果。”{LOST}月25日" in result.text


def test_seed_changes_explain_the_repairs() -> None:
    kinds = Counter(change.kind for change in _restore().changes)
    assert kinds["pinyin_annotation"] >= 558
    assert kinds["byte_shift"] >= 10 and kinds["misaligned_insertion"] == 3


def test_seed_restoration_has_no_traces_left() -> None:
    text = _restore().text
    for trace in ("(yùn)", "?!", "?qǐng)", "\ue7c8", "\ue1b6", "運", "黨"):
        assert trace not in text
    assert "运城日报" in text and "河东大地" in text and "王明睿说" in text
