"""Template variants of real 集约化 government article pages, one named case each.

Each case is a small page modelled on a real template family (TRS, Hanweb, UCAP, 政务公开
tables, custom templates): the label spellings, date formats, title layouts, attachment links
and body containers that the development pages barely show. Build for the kind of page.
"""
from __future__ import annotations

from typing import Any

import pytest

from archiver.extraction.dates import parse_date
from archiver.extraction.metaline import doc_fields, join_dangling, parse_line
from archiver.process import extract

URL = "https://www.example.gov.cn/xwzx/zwyw/202305/t20230520_123456.html"
PARA = ("近日，市政府召开常务会议，研究部署优化营商环境、推进项目建设等重点工作。会议强调，"
        "各级各部门要坚持问题导向，压实工作责任，确保各项任务落地见效。")
PARA2 = "会议还听取了关于全市安全生产工作情况的汇报，要求严格落实属地管理责任，切实守牢安全底线。"
BODY = f"<p>{PARA}</p><p>{PARA2}</p>"
TITLE = "市政府召开常务会议研究部署重点工作"


def page(info: str, *, body: str = BODY, head: str = "", title_tag: str = f"{TITLE}_示例市人民政府",
         h1: str = f"<h1>{TITLE}</h1>", container: str = '<div class="TRS_Editor">{}</div>',
         after: str = "") -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title_tag}</title>{head}</head><body>"
            "<div class='nav'><a href='/'>首页</a> <a href='/xwzx/'>新闻中心</a></div>"
            f"<div class='article'>{h1}<div class='info'>{info}</div>"
            f"{container.format(body)}{after}</div>"
            "<div class='footer'>主办：示例市人民政府办公室 网站标识码：1234000001 京ICP备05070218号</div>"
            "</body></html>")


def check(html: str, want: dict[str, Any], url: str = URL) -> None:
    art = extract(html, url)
    got = {k: getattr(art, k) for k in want}
    assert got == want, art.provenance


# ---------------------------------------------------------------- labels and metadata lines
LABELS = {
    "spaced-index-label": (
        page("索 引 号：11370000MB28XXXX/2023-00123 发布日期 ：2023-05-20 来　　源：示例市发展改革委"),
        {"published_at": "2023-05-20", "source": "示例市发展改革委"}),
    "fullwidth-space-source": (
        page("时　间：2023-05-20 10:30　来　源：示例日报"),
        {"published_at": "2023-05-20T10:30:00+08:00", "source": "示例日报"}),
    "fullwidth-space-doc-number": (
        page("文　　号：示政发〔2023〕5号　发布日期：2023年5月20日"),
        {"published_at": "2023-05-20"}),
    "span-label": (
        page('<span class="label">发布时间：</span><span>2023-05-20</span>'
             '<span class="label">来源：</span><span>示例市应急管理局</span>'),
        {"published_at": "2023-05-20", "source": "示例市应急管理局"}),
    "li-bold-label": (
        page("<ul><li><b>来源：</b>示例市教育局</li><li><b>发布时间：</b>2023-05-20 09:15</li>"
             "<li><b>浏览次数：</b><span id='hits'></span></li></ul>"),
        {"published_at": "2023-05-20T09:15:00+08:00", "source": "示例市教育局"}),
    "dl-dt-dd": (
        page("<dl><dt>信息来源：</dt><dd>示例市财政局</dd><dt>发布日期：</dt><dd>2023-05-20</dd></dl>"),
        {"published_at": "2023-05-20", "source": "示例市财政局"}),
    "source-bendi": (page("发布时间：2023-05-20 来源：本网"), {"source": "本网"}),
    "source-benzhan": (page("发布时间：2023-05-20 来源：本站"), {"source": "本站"}),
    "source-benwangxun": (page("发布时间：2023-05-20 来源：本网讯"), {"source": "本网讯"}),
    "source-yuanchuang": (page("发布时间：2023-05-20 文章来源：原创"), {"source": "原创"}),
    "source-gaojian": (page("稿件来源：示例市融媒体中心 发布时间：2023-05-20"),
                       {"source": "示例市融媒体中心"}),
    "source-chuchu": (page("出处：示例市人民政府网 发布时间：2023-05-20"),
                      {"source": "示例市人民政府网"}),
    "source-beats-publisher": (
        page("发布机构：示例市人民政府办公室 来源：示例市交通运输局 发布日期：2023-05-20"),
        {"source": "示例市交通运输局"}),
    "author-reporter-name": (
        page("发布时间：2023-05-20 来源：示例日报 作者：本网记者 张三"),
        {"source": "示例日报", "author": "本网记者 张三"}),
    "editor-not-author": (
        page("发布时间：2023-05-20 来源：示例日报 编辑：李四 审核：王五 校对：赵六"),
        {"source": "示例日报", "author": None, "editor": "李四"}),
    "chief-editor": (
        page("发布时间：2023-05-20 责任编辑：李四 来源：示例日报"),
        {"source": "示例日报", "author": None, "editor": "李四"}),
    "junk-on-line": (
        page("发布时间：2023-05-20 来源：示例市卫健委 浏览次数：<script>document.write(12)</script>"
             "【字号：大 中 小】 【打印】 【关闭】"),
        {"published_at": "2023-05-20", "source": "示例市卫健委"}),
    "glued-spans": (
        page("<span>发布时间：2023-05-20</span><span>来源：示例市自然资源局</span><span>作者：张三</span>"),
        {"published_at": "2023-05-20", "source": "示例市自然资源局", "author": "张三"}),
    "visits-between": (
        page("来源：示例市民政局 访问量：1024 发布时间：2023-05-20 16:05"),
        {"published_at": "2023-05-20T16:05:00+08:00", "source": "示例市民政局"}),
}


@pytest.mark.parametrize("name", LABELS)
def test_label_variants(name: str) -> None:
    check(*LABELS[name])


DOC_TABLE = (
    "<table class='xxgk'><tr><th>索引号</th><td>11370000MB/2023-00123</td><th>主题分类</th><td>综合政务</td></tr>"
    "<tr><th>发文机关</th><td>示例市人民政府</td><th>成文日期</th><td>2023年05月10日</td></tr>"
    "<tr><td>标　　题</td><td colspan='3'>" + TITLE + "</td></tr>"
    "<tr><td>发文字号</td><td>示政发〔2023〕5号</td><td>发布日期</td><td>2023年05月20日</td></tr>"
    "<tr><td>实施日期</td><td>2023年06月01日</td><td>有 效 性</td><td>有效</td></tr></table>"
)


def test_doc_table_cells_keep_document_dates_apart() -> None:
    art = extract(page("", h1=DOC_TABLE + f"<h1>{TITLE}</h1>"), URL.replace("t20230520", "t20230601"))
    assert art.published_at == "2023-05-20"
    assert art.doc_fields.get("成文日期") == "2023年05月10日"
    assert art.doc_fields.get("实施日期") == "2023年06月01日"
    assert art.doc_fields.get("发文字号") == "示政发〔2023〕5号"
    assert art.title == TITLE


def test_doc_table_with_td_labels_and_spaced_names() -> None:
    table = ("<table><tr><td>索 引 号：</td><td>000014349/2023-00088</td><td>发布机构：</td><td>示例市司法局</td></tr>"
             "<tr><td>成文日期：</td><td>2023-05-10</td><td>发布日期：</td><td>2023-05-20</td></tr></table>")
    art = extract(page("", h1=table + f"<h1>{TITLE}</h1>"), "https://xxgk.example.gov.cn/art/123.html")
    assert art.published_at == "2023-05-20"
    assert art.source == "示例市司法局"
    assert art.doc_fields.get("索引号") == "000014349/2023-00088"


# ---------------------------------------------------------------- dates
BARE = "https://www.example.gov.cn/news/show.aspx?id=77"
DATES = {
    "cn-numerals": (page("发布日期：二〇二三年五月二十日"), "2023-05-20"),
    "weekday": (page("2023年5月20日 星期六 来源：示例日报"), "2023-05-20"),
    "seconds": (page("发布时间：2023-05-20 10:30:00"), "2023-05-20T10:30:00+08:00"),
    "slashes-time": (page("发布时间：2023/5/20 10:30"), "2023-05-20T10:30:00+08:00"),
    "dots": (page("发布日期：2023.05.20"), "2023-05-20"),
    "iso-visible": (page("发布时间：2023-05-20T10:30:00+08:00"), "2023-05-20T10:30:00+08:00"),
    "brackets": (page("[2023-05-20] 来源：示例日报"), "2023-05-20"),
    "meta-pubdate": (page("", head="<meta name='PubDate' content='2023-05-20 10:30'>"),
                     "2023-05-20T10:30:00+08:00"),
    "meta-firstpublishedtime": (page("", head="<meta name='firstpublishedtime' content='2023-05-20-10:30:00'>"),
                                "2023-05-20T10:30:00+08:00"),
    "meta-publishdate": (page("", head="<meta name='publishdate' content='2023-05-20'>"), "2023-05-20"),
    "meta-og-release": (page("", head="<meta property='og:release_date' content='2023-05-20T10:30:00+08:00'>"),
                        "2023-05-20T10:30:00+08:00"),
    "json-ld": (page("", head='<script type="application/ld+json">{"@type":"NewsArticle",'
                              '"datePublished":"2023-05-20T10:30:00+08:00"}</script>'),
                "2023-05-20T10:30:00+08:00"),
    "md-time-year-in-meta": (page("09-30 22:46 来源：示例日报", head="<meta name='PubDate' content='2023'>"),
                             "2023-09-30T22:46:00+08:00"),
    "empty-script-span": (
        page('发布时间：<span id="pubtime"><script>getTime()</script></span>'
             '<span class="time">2023-05-20 10:30</span>'),
        "2023-05-20T10:30:00+08:00"),
}


@pytest.mark.parametrize("name", DATES)
def test_date_variants(name: str) -> None:
    html, want = DATES[name]
    assert extract(html, BARE).published_at == want


def test_date_iso_meta_other_zone_kept_as_given() -> None:
    html = page("", head="<meta name='PubDate' content='2023-05-20T02:30:00Z'>")
    assert extract(html, BARE).published_at in ("2023-05-20T02:30:00+00:00", "2023-05-20T10:30:00+08:00")


# ---------------------------------------------------------------- titles
TITLES = {
    "meta-articletitle": (page("发布时间：2023-05-20", head=f"<meta name='ArticleTitle' content='{TITLE}'>",
                               h1="<div class='title'>示例市人民政府</div>"), TITLE),
    "suffix-underscore": (page("发布时间：2023-05-20", h1=f"<h2>{TITLE}</h2>"), TITLE),
    "suffix-dash": (page("发布时间：2023-05-20", title_tag=f"{TITLE}-示例网",
                         h1=f"<div class='title'>{TITLE}</div>"), TITLE),
    "prefix-site": (page("发布时间：2023-05-20", title_tag=f"示例市人民政府 - {TITLE}",
                         h1=f"<div class='article-title'>{TITLE}</div>"), TITLE),
    "br-split": (page("发布时间：2023-05-20", title_tag=f"{TITLE}_示例市人民政府",
                      h1="<h1>市政府召开常务会议<br>研究部署重点工作</h1>"), TITLE),
    "yinti-above": (page("发布时间：2023-05-20",
                         h1=f"<h3 class='yt'>坚持问题导向 压实工作责任</h3><h1>{TITLE}</h1>"), TITLE),
    "no-heading-tag-only": (page("发布时间：2023-05-20", h1=""), TITLE),
    # <title> holds only the site name: the visible headline must be found on the page
    "short-tit-class": (page("发布时间：2023-05-20", title_tag="示例市人民政府门户网站",
                             h1=f"<p class='xl_tit'>{TITLE}</p>"), TITLE),
    "tit-id": (page("发布时间：2023-05-20", title_tag="示例市人民政府门户网站",
                    h1=f"<div id='ivs_title'>{TITLE}</div>"), TITLE),
    "line-above-metaline": (page("发布时间：2023-05-20 来源：示例日报", title_tag="示例市人民政府门户网站",
                                 h1=f"<div><font size='5'><b>{TITLE}</b></font></div>"), TITLE),
}


@pytest.mark.parametrize("name", TITLES)
def test_title_variants(name: str) -> None:
    html, want = TITLES[name]
    assert extract(html, URL).title == want


# ---------------------------------------------------------------- attachments
def _att(html: str, url: str = URL) -> dict[str, str]:
    return {a["url"]: a["ext"] for a in extract(html, url).attachments}


def test_attachments_in_body_and_list_below() -> None:
    body = BODY + "<p>附件：<a href='./P020230520_1.pdf'>实施方案.pdf</a></p>"
    after = ("<div class='fujian'><ul><li><a href='/uploads/a.DOCX'>附件1</a></li>"
             "<li><a href='/uploads/b.ofd'>附件2</a></li><li><a href='/uploads/c.wps'>附件3</a></li>"
             "<li><a href='/uploads/d.ceb'>附件4</a></li><li><a href='/uploads/e.zip?v=2'>附件5</a></li></ul></div>")
    got = _att(page("发布时间：2023-05-20", body=body, after=after))
    base = "https://www.example.gov.cn"
    assert got == {base + "/xwzx/zwyw/202305/P020230520_1.pdf": "pdf", base + "/uploads/a.DOCX": "docx",
                   base + "/uploads/b.ofd": "ofd", base + "/uploads/c.wps": "wps",
                   base + "/uploads/d.ceb": "ceb", base + "/uploads/e.zip?v=2": "zip"}


def test_attachments_resolve_against_base_href() -> None:
    body = BODY + "<p><a href='P020230520_1.pdf'>方案</a></p>"
    html = page("发布时间：2023-05-20", body=body, head="<base href='https://xxgk.example.gov.cn/doc/2023/'>")
    assert _att(html) == {"https://xxgk.example.gov.cn/doc/2023/P020230520_1.pdf": "pdf"}


def test_attachments_in_script_links() -> None:
    body = BODY + ("<p><a href='#' onclick=\"window.open('/files/notice.pdf')\">通知全文</a></p>"
                   "<p><a href=\"javascript:downloadFile('/files/table.xlsx')\">统计表</a></p>")
    got = _att(page("发布时间：2023-05-20", body=body))
    assert got == {"https://www.example.gov.cn/files/notice.pdf": "pdf",
                   "https://www.example.gov.cn/files/table.xlsx": "xlsx"}


def test_images_resolve_against_base_href() -> None:
    body = BODY + "<p><img src='W020230520.jpg'></p>"
    html = page("发布时间：2023-05-20", body=body, head="<base href='https://www.example.gov.cn/img/'>")
    assert extract(html, URL).images == ["https://www.example.gov.cn/img/W020230520.jpg"]


# ---------------------------------------------------------------- body containers
CONTAINERS = {
    "zjeg-markers": "<div class='main'><!--ZJEG_RSS.content.begin--><meta name='ContentStart'>{}"
                    "<meta name='ContentEnd'><!--ZJEG_RSS.content.end--></div>",
    "zoom": "<div id='zoom'>{}</div><div class='share'>分享到：微信 微博</div>",
    "pages-content": "<div class='pages_content'>{}</div>",
    "ucap-content": "<div id='UCAP-CONTENT'>{}</div>",
    "trs-ueditor-nested": "<div class='TRS_Editor'><div class='TRS_UEDITOR trs_paper_default'>{}</div></div>",
    "table-layout": "<table width='100%'><tr><td class='bt_content'>{}</td></tr>"
                    "<tr><td>【打印本页】 【关闭窗口】</td></tr></table>",
}


@pytest.mark.parametrize("name", CONTAINERS)
def test_body_containers(name: str) -> None:
    art = extract(page("发布时间：2023-05-20 来源：示例日报", container=CONTAINERS[name]), URL)
    assert art.body == f"{PARA}\n{PARA2}", art.provenance
    assert art.published_at == "2023-05-20" and art.source == "示例日报"


def test_body_image_only_is_flagged_not_invented() -> None:
    body = "<p style='text-align:center'><img src='/img/W1.jpg'></p><p style='text-align:center'>图为会议现场</p>"
    art = extract(page("发布时间：2023-05-20 来源：示例日报", body=body), URL)
    assert art.title == TITLE and art.published_at == "2023-05-20"
    assert art.images == ["https://www.example.gov.cn/img/W1.jpg"]
    assert art.page_kind == "article"
    assert art.body in (None, "图为会议现场")
    assert "media_only" in art.flags


def test_body_video_page_is_an_article() -> None:
    body = ("<p><video src='/video/2023/meeting.mp4' controls></video></p>"
            "<p>5月20日，市政府召开常务会议。</p>")
    art = extract(page("发布时间：2023-05-20 来源：示例融媒", body=body), URL)
    assert art.page_kind == "article"
    assert art.title == TITLE and art.source == "示例融媒"
    assert "常务会议" in (art.body or "")
    assert "media_only" in art.flags


# ---------------------------------------------------------------- the named rules, unit level
def test_rule_spaced_label() -> None:
    got = {f.field: f.value for f in parse_line("时　间：2023-05-20　来　　源：示例日报　责 任 编 辑：李四")}
    assert got == {"published_at": "2023-05-20", "source": "示例日报", "editor": "李四"}
    assert doc_fields(["索 引 号：000014349/2023-00088 有 效 性：有效"]) == {
        "索引号": "000014349/2023-00088", "有效性": "有效"}


@pytest.mark.parametrize(("line", "want"), [
    ("来源：示例日报发布时间：2023-05-20", {"source": "示例日报", "published_at": "2023-05-20"}),
    ("来源：示例日报作者：张三", {"source": "示例日报", "author": "张三"}),
    ("发布时间：2023-05-20来源：示例日报浏览次数：12", {"published_at": "2023-05-20", "source": "示例日报"}),
])
def test_rule_glued_label(line: str, want: dict[str, str]) -> None:
    assert {f.field: f.value for f in parse_line(line)} == want


def test_rule_glued_label_spares_document_dates() -> None:
    assert {f.field: f.value for f in parse_line("来源：示例市政府成文日期：2023-05-10")}["source"] != "示例市政府"


def test_rule_dangling_label() -> None:
    assert join_dangling(["信息来源：", "示例市财政局", "发布日期：", "2023-05-20"]) == [
        "信息来源：示例市财政局", "发布日期：2023-05-20"]
    assert join_dangling(["来源：", "发布日期：2023-05-20"]) == ["来源：", "发布日期：2023-05-20"]


@pytest.mark.parametrize(("text", "iso"), [
    ("2023-05-20-10:30:00", "2023-05-20T10:30:00+08:00"),          # TRS firstpublishedtime
    ("2023-05-20T02:30:00Z", "2023-05-20T02:30:00+00:00"),          # rule explicit-offset
    ("2023-05-20T10:30:00.000+0800", "2023-05-20T10:30:00+08:00"),
    ("2023-05-20 10:30-11:30", "2023-05-20T10:30:00+08:00"),        # a time range is not a zone
])
def test_rule_time_forms(text: str, iso: str) -> None:
    hit = parse_date(text)
    assert hit is not None and hit.iso == iso


def test_rule_doc_date_not_published_without_publish_date() -> None:
    """Only 成文日期 in the header: the URL date (last resort) wins over it."""
    html = page("成文日期：2023-05-10", h1=f"<h1>{TITLE}</h1>")
    assert extract(html, URL).published_at == "2023-05-20"


def test_rule_title_br_join_keeps_dash_subtitle_apart() -> None:
    html = page("发布时间：2023-05-20", title_tag="示例市人民政府",
                h1="<h1>在全市经济工作会议上的讲话<br>——市长 张三</h1>")
    assert extract(html, URL).title == "在全市经济工作会议上的讲话"
