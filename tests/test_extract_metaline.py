"""Labelled metadata lines and 政务公开 fields: the variants seen on government pages."""
from __future__ import annotations

import pytest

from archiver.extraction.metaline import best_fields, doc_fields, is_meta_line, parse_line
from archiver.process import extract

LINES = [
    ("发布时间：2022年05月20日 来源：运城日报 点击率：1986", {"published_at": "2022年05月20日", "source": "运城日报"}),
    # repaired pages come back with half-width punctuation
    ("发布时间:2022年05月20日   来源:运城日报   点击率: 1986", {"published_at": "2022年05月20日", "source": "运城日报"}),
    ("发布日期：2019-03-06 责任编辑：龙慧", {"published_at": "2019-03-06", "editor": "龙慧"}),
    ("日期：2021-04-29  来源： ", {"published_at": "2021-04-29"}),
    ("时间：2019-09-25 作者：网络整理 阅读： 1644", {"published_at": "2019-09-25", "author": "网络整理"}),
    ("发布时间：2023-10-23 08:59 浏览次数： 信息来源： 市府办", {"published_at": "2023-10-23 08:59", "source": "市府办"}),
    # a date right before the first label is the line's date (rule date-before-label)
    ("2019-12-10 07:57:40 来源： 新华网", {"published_at": "2019-12-10 07:57:40", "source": "新华网"}),
    ("来源于：东区办事处", {"source": "东区办事处"}),
    ("稿源：省消保委秘书处", {"source": "省消保委秘书处"}),
    ("文章来源：市卫健委　作者：张三　责任编辑：李四", {"source": "市卫健委", "author": "张三", "editor": "李四"}),
    ("【责任编辑:张樵苏】", {"editor": "张樵苏"}),
    ("2020-02-29 18:34:31 来源: 新华社 举报", {"published_at": "2020-02-29 18:34:31", "source": "新华社"}),
    ("发表于2014-08-24 21:30| 1164次阅读| 来源CSDN| 0 条评论| 作者魏星",
     {"published_at": "2014-08-24 21:30", "source": "CSDN", "author": "魏星"}),
    ("发布机构：某某市人民政府办公室", {"source": "某某市人民政府办公室"}),
]


@pytest.mark.parametrize(("line", "want"), LINES, ids=[x[0][:20] for x in LINES])
def test_metaline_variants(line: str, want: dict) -> None:
    got = {f.field: f.value for f in parse_line(line)}
    for field, value in want.items():
        assert got.get(field, "").startswith(value), (field, got)
    assert set(got) == set(want)


def test_metaline_longer_labels_are_not_shorter_ones() -> None:
    assert parse_line("成文日期：2020-02-21") == []  # 成文日期 is not 日期
    assert {f.field for f in parse_line("责任编辑：王五")} == {"editor"}


def test_metaline_prefers_specific_label() -> None:
    best = best_fields(["稿源：省消保委秘书处", "来源：江西省市场监督管理局"])
    assert best["source"].value == "江西省市场监督管理局"


def test_metaline_is_meta_line_only_for_short_labelled_lines() -> None:
    assert is_meta_line("来源：无锡交警")
    assert not is_meta_line("据来源：可靠消息，" + "很长的正文" * 30)
    assert not is_meta_line("本市来源广泛的税收收入增长明显。")


def test_doc_fields_from_table_rows() -> None:
    rows = ["索引号 113325000026455663/2023-43887 文号 丽政发〔2023〕30号", "成文日期 2023-10-16 公开方式 主动公开",
            "发文机关：江西省人民政府办公厅 发文字号：赣府厅发〔2020〕6号"]
    got = doc_fields(rows)
    assert got["索引号"] == "113325000026455663/2023-43887"
    assert got["文号"] == "丽政发〔2023〕30号"
    assert got["成文日期"] == "2023-10-16"
    assert got["发文字号"] == "赣府厅发〔2020〕6号"


PAGE = """<html><head><title>{title}_某某市人民政府</title></head><body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/xw/">新闻</a></div>
<h1>{title}</h1><div class="info">{line}</div>
<div class="article"><p>{para}</p><p>{para}</p><p>{para}</p></div>
<div class="related"><ul><li><a href="/x/1.html">旧闻一则</a> 2017-11-08</li></ul></div>
<div class="footer">版权所有 某某市人民政府 网站标识码：1234000001</div></body></html>"""
PARA = "全市上下认真贯彻落实会议精神，扎实推进各项工作，取得明显成效，群众满意度持续提升。"


@pytest.mark.parametrize(("line", "iso", "source"), [
    ("发布时间：2022年05月20日&nbsp;&nbsp;来源：运城日报&nbsp;&nbsp;点击率：1986", "2022-05-20", "运城日报"),
    ("发布时间:2022年05月20日 来源:运城日报", "2022-05-20", "运城日报"),
    ("发布日期：2022-05-20 10:30　信息来源：市政府办公室", "2022-05-20T10:30:00+08:00", "市政府办公室"),
    ("<span>2022/5/20</span> <span>来源：</span><span>新华社</span>", "2022-05-20", "新华社"),
    ("日期：二〇二二年五月二十日 稿源：市委宣传部", "2022-05-20", "市委宣传部"),
])
def test_extract_metaline_on_page(line: str, iso: str, source: str) -> None:
    html = PAGE.format(title="全市召开经济工作推进会议", line=line, para=PARA)
    art = extract(html, "http://www.example.gov.cn/xw/202301/t20230101_1.html")
    assert art.published_at == iso  # not the URL date, not the stale 2017 date below
    assert art.source == source
    assert art.title == "全市召开经济工作推进会议"
    assert art.provenance["published_at"].startswith(("metaline:", "header-date"))


def test_date_line_inside_the_text_box_is_metadata_not_text() -> None:
    """Headline, unlabelled date then 来源, and the text in one box: the date line sits at the
    body's top edge, where only metadata lines are taken out and read."""
    html = ("<html><head><title>某某网</title></head><body><div class='nav'><a href='/'>首页</a></div>"
            "<div class='textL'><h1>全市召开经济工作推进会议</h1>"
            "<div class='info'>2014-11-12 10:40:36 来源：新疆福彩 字号：<strong>T</strong> | <strong>T</strong></div>"
            f"<p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div></body></html>")
    art = extract(html, "http://example.com/s?id=1")
    assert (art.published_at, art.source) == ("2014-11-12T10:40:36+08:00", "新疆福彩")
    assert art.body.startswith(PARA)


def test_extract_month_day_time_takes_year_from_meta() -> None:
    html = PAGE.format(title="日本最后一家传呼机公司停止服务", line="发布时间：09-30 22:46", para=PARA).replace(
        "<head>", '<head><meta itemprop="dateUpdate" content="2019-09-30 22:46:13">')
    art = extract(html, "http://example.com/s?id=1")
    assert art.published_at == "2019-09-30T22:46:00+08:00"


@pytest.mark.parametrize(("url", "iso"), [
    ("http://www.example.gov.cn/zxzx/tzgg/201703/1490838146368.html", "2017-03-30"),  # year-month folder
    ("http://www.example.gov.cn/xw/201703/t20170331_1.html", "2017-03-30"),  # the URL's date gives the year
    ("http://example.com/s?id=1", None),  # no year anywhere: no date
])
def test_labelled_month_and_day_take_the_year_from_the_url(url: str, iso: str | None) -> None:
    html = PAGE.format(title="全市召开经济工作推进会议", line="来源：市教育厅 发布时间： 03-30 点击量：35", para=PARA)
    assert extract(html, url).published_at == iso


def test_extract_url_date_is_last_resort() -> None:
    html = PAGE.format(title="全市召开经济工作推进会议", line="", para=PARA)
    art = extract(html, "http://www.example.gov.cn/xw/202205/t20220520_1.html")
    assert (art.published_at, art.provenance["published_at"]) == ("2022-05-20", "url:trs")


def test_byline_does_not_read_a_title_ending_in_gongzuozhe() -> None:
    from archiver.extraction.fields import byline_author

    assert byline_author(["关于公开招聘社区专职工作者的公告"]) is None
    assert byline_author(["澎湃新闻记者 段彦超"]) == "段彦超"
