"""archiver.mojibake.repair: development cases, property tests, one unit test per kind."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from archiver.mojibake import Change, RepairReport, repair
from archiver.mojibake.charsets import decode_strict, latin_chars
from archiver.mojibake.markers import suspicious

CASES_FILE = Path(__file__).parent / "fixtures" / "mojibake" / "cases.jsonl"
CASES = [json.loads(line) for line in CASES_FILE.read_text(encoding="utf-8").split("\n") if line.strip()]
# Known failures of the span repairer itself: none at the moment. Add ids here with a reason.
KNOWN_FAILURES: dict[str, str] = {}


def _marks(case: dict) -> list[pytest.MarkDecorator]:
    if case["id"] in KNOWN_FAILURES:
        return [pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[case["id"]])]
    return []


def _params() -> list:
    return [pytest.param(c, id=c["id"], marks=_marks(c)) for c in CASES]


@pytest.mark.parametrize("case", _params())
def test_repair_development_case(case: dict) -> None:
    report = repair(case["input"])
    if case["expected"] is None:
        assert report.lost > 0, "information destroyed: must be flagged"
    elif case["kind"] == "clean":
        assert report.text == case["input"]
        assert not report.changed and report.lost == 0 and report.changes == []
    else:
        assert report.text == case["expected"]
        assert report.changed and report.lost == 0


# --- property tests: real Chinese text passes through unchanged ---------------------------

def _gb2312_level1() -> str:
    return "".join(bytes((lead, trail)).decode("gb2312") for lead in range(0xB0, 0xD8)
                   for trail in range(0xA1, 0xFF) if (lead, trail) < (0xD7, 0xFA))


SIMPLIFIED = _gb2312_level1()
TRADITIONAL = "國會議員說們來這時發現經濟實際關於對應與從舉辦當選聯繫區縣鄉鎮廣東臺灣門開間問題務協調長紀錄號總統"
WORDS = ["中华人民共和国", "国务院", "新闻发布会", "经济社会发展", "香港特别行政区", "行政長官", "立法會",
         "涓涓细流", "锦绣", "钟鍾", "锟铻", "盲人", "忙碌", "浏览次数", "鏖战"]
PUNCT = list("，。、：；！？“”‘’《》（）【】「」…—·") + ["——", "……", "\u3000"]
ASCII = list("abcXYZ0123456789 ,.:;!()-/%") + ["2024", "GDP", "http://www.gov.cn", " "]

chinese_text = st.lists(
    st.one_of(st.sampled_from(SIMPLIFIED), st.sampled_from(TRADITIONAL), st.sampled_from(WORDS),
              st.sampled_from(PUNCT), st.sampled_from(ASCII)),
    min_size=1, max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chinese_text)
def test_real_chinese_text_is_left_unchanged(text: str) -> None:
    report = repair(text)
    assert report.text == text
    assert not report.changed
    assert report.lost == 0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(SIMPLIFIED), min_size=2, max_size=20).map("".join))
def test_repair_is_idempotent_on_its_output(text: str) -> None:
    once = repair(text.encode("utf-8").decode("gb18030", errors="replace")).text
    assert repair(once).text == once


# --- one unit test per kind, on sentences not in the development cases ---------------------

# Even byte counts, so that a strict GBK/GB18030 reading of their UTF-8 exists.
SENTENCE = "省政府新闻办今天举行新闻发布会，介绍全省经济运行情况"
TRAD_SENTENCE = "行政會議今日通過條例草案，將於下月提交立法會審議"


def _latin(raw: bytes) -> str:
    inverse = {v: k for k, v in latin_chars().items()}
    return "".join(inverse.get(b, chr(b)) for b in raw)


@pytest.mark.parametrize("make, kind", [
    (lambda s: decode_strict(s.encode("utf-8"), "cp936"), "utf8_as_gbk"),
    (lambda s: s.encode("utf-8").decode("gb18030"), "utf8_as_gbk"),
    (lambda s: _latin(s.encode("utf-8")), "utf8_as_cp1252"),
    (lambda s: s.encode("utf-8").decode("latin-1"), "utf8_as_cp1252"),
    (lambda s: s.encode("utf-8").decode("mac_roman"), "utf8_as_macroman"),
    (lambda s: _latin(s.encode("gbk")), "gbk_as_cp1252"),
    (lambda s: _latin(("在JScript 9" + s + "JScript 9与JScript 5.8").encode("gbk")), "gbk_as_cp1252"),
])
@pytest.mark.parametrize("sentence", [SENTENCE, TRAD_SENTENCE])
def test_repair_kind_restores_sentence(make, kind: str, sentence: str) -> None:
    broken = make(sentence)
    report = repair(broken)
    expected = sentence if "JScript" not in broken else "在JScript 9" + sentence + "JScript 9与JScript 5.8"
    assert report.text == expected
    assert kind in report.kinds


@pytest.mark.parametrize("make, sentence", [
    (lambda s: _latin(_latin(s.encode("utf-8")).encode("utf-8")), SENTENCE),
    (lambda s: decode_strict(_latin(s.encode("utf-8")).encode("utf-8"), "cp936"), "市政府召开常务会议"),
    (lambda s: _latin(decode_strict(s.encode("utf-8"), "cp936").encode("utf-8")), SENTENCE),
])
def test_repair_double_mojibake(make, sentence: str) -> None:
    report = repair(make(sentence))
    assert report.text == sentence
    assert any(k.startswith("double:") for k in report.kinds)
    inline = repair("来源：本站 " + make(sentence) + " 浏览次数：")
    assert inline.text == "来源：本站 " + sentence + " 浏览次数："


def test_repair_only_the_broken_span() -> None:
    broken = decode_strict("新闻发布".encode(), "cp936")
    text = f"来源：省政府{broken}会现场 2024-05-01"
    report = repair(text)
    assert report.text == "来源：省政府新闻发布会现场 2024-05-01"
    [change] = report.changes
    assert (change.before, change.after) == (broken, "新闻发布")
    assert text[change.start : change.end] == broken and 0 < change.confidence < 1


def test_repair_restores_a_stripped_nbsp_byte() -> None:
    assert repair("ä½ å¥½").text == "你好"
    assert repair("Python åˆ\xa0é™¤åˆ—è¡¨ä¸\xadçš„å…ƒç´").text == "Python 删除列表中的元素"


@pytest.mark.parametrize("text, expected", [
    ("&#36816;&#22478;", "运城"),
    ("&#x8FD0;&#x57CE;", "运城"),
    ("&ldquo;双线&rdquo;", "“双线”"),
    ("&amp;ldquo;双线&amp;rdquo;", "“双线”"),
    ("研发（R&amp;amp;D）", "研发（R&D）"),
])
def test_repair_html_references(text: str, expected: str) -> None:
    report = repair(text)
    assert report.text == expected and report.kinds == ["html_entity"]


@pytest.mark.parametrize("text", ["R&D 投入", "a&copy=1 的链接", "&unknownname; 留着"])
def test_repair_leaves_non_references_alone(text: str) -> None:
    assert repair(text).text == text


def test_repair_flags_gbk_read_replacement_characters() -> None:
    report = repair("标题锟斤拷锟斤拷正文")
    assert report.text == "标题\ufffd\ufffd\ufffd\ufffd正文"
    assert report.lost == 4


def test_repair_flags_big5_read_replacement_characters() -> None:
    report = repair("標題嚙踝蕭內容")
    assert report.text == "標題\ufffd\ufffd內容" and report.lost == 2


def test_repair_flags_replacement_runs_but_not_a_quoted_one() -> None:
    assert repair("发布日期：\ufffd\ufffd\ufffd 来源").lost == 3
    quoted = repair("页面里出现了\ufffd这种符号")
    assert quoted.lost == 0 and not quoted.changed


def test_repair_flags_question_mark_runs_between_hanzi() -> None:
    assert repair("南汉皇帝刘??在位").lost == 2
    assert repair("这是真的吗??").lost == 0


@pytest.mark.parametrize("text", [
    "涓涓细流，汇成江海。", "鍾表", "锦绣河山", "锟铻之剑", "盲人按摩", "工作繁忙碌碌无为",
    "这是真的吗?!", "Zürich（苏黎世）、São Paulo（圣保罗）", "Informações 澳门", "ÄÖÜäöüß",
    "温度25°C，湿度±5%", "价格¥100，约€13", "Tombkeeper：ROPs", "9与JScript", "“运城北高速口”", "——《人民日报》", "（１）ＡＢＣ",
])
def test_repair_negatives_survive(text: str) -> None:
    report = repair(text)
    assert report.text == text and not report.changed and report.lost == 0


def test_fast_path_proves_clean_text_clean() -> None:
    text = "会议以视频方式召开，各市、县（市、区）设分会场。" * 50
    assert not suspicious(text)
    report = repair(text)
    assert report == RepairReport(text=text, changed=False)


@pytest.mark.parametrize("text", [
    "皓月当空，馥郁芬芳", "皎洁的月光", "一只红尾鸲鸟", "金棕榈 前", "棕榈树下",
])
def test_rare_characters_of_the_marker_rows_are_no_sign_of_damage(text: str) -> None:
    """皓 馥 皎 鸲 lead four-byte UTF-8 readings (CJK Extension B, which no page means) and
    榈 before a space leaves a continuation byte where a character must start: real text,
    so the fast path holds and no span search is paid."""
    assert not suspicious(text)


def test_an_emoji_read_as_gbk_is_still_a_sign_of_damage() -> None:
    broken = "点赞😀支持".encode().decode("gbk", errors="replace")
    assert suspicious(broken)


def test_report_is_replayable() -> None:
    text = "来源：" + "朔州市融媒体中心".encode().decode("latin-1") + " 作者"
    report = repair(text)
    replayed = text
    for change in sorted(report.changes, key=lambda c: -c.start):
        assert isinstance(change, Change)
        replayed = replayed[: change.start] + change.after + replayed[change.end :]
    assert replayed == report.text == "来源：朔州市融媒体中心 作者"


SEED = Path(__file__).parent / "fixtures" / "seed"


def test_repair_composes_trad_pinyin_on_the_seed_page() -> None:
    seed = (SEED / "seed.txt").read_text(encoding="utf-8")
    report = repair(seed)
    assert report.text == (SEED / "seed.restored.txt").read_text(encoding="utf-8")
    assert report.lost > 0
