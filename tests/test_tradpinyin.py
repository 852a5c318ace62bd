"""Traditional+pinyin reversal: development cases, negatives, CP936 codec, simulator round trip."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import example, given, settings, strategies as st

from archiver.mojibake.tradpinyin import cp936
from archiver.mojibake.tradpinyin.reverse import LOST, undo_trad_pinyin
from archiver.testing.simulate import corrupt_like_seed, fold_width, to_traditional

FIXTURES = Path(__file__).parent / "fixtures" / "seed"
CASES = [json.loads(line) for line in (FIXTURES / "tp_cases.jsonl").read_text("utf-8").splitlines()]
BODIES = json.loads((FIXTURES / "roundtrip_bodies.json").read_text("utf-8"))


def _cases(kind: str) -> list[dict]:
    return [c for c in CASES if (c["kind"] == "clean") == (kind == "clean")]


@pytest.mark.parametrize("case", _cases("corrupted"), ids=lambda c: c["id"])
def test_tradpinyin_restores_development_case(case: dict) -> None:
    result = undo_trad_pinyin(case["input"])
    assert result is not None
    if case["expected"] is None:
        assert result.lost > 0
    else:
        assert result.text == case["expected"]
        assert result.lost == 0


@pytest.mark.parametrize("case", _cases("clean"), ids=lambda c: c["id"])
def test_tradpinyin_leaves_clean_control_alone(case: dict) -> None:
    assert undo_trad_pinyin(case["input"]) is None


@pytest.mark.parametrize(
    "text",
    [
        "學(xué)而時習之，不亦說乎？有朋自遠方來，不亦樂乎？",  # a reading aid in a traditional text
        "学(xué)而时习之，不亦说乎？",  # the same aid in a simplified textbook
        "子曰：「學(xué)而時習之。」學，效也。學者當時習之。",  # glossed once, not at every occurrence
        "臺北(Táiběi)是中華民國的首都，位於臺灣北部。",  # romanisation, not one syllable
        "香港特別行政區政府今日公布，二〇二四年首季本地生產總值較一年前實質上升。",
        "第五屆全國會議在太原(Taiyuan)召開，各市、縣（市、區）設分會場。",
        "咖啡(café)和茶(tea)都是飲料。",
    ],
)
def test_tradpinyin_gate_keeps_genuine_text(text: str) -> None:
    assert undo_trad_pinyin(text) is None


def test_tradpinyin_keeps_non_pinyin_groups() -> None:
    result = undo_trad_pinyin("鳥哥筆記小羽毛(ngbjxym),中國(太原)會(huì)展經(jīng)濟(jì)")
    assert result is not None
    assert result.text == "鸟哥笔记小羽毛(ngbjxym),中国(太原)会展经济"


def test_tradpinyin_reports_each_change() -> None:
    result = undo_trad_pinyin("來(lái)源:運(yùn)城日?qǐng)?bào)")
    assert result is not None and result.text == "来源:运城日报"
    kinds = {change.kind for change in result.changes}
    assert {"pinyin_annotation", "misaligned_insertion", "byte_shift", "t2s"} <= kinds
    shift = next(c for c in result.changes if c.kind == "byte_shift")
    assert (shift.before, shift.after) == ("?bào)", "報")


def test_tradpinyin_marks_swallowed_digit_as_lost() -> None:
    result = undo_trad_pinyin("蔬菜水果?!?月25日,在運(yùn)城市農(nóng)業(yè)農(nóng)村局")
    assert result is not None
    assert result.text == f"蔬菜水果。”{LOST}月25日,在运城市农业农村局"
    assert result.lost == 1


def test_tradpinyin_precheck_is_none_on_plain_text() -> None:
    assert undo_trad_pinyin("运城市召开一季度经济工作会议（扩大）。" * 100) is None


def test_cp936_matches_php_mbstring() -> None:
    assert cp936.decode(b"\xa8\xbf\xae\xdf\x80") == "\ue7c8\ue1b6€"
    assert cp936.decode(b"\xc8\xd5\x88(q") == "日?q"  # the orphan lead swallows '('
    assert cp936.decode(b"\xa1\xa3\xa1\xb1\xff") == "。”\uf8f5"
    assert cp936.encode("運(yùn)€") == b"\xdf\\(y\xa8\xb4n)\x80"


def test_cp936_round_trips_every_mapped_character() -> None:
    for code, char in cp936.decode_table().items():
        assert cp936.decode(cp936.encode(char)) == char, hex(code)


@pytest.mark.parametrize(
    ("original", "case_id"),
    [
        ("人民网记者 张婷婷 运城日报记者 陈永年", "trad_pinyin-007"),
        (("发展要安全。”运城市在全面实施疫情防控的同时，千方百计抓好重大项目建设、市场主体倍增、"
         "农业生产、工业运行调度、服务业挖潜增效等工作，全力稳住经济基本盘。"), "trad_pinyin-021"),
        ("会议以视频方式召开，各市、县（市、区）设分会场。", "trad_pinyin-037"),
    ],
)
def test_simulator_reproduces_real_corruption(original: str, case_id: str) -> None:
    case = next(c for c in CASES if c["id"] == case_id)
    assert corrupt_like_seed(original) == case["input"]


def _matches(restored: str, original: str, corrupted: str = "") -> bool:
    """Equal except where the corruption destroyed information: a lost mark, or '?' standing
    for a character GBK cannot encode."""
    expected = fold_width(original)
    if corrupted.endswith("?") and len(restored) == len(expected) - 1 and expected[-1].isascii():
        # An orphan lead byte at the very end swallowed the ASCII byte after it ("。”\n" ->
        # "?!?"): that byte is gone, and nothing after it shows it was ever there.
        expected = expected[:-1]
    if len(restored) != len(expected):
        return False
    return all(
        got == want or got == LOST or (got == "?" and cp936.encode_char(want) is None)
        for got, want in zip(restored, expected, strict=False)
    )


@pytest.mark.parametrize("index", range(len(BODIES)))
def test_tradpinyin_round_trips_simulated_page(index: int) -> None:
    body = BODIES[index]
    result = undo_trad_pinyin(corrupt_like_seed(body))
    assert result is not None and _matches(result.text, body)


@example(index=1, seed=1, start=0, size=512)  # a slice ending "。”\n": the last byte is swallowed
@settings(max_examples=25, deadline=None)
@given(st.integers(0, len(BODIES) - 1), st.integers(1, 10_000), st.integers(0, 2000), st.integers(200, 1500))
def test_tradpinyin_round_trips_random_tables(index: int, seed: int, start: int, size: int) -> None:
    body = BODIES[index][start : start + size]
    converted = sorted({c for c in to_traditional(body) if c not in body})
    if len(converted) < 10:
        return
    table = "".join(random.Random(seed).sample(converted, min(len(converted), 40)))
    corrupted = corrupt_like_seed(body, table, seed)
    result = undo_trad_pinyin(corrupted)
    assert result is not None and _matches(result.text, body, corrupted)


_FUZZ_ALPHABET = "運城黨建網日報河東說王明睿的了一是在?!()<>/p|\\Ufyùnqǐngbàoxùnshuō,:。”“ \n\ue7c8\ue1b6€学"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_FUZZ_ALPHABET, max_size=60))
def test_tradpinyin_never_raises(text: str) -> None:
    result = undo_trad_pinyin("運(yùn)城黨建網(wǎng)," + text)
    if result is not None:
        assert result.text.count(LOST) <= result.lost


def test_simulator_is_deterministic_and_seeded() -> None:
    text = "运城日报记者报道：河东大地，请戴好口罩。”"
    assert corrupt_like_seed(text) == corrupt_like_seed(text)
    assert "日?qǐng)?bào)" in corrupt_like_seed(text)
    assert corrupt_like_seed(text, annotated_chars="報") == "運城日報(bào)記者報(bào)道:河東大地,請戴好口罩?!?"  # a lone lead at the end: one '?'


@pytest.mark.parametrize("line,expected", [
    ("國家統計局新聞(wén)發(fā)言人介紹國民經濟運行情況。", "国家统计局新闻发言人介绍国民经济运行情况。"),
    ("有關負責(zé)人介紹(shào)《中華(huá)人民共和國(guó)條例》", "有关负责人介绍《中华人民共和国条例》"),
])
def test_everyday_characters_glossed_with_everyday_readings_are_a_mirror(line: str, expected: str) -> None:
    result = undo_trad_pinyin(line)
    assert result is not None and result.text == expected


@pytest.mark.parametrize("line", [
    "學(xué)而",                              # one gloss: a reading aid
    "不亦說(yuè)乎？其為人也孝弟(tì)",          # unusual readings: a reading aid's tell
    "這個字讀作「行(háng)」，不讀(xíng)",     # a lesson about readings
    "古籍中的「兕(sì)」與「觥(gōng)」",      # rare characters glossed
])
def test_reading_aids_stay(line: str) -> None:
    assert undo_trad_pinyin(line) is None
