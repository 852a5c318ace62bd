"""A repair can be explained and replayed: the report's changes rebuild its text."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.mojibake import repair
from archiver.mojibake.report import Change, replay

FIXTURES = Path(__file__).parent / "fixtures"
CASES = [json.loads(line) for name in ("cases.jsonl", "heldout.jsonl")
         for line in (FIXTURES / "mojibake" / name).read_text(encoding="utf-8").split("\n")
         if line.strip()]


def test_replay_rebuilds_every_case() -> None:
    wrong = []
    for case in CASES:
        report = repair(case["input"])
        if replay(case["input"], report.changes) != report.text:
            wrong.append(case["id"])
    assert not wrong


def test_replay_rebuilds_the_seed_page() -> None:
    seed = (FIXTURES / "seed" / "seed.txt").read_text(encoding="utf-8")
    report = repair(seed)
    assert report.changed and replay(seed, report.changes) == report.text


def test_replay_rebuilds_markup_repairs() -> None:
    page = "<p>&amp;ldquo;双线&amp;rdquo; 鍙戝竷鏃堕棿：2022-05-20</p>"
    report = repair(page, markup=True)
    assert replay(page, report.changes) == report.text == "<p>&ldquo;双线&rdquo; 发布时间：2022-05-20</p>"


def test_replay_refuses_a_different_text() -> None:
    with pytest.raises(ValueError, match="does not apply"):
        replay("完全不同的文字", [Change(0, 2, "鍙戝", "发", "utf8_as_gbk", 0.9)])
