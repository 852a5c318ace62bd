"""Kinds of page that broke extraction on unseen government sites (issue 13), each as a minimal
synthetic page of that kind: the rule must hold for the kind, not for one site's markup."""
from __future__ import annotations

import pytest

from archiver.extraction import extract
from archiver.extraction.dom import parse
from archiver.extraction.scriptwrite import script_lines

URL = "http://www.example.gov.cn/xxgk/202105/t20210510_123.html"
PARA = ("为进一步优化营商环境，推动各项政策落地见效，现将有关事项通知如下。各单位要高度重视，"
        "认真组织实施，确保工作取得实效。")
BODY = f"<p>{PARA}</p><p>{PARA}</p><p>{PARA}</p>"


def _page(head: str, body: str, title: str = "关于做好2021年度重点工作的通知_示例市人民政府") -> str:
    return f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"


# --- 1. meta tags are evidence, not gospel -----------------------------------------------

def test_regenerated_pubdate_loses_to_visible_publication_date() -> None:
    """Rule visible-date-over-pubdate: PubDate two years after the labelled 发布日期 is the
    page's generation time."""
    html = _page('<meta name="PubDate" content="2023-08-01 10:00">',
                 "<h1>关于做好2021年度重点工作的通知</h1><div class='info'>发布日期：2021-05-10 来源：市政府办公室</div>"
                 f"<div class='TRS_Editor'>{BODY}</div>")
    art = extract(html, URL)
    assert art.published_at == "2021-05-10"
    assert art.provenance["published_at"].startswith("metaline:发布日期")


def test_pubdate_agreeing_with_visible_date_keeps_its_time() -> None:
    html = _page('<meta name="PubDate" content="2021-05-10 09:30">',
                 "<h1>关于做好2021年度重点工作的通知</h1><div>发布时间：2021-05-10</div>"
                 f"<div class='TRS_Editor'>{BODY}</div>")
    assert extract(html, URL).published_at == "2021-05-10T09:30:00+08:00"


def test_visible_time_beats_a_pubdate_minutes_later() -> None:
    """The same day, both with a time: the page shows 07:33, the meta (regenerated) says 07:43."""
    html = _page('<meta name="pubDate" content="2021-05-10 07:43:25">',
                 "<h1>关于做好2021年度重点工作的通知</h1><div>发布日期：2021-05-10 07:33:25</div>"
                 f"<div class='TRS_Editor'>{BODY}</div>")
    art = extract(html, URL)
    assert (art.published_at, art.provenance["published_at"]) == ("2021-05-10T07:33:25+08:00", "metaline:发布日期")


def test_document_card_generation_date_beats_regenerated_pubdate() -> None:
    """信息公开 pages whose only visible date is 生成日期 (or 发文日期): that one wins over PubDate."""
    card = ("<table class='xxgk'><tr><td>索引号：</td><td>11000/2021-00012</td><td>发布机构：</td><td>示例市司法局</td></tr>"
            "<tr><td>生成日期：</td><td>2021-05-10</td><td>文号：</td><td>示司发〔2021〕3号</td></tr></table>")
    html = _page('<meta name="PubDate" content="2024-01-03 16:00">',
                 f"{card}<h1>关于做好2021年度重点工作的通知</h1><div class='TRS_Editor'>{BODY}</div>")
    art = extract(html, URL)
    assert art.published_at == "2021-05-10"


def test_articletitle_with_markup_fragment_is_text_joined_as_shown() -> None:
    head = '<meta name="ArticleTitle" content="推进全域旅游发展<div>——在全市旅游工作会议上的讲话</div>">'
    html = _page(head, "<h1>推进全域旅游发展</h1><h2>——在全市旅游工作会议上的讲话</h2>"
                 f"<div>发布时间：2021-05-10</div><div class='TRS_Editor'>{BODY}</div>",
                 title="推进全域旅游发展——在全市旅游工作会议上的讲话_示例市人民政府")
    art = extract(html, URL)
    assert art.title == "推进全域旅游发展——在全市旅游工作会议上的讲话"
    assert "<" not in (art.title or "")


def test_articletitle_with_appended_document_number_is_the_headline() -> None:
    head = '<meta name="ArticleTitle" content="示例市人民政府关于印发营商环境改革方案的通知 示政发〔2021〕12号">'
    html = _page(head, "<h1>示例市人民政府关于印发营商环境改革方案的通知</h1>"
                 f"<div>发布时间：2021-05-10</div><div class='TRS_Editor'>{BODY}</div>",
                 title="示例市人民政府关于印发营商环境改革方案的通知_示例市人民政府")
    assert extract(html, URL).title == "示例市人民政府关于印发营商环境改革方案的通知"


# --- 2. empty labels are empty ------------------------------------------------------------

@pytest.mark.parametrize("widgets", [
    pytest.param("<span></span> 打印 关闭", id="plain"),
    pytest.param(" 【<a href='javascript:window.print()'>打印</a>】【<a>关闭</a>】", id="bracketed"),
    pytest.param("<span></span>[ 字体：大 中 小 ]", id="font-size-box"),
])
def test_empty_source_label_before_print_is_null(widgets: str) -> None:
    html = _page("", "<h1>关于做好2021年度重点工作的通知</h1>"
                 f"<div class='info'>发布时间：2021-05-10 来源：{widgets}</div>"
                 f"<div class='TRS_Editor'>{BODY}</div>")
    art = extract(html, URL)
    assert art.source is None
    assert art.published_at == "2021-05-10"


def test_hidden_empty_source_then_contributor_is_null() -> None:
    html = _page("", "<h1>关于做好2021年度重点工作的通知</h1><div>发布时间：2021-05-10</div>"
                 "<div style='display:none'>来源：</div><p>（示例县农业农村局供稿）</p>"
                 f"<div class='TRS_Editor'>{BODY}</div>")
    assert extract(html, URL).source is None


# --- 3. rendered-DOM pages: hidden content is never read ----------------------------------

def test_hidden_duplicate_layout_is_never_read() -> None:
    """A Selenium snapshot of an Angular template: the same ids twice, the first copy hidden
    (ng-hide), holding another headline, date, source and body."""
    other = "另一篇文章的内容。" * 12
    hidden = ("<div id='detail' class='ng-hide'><h1>市政府召开常务会议研究部署防汛工作</h1>"
              "<div class='info'>发布时间：2020-07-01 来源：市政府办公室</div>"
              f"<div id='content'><p>{other}</p></div></div>")
    shown = ("<div id='detail'><h1>关于做好2021年度重点工作的通知</h1>"
             "<div class='info'>发布时间：2021-05-10 来源：示例市发展改革委</div>"
             f"<div id='content'>{BODY}</div></div>")
    for marker in ("class='ng-hide'", "hidden", "aria-hidden='true'", "class='hide'", "class='hidden'",
                   "style='display: none'"):
        html = _page("", hidden.replace("class='ng-hide'", marker) + shown)
        art = extract(html, URL)
        assert art.title == "关于做好2021年度重点工作的通知", marker
        assert art.published_at == "2021-05-10", marker
        assert art.source == "示例市发展改革委", marker
        assert "另一篇" not in (art.body or ""), marker
        assert PARA in (art.body or ""), marker


def test_site_name_in_headline_styled_element_is_not_the_title() -> None:
    html = _page("", "<div class='title'>示例市人民政府</div><h1 class='ng-hide'>旧标题不应出现在结果中</h1>"
                 "<h2>关于做好2021年度重点工作的通知</h2><div>发布时间：2021-05-10</div>"
                 f"<div class='TRS_Editor'>{BODY}</div>")
    assert extract(html, URL).title == "关于做好2021年度重点工作的通知"


# --- 4. a document is not a listing -------------------------------------------------------

def test_penalty_table_document_is_an_article() -> None:
    """A 行政处罚信息公开表 laid out as a table of short cells, with many links around it."""
    rows = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in [
        ("行政处罚决定书文号", "示市监罚〔2021〕15号"), ("案件名称", "某某商贸有限公司销售不合格商品案"),
        ("违法企业名称", "某某商贸有限公司"), ("统一社会信用代码", "91110000MA01234567"),
        ("法定代表人", "张某"), ("主要违法事实", "当事人销售的电热水壶经抽检不合格，货值金额1200元。"),
        ("行政处罚的种类和依据", "依据《中华人民共和国产品质量法》第四十九条，予以警告、罚款。"),
        ("行政处罚的履行方式和期限", "自收到处罚决定书之日起十五日内缴纳罚款。"),
        ("作出处罚的机关名称", "示例市市场监督管理局"), ("作出处罚决定的日期", "2021年5月8日")])
    nav = "".join(f"<li><a href='/a{i}.html'>关于开展第{i}批市场主体信用修复工作的通知公告</a></li>" for i in range(14))
    html = _page("", f"<ul class='nav'>{nav}</ul><h1>行政处罚信息公开表（示市监罚〔2021〕15号）</h1>"
                 "<div>发布日期：2021-05-10</div>"
                 f"<div class='content'><table>{rows}</table></div>",
                 title="行政处罚信息公开表（示市监罚〔2021〕15号）_示例市市场监督管理局")
    art = extract(html, URL)
    assert art.page_kind == "article"
    assert art.title == "行政处罚信息公开表（示市监罚〔2021〕15号）"
    assert "电热水壶" in (art.body or "")


def test_word_pasted_penalty_list_is_the_whole_table() -> None:
    """A 权力清单-style list pasted from Word: every cell's text wrapped in <p><span>, one
    cell long enough to look like a layout cell. The body is the table, row by row, and the
    date line above it stays in the header."""
    long = "对直接负责的主管人员和其他直接责任人员处二百元以上一千元以下罚款；" * 9
    rows = [("扰乱单位秩序", "《治安管理处罚法》第23条第1款第1项", "处警告或者200元以下罚款"),
            ("扰乱公共场所秩序", "《治安管理处罚法》第23条第1款第2项", "处警告或者200元以下罚款"),
            ("妨碍交通工具正常行驶", "《治安管理处罚法》第23条第1款第4项", "处警告或者200元以下罚款"),
            ("金融机构安全防范设施未经验收投入使用", "《金融机构营业场所和金库安全防范设施建设许可实施办法》", long),
            ("非法携带枪支、弹药", "《治安管理处罚法》第32条", "处五日以下拘留或者五百元以下罚款")]
    body = "".join(f"<tr><td><p><span>{i}.</span></p></td>" + "".join(f"<td><p><span>{c}</span></p></td>" for c in row)
                   + "</tr>" for i, row in enumerate(rows, 1))
    html = _page("", "<div class='detail_tit'>公安局处罚</div><div class='a2'>发布时间：2014-04-29 17:47</div>"
                 f"<div class='con' id='content'><table>{body}</table></div>", title="行政处罚公开-示例门户网站")
    art = extract(html, URL)
    lines = (art.body or "").split("\n")
    assert len(lines) == 5 and lines[0].startswith("1. 扰乱单位秩序") and "非法携带枪支" in lines[4]
    assert art.published_at == "2014-04-29T17:47:00+08:00"


def test_notice_of_scanned_pages_never_takes_the_footer_as_its_text() -> None:
    """A notice published as scanned page images and two download links: its text is the two
    link lines; the footer's copyright notice (版权均属…所有, 主办单位：…) is never the body."""
    scans = "".join(f"<p style='text-align:center'><img src='/u/2021/p{i}.jpg'></p>" for i in range(4))
    links = "<p><a href='/u/tz.pdf'>1.通知原文下载</a></p><p><a href='/u/fj.docx'>2.通知附件下载</a></p>"
    footer = ("<div class='foot'><p>本网站所刊登的示例省教育厅通知、公告、文件等以及其他未注明信息来源的稿件，"
              "版权均属示例省教育厅网站所有</p><p>未经示例省教育信息化管理中心书面协议授权，不得转载、链接或以其他方式复制发表</p>"
              "<p>主办单位：示例省教育厅承办单位：示例省教育信息化管理中心技术支持：示例教育科技有限公司</p></div>")
    html = _page("", "<div class='textCon'><h1></h1><h3>关于开展教育云应用项目申报的通知</h3>"
                 f"<p>来源：示例省教育厅 发布时间：2021-05-10 点击量：35</p>{scans}{links}</div>{footer}")
    art = extract(html, URL)
    assert art.body == "1.通知原文下载\n2.通知附件下载"
    assert [a["ext"] for a in art.attachments] == ["pdf", "docx"]
    # the metadata line at the box's top edge is read, its hit counter notwithstanding
    assert (art.published_at, art.source) == ("2021-05-10", "示例省教育厅")


def test_listing_with_headline_and_date_but_no_body_is_still_a_listing() -> None:
    nav = "".join(f"<li><a href='/a{i}.html'>关于开展第{i}批市场主体信用修复工作的通知公告</a>"
                  f"<span>2021-05-{i + 1:02d}</span></li>" for i in range(20))
    html = _page("", f"<h2>通知公告</h2><ul class='list'>{nav}</ul><div>共 5 页 下一页 尾页</div>",
                 title="通知公告_示例市人民政府")
    assert extract(html, "http://www.example.gov.cn/tzgg/index.html").page_kind == "listing"


# --- 5. headline choice --------------------------------------------------------------------

def test_column_label_h3_above_the_headline_is_not_the_title() -> None:
    html = _page("", "<h3>市直部门镇（街道）</h3><div class='article'><h3><p>关于做好2021年度重点工作的通知</p></h3>"
                 "<div>发布时间：2021-05-10</div>"
                 f"<div class='content'>{BODY}</div></div>")
    assert extract(html, URL).title == "关于做好2021年度重点工作的通知"


def test_longer_sub_headline_under_the_headline_is_not_the_title() -> None:
    """Two headings of one level, the second (centred, longer) right above the date line: it
    is the first one's sub-headline, so sitting on the date line does not make it the title
    (a <title> with the site name only gives no agreement either way)."""
    html = _page("", "<div class='box'><h3><span>示例市街舞行业团工委成立</span></h3>"
                 "<center><h3><span>“献礼百年·红遍京城”——全市首家街舞行业团工委成立</span></h3></center>"
                 "<h4>来源：<span></span> 发布时间：<span>2021-05-10</span></h4>"
                 f"<div class='content'>{BODY}</div></div>", title="示例青年网")
    art = extract(html, URL)
    assert art.title == "示例市街舞行业团工委成立"
    assert art.subtitle == "“献礼百年·红遍京城”——全市首家街舞行业团工委成立"


def test_reposted_document_keeps_its_own_centred_heading_in_the_body() -> None:
    """A site reposts a notice under its own news headline: the centred block atop the text is
    the document's name and 文号, not the headline again, so it stays as text; a centred
    block that repeats the headline still leaves."""
    doc = ("<p style='text-align:center'><strong>示例市人民政府办公室</strong></p>"
           "<p style='text-align:center'><strong>关于进一步做好防汛工作的通知</strong></p>"
           "<p style='text-align:center'>示政办明电〔2021〕3号</p>")
    html = _page("", "<div class='tit'>市政府部署防汛：严防山洪地质灾害</div><div>发布时间：2021-05-10</div>"
                 f"<div class='TRS_Editor'>{doc}{BODY}</div>")
    art = extract(html, URL)
    assert art.title == "市政府部署防汛：严防山洪地质灾害"
    assert art.body.split("\n")[:3] == ["示例市人民政府办公室", "关于进一步做好防汛工作的通知", "示政办明电〔2021〕3号"]
    again = _page("", "<div class='tit'>关于进一步做好防汛工作的通知</div><div>发布时间：2021-05-10</div>"
                  f"<div class='TRS_Editor'>{doc}{BODY}</div>")
    assert extract(again, URL).body.startswith(PARA)


def test_headline_agreement_beats_a_lone_strong_heading() -> None:
    """<title> and the line above the date agree; an h1 with the column name does not."""
    html = _page("", "<h1>政务动态</h1><div class='art'><p class='big'>关于做好2021年度重点工作的通知</p>"
                 "<div>发布时间：2021-05-10 来源：示例市人民政府办公室</div>"
                 f"<div class='content'>{BODY}</div></div>")
    assert extract(html, URL).title == "关于做好2021年度重点工作的通知"


# --- 6. source convention -------------------------------------------------------------------

def test_visible_source_beats_content_source_meta() -> None:
    html = _page('<meta name="ContentSource" content="示例市人民政府">',
                 "<h1>关于做好2021年度重点工作的通知</h1><div>发布时间：2021-05-10 信息来源：示例市教育局</div>"
                 f"<div class='TRS_Editor'>{BODY}</div>")
    art = extract(html, URL)
    assert art.source == "示例市教育局"


def test_content_source_meta_then_publisher_when_no_visible_source() -> None:
    card = "<table><tr><td>发布机构：</td><td>示例市司法局</td><td>发布日期：</td><td>2021-05-10</td></tr></table>"
    with_meta = _page('<meta name="ContentSource" content="示例市人民政府办公室">',
                      f"{card}<h1>关于做好2021年度重点工作的通知</h1><div class='TRS_Editor'>{BODY}</div>")
    art = extract(with_meta, URL)
    assert art.source == "示例市人民政府办公室"
    assert art.doc_fields["发布机构"] == "示例市司法局"
    without = extract(_page("", f"{card}<h1>关于做好2021年度重点工作的通知</h1><div class='TRS_Editor'>{BODY}</div>"), URL)
    assert without.source == "示例市司法局"
    assert without.doc_fields["发布机构"] == "示例市司法局"


@pytest.mark.parametrize(("line", "source"), [
    pytest.param("2021-05-10 09:30 示例市教育局", "示例市教育局", id="after-spaces"),
    pytest.param("2021-05-10 09:30 | 示例市教育局 | 浏览 12 次", "示例市教育局", id="pipe-segment"),
    pytest.param("2021年05月10日｜示例市教育局", "示例市教育局", id="full-width-pipe"),
    pytest.param("2021-05-10 星期一", None, id="weekday-is-no-source"),
    pytest.param("2021年05月10日 <span></span> <span onclick='window.print()'>打印本页</span>", None,
                 id="print-widget-is-no-source"),
    pytest.param("2021年05月10日 09:30:12 来自内蒙古自治区", None, id="ip-location-is-no-source"),
    pytest.param("2021-05-10 09:52:19示例日报 来自北京市", "示例日报", id="glued-to-the-time-then-ip-location"),
    pytest.param("2021-05-10 | 示例市教育局召开全市教育工作会议暨2021年度表彰大会", None, id="long-segment-is-no-name"),
])
def test_unlabelled_source_printed_after_the_date(line: str, source: str | None) -> None:
    """Portals print the source unlabelled after the date, on its own or as a pipe segment."""
    html = _page("", f"<h1>关于做好2021年度重点工作的通知</h1><div class='info'>{line}</div>"
                 f"<div class='TRS_Editor'>{BODY}</div>")
    art = extract(html, URL)
    assert art.source == source
    assert art.published_at.startswith("2021-05-10")


@pytest.mark.parametrize(("header", "source"), [
    pytest.param("<p>新华社</p><p>2021-05-10 18:13</p>", "新华社", id="agency-above-the-date"),
    pytest.param("<div>示例党员网 <a>分享</a> <a>打印</a></div><div>发布时间：2021-05-10</div>", "示例党员网",
                 id="site-under-the-headline-then-widgets"),
    pytest.param("<div>发布时间：2021-05-10</div><ul class='bar'><li>微信</li><li>人人</li><li>开心网</li>"
                 "<li>豆瓣</li></ul>", None, id="share-bar-network"),
    pytest.param("<p>示例日报社记者 张三</p><p>2021-05-10</p>", None, id="reporter-byline"),
])
def test_outlet_named_alone_by_the_headline_or_date_is_the_source(header: str, source: str | None) -> None:
    html = _page("", f"<h1>关于做好2021年度重点工作的通知</h1>{header}<div class='TRS_Editor'>{BODY}</div>")
    art = extract(html, URL)
    assert art.source == source
    assert art.published_at.startswith("2021-05-10")


def test_undated_document_among_many_links_is_kept_and_flagged() -> None:
    nav = "".join(f"<li><a href='/a{i}.html'>关于开展第{i}批市场主体信用修复工作的通知公告</a></li>" for i in range(14))
    html = _page("", f"<ul class='nav'>{nav}</ul><h1>关于做好2021年度重点工作的通知</h1>"
                 f"<div class='content'>{BODY}<p>{PARA}</p></div>")
    art = extract(html, "http://www.example.gov.cn/xxgk/list_detail.html")
    assert art.page_kind == "article"
    assert "maybe_listing" in art.flags
    assert PARA in (art.body or "")


def test_short_text_under_a_dated_headline_is_not_a_listing() -> None:
    """A poem or a short notice: little text, many headline links around it, but its headline
    sits right above its date line."""
    nav = "".join(f"<li><a href='/a{i}.html'>关于开展第{i}批市场主体信用修复工作的通知公告</a></li>" for i in range(30))
    poem = "深夜看书须尽欢，<br>明月照亮浊酒案。<br>一杯美酒空对月，<br>酌酒吟诗五千年。"
    html = _page("", f"<h3>静夜思•夜</h3><div>作者：某某 2020年01月12日18:32 浏览：272</div>"
                 f"<div id='content'><div>{poem}</div></div><ul>{nav}</ul>", title="静夜思•夜-示例诗歌网")
    art = extract(html, "http://www.example.com/c/2020-01-12/11803576.shtml")
    assert art.page_kind == "article" and "maybe_listing" in art.flags
    assert art.title == "静夜思•夜" and art.published_at == "2020-01-12T18:32:00+08:00"
    assert "明月照亮浊酒案" in (art.body or "")


def test_widget_link_glued_to_the_source_is_not_part_of_it() -> None:
    html = _page("", "<h1>关于做好2021年度重点工作的通知</h1><div>2021年05月10日 12:10　来源：求是网"
                 f"<a href='#cy'>参与互动</a></div><div class='TRS_Editor'>{BODY}</div>")
    assert extract(html, URL).source == "求是网"


def test_document_card_row_is_never_the_headline_and_its_number_leaves_the_body() -> None:
    """A 信息公开 card (索引号 … 主题分类 …) sits right above the date line; the 文号 it names is
    repeated under the headline at the top of the body."""
    card = ("<table><tr><td>索引号： 000014348/2018-00004 主题分类： 综合政务</td></tr>"
            "<tr><td>发布时间：2018-01-23 信息来源：工商总局办公厅</td></tr>"
            "<tr><td>文号：办字〔2018〕18号</td></tr></table>")
    body = f"<div class='TRS_Editor'><p>示例总局关于清理规范授权登记工作的通知</p><p>办字〔2018〕18号</p>{BODY}</div>"
    html = _page("", card + body, title="示例总局关于清理规范授权登记工作的通知")
    art = extract(html, URL)
    assert art.title == "示例总局关于清理规范授权登记工作的通知"
    assert art.published_at == "2018-01-23" and art.source == "工商总局办公厅"
    assert (art.body or "").startswith(PARA)


def test_headline_spelled_by_the_first_body_lines() -> None:
    """No headline outside the body: its first centred lines are the title, as displayed (the
    <title> tag carries it with a stray full-width space)."""
    head = ("<p align='center'><strong>全国人民代表大会常务委员会<br>关于批准示例事项及<br>"
            "调整2007年末限额的决议</strong></p>")
    html = _page('<meta name="firstpublishedtime" content="2007-08-20-23:59:59">',
                 f"<div id='UCAP-CONTENT'>{head}{BODY}</div>",
                 title="全国人民代表大会常务委员会关于批准示例事项及调整2007\u3000年末限额的决议__中国政府网")
    art = extract(html, URL)
    assert art.title == "全国人民代表大会常务委员会关于批准示例事项及调整2007年末限额的决议"
    assert (art.body or "").startswith(PARA)


def test_site_name_first_in_title_and_articletitle_with_visible_date() -> None:
    """<title> and ArticleTitle lead with the site name ("站名——标题"); the headline is a table
    cell above the 发布时间 line, which beats the regenerated PubDate."""
    head = ('<meta name="ArticleTitle" content="示例市人民政府网——关于做好2021年度重点工作的通知">'
            '<meta name="PubDate" content="2021-04-09 10:21">')
    html = _page(head, "<h6>分享到：</h6><table class='sj_bt'><tr><td>关于做好2021年度重点工作的通知</td></tr></table>"
                 "<table><tr><td>发布时间：2021-04-07 信息发布人：管理员</td></tr></table>"
                 f"<table class='sj_nr'><tr><td>{BODY}</td></tr></table>",
                 title="示例市人民政府网——关于做好2021年度重点工作的通知")
    art = extract(html, URL)
    assert art.title == "关于做好2021年度重点工作的通知"
    assert art.published_at == "2021-04-07"


# --- short news items: the footer is never the body ----------------------------------------

_FLASH = "【人民币中间价下调59点】人民币兑美元中间价报6.4021，为1月22日以来新低，上一交易日中间价6.3962。"
_FOOTER = ("<div class='copy'><p>有意与本刊合作者，请与示例网联系。未经示例网书面授权，请勿转载或建立镜像，否则即为侵权。</p>"
           "<p>[京ICP证150772号] 增值电信业务经营许可证[B2-20040250] 京公网安备11010502031381号</p>"
           "<p>Copyright 示例网 All Rights Reserved 版权所有 复制必究</p></div>")


def _flash_page() -> str:
    side = "".join(f"<li><a href='/n{i}.html'>央行公开市场第{i}次操作净投放资金千亿元</a></li>" for i in range(12))
    related = "".join(f"<li><a href='/r{i}.html'>人民币兑美元中间价第{i}次调整的市场解读</a></li>" for i in range(5))
    return _page("", "<div id='article'><h2>人民币中间价下调59点 为1月以来首次</h2>"
                 "<ul><li><a>正文</a></li><li><a href='/c'>微评论（0人评论）</a></li></ul>"
                 "<div class='src'>本文来源于示例通讯社 2018-05-29 09:19:00</div>"
                 f"<div class='content'><p>{_FLASH}</p>"
                 "<div class='ar_keywords'>关键字： <a href='/t1'>中间价</a> <a href='/t2'>人民币</a></div></div>"
                 f"<ul class='more'>{related}</ul></div>"
                 f"<ul class='side'>{side}</ul>{_FOOTER}", title="人民币中间价下调59点 为1月以来首次_示例网")


def test_copyright_footer_never_outweighs_a_short_article() -> None:
    """Rule footer-not-body: a one-paragraph item scores below the site's copyright block on
    text alone; the block made of licence and copyright lines is never the article."""
    art = extract(_flash_page(), "http://www.example.com/20180529/4460584.shtml")
    assert art.body == _FLASH


def test_date_line_after_widget_tabs_keeps_a_short_item_an_article() -> None:
    """Rule document-not-listing: the date line may sit below the headline's tab widgets
    (正文 / 评论（0）); a short item among many headline links is then kept and flagged."""
    art = extract(_flash_page(), "http://www.example.com/20180529/4460584.shtml")
    assert art.page_kind == "article" and "maybe_listing" in art.flags
    assert art.title == "人民币中间价下调59点 为1月以来首次"
    assert art.published_at == "2018-05-29T09:19:00+08:00"


def test_keyword_tag_box_is_not_body_text() -> None:
    """A tag box (关键字： and tag links) inside the content container is a widget, like share."""
    html = _page("", "<h1>关于做好2021年度重点工作的通知</h1><div>发布时间：2021-05-10</div>"
                 f"<div class='content'>{BODY}<div class='ar_keywords'>关键字： <a href='/t1'>营商环境</a>"
                 " <a href='/t2'>政策</a></div></div>")
    art = extract(html, URL)
    assert PARA in (art.body or "") and "关键字" not in (art.body or "")


def test_two_line_headline_reads_as_the_title_tag_joins_it() -> None:
    """Rule title-line-join: a headline set as two centred paragraphs in one cell renders glued;
    <title> shows the lines with a space between them, and that is how the title reads."""
    html = _page("", "<table><tr><td><p>回望抗美援朝历史 激发保家卫国情怀</p><p>我校组织全体教师观看纪录片《为了和平》</p>"
                 "</td></tr><tr><td>文章来源：党委宣传部 发布时间：2020-12-24 21:07:39</td></tr></table>"
                 f"<div class='content'>{BODY}</div>",
                 title="回望抗美援朝历史  激发保家卫国情怀  我校组织全体教师观看纪录片《为了和平》-示例广播电视大学")
    assert extract(html, URL).title == "回望抗美援朝历史 激发保家卫国情怀 我校组织全体教师观看纪录片《为了和平》"


def test_title_tag_with_fewer_spaces_leaves_the_headline_alone() -> None:
    html = _page("", f"<h1>关于做好 2021年度重点工作的通知</h1><div>发布时间：2021-05-10</div><div class='content'>{BODY}</div>",
                 title="关于做好2021年度重点工作的通知_示例市人民政府")
    assert extract(html, URL).title == "关于做好 2021年度重点工作的通知"


def test_scripted_player_skeleton_is_not_body_text() -> None:
    """Rule player-widget: a saved JS video player (a <video> with no source, its control labels
    and error messages) inside the content container is chrome; the article's text stays."""
    player = ("<div class='pic-video'><h4>《北京影人》5月20日起播出<a>收起</a></h4><div class='mplayer'>"
              "<video preload='auto'></video><div>正在为您切换到高清 480P,请稍候...</div><ul><li>2.0X</li>"
              "<li>1.5X</li></ul><span>00:00</span><div>很抱歉，当前视频播放失败</div><div>错误代码：QVS.4100</div>"
              "</div><div><span>时长：01:45</span><span>建议WIFI下打开</span></div></div>")
    html = _page("", f"<h1>关于做好2021年度重点工作的通知</h1><div>发布时间：2021-05-10</div>"
                 f"<div class='content'>{player}{BODY}</div>")
    art = extract(html, URL)
    assert art.body == "\n".join([PARA] * 3)


def test_trailing_related_headlines_without_a_heading_leave_the_body() -> None:
    """Rule related-links-tail: three or more closing lines that are each one link to a page
    are a related-stories list even with no 相关阅读 heading above them."""
    related = "".join(f"<br><br><b><a href='/GB/1026/{i}.html'>反腐倡廉建设第{i}次专题评论文章</a></b>" for i in range(4))
    html = _page("", f"<h1>关于做好2021年度重点工作的通知</h1><div>发布时间：2021-05-10</div>"
                 f"<div id='zoom'>{BODY}{related}</div>")
    assert extract(html, URL).body == "\n".join([PARA] * 3)


def test_closing_attachment_links_stay_in_the_body() -> None:
    files = "".join(f"<p><a href='/files/{i}.pdf'>附件{i}：重点工作任务分解表</a></p>" for i in range(1, 4))
    html = _page("", f"<h1>关于做好2021年度重点工作的通知</h1><div>发布时间：2021-05-10</div>"
                 f"<div id='zoom'>{BODY}{files}</div>")
    art = extract(html, URL)
    assert (art.body or "").endswith("附件3：重点工作任务分解表") and len(art.attachments) == 3


def test_headline_repeated_over_two_lines_atop_the_text_is_not_body() -> None:
    """Rule headline-repeated-in-body: a 印发 notice sets its headline again at the top of the
    text, broken over two lines; those lines are heading, the text starts after them."""
    html = _page("<meta name='ArticleTitle' content='示例省发展和改革委员会关于印发《设备更新若干措施》的通知'>",
                 "<h1>示例省发展和改革委员会关于印发《设备更新若干措施》的通知</h1><div>日期：2025-02-26</div>"
                 "<div class='content'><p>示例省发展和改革委员会关于印发</p><p>《设备更新若干措施》的通知</p>"
                 f"{BODY}</div>")
    art = extract(html, URL)
    assert art.title == "示例省发展和改革委员会关于印发《设备更新若干措施》的通知"
    assert art.body == "\n".join([PARA] * 3)


def test_file_icon_beside_an_attachment_link_is_neither_caption_nor_image() -> None:
    """Rule file-icon-link: a short line holding a file-type icon and a link to a document is an
    attachment line (kept as text), not a picture caption; the icon is not an image."""
    html = _page("", f"<h1>关于做好2021年度重点工作的通知</h1><div>发布时间：2021-05-10</div>"
                 f"<div class='content'>{BODY}<p><img src='/icons/pdf.gif'><a href='/files/1.pdf'>《设备更新若干措施》</a></p></div>")
    art = extract(html, URL)
    assert (art.body or "").endswith("《设备更新若干措施》")
    assert art.images == [] and [a["ext"] for a in art.attachments] == ["pdf"]


# --- 7. metadata written by script at a label (TRS document.write) -------------------------
# TRS WCM templates print the date (and 来源/作者) with document.write of a string filled in at
# publication: "发布时间：<script>var pubdata='…'; document.write(pubdata)</script>". The browser
# shows it at the label, so it is a visible labelled date (rule script-written-label). The URL
# here carries no date, so a page without one gets None, not the URL's.
NO_DATE_URL = "http://www.example.gov.cn/art/show.jsp?id=123"
HEADLINE = "<h1>关于做好2021年度重点工作的通知</h1>"


def _scripted(toolbar: str, head: str = "", above: str = "") -> str:
    return _page(head, f"{above}{HEADLINE}<div class='toolbar'>{toolbar}</div><div class='TRS_Editor'>{BODY}</div>")


@pytest.mark.parametrize(("toolbar", "date"), [
    pytest.param("发布时间：<script>var  pubdata='2021年05月10日';\nif(pubdata!=''){\ndocument.write(pubdata);\n}</script>"
                 " 字体：<span>小</span> <span>中</span> <span>大</span>", "2021-05-10", id="variable"),
    pytest.param("<span>发布日期：</span><script>document.write('2020-05-06');</script>", "2020-05-06", id="literal"),
    pytest.param('日期：<script type="text/javascript">var t = "2020-05-06 10:20:30";\n'
                 "document.write(t.substring(0,10));</script>", "2020-05-06", id="substring-of-datetime"),
    pytest.param("<script>var d='2020-05-06 10:20'; document.write('发布时间：' + d + '&emsp;');</script>",
                 "2020-05-06T10:20:00+08:00", id="label-written-too"),
    pytest.param("<table><tr><td>发布日期：</td><td><script>document.writeln(\"2020-05-06\")</script></td></tr></table>",
                 "2020-05-06", id="label-in-the-cell-before"),
])
def test_date_written_by_script_at_a_date_label_is_the_date(toolbar: str, date: str) -> None:
    art = extract(_scripted(toolbar), NO_DATE_URL)
    assert art.published_at == date
    assert art.provenance["published_at"].startswith("script:")
    assert "no_date" not in art.flags


@pytest.mark.parametrize("toolbar", [
    # a clock: the value is computed, not a string the page was published with
    pytest.param("日期：<script>var d = new Date(); document.write(d.getFullYear() + '-' + (d.getMonth() + 1) + '-'"
                 " + d.getDate());</script>", id="new-date-clock-at-label"),
    # a date in a string that is never written
    pytest.param("发布时间：<script>var pubdate = '2020-05-06'; console.log(pubdate);</script>", id="not-written"),
    # an empty value: nothing shows at the label
    pytest.param("发布时间：<script>var pubdata=''; if(pubdata!=''){document.write(pubdata);}</script> 打印本页",
                 id="empty-variable"),
    # a write far from the label: the text before the script does not end with it
    pytest.param("发布时间：<span>【字体：大 中 小】</span><script>document.write('2020-05-06')</script>", id="not-at-label"),
])
def test_script_date_not_written_at_a_label_is_not_read(toolbar: str) -> None:
    art = extract(_scripted(toolbar), NO_DATE_URL)
    assert art.published_at is None
    assert "no_date" in art.flags


def test_clock_copyright_and_related_list_scripts_give_no_date() -> None:
    """Scripts that write dates away from any label: the header clock (今天是), the footer's
    copyright years, a related-articles list that writes each item's date."""
    clock = ("<div class='top'>今天是：<script>today = new Date(); document.write(today.getFullYear() + '年' +"
             " (today.getMonth() + 1) + '月' + today.getDate() + '日');</script></div>")
    related = ("<div class='xgxx'><h3>相关信息</h3><ul><script>var str_4 = '关于开展2020年度考核工作的通知';"
               " var str_2 = '2020-05-06'; document.write('<li><a href=\"./t1.html\">' + str_4 + '</a>'"
               " + str_2 + '</li>');</script></ul></div>")
    footer = ("<div class='footer'>版权所有 © <script>document.write('2003-' + new Date().getFullYear())</script>"
              " 示例市人民政府 <script>document.write('2019-01-01 更新');</script></div>")
    html = _page("", f"{clock}{HEADLINE}<div class='TRS_Editor'>{BODY}</div>{related}{footer}")
    art = extract(html, NO_DATE_URL)
    assert art.published_at is None


def test_script_date_at_label_beats_a_regenerated_pubdate() -> None:
    """The script-written date is what the browser shows at 发布时间, so rule
    visible-date-over-pubdate holds for it as for a rendered one: a PubDate naming another day
    is the page's generation time."""
    html = _scripted("发布时间：<script>var pubdata='2021-05-10'; document.write(pubdata);</script>",
                     head='<meta name="PubDate" content="2023-08-01 10:00">')
    art = extract(html, NO_DATE_URL)
    assert (art.published_at, art.provenance["published_at"]) == ("2021-05-10", "script:发布时间")


def test_pubdate_agreeing_with_script_date_keeps_its_time() -> None:
    html = _scripted("发布时间：<script>document.write('2021年05月10日');</script>",
                     head='<meta name="PubDate" content="2021-05-10 09:30">')
    art = extract(html, NO_DATE_URL)
    assert art.published_at == "2021-05-10T09:30:00+08:00"
    assert art.provenance["published_at"] == "meta:pubdate"


def test_rendered_date_line_wins_and_scripts_are_not_read() -> None:
    """Only a page without a labelled date line has its scripts read (they cost tokenising)."""
    html = _scripted("发布时间：2021-05-10 <script>document.write('更新时间：2024-01-01');</script>")
    art = extract(html, NO_DATE_URL)
    assert (art.published_at, art.provenance["published_at"]) == ("2021-05-10", "metaline:发布时间")


def test_source_and_author_written_by_script_and_empty_ones_are_null() -> None:
    """The same templates write 文章来源/作者 only when the variable is not empty; an empty
    one shows nothing, so the field is null, never the word after the script."""
    toolbar = ("发布时间：<script>var pubdata='2021年05月10日'; document.write(pubdata);</script>"
               "<script>var wzly='示例日报'; if(wzly!=''){document.write('文章来源：'+wzly+'&emsp;');}</script>"
               "<script>var zz=''; if(zz!=''){document.write('作者：'+zz+'&emsp;');}</script>"
               " 点击量：<script src='/count/index?id=1'></script>次 <a href='javascript:window.print();'>打印本页</a>")
    art = extract(_scripted(toolbar), NO_DATE_URL)
    assert (art.source, art.provenance["source"]) == ("示例日报", "script:文章来源")
    assert art.author is None
    empty = toolbar.replace("var wzly='示例日报'", "var wzly=''")
    assert extract(_scripted(empty), NO_DATE_URL).source is None


@pytest.mark.parametrize(("below", "source"), [
    pytest.param("<script>var ly=''; if(ly!=''){document.write(ly);}</script>", None, id="empty-write"),
    pytest.param("<script>document.write(ly);</script>", None, id="unknown-write"),
    pytest.param("<script>var ly='示例日报'; document.write(ly);</script>", "示例日报", id="known-write"),
])
def test_lone_label_whose_value_a_script_writes_never_takes_the_next_line(below: str, source: str | None) -> None:
    """Rule empty-label-is-empty for a label alone in its block: a script right after it writes
    the value there (empty here, or beyond reading), so the next block, a department's name
    printed for another purpose, is not the 来源. A value the script does write is read even
    with a rendered date line on the page."""
    toolbar = (f"<div>发布时间：2021-05-10</div><div>来源：{below}</div>"
               "<div class='dept'>示例市应急管理局</div>")
    art = extract(_scripted(toolbar), NO_DATE_URL)
    assert art.source == source
    assert art.published_at == "2021-05-10"


def test_lone_label_without_a_script_still_takes_the_next_line() -> None:
    """Rule dangling-label stays for dt/dd and stacked cells: 来源： in one block, its value in
    the next."""
    toolbar = "<dl><dt>发布时间：</dt><dd>2021-05-10</dd><dt>来源：</dt><dd>示例市应急管理局</dd></dl>"
    art = extract(_scripted(toolbar), NO_DATE_URL)
    assert (art.source, art.published_at) == ("示例市应急管理局", "2021-05-10")


@pytest.mark.parametrize(("code", "line"), [
    ("var a = '来源：'; a += \"示例\\u65e5报\"; document.write(a);", "来源：示例日报"),  # += and \u escapes
    ("var s='x2020-05-06'; document.write('日期：' + s.substr(1, 10));", "日期：2020-05-06"),
    ("var s='2020-05-06T08:00'; document.write('日期：' + s.slice(0,10)); // 来源：注释", "日期：2020-05-06"),
    ("document.write('<span class=\"t\">作者：</span>' + '张三'); document.write(unescape('%3Cb%3E'));",
     "作者： 张三"),  # markup out (a space where a tag was), up to the unknown write
    ("document.write('来源：' + getSource());", None),  # a call: unknown, nothing
])
def test_script_lines_evaluate_only_strings(code: str, line: str | None) -> None:
    root = parse(f"<html><body><div><script>{code}</script></div></body></html>")
    assert script_lines(root) == ([line] if line else [])
