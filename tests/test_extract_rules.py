"""Unit tests for the generic rules added in the hardening pass: bylines, edge widget lines, spam."""
from __future__ import annotations

import pytest

from archiver.extraction.clean import is_widget_label
from archiver.extraction.fields import byline_author
from archiver.extraction.spam import is_spam


@pytest.mark.parametrize(("line", "names"), [
    ("人民网记者 张婷婷 运城日报记者 陈永年", "张婷婷 陈永年"),
    ("本报记者 张三 通讯员 李四 王五", "张三 李四 王五"),
    ("澎湃新闻记者 段彦超 廖艳", "段彦超 廖艳"),
    ("【文/观察者网专栏作者 王文】", "王文"),
    ("（记者 唐霁）", "唐霁"),
    ("记者：刘洋", "刘洋"),
    ("记者张三", "张三"),
    ("通讯员 李明 报道", "李明"),
    ("作者：何平", "何平"),
])
def test_byline_credits(line: str, names: str) -> None:
    assert byline_author([line]) == names


@pytest.mark.parametrize("line", [
    "关于公开招聘社区专职工作者的公告", "记者会在北京召开", "本报记者", "记者 王小明 摄", "文/张三",
    "新闻发布会上，记者提问时表示",
])
def test_byline_rejects_prose(line: str) -> None:
    assert byline_author([line]) is None


@pytest.mark.parametrize(("line", "widget"), [
    ("图集", True), ("+1", True), ("返回", True), ("TOP", True),
    ("附件", False), ("同意。", False), ("县政府", False), ("（完）", False),
])
def test_edge_widget_labels(line: str, widget: bool) -> None:
    assert is_widget_label(line) is widget


@pytest.mark.parametrize("line", [
    "代开发票 增值税专用发票 联系QQ：1234567",
    "专业代开普票 代开专票 电话13912345678",
    "六合彩开奖结果 特码 www.abc123.vip",
    "香港六合彩,特码,平特,跑狗图,白小姐",
    "北京赛车pk10 幸运飞艇 开奖直播 加V：abc12345",
    "成人网站 日本av 在线观看 www.xx99.cc",
])
def test_spam_adverts(line: str) -> None:
    assert is_spam(line)


@pytest.mark.parametrize("line", [
    "公安机关破获一起利用六合彩、时时彩进行赌博的案件，涉案金额巨大。",
    "严厉打击代开发票、虚开发票等违法行为，举报电话13912345678。",
    "税务局提醒：增值税发票开具请通过电子税务局办理，咨询电话12366。",
    "成人教育 报名 注册 官网",
    "欢迎拨打13912345678咨询成人高考报名事宜。",
])
def test_spam_not_government_prose(line: str) -> None:
    assert not is_spam(line)


@pytest.mark.parametrize(("line", "rule"), [
    ("【1】【2】【3】【4】", "pager"),
    ("[1] [2] [3]", "pager"),
    ("医技药剂党支部、药剂科供稿 摄影/张艳 编辑/苏芳", "staff_credits"),
    ("文/李四 图/王五 审核/赵六", "staff_credits"),
    ("摄影：张艳 编辑：苏芳", "staff_credits"),
    ("点击进入“文艺星青年”>>", "promo_link"),
    ("点击查看专题>>", "promo_link"),
    ("返回首页 关闭页面", "print_close"),
    ("【打印本文】【关闭本页】", "print_close"),
    ("核发：admin 点击数：744 【收藏本页】", "counter"),
    ("浏览次数：1024", "counter"),
    ("图为李博灏在瑞士日内瓦联合国欧洲总部的近影。", "caption"),
    ("（上图为活动现场）", "caption"),
    ("本网站所刊登的通知、公告、文件等稿件，版权均属示例省教育厅网站所有", "footer"),
    ("主办单位：示例省教育厅承办单位：示例省教育信息化管理中心", "footer"),
])
def test_chrome_lines_from_extract_real(line: str, rule: str) -> None:
    from archiver.extraction.clean import boiler_rule
    assert boiler_rule(line) == rule


@pytest.mark.parametrize("line", [
    "编辑部门负责人说，文件已经印发。",
    "（文/图 刘玺东 易赛楠）",
    "第【1】条",
    "点击进入系统后，按提示填写申报信息并提交。",
    "本站讯（职工通讯员 李琴雯 刘会）为深入推进党建与业务工作紧密结合",
    "日期：2017-06-22 11:13:34 发布人：admin 浏览量：744",  # the metadata line: read for its date
    "来源：示例省教育厅 发布时间： 03-30 点击量：35",  # and for its source, even without a year
    "平台上线以来访问量超过100万人次，点击数持续增长。",
    "本次活动的主办单位为市文化和旅游局。",
])
def test_chrome_line_rules_spare_prose(line: str) -> None:
    from archiver.extraction.clean import boiler_rule
    assert boiler_rule(line) is None


# --- rules from extract_real round 2 (政务公开 table pages) ---

_TABLE_PAGE = """<html><head><meta name="ArticleTitle" content="某某管理办法">
<meta name="PubDate" content="2018-03-14 11:30"><meta name="ContentSource" content="{source}"></head><body>
<table><tr><td>索引号</td><td>Ab-16-02-010</td><td>信息分类</td><td></td></tr>
<tr><td>发布机构</td><td>某市工商局</td><td>公开日期</td><td>2018-01-01</td></tr>
<tr><td>文号</td><td></td><td>关键词</td><td></td></tr></table>
<div class="TRS_Editor"><p>第一条 为了规范管理工作，保护当事人的合法权益，根据有关法律法规，制定本办法。</p>
<p>第二条 本办法适用于本市行政区域内的相关管理活动，有关部门应当按照职责分工做好工作。</p>
<p>第三条 本办法自发布之日起施行，由市工商局负责解释，此前规定与本办法不一致的以本办法为准。</p></div>
</body></html>"""


def test_doc_cell_stop_ends_table_values() -> None:
    from archiver.extraction.metaline import doc_fields
    fields = doc_fields(["发布机构 某市工商局 公开日期 2018-01-01", "文号 关键词", "索引号 Ab-16-02-010 信息分类"])
    assert fields == {"发布机构": "某市工商局", "索引号": "Ab-16-02-010"}


def test_meta_echoing_title_is_not_a_source_and_table_publisher_is() -> None:
    from archiver.process import extract
    art = extract(_TABLE_PAGE.format(source="某某管理办法").encode(), "http://example.gov.cn/t20180314_1.html")
    assert art.title == "某某管理办法"
    assert art.source == "某市工商局"
    assert art.provenance["source"] == "doc-table:发布机构"
    assert art.published_at.startswith("2018-03-14")


def test_real_content_source_meta_still_wins() -> None:
    from archiver.process import extract
    art = extract(_TABLE_PAGE.format(source="某市人民政府办公室").encode(), "http://example.gov.cn/t20180314_1.html")
    assert art.source == "某市人民政府办公室"


# --- the speed work's shortcuts answer as the plain forms they replace ---

@pytest.mark.parametrize("line", [
    "本报记者 张三 摄", "图为新建成的大桥。（新华社）", "Copyright 2024 某某市人民政府", "网站标识码：1234",
    "▲ 会议现场", "【纠错】", "责任编辑：李四", "分享到：", "上一篇：关于开展检查的通知", "（视频截图）",
    "我市召开安全生产工作会议", "版权所有 © 某某县", "2024年3月1日", "",
    "核发：admin 点击数：744 【收藏本页】", "阅读次数: 12", "京ICP备05070218号", "京公网安备 11010502030377号",
    "主办单位：某某市人民政府办公室", "COPYRİGHT 2024 某某网", "文/李四 图/王五 审核/赵六",
    "某某中心供稿 摄影/张艳 编辑/苏芳", "（新华社发 张三摄）", "会议现场（CFP）", "（视觉中国）",
])
def test_boiler_gate_agrees_with_every_rule(line: str) -> None:
    """boiler_rule's gate (anchored rules matched once at the start, the others only on lines
    that hold one of their needles) lets through every line some rule matches."""
    from archiver.extraction.clean import BOILER_LINES, boiler_rule
    assert boiler_rule(line) == next((name for name, p in BOILER_LINES if p.search(line)), None)


def test_every_boiler_rule_is_anchored_or_has_needles() -> None:
    """A rule that reads along the line without needles would be searched on every line: the
    gate still answers right, but the cost it was built to save comes back."""
    from archiver.extraction.clean import _ANCHORED, _NEEDLES, _UNGATED, BOILER_LINES
    assert not _UNGATED
    assert {name for name, _ in BOILER_LINES} == _ANCHORED | set(_NEEDLES)


@pytest.mark.parametrize(("title", "title_tag"), [
    ("家国情怀我校师生", "家国情怀 我校师生_某某大学"), ("标题", "标 题 一 标 题"), ("a.b", "a . b axb"),
    ("标题", "无关的站名"), ("我校 师生", "我校\u3000师生 - 新闻网"), ("", "标题"), ("标 题", "标题_站"),
    ("报告", "报\n告 报 告"), ("(A)", "( A ) 站"),
])
def test_title_spacing_agrees_with_its_regex_form(title: str, title_tag: str) -> None:
    """spaced_as_title_tag finds the spread-out headline as re.search of "c1\\s*c2…" did."""
    import re

    from archiver.extraction.fields import spaced_as_title_tag
    found = re.search(r"\s*".join(map(re.escape, "".join(title.split()))), title_tag) if title else None
    want = found.group() if found and found.group().count(" ") > title.count(" ") else title
    assert spaced_as_title_tag(title, title_tag) == want


def test_norm_collapses_every_space_kind() -> None:
    import re

    from archiver.extraction.dom import norm
    text = "\u200b 标题\u3000\xa0第一行\u2028\t第二行\ufeff \x1c结尾\n"
    assert norm(text) == re.sub(r"[\s\u00a0\u3000\u200b\ufeff]+", " ", text).strip() == "标题 第一行 第二行 结尾"


def test_text_content_is_joined_itertext() -> None:
    from archiver.extraction.dom import parse, text_content
    root = parse("<html><body><p>a<!-- c -->b<?pi x?>c<span>d<script>s()</script>e</span>f</p>尾</body></html>")
    p = root.find(".//p")
    assert text_content(p) == "".join(p.itertext()) == "abcds()ef"


@pytest.mark.parametrize(("style", "hidden"), [
    ("display:none", True), ("DISPLAY : NONE", True), ("visibility: hidden", True),
    ("font-family: 仿宋; mso-hide: none", False), ("display:block", False), ("overflow:hidden", False),
])
def test_hidden_styles(style: str, hidden: bool) -> None:
    from archiver.extraction.dom import HIDDEN_STYLE, hides
    assert hides(style) is hidden is (HIDDEN_STYLE.search(style) is not None)


@pytest.mark.parametrize(("text", "signed"), [
    ("<p>发布时间：2024-03-01</p>", True), ("发布日期 : 2024", True), ("信息来源 ：新华社", True),
    ('<META NAME="PubDate" content="2024-03-01">', True), ("<meta name=articletitle content=标题>", True),
    ("来源于网络", False), ("新闻发布会", False), ("<meta name=keywords content=来源>", False), ("", False),
])
def test_article_signs(text: str, signed: bool) -> None:
    """An article's own marks (they rule out a wall or an error verdict), found by str.find for
    the labels and a regex for the meta tags."""
    from archiver.extraction.walls import article_signs
    assert article_signs(text) is signed


def test_page_walk_lines_of_a_plainly_pruned_body_are_its_own_walk() -> None:
    """core._body takes the body's lines from the page walk when prune removed only comments
    and skipped elements outside cells and the container renders alone: on every real page
    where that holds, a walk of the pruned copy gives the same lines."""
    import itertools
    from pathlib import Path

    from archiver.encoding.decoder import decode
    from archiver.extraction import body as body_mod
    from archiver.extraction.clean import prune
    from archiver.extraction.core import _end
    from archiver.extraction.dom import BlockStats, drop_keeping_tail, parse, renders_alone, text_lines
    from archiver.testing.goldens import load_all

    checked = 0
    for page in load_all(Path(__file__).parent / "fixtures"):
        root = parse(decode(page.raw, "text/html", "http://example.gov.cn/").text)
        order = dict(zip(root.iter(), itertools.count()))
        stats, hidden = BlockStats(), []
        lines = text_lines(root, order, stats=stats, hidden_out=hidden)
        for el in hidden:
            drop_keeping_tail(el)
        choice = body_mod.choose(root, None, stats)
        if choice is None:
            continue
        tree, _, _, same_lines = prune(choice.element)
        if not (same_lines and renders_alone(choice.element)):
            continue
        start, end = order[choice.element], _end(order, choice.element)
        assert [ln.text for ln in lines if start <= ln.order <= end] == [ln.text for ln in text_lines(tree)], page.pid
        checked += 1
    assert checked >= 80, checked
