"""Listing families on real saved listings (truth by hand) and small synthetic pages."""
from __future__ import annotations

import json
from urllib.parse import urljoin

import pytest

from archiver.listings import (
    ListingHints,
    PageRequest,
    detect_family,
    hanweb,
    jsonapi,
    nextlink,
    numbered,
    parse_listing,
    trs,
)
from archiver.listings.model import clean_url
from tests.conftest import FIXTURES

LISTINGS = FIXTURES / "listings"
DEFAULT_URL = "http://www.example.gov.cn/col/list/index.html"
URLS = {"netease-nsh": "https://n.netease.com/forum-9-1.html"}


def _case(name: str) -> tuple[str, str, list[str]]:
    truth = json.loads((LISTINGS / name / "listing-1.json").read_text(encoding="utf-8"))
    url = URLS.get(name) or truth.get("url") or DEFAULT_URL
    html = (LISTINGS / name / "listing-1.html").read_text(encoding="utf-8")
    return html, url, [clean_url(urljoin(url, h)) for h in truth["article_links"]]


@pytest.mark.parametrize("name", sorted(p.name for p in LISTINGS.iterdir() if p.is_dir()))
def test_real_listing_links_exact(name: str) -> None:
    html, url, truth = _case(name)
    listing = parse_listing(html, url)
    assert set(listing.article_urls) == set(truth)
    assert listing.problem is None


def test_real_listing_pagination() -> None:
    html, url, _ = _case("samr-cfda")
    assert parse_listing(html, url).next_pages == ["http://samr.cfda.gov.cn/WS01/CL1129/index_1.html"]
    html, url, _ = _case("jyt-gansu")
    listing = parse_listing(html, url)
    assert listing.pagination == "trs_script" and listing.total_pages == 10
    html, url, _ = _case("netease-nsh")
    assert parse_listing(html, url).next_pages == ["https://n.netease.com/forum-9-2.html"]


def test_detect_family_of_real_listings() -> None:
    assert detect_family(_case("pingtan")[0]) == "trs"
    assert detect_family(_case("sthjt-jiangxi")[0]) == "ucap"
    assert detect_family('{"data": []}') == "json"
    assert detect_family("<html><body><p>hi</p></body></html>") == "generic"


ITEMS = "".join(f'<li><a href="./2022{m:02d}/t20220{m}01_{m}00.html">第{m}条 新闻标题很长</a></li>'
                for m in range(1, 8))
NAV = ('<div class="nav"><a href="/">首页</a><a href="/xwzx/">新闻中心</a>'
       '<a href="/visitcount/articlehits.jsp?id=1">点击</a><a href="/a.pdf">附件</a></div>')


@pytest.mark.parametrize("text", ["下一页", "下页", "后页", ">", "下一页>>"])
def test_next_link_variants(text: str) -> None:
    html = f'<html><body>{NAV}<ul>{ITEMS}</ul><a href="index_1.html">{text}</a></body></html>'
    listing = parse_listing(html, DEFAULT_URL)
    assert listing.next_pages == ["http://www.example.gov.cn/col/list/index_1.html"]
    assert len(listing.article_urls) == 7


def test_navigation_and_sidebar_dropped() -> None:
    side = "".join(f'<li><a href="/other/202201/t20220101_{i}.html">热点新闻标题很长{i}</a></li>'
                   for i in range(2))
    html = f"<html><body>{NAV}<div id='main'><ul>{ITEMS}</ul></div><div id='side'><ul>{side}</ul></div></body></html>"
    links = parse_listing(html, DEFAULT_URL).article_urls
    assert len(links) == 7 and all("/col/list/" in u for u in links)


def test_trs_script_pages() -> None:
    html = f'<ul>{ITEMS}</ul><script>createPageHTML(5, 2, "index", "shtml");</script>'
    listing = parse_listing(html, "http://x.gov.cn/c/index_2.shtml")
    assert listing.next_pages == ["http://x.gov.cn/c/index_3.shtml"]
    assert listing.total_pages == 5
    last = '<script>createPageHTML(5, 4, "index", "html");</script>'
    assert trs.next_request(last, "http://x.gov.cn/c/index_4.html") == (None, 5)
    assert trs.page_url("http://x.gov.cn/c/", 1) == "http://x.gov.cn/c/index.html"
    assert trs.page_url("http://x.gov.cn/c/", 3) == "http://x.gov.cn/c/index_2.html"


HANWEB_PAGE = """<html><body><a href="/col/col2/index.html">其他栏目</a>
<div id="212860"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=3&path=/&columnid=33718&unitid=212860&webname=某省&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href='/art/2022/9/11/art_33718_1.html' title='一'>第一条新闻</a></li>]]></record>
<record><![CDATA[<li><a href='/art/2022/9/10/art_33718_2.html' title='二'>第二条新闻</a></li>]]></record>
</recordset></datastore></script></div>
<script>var totalRecord = 5; perpage:2</script></body></html>"""


def test_hanweb_datastore_and_proxy_request() -> None:
    url = "http://www.x.gov.cn/col/col33718/index.html"
    listing = parse_listing(HANWEB_PAGE, url)
    assert listing.family == "hanweb"
    assert listing.article_urls == ["http://www.x.gov.cn/art/2022/9/11/art_33718_1.html",
                                    "http://www.x.gov.cn/art/2022/9/10/art_33718_2.html"]
    [req] = listing.requests
    assert req.method == "POST" and req.url.endswith(
        "/module/web/jpage/dataproxy.jsp?startrecord=3&endrecord=8&perpage=2")
    form = dict(req.form)
    assert form["columnid"] == "33718" and form["unitid"] == "212860" and form["webid"] == "3"
    answer = ("<datastore><totalrecord>5</totalrecord><recordset>"
              "<record><![CDATA[<li><a href='/art/2022/9/1/art_33718_3.html'>三</a></li>]]></record>"
              "</recordset></datastore>")
    more = parse_listing(answer, url, request=req)
    assert more.article_urls == ["http://www.x.gov.cn/art/2022/9/1/art_33718_3.html"]
    assert more.requests == ()   # record 9 is past the 5 records


def test_hanweb_form_from_page_ids() -> None:
    html = "<datastore><recordset></recordset></datastore><form id='jpageform_4455'></form>"
    fields = hanweb.form_fields(html + "<a href='/col/col99/index.html'>")
    assert fields["unitid"] == "4455" and fields["columnid"] == "99"


def test_numbered_templates() -> None:
    base = "http://x.gov.cn/news/list.html"
    assert numbered.page_url(base, "list_{n}.html", 2) == "http://x.gov.cn/news/list_2.html"
    assert numbered.page_url(base, "?page={n}", 3) == "http://x.gov.cn/news/list.html?page=3"
    assert numbered.page_url("http://x.gov.cn/n/index.html", "index_{n0}.html", 2) == \
        "http://x.gov.cn/n/index_1.html"
    assert numbered.next_request(base, "?pageNo={n}", 4, total=4) is None
    assert nextlink.current_page("http://x.gov.cn/l?pageNo=7") == 7
    assert nextlink.current_page("http://x.gov.cn/index_2.html") == 3
    assert nextlink.current_page("http://x.gov.cn/list_4.html") == 4


def test_numbered_pager_link() -> None:
    html = (f"<ul>{ITEMS}</ul><div class='page'><a href='list.html?page=1'>1</a>"
            "<a href='list.html?page=2'>2</a><a href='list.html?page=3'>3</a></div>")
    listing = parse_listing(html, "http://www.example.gov.cn/col/list/list.html?page=1")
    assert listing.next_pages == ["http://www.example.gov.cn/col/list/list.html?page=2"]
    assert listing.pagination == "numbered"


def test_json_api_listing() -> None:
    body = json.dumps({"data": {"total": 3, "list": [
        {"title": "一", "url": "/news/202201/123456.html"},
        {"title": "二", "urls": json.dumps({"pc": "/news/202201/123457.html"})}]}})
    hints = ListingHints(pagination="json", page_template="?page={n}", json_total="data.total")
    listing = parse_listing(body, "http://x.gov.cn/api/list", hints, page=1,
                            listing_url="http://x.gov.cn/api/list")
    assert listing.article_urls == ["http://x.gov.cn/news/202201/123456.html",
                                    "http://x.gov.cn/news/202201/123457.html"]
    assert listing.next_pages == ["http://x.gov.cn/api/list?page=2"]
    assert jsonapi.links("not json") == []


def test_empty_listing_is_reported() -> None:
    listing = parse_listing(f"<html><body>{NAV}</body></html>", DEFAULT_URL)
    assert listing.empty and "template change" in (listing.problem or "")


def test_profile_selector_wins() -> None:
    html = f"<ul class='x'>{ITEMS}</ul><ul class='y'><li><a href='/z/1.html'>a</a></li></ul>"
    listing = parse_listing(html, DEFAULT_URL, ListingHints(article_selector="ul.y a"))
    assert listing.article_urls == ["http://www.example.gov.cn/z/1.html"]


def test_page_request_is_hashable() -> None:
    assert hash(PageRequest("http://x/", "POST", (("a", "1"),)))


def test_gansu_create_page_html_variant_counts_from_one() -> None:
    """createPageHTML('page_div', count, current, name, ext, records): page k is name_k.ext
    (real listing 006; public crawlers page list_yw_%d.shtml / xlist_2.shtml the same way)."""
    html, _, _ = _case("jyt-gansu")
    url = "https://jyt.gansu.gov.cn/jyt/c110634/zwgklist.shtml"
    listing = parse_listing(html, url)
    assert listing.next_pages == ["https://jyt.gansu.gov.cn/jyt/c110634/zwgklist_2.shtml"]
    page2 = html.replace("createPageHTML('page_div',10, 1,", "createPageHTML('page_div',10, 2,")
    assert parse_listing(page2, url.replace(".shtml", "_2.shtml")).next_pages == [
        "https://jyt.gansu.gov.cn/jyt/c110634/zwgklist_3.shtml"]
    last = html.replace("createPageHTML('page_div',10, 1,", "createPageHTML('page_div',10, 10,")
    assert parse_listing(last, url).next_pages == []


def test_numbered_query_template_replaces_the_page_parameter() -> None:
    from archiver.listings.numbered import page_url

    assert page_url("http://x.gov.cn/list.jsp?page=2", "?page={n}", 3) == "http://x.gov.cn/list.jsp?page=3"
    assert page_url("http://x.gov.cn/list.jsp?col=5", "&pageNo={n}", 2) == "http://x.gov.cn/list.jsp?col=5&pageNo=2"


def test_numbered_guess_builds_on_the_section_url_not_the_current_page() -> None:
    from archiver.listings import ListingHints, parse_listing

    hints = ListingHints(page_template="?page={n}")
    html = "<ul>" + "".join(f'<li><a href="/art/t2023050{i}_{i}.html">第{i}条新闻标题很长</a></li>'
                            for i in range(1, 6)) + "</ul>"
    listing = parse_listing(html, "http://x.gov.cn/list.jsp?page=2", hints, page=2,
                            listing_url="http://x.gov.cn/list.jsp")
    assert [r.url for r in listing.requests] == ["http://x.gov.cn/list.jsp?page=3"]
