"""Paging by a POSTed JSON search API, on the real recorded listings (SOURCES.md):
Pingtan's TRS ``list2.trsapi`` (POST /fjdzapp/search) and the Jiangxi UCAP platform's
``loadPageData`` (POST /queryList). The real listing is served on 127.0.0.1 at its own
path; the API route answers like the recorded crawlers saw it; the crawl must reach
the API-only articles and stop at the last page."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from archiver.listings import PageRequest, formapi, parse_listing
from archiver.profiles import find_profile
from archiver.testing.siteserver import RequestInfo, SiteServer
from tests.conftest import REPO, real_page
from tests.crawlkit import FAST, article_html, cli, rows

PT_API, UCAP_API = "/fjdzapp/search", "/queryList"
PT_DIR, UCAP_DIR = "/zwgk/ghxx/gzjzqk/", "/jxssthjt/col/col42150/"


def _pt_url(i: int) -> str:
    return f"{PT_DIR}202301/t20230101_{900 + i}.htm"


def _ucap_url(i: int) -> str:
    return f"{UCAP_DIR}content/content_{7000 + i}.html"


def pingtan_api(calls: list[dict[str, list[str]]]):  # type: ignore[no-untyped-def]
    """Records 76..107 of chnlid 1780 (recordCount 107, prepage 15), as the TRS API answers."""
    def route(req: RequestInfo) -> tuple[int, dict[str, str], bytes]:
        form = parse_qs(req.body.decode("utf-8"))
        calls.append(form)
        if req.method != "POST" or form.get("classsql") != ["chnlid=1780"]:
            return 400, {"Content-Type": "text/plain"}, b"bad request"
        page, per = int(form["page"][0]), int(form["prepage"][0])
        chunk = range(max(76, (page - 1) * per + 1), min(107, page * per) + 1)
        # host-relative links: the real API answers www.pingtan.gov.cn URLs, the test 127.0.0.1
        body = {"pageCount": 8, "data": [{"docpuburl": _pt_url(i), "doctitle": f"文档{i}"}
                                         for i in chunk]}
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()
    return route


def ucap_api(calls: list[dict[str, list[str]]], total: int = 70):  # type: ignore[no-untyped-def]
    """The platform's queryList: ``total`` records, pageSize per page, newest first."""
    def route(req: RequestInfo) -> tuple[int, dict[str, str], bytes]:
        form = parse_qs(req.body.decode("utf-8"))
        calls.append(form)
        if req.method != "POST" or form.get("channelCode[]") != ["col42150"]:
            return 400, {"Content-Type": "text/plain"}, b"bad request"
        page, per = int(form["current"][0]), int(form["pageSize"][0])
        chunk = range((page - 1) * per + 1, min(total, page * per) + 1)
        results = [{"source": {"title": f"文章{i}", "urls": json.dumps({"pc": _ucap_url(i)})}}
                   for i in chunk]
        return 200, {"Content-Type": "application/json"}, json.dumps(
            {"data": {"results": results}}).encode()
    return route


def test_formapi_requests_from_real_listings() -> None:
    pt = real_page("pingtan", "listing").read_text(encoding="utf-8")
    req = formapi.first_request(pt, "https://www.pingtan.gov.cn" + PT_DIR)
    assert req is not None and req.url == "https://www.pingtan.gov.cn/fjdzapp/search"
    assert dict(req.form) == {"channelid": "200210", "classsql": "chnlid=1780", "page": "6",
                              "prepage": "15", "sortfield": "-docorderpri,-docreltime"}
    uc = real_page("sthjt-jiangxi", "listing").read_text(encoding="utf-8")
    req = formapi.first_request(uc, "http://sthjt.jiangxi.gov.cn" + UCAP_DIR + "index.html", 50)
    assert req is not None and req.url == "http://sthjt.jiangxi.gov.cn/queryList"
    assert dict(req.form)["webSiteCode[]"] == "jxssthjt" and dict(req.form)["current"] == "4"


def test_formapi_answer_paging() -> None:
    req = PageRequest("http://x.gov.cn/fjdzapp/search", "POST",
                      (("page", "7"), ("prepage", "2")), "form_api", 7)
    full = json.dumps({"pageCount": 8, "data": [{"docpuburl": "/a/t1_1.htm"},
                                                {"chnldocurl": "/a/t1_2.htm"}]})
    listing = parse_listing(full, req.url, request=req, listing_url="http://x.gov.cn/a/")
    assert listing.article_urls == ["http://x.gov.cn/a/t1_1.htm", "http://x.gov.cn/a/t1_2.htm"]
    assert dict(listing.requests[0].form)["page"] == "8"
    last = PageRequest(req.url, "POST", (("page", "8"), ("prepage", "2")), "form_api", 8)
    assert parse_listing(full, req.url, request=last).requests == ()
    assert parse_listing('{"data": []}', req.url, request=req).requests == ()


def _serve_real(tmp: Path, site: str, articles: list[str]) -> tuple[Path, str]:
    text = (REPO / "data" / "sites" / f"{site}.toml").read_text(encoding="utf-8")
    listing_url = re.search(r'url = "([^"]+)"', text)[1]
    root = tmp / "site"
    path = urlsplit(listing_url).path
    target = root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
    target.parent.mkdir(parents=True)
    shutil.copy(real_page(site, "listing"), target)
    for i, rel in enumerate(articles):
        (root / rel.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        (root / rel.lstrip("/")).write_text(article_html(f"接口文章第{i}篇", "2023-01-01"),
                                            encoding="utf-8")
    return root, text


def _crawl(tmp: Path, site: str, text: str, srv: SiteServer) -> Path:
    listing_url = re.search(r'url = "([^"]+)"', text)[1]
    origin = f"{urlsplit(listing_url).scheme}://{urlsplit(listing_url).netloc}"
    local = re.sub(r"allowed_domains = \[[^\]]*\]", 'allowed_domains = ["127.0.0.1"]',
                   text.replace(origin, srv.base_url))
    sites = tmp / "sites"
    shutil.copytree(REPO / "data" / "sites" / "_cms", sites / "_cms")
    (sites / f"{site}.toml").write_text(local, encoding="utf-8")
    db = tmp / "a.db"
    r = cli("crawl", site, "--sites-dir", str(sites), "--db", str(db), *FAST,
            "-s", "RETRY_TIMES=0")
    assert db.exists(), r.stdout + r.stderr[-2000:]
    return db


@pytest.mark.parametrize("site", ["pingtan", "sthjt-jiangxi"])
def test_real_listing_pages_through_api(tmp_path: Path, site: str) -> None:
    calls: list[dict[str, list[str]]] = []
    if site == "pingtan":
        api_only, route = [_pt_url(i) for i in range(76, 108)], {PT_API: pingtan_api(calls)}
        pages = [["6"], ["7"], ["8"]]
    else:
        api_only, route = [_ucap_url(i) for i in range(46, 71)], {UCAP_API: ucap_api(calls)}
        pages = [["4"], ["5"]]
    root, text = _serve_real(tmp_path, site, api_only)
    with SiteServer(root, routes=route) as srv:
        db = _crawl(tmp_path, site, text, srv)
    stored = {u.split("127.0.0.1", 1)[1].split("/", 1)[1] for (u,) in
              rows(db, "SELECT url FROM articles")}
    assert {a.lstrip("/") for a in api_only} <= stored
    key = "page" if site == "pingtan" else "current"
    assert [c[key] for c in calls] == pages
    counts = next(iter(json.loads(rows(db, "SELECT sections FROM runs")[0][0]).values()))
    assert counts["listings"] == 1 + len(pages)


def test_profiles_page_through_api() -> None:
    for site in ("pingtan", "sthjt-jiangxi"):
        assert find_profile(site).sections[0].hints.pagination in ("auto", "api")
