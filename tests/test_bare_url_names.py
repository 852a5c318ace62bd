"""A bare-URL crawl names the site and the section from the page (issue 10): the CMS's
meta tags, the breadcrumb, the <title>; not 127.0.0.1 and a path."""
from __future__ import annotations

from pathlib import Path

import pytest

from archiver.listings.naming import PageNames, page_names
from archiver.testing.siteserver import SiteServer
from tests.crawlkit import FAST, article_html, cli, rows


@pytest.mark.parametrize("html, expected", [
    ('<head><meta name="SiteName" content="测试市人民政府"><meta name="ColumnName" content="政务要闻"></head>',
     PageNames("测试市人民政府", "政务要闻", "meta")),
    ('<title>x</title><div class="position">当前位置：<a>首页</a> &gt; <a>政务公开</a> &gt; <a>通知公告</a></div>',
     PageNames(None, "通知公告", "breadcrumb")),
    ('<div id="crumbs"><a>网站首页</a> » <a>部门动态</a></div>', PageNames(None, "部门动态", "breadcrumb")),
    ("<title>部门动态_测试市人民政府</title>", PageNames("测试市人民政府", "部门动态", "title")),
    ("<title>政务要闻 - 测试市人民政府</title>", PageNames("测试市人民政府", "政务要闻", "title")),
    ("<title>列表</title>", PageNames()),
])
def test_page_names(html: str, expected: PageNames) -> None:
    assert page_names(html) == expected


def test_bare_url_crawl_names_site_and_section(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "zwyw").mkdir(parents=True)
    items = ""
    for i in range(1, 4):
        (root / "zwyw" / f"t2024050{i}_{i}.html").write_text(
            article_html(f"测试新闻第{i}号关于推进重点工作的通知", f"2024-05-0{i}"), encoding="utf-8")
        items += f'<li><a href="./t2024050{i}_{i}.html">测试新闻第{i}号关于推进重点工作的通知</a></li>'
    (root / "zwyw" / "index.html").write_text(
        '<html><head><meta charset="utf-8"><title>政务要闻_测试市人民政府</title>'
        '<meta name="SiteName" content="测试市人民政府"><meta name="ColumnName" content="政务要闻"></head>'
        f'<body><ul class="list">{items}</ul></body></html>', encoding="utf-8")
    db = tmp_path / "a.db"
    with SiteServer(root) as srv:
        r = cli("crawl", srv.url("/zwyw/index.html"), "--db", str(db), *FAST)
    assert r.returncode == 0, r.stdout + r.stderr[-2000:]
    assert {s for (s,) in rows(db, "SELECT DISTINCT section FROM articles")} == {"政务要闻"}
    assert rows(db, "SELECT section, name, site_name, name_source FROM sections") == [
        ("/zwyw/index.html", "政务要闻", "测试市人民政府", "meta")]
    assert "测试市人民政府  政务要闻" in r.stdout
