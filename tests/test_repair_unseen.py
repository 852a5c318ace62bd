"""Repair on unseen text (issue 13): a repair never turns one garbage into another.

Cases are generated from sentences, by the very codec accidents they stand for, so each test
states the kind rather than one string."""
from __future__ import annotations

import pytest

from archiver.mojibake import repair
from archiver.mojibake.report import replay
from archiver.process import extract

SENTENCES = [
    "我们不能接受这个结果，政府将进一步加强监管。",
    "关于印发《示例市不动产登记办法》的通知",
    "国务院办公厅关于进一步优化营商环境的意见",
    "个人不受理",
]


def _cp1252_dropping(text: str) -> str:
    """UTF-8 bytes read as cp1252 by a decoder that drops 0x81, 0x8D, 0x8F, 0x90 and 0x9D."""
    return text.encode("utf-8").decode("cp1252", errors="ignore")


def _lenient_utf8(raw: bytes) -> str:
    """A UTF-8 decoder that reads each invalid byte as its Latin-1 character (C1 controls too)."""
    out, i = [], 0
    while i < len(raw):
        for n in (4, 3, 2, 1):
            try:
                out.append(raw[i:i + n].decode("utf-8"))
                i += n
                break
            except UnicodeDecodeError:
                continue
        else:
            out.append(chr(raw[i]))
            i += 1
    return "".join(out)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_cp1252_dropped_bytes_restored_with_losses_flagged_or_left(sentence: str) -> None:
    broken = _cp1252_dropping(sentence)
    assert broken != sentence.encode("utf-8").decode("cp1252", errors="replace")  # bytes were dropped
    report = repair(broken)
    assert report.lost >= 1  # every lossy case is flagged
    if report.text == broken:
        assert "lost_utf8_as_cp1252_dropped" in report.kinds  # left as it is, and flagged
    else:
        # restored: each character is the original one or U+FFFD, never another hanzi
        assert len(report.text) == len(sentence)
        assert all(got in (want, "\ufffd") for got, want in zip(report.text, sentence, strict=True))
        assert report.text.count("\ufffd") == report.lost
    assert replay(broken, report.changes) == report.text


def test_cp1252_dropped_bytes_with_little_surviving_is_left_and_flagged() -> None:
    broken = _cp1252_dropping("不丐丝丏")  # every character lost a byte: nothing to restore
    report = repair(broken)
    assert report.text == broken
    assert report.lost == 4 and report.kinds == ["lost_utf8_as_cp1252_dropped"]


@pytest.mark.parametrize("sentence", ["这是一个测试們", "国务院办公厅关于印发通知的们", "今天是個好日子",
                                      "政府信息公开：區", "测试們，下一句"])
def test_gbk_read_by_lenient_utf8_repaired_to_its_end(sentence: str) -> None:
    """GBK bytes through a lenient UTF-8 decoder: valid pairs show as Cyrillic or Hangul, the
    rest as Latin-1 letters and C1 controls, often at the very end of the span (們 = 82 83)."""
    broken = _lenient_utf8(sentence.encode("gbk"))
    assert any("\x80" <= ch <= "\x9f" or "\u0100" <= ch <= "\ud7ff" for ch in broken)
    assert repair(broken).text == sentence


def test_gbk_span_ending_in_c1_controls_is_repaired_to_its_end() -> None:
    broken = _lenient_utf8("来源：测试們".encode("gbk"))
    assert "\x80" <= broken[-1] <= "\x9f"  # 试們 = CA D4 82 83: "Ê", "Ԃ" (D4 82), "\x83"
    assert repair(broken).text == "来源：测试們"


@pytest.mark.parametrize("clean", [
    "Привет, как дела? Это тест.", "Ελληνικά κείμενα", "한국어 텍스트입니다", "café crème brûlée à côté",
    "שלום עולם", "Größe: 5 µm × 3 µm", "市政府召开常务会议，研究部署防汛工作。",
])
def test_clean_text_in_other_scripts_is_never_changed(clean: str) -> None:
    report = repair(clean)
    assert report.text == clean and not report.changed and report.lost == 0


MIRROR_BODY = ("發(fā)展要安全。”運(yùn)城市在全面實(shí)施疫情防控的同時(shí),千方百計(jì)抓好重大項(xiàng)目建設(shè)、"
               "市場(chǎng)主體倍增、農(nóng)業(yè)生產(chǎn)、工業(yè)運(yùn)行調(diào)度、服務(wù)業(yè)挖潛增效等工作,全力穩(wěn)住經(jīng)濟(jì)基本盤。")


def test_mirror_evidence_in_the_body_repairs_a_single_gloss_in_the_title() -> None:
    title = "關(guān)閉網站的通知"
    assert repair(title).text == title  # one gloss alone proves nothing
    html = (f"<html><head><title>{title}</title><meta name='ArticleTitle' content='{title}'></head><body>"
            f"<h1>{title}</h1><div>發(fā)布時(shí)間：2022-05-20</div>"
            f"<div class='TRS_Editor'><p>{MIRROR_BODY}</p></div></body></html>")
    art = extract(html.encode("utf-8"), "http://www.example.gov.cn/a/t20220520_1.html")
    assert art.title == "关闭网站的通知"
    assert (art.body or "").startswith("发展要安全")
