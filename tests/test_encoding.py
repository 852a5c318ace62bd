"""archiver.encoding.decoder.decode: development and extra cases, properties, meta sniffing."""
from __future__ import annotations

import base64
import json
import pathlib
import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from archiver.encoding.declared import header_charset, meta_charsets, normalise, sniff_bom
from archiver.encoding.decoder import DecodeReport, _decode, decode, recover_bytes

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "encodings"
SOURCES = {"bom", "header", "meta", "detected", "fallback"}


def load_cases(name: str) -> list[dict]:
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


CASES = load_cases("encodings.jsonl") + load_cases("extra.jsonl") + load_cases("heldout.jsonl")


def run_case(case: dict) -> tuple[DecodeReport, str]:
    body = base64.b64decode(case["bytes_b64"])
    header = case["declared_via"] == "header"
    content_type = f"text/html; charset={case['declared']}" if header else None
    return decode(body, content_type), body.decode(case["true_encoding"])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_encoding_case_decodes_to_true_text(case: dict) -> None:
    report, truth = run_case(case)
    assert report.text == truth, report.to_dict()
    assert report.source in SOURCES
    json.dumps(report.to_dict())


def test_encoding_accuracy_floor() -> None:
    right = sum(report.text == truth for report, truth in map(run_case, CASES))
    assert right / len(CASES) >= 0.99


# --- reports -----------------------------------------------------------------

def test_encoding_report_to_dict_has_everything_but_text() -> None:
    report = decode("运城党建网".encode("gbk"), "text/html; charset=utf-8")
    data = report.to_dict()
    assert "text" not in data
    assert set(data) >= {"encoding", "source", "confidence", "declared", "disagreement"}
    assert data["declared"]["header"] == "utf-8"
    assert "header utf-8" in data["disagreement"]
    json.dumps(data)


def test_encoding_bom_overrides_wrong_header_and_says_so() -> None:
    report = decode(b"\xef\xbb\xbf" + "新闻".encode(), "text/html; charset=gbk")
    assert (report.text, report.encoding, report.source) == ("新闻", "utf-8-sig", "bom")
    assert "BOM" in report.disagreement


def test_encoding_utf16_bom() -> None:
    body = "\ufeff<p>政务公开</p>".encode("utf-16-le")
    report = decode(body)
    assert (report.text, report.source) == ("<p>政务公开</p>", "bom")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_encoding_utf16_without_bom(codec: str) -> None:
    text = "<html><head><title>政务公开</title></head><body>通知</body></html>"
    report = decode(text.encode(codec))
    assert (report.text, report.encoding, report.source) == (text, codec, "detected")


def test_encoding_refuted_declarations_are_recorded() -> None:
    """A header lying utf-8 over GBK bytes is refuted; the meta that decodes is believed."""
    body = '<meta charset="gbk"><p>市人民政府关于印发重点工作方案的通知</p>'.encode("gbk")
    report = decode(body, "text/html; charset=utf-8")
    assert (report.encoding, report.source) == ("gb18030", "meta")
    assert report.declared["refuted"] == ["header utf-8"]
    assert "meta gbk agrees" in report.disagreement


def test_encoding_big5_declared_gb2312_is_overruled() -> None:
    body = ('<meta charset="gb2312"><p>行政院會議通過國家發展計畫草案</p>').encode("big5")
    report = decode(body)
    assert report.encoding == "big5" and report.source == "detected"
    assert "meta gb2312" in report.disagreement


def test_encoding_header_and_meta_disagreement_is_recorded() -> None:
    body = '<meta charset="gbk"><p>市人民政府关于印发工作方案的通知</p>'.encode("gbk")
    report = decode(body, "text/html; charset=utf-8")
    assert report.source == "meta" and report.encoding == "gb18030"
    assert "header utf-8" in report.disagreement and "disagree" in report.disagreement


def test_encoding_pure_ascii_keeps_declaration() -> None:
    report = decode(b"<p>hello</p>", "text/html; charset=gbk")
    assert (report.text, report.source, report.confidence) == ("<p>hello</p>", "header", 1.0)


def test_encoding_empty_body() -> None:
    report = decode(b"")
    assert report.text == "" and report.source in SOURCES


def test_encoding_truncated_gbk_page_falls_back_recoverably() -> None:
    body = "<p>省生态环境厅召开全省大气污染防治工作推进会</p>".encode("gbk")[:-5]
    report = decode(body)
    assert report.source == "fallback" and report.encoding == "gb18030"
    assert report.undecodable == 1
    assert report.text.startswith("<p>省生态环境厅")
    assert recover_bytes(report.text, report.encoding) == body


def test_encoding_binary_junk_never_raises_and_keeps_bytes() -> None:
    body = random.Random(3).randbytes(5000)
    report = decode(body, "application/octet-stream")
    assert report.source == "fallback"
    assert recover_bytes(report.text, report.encoding) == body


# --- properties --------------------------------------------------------------

LABELS = st.sampled_from(["utf-8", "gbk", "gb2312", "big5", "latin1", "utf-16", "x-gbk",
                          "koi8-r", "nonsense", "", "GB18030", "shift_jis", "ascii"])
CONTENT_TYPES = st.one_of(st.none(), st.text(max_size=40),
                          st.builds("text/html; charset={}".format, LABELS))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(max_size=2000), content_type=CONTENT_TYPES,
       url=st.one_of(st.none(), st.text(max_size=30)))
def test_encoding_never_raises(body: bytes, content_type: str | None, url: str | None) -> None:
    report = decode(body, content_type, url)
    assert isinstance(report.text, str) and report.source in SOURCES
    assert 0.0 <= report.confidence <= 1.0
    json.dumps(report.to_dict())
    assert not any("\ud800" <= ch <= "\udfff" for ch in report.text)  # safe for lxml/sqlite
    if report.source == "fallback":
        assert recover_bytes(report.text, report.encoding) == body


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(min_size=250, max_size=1200), content_type=CONTENT_TYPES)
def test_encoding_safety_net_is_never_needed(body: bytes, content_type: str | None) -> None:
    # decode() swallows any exception into a latin-1 fallback; the real path must not
    # need that net (long bodies also exercise the truncated-tail tolerance).
    _decode(body, content_type, None)
    _decode(b'<meta charset="gbk">' + body, content_type, None)


@settings(max_examples=100, deadline=None)
@given(body=st.binary(max_size=300), label=LABELS)
def test_encoding_never_raises_with_meta(body: bytes, label: str) -> None:
    page = f'<meta charset="{label}">'.encode() + body
    assert isinstance(decode(page).text, str)


@pytest.mark.parametrize("text", ["学学学学", "学为时业全要", "全要时业学为学为"])
def test_encoding_gbk_that_is_valid_utf8_by_chance(text: str) -> None:
    # GBK for 学为时业全要 is lead C2-DF + trail 80-BF: valid 2-byte UTF-8 (ѧ...)
    assert decode(text.encode("gbk"), "text/html; charset=utf-8").text == text
    assert decode(text.encode("gbk")).text == text


COMMON = "的国中人大和发学家在会有是为时网地业市长务闻生全理要年公工上行报动区日开政出体机对多到"
CHINESE = st.text(alphabet=COMMON + "，。、", min_size=4, max_size=60)


@settings(max_examples=100, deadline=None)
@given(text=CHINESE)
def test_encoding_utf8_chinese_is_always_utf8(text: str) -> None:
    assert decode(text.encode("utf-8"), "text/html; charset=gbk").text == text


@settings(max_examples=100, deadline=None)
@given(text=CHINESE)
def test_encoding_gbk_chinese_survives_a_lying_utf8_header(text: str) -> None:
    assert decode(text.encode("gbk"), "text/html; charset=utf-8").text == text


# --- declarations ------------------------------------------------------------

@pytest.mark.parametrize("html, expected", [
    (b'<meta charset="gb2312">', ["gb2312"]),
    (b"<meta charset=GBK>", ["gbk"]),
    (b"<META CHARSET='Big5'/>", ["big5"]),
    (b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', ["gb2312"]),
    (b'<meta httpequiv="Content-Type" content="text/html; charset=gbk">', ["gbk"]),
    (b"<meta http_equiv=Content-Type content=text/html;charset=utf-8>", ["utf-8"]),
    (b'<meta content="text/html; charset = x-gbk" http-equiv="content-type">', ["x-gbk"]),
    (b'<meta\ncontent="text/html;\n charset=GB2312"\nhttp-equiv="Content-Type">', ["gb2312"]),
    (b'<meta charset="utf-8"><meta http-equiv="Content-Type" content="text/html; charset=gbk">',
     ["utf-8", "gbk"]),
    (b'<?xml version="1.0" encoding="GB2312"?><html>', ["gb2312"]),
    (b"<p>charset=gbk is only text here</p>", []),
    (b'<meta name="keywords" content="news">', []),
    (b" " * 9000 + b'<meta charset="gbk">', []),
])
def test_encoding_meta_sniffing(html: bytes, expected: list[str]) -> None:
    assert meta_charsets(html) == expected


@pytest.mark.parametrize("value, expected", [
    ("text/html; charset=GBK", "gbk"),
    ('text/html; charset="utf-8"', "utf-8"),
    ("text/html;charset=gb2312;q=1", "gb2312"),
    ("text/html", None),
    (None, None),
    (b"text/html; charset=gbk", None),
    ("charset=", None),
])
def test_encoding_header_charset(value: object, expected: str | None) -> None:
    assert header_charset(value) == expected


@pytest.mark.parametrize("label, codec", [
    ("gb2312", "gb18030"), ("GBK", "gb18030"), ("x-gbk", "gb18030"), ("cp936", "gb18030"),
    ("gb18030", "gb18030"), ("big5", "big5"), ("big5-hkscs", "big5hkscs"), ("utf8", "utf-8"),
    ("UTF-8", "utf-8"), ("utf-16", "utf-8"), ("iso-8859-1", "cp1252"), ("nonsense", None),
    ("", None), (None, None),
])
def test_encoding_label_normalisation(label: str | None, codec: str | None) -> None:
    assert normalise(label) == codec


def test_encoding_bom_sniffing() -> None:
    assert sniff_bom(b"\xff\xfe\x00\x00x") == ("utf-32-le", 4)
    assert sniff_bom(b"\xff\xfex\x00") == ("utf-16-le", 2)
    assert sniff_bom(b"\xef\xbb\xbfx") == ("utf-8-sig", 3)
    assert sniff_bom(b"<html>") is None


def test_encoding_page_cut_inside_last_character_keeps_its_declaration() -> None:
    page = '<meta charset="gbk"><p>' + "区委书记带队调研乡村振兴和基层治理工作。" * 20
    body = page.encode("gbk")[:-1]
    report = decode(body)
    assert (report.source, report.encoding, report.undecodable) == ("meta", "gb18030", 1)
    assert "truncated" in report.disagreement
    assert recover_bytes(report.text, report.encoding) == body


def test_encoding_truncated_gb18030_four_byte_tail_is_recoverable() -> None:
    body = ('<meta charset="gb18030"><p>' + "扩展区汉字𠀀" * 40).encode("gb18030")[:-2]
    report = decode(body)
    assert (report.source, report.undecodable) == ("meta", 2)
    assert all(0xF700 <= ord(ch) <= 0xF7FF for ch in report.text[-2:])
    assert recover_bytes(report.text, report.encoding) == body


def test_encoding_big5_label_reports_the_superset_actually_used() -> None:
    body = "<p>香港特別行政區政府今日公布措施，市民須配合檢測。𨋢</p>".encode("big5hkscs")
    report = decode(body, "text/html; charset=big5")
    assert (report.encoding, report.source) == ("big5hkscs", "header")
    assert report.text == body.decode("big5hkscs")
