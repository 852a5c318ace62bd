"""Helpers for crawl tests: a generated fixture site with one section per listing family,
served by SiteServer, and the CLI run in a subprocess (the reactor cannot restart in-process)."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from archiver.testing.siteserver import RequestInfo
from tests.conftest import REPO

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=false",
        "-s", "ARCHIVER_BACKOFF_BASE=0.2", "-s", "ARCHIVER_RETRY_BASE=0", "-s", "ARCHIVER_PROGRESS=log",
        "-s", "ARCHIVER_PROGRESS_INTERVAL=0.5", "-s", "LOG_LEVEL=INFO",
        "-s", "ARCHIVER_JOBS=1"]   # no process pool to spawn per test crawl (tested on its own)
ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{title}_测试市人民政府</title><meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{date} 09:30"><meta name="ContentSource" content="测试市政府办公室">
</head><body><div class="nav"><a href="/">首页</a><a href="/trs/index.html">要闻</a></div>
<div class="article"><h1>{title}</h1><div class="info">发布时间：{date} 09:30 来源：测试市政府办公室</div>
<div class="TRS_Editor">{paras}</div></div><div class="footer">测试市人民政府 版权所有</div></body></html>"""


def article_html(title: str, date: str, extra: str = "") -> str:
    paras = "".join(f"<p>{title}的第{i}段正文。全市各级各部门认真贯彻落实有关部署，扎实推进各项工作，"
                    f"取得了明显成效，群众满意度不断提升。{extra}</p>" for i in range(1, 6))
    return ARTICLE.format(title=title, date=date, paras=paras)


def _write(root: Path, rel: str, text: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def _page(items: str, pager: str = "") -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>列表</title></head><body>'
            f'<div class="nav"><a href="/">首页</a><a href="/trs/index.html">要闻动态</a>'
            f'<a href="/next/list.html">通知公告</a></div><ul class="list">{items}</ul>'
            f'<div class="page">{pager}</div><div class="footer"><a href="/wzdt.html">网站地图</a>'
            f'</div></body></html>')


def _li(href: str, title: str, date: str) -> str:
    return f'<li><a href="{href}" title="{title}">{title}</a><span>{date}</span></li>'


def make_site(root: Path, per_page: int = 4, pages: int = 3) -> dict[str, list[str]]:
    """Write the site; return the article paths expected per section."""
    expected: dict[str, list[str]] = {}
    _write(root, "robots.txt", "User-agent: *\nDisallow: /private/\n")
    n = 0

    def art(prefix: str, path: str, section: str) -> tuple[str, str, str]:
        nonlocal n
        n += 1
        date = f"2022-{(n % 12) + 1:02d}-{(n % 27) + 1:02d}"
        title = f"{section}新闻第{n}号关于推进重点工作的通知"
        _write(root, path, article_html(title, date))
        expected.setdefault(section, []).append("/" + path)
        return path, title, date

    # TRS: index.html, index_1.html … with createPageHTML
    for p in range(pages):
        items = ""
        for _ in range(per_page):
            path, title, date = art("trs", f"trs/2022{n % 12 + 1:02d}/t2022{n % 12 + 1:02d}01_{1000 + n}.html", "trs")
            items += _li("./" + path.split("/", 1)[1], title, date)
        name = "index.html" if p == 0 else f"index_{p}.html"
        _write(root, f"trs/{name}", _page(items, f'<script>createPageHTML({pages}, {p}, "index", "html");</script>'))
    # next link: 下一页 / 下页 / 后页
    words = ["下一页", "下页", "后页"]
    for p in range(1, pages + 1):
        items = "".join(_li(f"/next/content/post_{2000 + n}.html", *art("next", f"next/content/post_{2000 + n}.html", "next")[1:])
                        for _ in range(per_page))
        nxt = f'<a href="list_{p + 1}.html">{words[p % 3]}</a>' if p < pages else ""
        _write(root, "next/list.html" if p == 1 else f"next/list_{p}.html", _page(items, nxt))
    # numbered ?page=N pager
    for p in range(1, pages + 1):
        items = "".join(_li(f"/num/detail_{3000 + n}.html", *art("num", f"num/detail_{3000 + n}.html", "num")[1:])
                        for _ in range(per_page))
        pager = "".join(f'<a href="list.html?page={i}">{i}</a>' for i in range(1, pages + 1))
        _write(root, "num/list.html" if p == 1 else f"num/list.html__page={p}", _page(items, pager))
    # Hanweb: datastore first records, then dataproxy.jsp POSTs
    han = [art("hanweb", f"art/2022/5/{(n % 27) + 1}/art_100_{4000 + n}.html", "hanweb")
           for _ in range(per_page * pages)]
    recs = "".join(f"<record><![CDATA[{_li('/' + p, t, d)}]]></record>" for p, t, d in han[:per_page])
    _write(root, "col/col100/index.html", (
        '<html><head><meta charset="utf-8"></head><body><a href="/col/col200/index.html">其他栏目</a>'
        '<div id="9001"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/'
        'dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=100&unitid=9001&webname=测试&permissiontype=0">'
        f'</a>]]></nextgroup><recordset>{recs}</recordset></datastore></script></div>'
        f'<script>var totalRecord = {len(han)}; perpage:{per_page}</script></body></html>'))
    _write(root, "hanweb.json", json.dumps([[f"/{p}", t, d] for p, t, d in han], ensure_ascii=False))
    # JSON API with ?page=N
    for p in range(1, pages + 1):
        recs = [{"title": t, "url": "/" + path, "pubDate": d}
                for path, t, d in (art("json", f"api/news/{5000 + n}.html", "json") for _ in range(per_page))]
        body = json.dumps({"totalPage": pages, "data": {"list": recs}}, ensure_ascii=False)
        _write(root, "api/list.json" if p == 1 else f"api/list.json__page={p}", body)
    return expected


def slow(root: Path, seconds: float):  # type: ignore[no-untyped-def]
    """A SiteServer route answering the saved file after ``seconds``: a crawl that runs long
    enough to be watched or killed."""
    def route(req: RequestInfo) -> tuple[int, dict[str, str], bytes]:
        time.sleep(seconds)
        return 200, {"Content-Type": "text/html"}, (root / req.path.lstrip("/")).read_bytes()
    return route


def hanweb_proxy(root: Path):  # type: ignore[no-untyped-def]
    """The dataproxy.jsp route: records startrecord..endrecord of the column, as XML."""
    def route(req: RequestInfo) -> tuple[int, dict[str, str], bytes]:
        records = json.loads((root / "hanweb.json").read_text(encoding="utf-8"))
        form = parse_qs(req.body.decode("utf-8"))
        if req.method != "POST" or form.get("columnid") != ["100"]:
            return 400, {"Content-Type": "text/plain"}, b"bad request"
        start, end = int(req.query["startrecord"][0]), int(req.query["endrecord"][0])
        chunk = records[start - 1:end]
        body = ("<datastore><totalrecord>%d</totalrecord><recordset>" % len(records) + "".join(
            f"<record><![CDATA[{_li(*r)}]]></record>" for r in chunk) + "</recordset></datastore>")
        return 200, {"Content-Type": "text/xml;charset=utf-8"}, body.encode("utf-8")
    return route


def write_profile(sites: Path, base_url: str, *, site_id: str = "fixture",
                  extra: str = "", sections: list[tuple[str, str, str]] | None = None) -> Path:
    """A profile for the fixture site (sections: name, path, extra TOML lines)."""
    (sites / "_cms").mkdir(parents=True, exist_ok=True)
    src = REPO / "data" / "sites" / "_cms"
    for base in src.glob("*.toml"):
        (sites / "_cms" / base.name).write_text(base.read_text(encoding="utf-8"), encoding="utf-8")
    sections = sections if sections is not None else [
        ("trs", "/trs/index.html", ""), ("next", "/next/list.html", ""),
        ("num", "/num/list.html", ""), ("hanweb", "/col/col100/index.html", ""),
        ("json", "/api/list.json", ('pagination = "json"\npage_template = "?page={n}"\n'
                                   'json_total = "totalPage"\n'))]
    text = f'id = "{site_id}"\nname = "测试市"\nextends = "generic"\nallowed_domains = ["127.0.0.1"]\n{extra}\n'
    for name, path, more in sections:
        text += f'\n[[sections]]\nname = "{name}"\nurl = "{base_url}{path}"\n{more}'
    path = sites / f"{site_id}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 90) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archiver", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


def popen(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "archiver", *args], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def rows(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def wait_for(predicate, timeout: float = 30.0, step: float = 0.05) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if predicate():
                return True
        except sqlite3.Error:
            pass
        time.sleep(step)
    return False
