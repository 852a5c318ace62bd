"""A site whose headlines and bodies mention every WAF vendor and error phrase is archived
in full (issue 10): the crawl takes none of its listings, API answers or articles for a wall."""
from __future__ import annotations

import json
from pathlib import Path

from archiver.testing.siteserver import SiteServer
from tests.crawlkit import FAST, cli, rows, write_profile

PHRASES = ["第三届知道安全论坛鸟巢举办 知道创宇发布新版ZoomEye", "市网信办联合安全狗开展安全检测",
           "政务云部署云锁主机防护", "关于网站防火墙升级的通知", "群众反映“访问被拒绝”问题已整改",
           "关于页面不存在问题整改情况的通报", "12345热线系统繁忙时段分析", "创宇盾抗DDoS防护上线",
           "网站卫士服务到期后的安排", "404 Not Found错误页面规范化", "访问过于频繁提示语优化",
           "疑似黑客攻击事件处置情况通报", "页面不存在", "系统繁忙", "网站防火墙"]
BODY = ("知道创宇、安全狗、云锁、创宇盾、网站卫士等厂商介绍了网站防火墙防护经验。会议要求对“访问被拒绝”"
        "“页面不存在”“系统繁忙”“404 Not Found”等问题及时整改，当前访问疑似黑客攻击时要及时处置。")


def _article(title: str, bare: bool) -> str:
    nav = "" if bare else '<div class="nav"><a href="/">首页</a><a href="/trs/index.html">要闻</a></div>'
    meta = "" if bare else f'<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="2024-05-06">'
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{meta}</head><body>'
            f'{nav}<div class="article"><h1>{title}</h1><div class="info">发布时间：2024-05-06 来源：测试市网信办</div>'
            f'<div class="TRS_Editor"><p>{BODY}</p><p>{title}。{BODY}</p></div></div></body></html>')


def _listing(links: list[tuple[str, str]], pager: str) -> str:
    items = "".join(f'<li><a href="{href}">{title}</a><span>2024-05-06</span></li>' for href, title in links)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{links[0][1]}</title></head><body>'
            f'<ul class="list">{items}</ul><div class="page">{pager}</div></body></html>')


def make_vendor_site(root: Path) -> set[str]:
    expected: set[str] = set()

    def write(rel: str, text: str) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")

    # TRS section, 3 pages; the last one is thin: one headline and a pager, nothing else.
    chunks = [PHRASES[0:7], PHRASES[7:14], PHRASES[14:15]]
    n = 0
    for page, chunk in enumerate(chunks):
        links = []
        for title in chunk:
            n += 1
            rel = f"trs/202405/t20240506_{n}.html"
            write(rel, _article(title, bare=n % 2 == 0))
            expected.add("/" + rel)
            links.append((f"./202405/t20240506_{n}.html", title))
        write("trs/index.html" if page == 0 else f"trs/index_{page}.html",
              _listing(links, f'<script>createPageHTML({len(chunks)}, {page}, "index", "html");</script>'))
    # JSON API, 2 small answers whose records are the same phrases.
    for page in (1, 2):
        recs = []
        for title in PHRASES[(page - 1) * 8: page * 8]:
            n += 1
            rel = f"api/news/{n}.html"
            write(rel, _article(title, bare=False))
            expected.add("/" + rel)
            recs.append({"title": title, "url": "/" + rel})
        body = json.dumps({"code": 200, "msg": "系统繁忙" if page == 2 else "ok", "totalPage": 2,
                           "data": {"list": recs}}, ensure_ascii=False)
        write("api/list.json" if page == 1 else "api/list.json__page=2", body)
    return expected


def test_vendor_and_error_words_are_content(tmp_path: Path) -> None:
    expected = make_vendor_site(tmp_path / "site")
    with SiteServer(tmp_path / "site") as srv:
        write_profile(tmp_path / "sites", srv.base_url, sections=[
            ("trs", "/trs/index.html", ""),
            ("json", "/api/list.json", 'pagination = "json"\npage_template = "?page={n}"\njson_total = "totalPage"\n')])
        r = cli("crawl", "fixture", "--sites-dir", str(tmp_path / "sites"), "--db", str(tmp_path / "a.db"), *FAST)
    assert r.returncode == 0, r.stdout + r.stderr[-3000:]
    db = tmp_path / "a.db"
    stored = {"/" + u.split("/", 3)[3] for (u,) in rows(db, "SELECT url FROM articles")}
    assert stored == expected
    [(status, blocked)] = rows(db, "SELECT status, blocked FROM runs")
    assert (status, blocked) == ("ok", 0)
