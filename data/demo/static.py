"""The demo site's non-article files: home page, site map, contact pages, 404 and soft-404
pages, robots.txt, counter scripts, a redirect."""
from __future__ import annotations

from html import escape

import templates as t

GBK_META = t.charset_meta("gb2312")
JS = {"status": 200, "headers": {"Content-Type": "application/javascript; charset=GBK"}, "validators": False}


def _page(title: str, inner: str) -> bytes:
    html = t.head(f"{title}_{t.SITE_NAME}", GBK_META) + t.banner() + f'<div class="main">{inner}</div>\n' + t.footer()
    return html.encode("gbk")


def home(recs: list[dict]) -> bytes:
    blocks = []
    for name, href in t.NAV[1:5]:
        mine = sorted((r for r in recs if r["section"] == name), key=lambda r: r["date"], reverse=True)[:5]
        rows = "".join(f'<li><a href="{r["path"]}">{escape(r["title"])}</a><span>{r["date"][5:]}</span></li>'
                       for r in mine)
        blocks.append(f'<div class="block"><h3><a href="{href}">{name}</a><a class="more" href="{href}">更多&gt;&gt;</a>'
                      f"</h3><ul>{rows}</ul></div>\n")
    return _page("首页", "".join(blocks))


def static_files(recs: list[dict]) -> dict[str, tuple[bytes, dict | None]]:
    sitemap = "".join(f'<li><a href="{href}">{name}</a></li>' for name, href in t.NAV)
    soft = ("<div class=\"error\"><h2>页面不存在</h2><p>对不起，您访问的页面不存在或已被删除。</p>"
            '<p><a href="/index.html">返回首页</a></p></div>')
    return {
        "/index.html": (home(recs), None),
        "/wzdt.html": (_page("网站地图", f"<ul>{sitemap}</ul>"), None),
        "/lxwm.html": (_page("联系我们", "<p>地址：河东市府前街1号　邮编：044000　电话：0359－2021234</p>"), None),
        "/yssm.html": (_page("隐私声明", "<p>本网站尊重并保护所有使用服务用户的个人隐私权。</p>"), None),
        "/404.html": (_page("页面不存在", soft), None),
        # A withdrawn article: the server answers 200 with an error page (a soft 404).
        "/zwyw/202301/t20230105_1000001.html": (_page("页面不存在", soft), None),
        "/robots.txt": (b"User-agent: *\nDisallow: /search/\nDisallow: /was5/\n", None),
        "/visitcount/visit.jsp": (b'document.write("1286543");', JS),
        "/visitcount/articlehits.jsp": (b'document.write("1986");', JS),
        "/js/date.js": ("document.write(new Date().toLocaleDateString());".encode("ascii"), None),
        "/images/style.css": (b"body{font:14px/1.8 SimSun,serif}.TRS_Editor p{text-indent:2em}\n", None),
        "/old/index.htm": (b"", {"status": 301, "headers": {"Location": "/index.html", "Content-Type": "text/html"}}),
    }
