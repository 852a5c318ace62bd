"""repair() on held-out cases: text from other sites than the development set and the model's
training data (tests/fixtures/mojibake/make_heldout.py). Judged as the hidden set is: floors
per group, not case by case, so that a generic fix is rewarded and no case is tuned for."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.mojibake import repair

CASES = [json.loads(line) for line in
         (Path(__file__).parent / "fixtures" / "mojibake" / "heldout.jsonl").read_text("utf-8").split("\n") if line]
REVERSIBLE = [c for c in CASES if c["expected"] is not None and c["kind"] != "clean"]


def test_repair_heldout_reversible_floor() -> None:
    right = sum(repair(c["input"]).text == c["expected"] for c in REVERSIBLE)
    assert right / len(REVERSIBLE) >= 0.98, f"{right}/{len(REVERSIBLE)}"


@pytest.mark.parametrize("case", [c for c in CASES if c["expected"] is None], ids=lambda c: c["id"])
def test_repair_heldout_lossy_case_is_flagged(case: dict) -> None:
    assert repair(case["input"]).lost > 0


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] == "clean"], ids=lambda c: c["id"])
def test_repair_heldout_clean_control_unchanged(case: dict) -> None:
    report = repair(case["input"])
    assert report.text == case["input"] and not report.changed


@pytest.mark.parametrize("kind", ["trad_pinyin", "double", "partial", "html_entity", "utf8_as_gbk"])
def test_repair_heldout_kind_floor(kind: str) -> None:
    group = [c for c in REVERSIBLE if c["kind"] == kind]
    right = sum(repair(c["input"]).text == c["expected"] for c in group)
    assert right / len(group) >= 0.94, f"{kind}: {right}/{len(group)}"
