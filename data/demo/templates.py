"""HTML templates of the demo site: page chrome, listings, and four article layouts.

Each article layout copies a family of real government templates: TRS WCM
(meta tags + div.TRS_Editor), Hanweb JCMS (#zoom, 信息来源), a custom CMS
(div.detail-content, attachments list) and a party-building site (seed-like
half-width metadata line). Templates take text and return text; encoding is
decided by the caller.
"""
from __future__ import annotations

from html import escape

SITE_NAME = "河东市人民政府门户网站"
NAV = [
    ("首页", "/index.html"), ("政务要闻", "/zwyw/index.html"), ("部门动态", "/bmdt/list.html"),
    ("通知公告", "/tzgg/list.html"), ("党建工作", "/djgz/index.html"), ("网站地图", "/wzdt.html"),
]

# TRS WCM's pagination writer: the links to further pages exist only inside this
# script, built by string concatenation, as on real TRS sites.
TRS_PAGER_JS = """<script language="JavaScript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount<=1){ return; }
  var nCurrIndex = _nCurrIndex || 0;
  if(nCurrIndex == 0){
    document.write("<span>首页</span>&nbsp;<span>上一页</span>&nbsp;");
  } else {
    document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">首页</a>&nbsp;");
    if(nCurrIndex == 1) document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">上一页</a>&nbsp;");
    else document.write("<a href=\\""+_sPageName+"_"+(nCurrIndex-1)+"."+_sPageExt+"\\">上一页</a>&nbsp;");
  }
  if(nCurrIndex == _nPageCount-1){
    document.write("<span>下一页</span>&nbsp;<span>尾页</span>");
  } else {
    document.write("<a href=\\""+_sPageName+"_"+(nCurrIndex+1)+"."+_sPageExt+"\\">下一页</a>&nbsp;");
    document.write("<a href=\\""+_sPageName+"_"+(_nPageCount-1)+"."+_sPageExt+"\\">尾页</a>");
  }
  document.write("&nbsp;转到<select onchange=\\"location.href=this.value\\">");
  for(var i=0;i<_nPageCount;i++){
    if(i==0) document.write("<option value=\\""+_sPageName+"."+_sPageExt+"\\">第1页</option>");
    else document.write("<option value=\\""+_sPageName+"_" + i + "."+_sPageExt+"\\">第"+(i+1)+"页</option>");
  }
  document.write("</select>");
} //WCM置标
</script>"""


def head(title: str, charset_meta: str, metas: dict[str, str] | None = None) -> str:
    tags = "".join(f'<meta name="{k}" content="{escape(v)}" />\n' for k, v in (metas or {}).items())
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n{charset_meta}\n'
        f"<title>{escape(title)}</title>\n{tags}"
        '<link href="/images/style.css" rel="stylesheet" type="text/css" />\n</head>\n'
    )


def charset_meta(name: str, style: str = "http-equiv") -> str:
    if style == "html5":
        return f'<meta charset="{name}">'
    return f'<meta http-equiv="Content-Type" content="text/html; charset={name}" />'


def banner() -> str:
    links = "".join(f'<li><a href="{href}">{name}</a></li>' for name, href in NAV)
    return (
        f'<body>\n<div class="top"><span>欢迎访问{SITE_NAME}！</span>'
        '<span id="today"><script src="/js/date.js"></script></span>'
        '<a href="http://www.gov.cn/" target="_blank">中国政府网</a></div>\n'
        f'<div class="header"><img src="/images/logo.png" alt="{SITE_NAME}" />\n'
        '<form action="/search/search.jsp" method="get"><input name="searchword" />'
        '<input type="submit" value="搜索" /></form></div>\n'
        f'<div class="nav"><ul>{links}</ul></div>\n'
    )


def footer(extra: str = "") -> str:
    return (
        f"{extra}"
        '<div class="footer">\n<p><a href="/wzdt.html">网站地图</a> | <a href="/lxwm.html">联系我们</a> | '
        '<a href="/yssm.html">隐私声明</a> | <a href="https://zfwzzc.www.gov.cn/" target="_blank">政府网站找错</a></p>\n'
        "<p>主办：河东市人民政府办公室　承办：河东市政务信息中心　联系电话：0359－2021234</p>\n"
        "<p>网站标识码：1408000001　<a href=\"https://beian.miit.gov.cn/\" target=\"_blank\">晋ICP备05001234号</a>　"
        "晋公网安备 14080202000222号</p>\n"
        '<p>您是本站第<script src="/visitcount/visit.jsp?type=1&amp;i_webid=1"></script>位访客</p>\n'
        "</div>\n</body>\n</html>\n"
    )


def listing_items(items: list[tuple[str, str, str]]) -> str:
    """(href, title, date) -> the <ul> of a section listing."""
    rows = "".join(
        f'<li><a href="{href}" target="_blank" title="{escape(t)}">{escape(t)}</a><span>{d}</span></li>\n'
        for href, t, d in items
    )
    return f'<ul class="list">\n{rows}</ul>\n'


def sidebar(section: str) -> str:
    others = "".join(
        f'<li><a href="{href}">{name}</a></li>' for name, href in NAV[1:5] if name != section
    )
    return f'<div class="side"><h3>其他栏目</h3><ul>{others}</ul></div>\n'


def listing_page(section: str, items_html: str, pager_html: str, meta: str) -> str:
    return (
        head(f"{section}_{SITE_NAME}", meta, {"ColumnName": section, "ColumnType": "信息列表"})
        + banner()
        + f'<div class="location">当前位置：<a href="/index.html">首页</a> &gt; <span>{section}</span></div>\n'
        + sidebar(section)
        + f'<div class="main"><div class="lm-title">{section}</div>\n{items_html}'
        + f'<div class="page">{pager_html}</div></div>\n'
        + footer()
    )


def trs_pager(count: int, current: int) -> str:
    return f'{TRS_PAGER_JS}\n<script>createPageHTML({count}, {current}, "index", "html");</script>'


def next_link_pager(links: list[tuple[str, str | None]], current: int, count: int) -> str:
    """(label, href or None) pairs: 首页 上一页 下一页 尾页 as plain links."""
    parts = [f'<a href="{href}">{label}</a>' if href else f"<span>{label}</span>" for label, href in links]
    return "&nbsp;".join(parts) + f"&nbsp;&nbsp;共{count}页&nbsp;当前第{current}页"


def paragraphs_html(paragraphs: list[str], indent: bool = True) -> str:
    style = ' style="text-indent: 2em;"' if indent else ""
    return "".join(f"<p{style}>{escape(p, quote=False)}</p>\n" for p in paragraphs)


def prev_next(prev: tuple[str, str] | None, nxt: tuple[str, str] | None, sep: str = "：",
              next_first: bool = False) -> str:
    def one(label: str, link: tuple[str, str] | None) -> str:
        return f'<p>{label}{sep}<a href="{link[0]}">{escape(link[1])}</a></p>' if link else f"<p>{label}{sep}没有了</p>"
    pair = [one("上一篇", prev), one("下一篇", nxt)]
    return f'<div class="prevnext">{"".join(pair[::-1] if next_first else pair)}</div>\n'


def attachments_html(files: list[tuple[str, str]]) -> str:
    if not files:
        return ""
    rows = "".join(f'<li><a href="{href}">{escape(name)}</a></li>' for href, name in files)
    return f'<div class="fj"><span>附件：</span><ul>{rows}</ul></div>\n'


TOOLS = (
    '<div class="tools">【字体：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> '
    '<a href="javascript:doZoom(14)">小</a>】　<a href="javascript:window.print()">打印本页</a>　'
    '<a href="javascript:window.close()">关闭窗口</a></div>\n'
)


def _changed(a: dict, change: str) -> bool:
    """Whether the page is rendered with one of template 2's changes (data/demo/variants.py)."""
    return change in a.get("changes", ())


def _date_after_body(a: dict) -> str:
    """Template 2 shows the date once, under the body, in an element of its own."""
    return f'<div class="pub-foot"><span>{a["shown_date"]}</span></div>\n' if _changed(a, "date_moved") else ""


def _body_class(a: dict, old: str, new: str) -> str:
    return new if _changed(a, "body_renamed") else old


def article_trs(a: dict, meta: str) -> str:
    metas = {"SiteName": SITE_NAME, "SiteDomain": "www.hedong.gov.cn", "SiteIDCode": "1408000001",
             "ColumnName": a["section"]}
    if a["with_meta"]:
        metas |= {"ArticleTitle": a["title"], "PubDate": a["shown_date"], "ContentSource": a["source"]}
    info = f'发布时间：{a["shown_date"]}&nbsp;&nbsp;&nbsp;来源：{a["source"]}&nbsp;&nbsp;&nbsp;'
    if _changed(a, "date_moved"):
        metas.pop("PubDate", None)
        info = f'来源：{a["source"]}&nbsp;&nbsp;&nbsp;'
    if a["author"]:
        info += f'作者：{a["author"]}&nbsp;&nbsp;&nbsp;'
    info += f'点击率：<script src="/visitcount/articlehits.jsp?id={a["id"]}"></script>'
    return (
        head(f'{a["title"]}_{a["section"]}_{SITE_NAME}', meta, metas) + banner()
        + f'<div class="location">当前位置：<a href="/index.html">首页</a> &gt; <a href="../index.html">{a["section"]}</a></div>\n'
        + f'<div class="article">\n<h1 class="title">{escape(a["title"])}</h1>\n<div class="info">{info}</div>\n'
        + f'<div class="{_body_class(a, "TRS_Editor", "article-body-v2")}"><div class="Custom_UnionStyle">\n'
        + paragraphs_html(a["paragraphs"]) + "</div></div>\n" + _date_after_body(a) + attachments_html(a["files"])
        + (f'<div class="editor">（责任编辑：{a["editor"]}）</div>\n' if a["editor"] else "")
        + TOOLS + prev_next(a["prev"], a["next"]) + related(a["related"]) + "</div>\n" + footer()
    )


def related(links: list[tuple[str, str]]) -> str:
    rows = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for h, t in links)
    return f'<div class="xgxw"><h4>相关链接</h4><ul>{rows}</ul></div>\n' if links else ""


def article_zoom(a: dict, meta: str) -> str:
    info = f'发布日期：{a["shown_date"]}　　信息来源：{a["source"]}　　'
    if _changed(a, "date_moved"):
        info = f'信息来源：{a["source"]}　　'
    if a["author"]:
        info += f'作者：{a["author"]}　　'
    info += f'浏览次数：<script src="/visitcount/articlehits.jsp?id={a["id"]}"></script>'
    return (
        head(f'{a["title"]}-{SITE_NAME}', meta) + banner()
        + '<table class="dqwz"><tr><td>您当前的位置：<a href="/index.html">首页</a> &gt; '
        + f'<a href="/bmdt/list.html">{a["section"]}</a></td></tr></table>\n'
        + f'<table class="content"><tr><td class="bt">{escape(a["title"])}</td></tr>\n'
        + f'<tr><td class="xx">{info}</td></tr>\n<tr><td>{TOOLS}</td></tr>\n'
        + (('<tr><td><div id="art_main">\n' + paragraphs_html(a["paragraphs"]) + "</div></td></tr></table>\n")
           if _changed(a, "body_renamed") else
           ('<tr><td><meta name="ContentStart"><div id="zoom">\n' + paragraphs_html(a["paragraphs"])
            + '</div><meta name="ContentEnd"></td></tr></table>\n'))
        + _date_after_body(a) + attachments_html(a["files"])
        + prev_next(a["prev"], a["next"]) + footer()
    )


def article_custom(a: dict, meta: str) -> str:
    sign = f'<p style="text-align: right;">{escape(a["source"])}</p>\n<p style="text-align: right;">{a["signed"]}</p>\n'
    return (
        head(f'{a["title"]} - {SITE_NAME}', meta) + banner()
        + f'<div class="crumb"><a href="/index.html">首页</a> / <a href="/tzgg/list.html">{a["section"]}</a> / 正文</div>\n'
        + f'<div class="detail">\n<div class="detail-title">{escape(a["title"])}</div>\n'
        + '<div class="detail-meta">'
        + ("" if _changed(a, "date_moved") else f'<span>发布时间：{a["shown_date"]}</span>　')
        + f'<span>来源：{a["source"]}</span>　'
        + f'<span>浏览次数：<script src="/visitcount/articlehits.jsp?id={a["id"]}"></script></span></div>\n'
        + f'<div class="{_body_class(a, "detail-content", "wz-body")}">\n'
        + paragraphs_html(a["paragraphs"][:1], indent=False)
        + paragraphs_html(a["paragraphs"][1:]) + sign + "</div>\n" + _date_after_body(a) + attachments_html(a["files"])
        + TOOLS + prev_next(a["prev"], a["next"]) + "</div>\n" + footer()
    )


def article_party(a: dict, meta: str, spam: str = "") -> str:
    """Party-building template; half-width colons as on the seed's source site."""
    info = f'发布时间:{a["shown_date"]}&nbsp;&nbsp;&nbsp;来源:{a["source"]}&nbsp;&nbsp;&nbsp;点击率: {a["clicks"]}'
    if _changed(a, "date_moved"):
        info = f'来源:{a["source"]}&nbsp;&nbsp;&nbsp;点击率: {a["clicks"]}'
    byline = f'<p class="byline">{escape(a["byline"])}</p>\n' if a.get("byline") else ""
    return (
        head(f'{a["title"]}-河东党建网', meta) + banner()
        + '<div class="dqwz">当前位置: <a href="/index.html">党建网</a> &gt; '
        + f'<a href="/djgz/index.html">{a["section"]}</a> &gt;</div>\n<div class="close"><a href="javascript:window.close()">关闭</a></div>\n'
        + f'<div class="title">{escape(a["title"])}</div>\n<div class="share">分享到:</div>\n'
        + f'<div class="fbsj">{info}</div>\n{byline}<div class="{_body_class(a, "content", "zw-body")}">\n'
        + paragraphs_html(a["paragraphs"]) + "</div>\n" + _date_after_body(a) + prev_next(a["prev"], a["next"], sep=":", next_first=True)
        + footer(f'<div class="link">{spam}</div>\n' if spam else "")
    )
