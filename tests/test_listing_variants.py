"""Listing template variants of 集约化 government sites, one named case each: <base href>,
table rows with dates in sibling cells, article hosts of the same platform, 更多>> and pager links."""
from __future__ import annotations

import lxml.html
import pytest

from archiver.listings import parse_listing
from archiver.listings.html import page_base

URL = "http://www.example.gov.cn/zwgk/tzgg/index.html"
NAV = ("<div class='nav'><a href='/'>首页</a><a href='/zwgk/'>政务公开</a><a href='/hdjl/'>互动交流</a>"
       "<a href='/zwgk/tzgg/index.html'>通知公告</a></div>")
FOOT = ("<div class='foot'><a href='/wzdt/'>网站地图</a><a href='/lxwm/'>联系我们</a>"
        "<a href='http://www.beian.gov.cn/portal'>京公网安备 11010202000001号</a></div>")
TITLES = ["关于开展2023年度安全生产大检查的通知", "示例市人民政府关于印发重点工作方案的通知",
          "关于公布第一批市级非物质文化遗产名录的公告", "示例市2023年第一季度国民经济运行情况",
          "关于做好2023年春节期间疫情防控工作的通知"]


def _page(items: str, head: str = "", extra: str = "") -> str:
    return (f"<html><head><title>通知公告_示例市人民政府</title>{head}</head><body>{NAV}"
            f"<div class='main'>{items}</div>{extra}{FOOT}</body></html>")


def test_base_href_resolves_article_links() -> None:
    items = "<ul>" + "".join(f"<li><a href='./202305/t2023052{i}_12345{i}.html'>{t}</a><span>2023-05-2{i}</span></li>"
                             for i, t in enumerate(TITLES)) + "</ul>"
    html = _page(items, head="<base href='http://www.example.gov.cn/zwgk/tzgg/'>")
    listing = parse_listing(html, "http://www.example.gov.cn/module/list.jsp?id=5")
    assert listing.article_urls == [f"http://www.example.gov.cn/zwgk/tzgg/202305/t2023052{i}_12345{i}.html"
                                    for i in range(5)]


def test_base_href_resolves_next_page() -> None:
    items = "<ul>" + "".join(f"<li><a href='content_{i}.html'>{t}</a></li>" for i, t in enumerate(TITLES)) + "</ul>"
    html = _page(items, head="<base href='http://www.example.gov.cn/col/col12/'>",
                 extra="<div class='page'><a href='index_2.html'>下一页</a></div>")
    listing = parse_listing(html, "http://www.example.gov.cn/module/list.jsp?col=12")
    assert listing.article_urls[0] == "http://www.example.gov.cn/col/col12/content_0.html"
    assert listing.next_pages == ["http://www.example.gov.cn/col/col12/index_2.html"]


@pytest.mark.parametrize("head,expected", [
    ("<base href='/col/col12/'>", "http://www.example.gov.cn/col/col12/"),
    ("<base target='_blank'><base href=' /col/col12/ '>", "http://www.example.gov.cn/col/col12/"),
    ("<base href=''><base href='/col/col12/'>", URL),   # the first href counts, even an empty one
    ("", URL),
])
def test_base_href_is_the_first_base_with_an_href(head: str, expected: str) -> None:
    """One rule for listings and extraction (they used to differ on an empty href)."""
    assert page_base(lxml.html.fromstring(_page("", head=head)), URL) == expected


def test_table_rows_with_dates_in_sibling_cells() -> None:
    rows = "".join(f"<tr><td class='dot'>·</td><td><a href='/art/2023/5/2{i}/art_1234_5678{i}.html' target='_blank'"
                   f" title='{t}'>{t[:12]}…</a></td><td class='date'>2023-05-2{i}</td></tr>"
                   for i, t in enumerate(TITLES))
    html = _page(f"<table width='100%'>{rows}</table>")
    listing = parse_listing(html, URL)
    assert listing.article_urls == [f"http://www.example.gov.cn/art/2023/5/2{i}/art_1234_5678{i}.html"
                                    for i in range(5)]


def test_articles_on_another_host_of_the_same_platform() -> None:
    items = "<ul>" + "".join(
        f"<li><a href='http://xxgk.example.gov.cn/xxgk/jcms_files/202305/t2023052{i}_9876{i}.html'"
        f" target='_blank'>{t}</a><span>2023-05-2{i}</span></li>" for i, t in enumerate(TITLES)) + "</ul>"
    listing = parse_listing(_page(items), URL)
    assert len(listing.article_urls) == 5
    assert all(u.startswith("http://xxgk.example.gov.cn/") for u in listing.article_urls)


def test_articles_of_another_site_are_not_kept() -> None:
    items = "<ul>" + "".join(f"<li><a href='./202305/t2023052{i}_1{i}.html'>{t}</a></li>"
                             for i, t in enumerate(TITLES)) + "</ul>"
    other = ("<div class='links'><a href='http://www.other.gov.cn/xw/202305/t20230520_1.html'>"
             "外省某市召开全市经济工作会议</a></div>")
    listing = parse_listing(_page(items, extra=other), URL)
    assert len(listing.article_urls) == 5
    assert all("example.gov.cn" in u for u in listing.article_urls)


def test_more_and_pager_links_are_not_articles() -> None:
    items = ("<div class='hd'><span>通知公告</span><a href='/zwgk/tzgg/index.html' class='more'>更多>></a></div>"
             "<ul>" + "".join(f"<li><a href='/zwgk/tzgg/202305/content_10{i}.html'>{t}</a></li>"
                              for i, t in enumerate(TITLES)) + "</ul>"
             "<div class='pager'><a href='/zwgk/tzgg/index.html'>首页</a><a href='/zwgk/tzgg/index_2.html'>2</a>"
             "<a href='/zwgk/tzgg/index_3.html'>3</a><a href='/zwgk/tzgg/index_2.html'>下一页</a>"
             "<a href='/zwgk/tzgg/index_9.html'>尾页</a></div>")
    listing = parse_listing(_page(items), URL)
    assert listing.article_urls == [f"http://www.example.gov.cn/zwgk/tzgg/202305/content_10{i}.html"
                                    for i in range(5)]
    assert listing.next_pages == ["http://www.example.gov.cn/zwgk/tzgg/index_2.html"]


def test_more_links_to_other_columns_are_not_articles() -> None:
    """A 更多 link with an article-like URL shape (a column page) is still not an article."""
    items = ("<a href='/zwgk/tzgg/list_1234.html'>更多>></a><a href='/zwgk/tzgg/more.html'>更多</a><ul>"
             + "".join(f"<li><a href='/zwgk/tzgg/2023/0520/{i}1234.html'>{t}</a></li>"
                       for i, t in enumerate(TITLES)) + "</ul>")
    listing = parse_listing(_page(items), URL)
    assert len(listing.article_urls) == 5
    assert not any("more" in u or "list_" in u for u in listing.article_urls)


def test_base_href_numbered_pager() -> None:
    items = "<ul>" + "".join(f"<li><a href='content_{i}.html'>{t}</a></li>" for i, t in enumerate(TITLES)) + "</ul>"
    html = _page(items, head="<base href='http://www.example.gov.cn/col/col12/'>",
                 extra="<div class='page'><span>1</span><a href='index_2.html'>2</a><a href='index_3.html'>3</a></div>")
    listing = parse_listing(html, "http://www.example.gov.cn/module/list.jsp?col=12")
    assert listing.next_pages == ["http://www.example.gov.cn/col/col12/index_2.html"]
