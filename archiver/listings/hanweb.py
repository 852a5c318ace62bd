"""Hanweb / 大汉 JCMS listings (research §2.3).

The column page carries its first records in ``<script type="text/xml"><datastore>``
CDATA; more come from a POST to ``/module/web/jpage/dataproxy.jsp`` with
``startrecord/endrecord/perpage`` in the query and the column's form fields
(taken from the ``nextgroup`` link or the page's ``unitid``/``columnid``).
Static index_N.html pages do not exist there, so they are never guessed.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from archiver.listings.model import PageRequest

PROXY_PATH = "/module/web/jpage/dataproxy.jsp"
DATASTORE = re.compile(r"<datastore>([\s\S]*?)</datastore>", re.I)
RECORD = re.compile(r"<record>\s*<!\[CDATA\[([\s\S]*?)\]\]>\s*</record>", re.I)
NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[([\s\S]*?)\]\]>", re.I)
HREF = re.compile(r"href\s*=\s*[\"']([^\"']+)[\"']", re.I)
TOTAL = re.compile(r"<totalrecord>\s*(\d+)|totalRecord\s*[:=]\s*[\"']?(\d+)", re.I)
PERPAGE = re.compile(r"perpage\s*[:=]\s*[\"']?(\d+)", re.I)
UNITID = re.compile(r"unitid\s*[=:]\s*[\"']?(\d+)|jpageform_(\d+)", re.I)
COLUMNID = re.compile(r"columnid\s*[=:]\s*[\"']?(\d+)|/col/col(\d+)/", re.I)
FORM_DEFAULTS = {"col": "1", "appid": "1", "path": "/", "sourceContentType": "1",
                 "permissiontype": "0"}
# How many records one proxy call asks for: Hanweb's own pages ask for 3 pages at once.
GROUP_PAGES = 3


def is_hanweb(html: str) -> bool:
    return bool(DATASTORE.search(html)) or PROXY_PATH in html


def records(text: str) -> list[str]:
    """The HTML fragments of the records, from a page's datastore or a proxy answer."""
    return RECORD.findall(text)


def total_records(text: str) -> int | None:
    m = TOTAL.search(text)
    return int(m[1] or m[2]) if m else None


def form_fields(html: str) -> dict[str, str]:
    """The proxy's form fields: the nextgroup link's query, else ids found in the page."""
    fields = dict(FORM_DEFAULTS)
    if (group := NEXTGROUP.search(html)) and (href := HREF.search(group[1])):
        query = dict(parse_qsl(urlsplit(href[1].replace("&amp;", "&")).query))
        for drop in ("page", "startrecord", "endrecord", "perpage"):
            query.pop(drop, None)
        fields.update(query)
    for key, pattern in (("unitid", UNITID), ("columnid", COLUMNID)):
        if key not in fields and (m := pattern.search(html)):
            fields[key] = m[1] or m[2]
    return fields


def next_request(text: str, url: str, start: int, form: dict[str, str] | None = None,
                 perpage: int | None = None) -> PageRequest | None:
    """The proxy request after the records ``1..start-1`` already read, or None when done."""
    got = len(records(text))
    total = total_records(text)
    if got == 0 or (total is not None and start > total):
        return None
    per = perpage or int((PERPAGE.search(text) or [None, 0])[1] or 0) or got or 15
    fields = form if form is not None else form_fields(text)
    if "columnid" not in fields:
        return None
    end = start + per * GROUP_PAGES - 1
    query = urlencode({"startrecord": start, "endrecord": end, "perpage": per})
    return PageRequest(urljoin(url, f"{PROXY_PATH}?{query}"), "POST",
                       tuple(sorted(fields.items())), family="hanweb_proxy",
                       page=(start - 1) // per + 1)


def record_range(url: str) -> tuple[int, int] | None:
    query = dict(parse_qsl(urlsplit(url).query))
    try:
        return int(query["startrecord"]), int(query["endrecord"])
    except (KeyError, ValueError):
        return None
