"""Spam kept out of the body, non-articles recognised, bytes path, selectors, explain."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.extraction import Article, explain
from archiver.process import extract

FIX = Path(__file__).parent / "fixtures" / "extract" / "example-gov-cn"  # made-up pages of URL's site
LISTINGS = Path(__file__).parent / "fixtures" / "listings"  # shared with the listing tests
URL = "http://www.example.gov.cn/zwgk/202205/t20220520_123456.html"


def _page(name: str) -> bytes:
    return (FIX / name).read_bytes()


def test_extract_spam_injected_kept_out_of_body() -> None:
    art = extract(_page("article-2.html"), URL, content_type="text/html; charset=utf-8")
    assert "spam_injected" in art.flags
    assert any("一区二区" in s for s in art.spam)
    assert any("百家乐" in s for s in art.spam)   # hidden link farm
    assert "一区二区" not in (art.body or "") and "百家乐" not in (art.body or "")
    assert art.published_at == "2022-05-20" and art.source == "运城日报"
    assert (art.body or "").endswith("“双胜利”。")
    for chrome in ("下一篇", "公网安备", "分享到", "点击率"):
        assert chrome not in (art.body or "")


def test_extract_news_about_gambling_is_not_spam() -> None:
    para = "全市开展打击跨境赌博专项行动，查处赌场3个，收缴赌资12万元，抓获违法人员15名。"
    html = f"<html><body><h1>我市严厉打击跨境赌博</h1><div class='TRS_Editor'><p>{para}</p><p>{para}</p></div></body></html>"
    art = extract(html, URL)
    assert art.spam == [] and "spam_injected" not in art.flags
    assert "赌场" in (art.body or "")


@pytest.mark.parametrize("name", sorted(str(p.relative_to(LISTINGS)) for p in LISTINGS.glob("*/*.html")))
def test_extract_listing_is_not_an_article(name: str) -> None:
    art = extract((LISTINGS / name).read_bytes(), "http://www.example.gov.cn/col/col123/index.html")
    assert art.page_kind == "listing"
    assert "not_article:listing" in art.flags
    assert art.title is None and art.body is None


@pytest.mark.parametrize(("name", "kind"), [
    ("challenge-1.html", "challenge"),
    ("challenge-2.html", "challenge"),
    ("error-1.html", "error"),
])
def test_extract_challenge_and_error_pages(name: str, kind: str) -> None:
    art = extract(_page(name), URL)
    assert art.page_kind == kind and f"not_article:{kind}" in art.flags
    assert art.title is None and art.body is None and art.published_at is None


def test_extract_search_page() -> None:
    art = extract(_page("search-1.html"), "http://www.example.gov.cn/search/index.jsp?searchword=x")
    assert art.page_kind == "search" and art.body is None


def test_extract_gbk_bytes_notice() -> None:
    art = extract(_page("article-1.html"), URL, content_type="text/html")
    assert art.title == "某某市人民政府办公室关于做好2022年防汛工作的通知"
    assert art.published_at == "2022-05-20T10:30:00+08:00"
    assert art.source == "市政府办公室"
    assert art.doc_fields["成文日期"] == "2022年5月18日" and art.doc_fields["发文字号"] == "某政办发〔2022〕8号"
    assert [a["ext"] for a in art.attachments] == ["pdf", "docx"]
    assert art.attachments[0]["url"] == "http://www.example.gov.cn/zwgk/202205/P020220520123456.pdf"
    assert "打印本页" not in (art.body or "") and "字体" not in (art.body or "")
    assert (art.body or "").endswith("二〇二二年五月十八日")   # 落款 kept
    assert art.decode is not None


def test_extract_selectors_override() -> None:
    html = ("<html><body><div class='t'>真正的标题在这里</div><h1>栏目名称</h1>"
            "<div id='c'><p>正文第一段内容比较长，足够成为正文。</p></div>"
            "<span class='d'>2021-03-04</span><div class='src'>市统计局</div></body></html>")
    sel = {"title": ["div.t::text"], "published_at": ["//span[@class='d']/text()"],
           "source": ["div.src"], "body": ["#c"]}
    art = extract(html, URL, selectors=sel)
    assert art.title == "真正的标题在这里" and art.provenance["title"] == "selector:div.t::text"
    assert art.published_at == "2021-03-04"
    assert art.source == "市统计局"
    assert art.body == "正文第一段内容比较长，足够成为正文。" and art.provenance["body"] == "selector:#c"


def test_extract_bad_selector_is_skipped() -> None:
    art = extract("<html><body><h1>标题标题标题</h1><p>正文内容正文内容正文内容</p></body></html>", URL,
                  selectors={"title": ["div[[["]})
    assert art.title == "标题标题标题"


def test_extract_explain_and_to_dict() -> None:
    art = extract(_page("article-1.html"), URL)
    text = explain(art)
    assert "meta:articletitle" in text and "container:TRS_Editor" in text
    data = art.to_dict()
    json.dumps(data, ensure_ascii=False)
    assert data["page_kind"] == "article" and isinstance(art, Article)
