"""Real Scrapy crawls over HTTP on 127.0.0.1 of a fixture site with one section per listing
family (TRS script, next link, numbered ?page=N, Hanweb datastore + dataproxy.jsp, JSON API):
full crawl, incremental re-run, --refresh with conditional requests, a bare listing URL."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.testing.siteserver import SiteServer
from tests.crawlkit import FAST, article_html, cli, hanweb_proxy, make_site, rows, write_profile

PROXY = "/module/web/jpage/dataproxy.jsp"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SiteServer, Path, dict]]:
    tmp = tmp_path_factory.mktemp("families")
    expected = make_site(tmp / "site")
    with SiteServer(tmp / "site", routes={PROXY: hanweb_proxy(tmp / "site")}) as srv:
        write_profile(tmp / "sites", srv.base_url)
        yield srv, tmp, expected


def _crawl(tmp: Path, *extra: str) -> tuple[int, str, str]:
    r = cli("crawl", "fixture", "--sites-dir", str(tmp / "sites"), "--db", str(tmp / "a.db"),
            *FAST, *extra)
    return r.returncode, r.stdout, r.stderr


def test_full_then_incremental_then_refresh(site: tuple[SiteServer, Path, dict]) -> None:
    srv, tmp, expected = site
    db = tmp / "a.db"
    code, out, err = _crawl(tmp)
    assert code == 0, out + err[-2000:]
    stored = dict(rows(db, "SELECT section, count(*) FROM articles GROUP BY section"))
    assert stored == {s: len(v) for s, v in expected.items()}
    urls = {r[0].split(":", 2)[2].split("/", 1)[1] for r in rows(db, "SELECT url FROM articles")}
    assert {"/" + u for u in urls} == {p for v in expected.values() for p in v}
    served = srv.requests
    posts = [p for m, p in served if m == "POST"]
    assert posts == [f"{PROXY}?startrecord=5&endrecord=16&perpage=4"]
    assert not any("/col/col100/index_" in p for _, p in served)   # no guessed static pages
    run = rows(db, "SELECT status, new, requests, sections FROM runs ORDER BY id DESC LIMIT 1")[0]
    assert run[0] == "ok" and run[1] == 60
    assert json.loads(run[3])["hanweb"]["listings"] == 2
    assert "fixture: ok" in out and "60 new" in out

    # Incremental: only each section's first listing page; nothing refetched.
    srv.clear_requests()
    code, out, _ = _crawl(tmp)
    assert code == 0
    paths = sorted(p for _, p in srv.requests if p != "/robots.txt")
    assert paths == sorted(["/trs/index.html", "/next/list.html", "/num/list.html",
                            "/col/col100/index.html", "/api/list.json"])
    assert rows(db, "SELECT new, status FROM runs ORDER BY id DESC LIMIT 1")[0] == (0, "ok")

    # A new article on TRS page 1 and an edited one: the new one is found (paging
    # goes on to page 2, all known, and stops); --refresh then sees the edit.
    root = tmp / "site" / "trs"
    page1 = (root / "index.html").read_text(encoding="utf-8")
    (root / "202212" / "t20221231_9999.html").write_text(
        article_html("新增的一篇重要新闻稿件标题", "2022-12-31"), encoding="utf-8")
    (root / "index.html").write_text(page1.replace(
        '<ul class="list">', '<ul class="list"><li><a href="./202212/t20221231_9999.html">'
        '新增的一篇重要新闻稿件标题</a></li>'), encoding="utf-8")
    edited = expected["trs"][0]
    (tmp / "site" / edited.lstrip("/")).write_text(
        article_html("修改后的标题关于推进重点工作的通知", "2022-02-02", "补充说明。"), encoding="utf-8")
    srv.clear_requests()
    assert _crawl(tmp)[0] == 0
    trs = [p for _, p in srv.requests if p.startswith("/trs/")]
    assert trs == ["/trs/index.html", "/trs/202212/t20221231_9999.html", "/trs/index_1.html"] or \
        sorted(trs) == sorted(["/trs/index.html", "/trs/202212/t20221231_9999.html", "/trs/index_1.html"])
    code, out, err = _crawl(tmp, "--refresh")
    assert code == 0, out + err[-2000:]
    last = rows(db, "SELECT new, changed, unchanged FROM runs ORDER BY id DESC LIMIT 1")[0]
    assert last[0] == 0 and last[1] == 1 and last[2] >= 60
    versions = rows(db, "SELECT version, title FROM versions WHERE url LIKE ? ORDER BY version",
                    (f"%{edited}",))
    assert [v[0] for v in versions] == [1, 2] and "修改后" in versions[1][1]
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == 61
    assert rows(db, "PRAGMA integrity_check")[0][0] == "ok"


def test_bare_hanweb_url_is_recognised(site: tuple[SiteServer, Path, dict]) -> None:
    srv, tmp, expected = site
    db = tmp / "bare.db"
    r = cli("crawl", srv.url("/col/col100/index.html"), "--db", str(db), *FAST)
    assert r.returncode == 0, r.stdout + r.stderr[-2000:]
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == len(expected["hanweb"])


def test_empty_listing_fails_the_run(site: tuple[SiteServer, Path, dict]) -> None:
    srv, tmp, _ = site
    r = cli("crawl", srv.url("/next/content/"), "--db", str(tmp / "empty.db"), *FAST)
    assert r.returncode != 0
    assert "failed" in r.stdout + r.stderr
