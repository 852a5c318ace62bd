"""Listings whose later pages come from a POSTed JSON search API set up by the page's script.

Two real shapes, both recorded (tests/fixtures/sites/SOURCES.md):

* TRS "trsapi" lists (``require(['list2.trsapi'])``, pingtan.gov.cn): the page
  holds ``pageChnlInfo = {maxStaticIndex, classsql: "chnlid=N", recordCount,
  prepage, sortfield}``, ``SiteInfo.searchId`` and ``listApi: {url: "/fjdzapp/search"}``.
  The first ``maxStaticIndex`` pages are static; the rest are POST
  ``channelid, classsql, sortfield, page, prepage`` answered by
  ``{"pageCount": n, "data": [{"docpuburl": …}]}``.
* UCAP 集约化 ``loadPageData(params, unitid)`` lists (Jiangxi's platform): the page
  embeds its first records (``var listData``) and ``params = {unitid,
  webSiteCode: [...], channelCode: [...], perPage}``; more records come from POST
  ``/queryList`` with ``current, pageSize, webSiteCode[], channelCode[], sort, order``,
  answered by ``{"data": {"results": [{"source": {"urls": "{\\"pc\\": …}"}}]}}``.

The page number travels in the request's form, so the answer alone says what comes next.
"""
from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urljoin

from archiver.listings.jsonapi import record_link
from archiver.listings.model import PageRequest

TRS_API = re.compile(r"listApi\s*:\s*\{\s*url\s*:\s*[\"']([^\"']+)[\"']")
TRS_SEARCH_ID = re.compile(r"searchId\s*:\s*[\"']?(\d+)")
UCAP_CALL = re.compile(r"loadPageData\(\s*params\s*,")
UCAP_QUERY_PATH = "/queryList"
# Where the two APIs' records keep their link: TRS docpuburl, UCAP {"pc": …} under urls.
RECORD_LINK_KEYS = ("docpuburl", "chnldocurl", "url", "urls")


def _js_value(html: str, key: str) -> str | None:
    """``key: 'v'`` / ``key: "" || "v"`` / ``key: 15`` / ``key: ['v']`` in an object literal."""
    m = re.search(key + r"\s*:\s*(?:\"\"\s*\|\|\s*)?\[?\s*(?:\"([^\"]*)\"|'([^']*)'|([\w.-]+))", html)
    return (m[1] or m[2] or m[3]) if m else None


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() else default


def first_request(html: str, url: str, embedded: int = 0) -> PageRequest | None:
    """The API request for the first page the static HTML does not show, or None."""
    if (api := TRS_API.search(html)) and (sid := TRS_SEARCH_ID.search(html)):
        return _trs_first(html, urljoin(url, api[1]), sid[1])
    if UCAP_CALL.search(html):
        return _ucap_first(html, url, embedded)
    return None


def page_count(html: str) -> int | None:
    """The section's page count as a TRS trsapi listing states it: ceil(recordCount / prepage)
    (pingtan: recordCount '107', prepage 15 -> 8 pages). None when the page does not say."""
    if not (TRS_API.search(html) and TRS_SEARCH_ID.search(html)):
        return None
    records, per = _int(_js_value(html, "recordCount"), 0), _int(_js_value(html, "prepage"), 15)
    return -(-records // per) if records and per else None


def _trs_first(html: str, api: str, search_id: str) -> PageRequest | None:
    per = _int(_js_value(html, "prepage"), 15)
    static = _int(_js_value(html, "maxStaticIndex"), 1)
    records = _int(_js_value(html, "recordCount"), 0)
    if records and records <= static * per:
        return None          # the static pages already hold every record
    form = {"channelid": search_id, "classsql": _js_value(html, "classsql") or "",
            "sortfield": _js_value(html, "sortfield") or "-docreltime",
            "page": str(static + 1), "prepage": str(per)}
    return PageRequest(api, "POST", tuple(sorted(form.items())), "form_api", static + 1)


def _ucap_first(html: str, url: str, embedded: int) -> PageRequest | None:
    site, channel = _js_value(html, "webSiteCode"), _js_value(html, "channelCode")
    if not site or not channel:
        return None
    per = _int(_js_value(html, "perPage"), 15)
    # The embedded records cover the first pages; ask for the first page not wholly among them.
    page = embedded // per + 1
    form = {"current": str(page), "pageSize": str(per), "webSiteCode[]": site,
            "channelCode[]": channel, "sort": "sortNum", "order": "desc"}
    return PageRequest(urljoin(url, UCAP_QUERY_PATH), "POST", tuple(sorted(form.items())),
                       "form_api", page)


def _records(data: Any) -> list[dict[str, Any]]:
    rows = data.get("data") if isinstance(data, dict) else None
    if isinstance(rows, dict):
        rows = rows.get("results") or rows.get("list") or []
    if not isinstance(rows, list):
        return []
    return [r.get("source", r) if isinstance(r, dict) else {} for r in rows]


def read_answer(text: str) -> tuple[list[str], int | None]:
    """(record links in order, the answer's pageCount) of one API answer: parsed once, as
    both the links and the next request need it."""
    try:
        data = json.loads(text)
    except ValueError:
        return [], None
    value = data.get("pageCount") if isinstance(data, dict) else None
    count = int(value) if isinstance(value, int | str) and str(value).isdigit() else None
    return [u for u in (record_link(r, RECORD_LINK_KEYS) for r in _records(data)) if u], count


def next_request(request: PageRequest, got: int, total: int | None) -> PageRequest | None:
    """The page after ``request``, whose answer held ``got`` links and said it has ``total``
    pages: None once an answer is short, empty or the last one."""
    form = dict(request.form)
    key, size_key = ("page", "prepage") if "page" in form else ("current", "pageSize")
    page, per = _int(form.get(key), 1), _int(form.get(size_key), 15)
    if got == 0 or got < per or (total is not None and page >= total):
        return None
    form[key] = str(page + 1)
    return PageRequest(request.url, "POST", tuple(sorted(form.items())), "form_api", page + 1)
