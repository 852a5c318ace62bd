"""Hostile input: extract returns a record (or raises a clear ValueError/TypeError), never
crashes or hangs."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from archiver.budget import Budget
from archiver.extraction import Article
from archiver.process import extract

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
URL = "http://www.example.gov.cn/a/t20220520_1.html"
PARA = "<p>全市上下认真贯彻落实会议精神，扎实推进各项工作，取得明显成效。</p>"


def _ok(result: Article) -> None:
    assert isinstance(result, Article)
    result.to_dict()


@pytest.mark.parametrize("raw", [b"", "", "   \n ", b"\x00\x00\x00", "<html></html>", "<!-- only -->"])
def test_extract_empty_inputs(raw: str | bytes) -> None:
    art = extract(raw, URL)
    _ok(art)
    assert art.body is None and art.title is None


def test_extract_truncated_page() -> None:
    raw = (CORPUS / "shanxi-gov-cn" / "article-1.html").read_bytes()
    for cut in (100, len(raw) // 3, len(raw) // 2 + 1):  # +1 may split a UTF-8 sequence
        _ok(extract(raw[:cut], URL))


def test_extract_binary_body() -> None:
    rng = random.Random(4)
    _ok(extract(bytes(rng.randrange(256) for _ in range(200_000)), URL))


def test_extract_ten_megabyte_page() -> None:
    html = "<html><body><h1>超大页面的标题</h1><div class='TRS_Editor'>" + PARA * 110_000 + "</div></body></html>"
    assert len(html.encode()) > 10_000_000
    # Beyond the default per-page budget (issue 11) the page is kept raw, flagged ...
    assert extract(html.encode(), URL).flags == ["too_large"]
    # ... and a budget that allows it extracts it whole.
    art = extract(html.encode(), URL, budget=Budget(seconds=600, max_bytes=20_000_000))
    assert art.title == "超大页面的标题" and art.body and art.body.count("\n") > 1000


def test_extract_deep_nesting() -> None:
    depth = 5000
    html = "<html><body>" + "<div>" * depth + "<p>深层嵌套的正文内容，用于检验不会递归溢出。</p>" + "</div>" * depth + "</body></html>"
    _ok(extract(html, URL))
    inline = "<html><body>" + "<span>" * depth + "文字" + "</span>" * depth + "</body></html>"
    _ok(extract(inline, URL))


def test_extract_broken_tags() -> None:
    html = ("<html><head><title>残缺</title><body><body><div class=TRS_Editor><p>第一段<p>第二段<b>加粗<i>斜体</b>"
            "</i><table><tr><td>单元格<td><div></span></p></p>" + PARA * 3 + "<<>><a href='x.pdf'>附件.pdf")
    art = extract(html, URL)
    _ok(art)
    assert "第二段加粗斜体" in (art.body or "")


def test_extract_wrong_charset() -> None:
    raw = ("<html><head><meta charset='utf-8'><title>错误编码</title></head><body><h1>错误编码的页面标题</h1>"
           + PARA * 3 + "</body></html>").encode("gbk")
    art = extract(raw, URL, content_type="text/html; charset=utf-8")
    _ok(art)


def test_extract_xml_declaration_and_cdata() -> None:
    html = '<?xml version="1.0" encoding="gb2312"?><html><body><![CDATA[x]]><h1>带XML声明的页面</h1>' + PARA * 2
    _ok(extract(html, URL))


def test_extract_rejects_wrong_type() -> None:
    with pytest.raises(TypeError):
        extract(12345, URL)  # type: ignore[arg-type]
