"""TRS WCM pagination: ``createPageHTML(count, current, "index", "html")``.

Page 1 is index.html, page k+1 is index_k.html. The 集约化 variant
``createPageHTML('page_div', count, current, 'name', 'ext', records)`` counts
from 1 and names page k (k >= 2) name_k.ext: zwgklist.shtml, zwgklist_2.shtml …
(Gansu listing 006; the same call is paged as list_yw_%d.shtml, xlist_2.shtml and
common_list_${page}.shtml by public crawlers of gfex.com.cn, Shaoyang and Kunshan —
tests/fixtures/sites/SOURCES.md).
"""
from __future__ import annotations

import re
from urllib.parse import urljoin

from archiver.listings.model import PageRequest

CLASSIC = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([\w-]+)[\"']\s*,\s*[\"'](\w+)[\"']\s*\)")
WITH_DIV = re.compile(
    r"createPageHTML\(\s*[\"'][\w-]+[\"']\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([\w-]+)[\"']"
    r"\s*,\s*[\"'](\w+)[\"']")
# TRS also writes the counts as variables on some templates, in either order: countPage first,
# or ``var currentPage = 0;//所在页从0开始 … var countPage = 2//共多少页`` (real listing ordos-egb).
VARIABLES = re.compile(r"var\s+countPage\s*=\s*(\d+)[\s\S]{0,200}?var\s+currentPage\s*=\s*(\d+)")
VARIABLES_CURRENT_FIRST = re.compile(
    r"var\s+currentPage\s*=\s*(\d+)[\s\S]{0,200}?var\s+countPage\s*=\s*(\d+)")


def pager(html: str) -> tuple[int, int, str, str] | None:
    """(total pages, 0-based current page, base name, extension), or None."""
    found = _pager(html)
    return found[:4] if found else None


def _pager(html: str) -> tuple[int, int, str, str, int] | None:
    """As ``pager``, plus the suffix offset: page k+1 is name_{k + offset}.ext."""
    if m := CLASSIC.search(html):
        return int(m[1]), int(m[2]), m[3], m[4], 0
    if m := WITH_DIV.search(html):
        return int(m[1]), int(m[2]) - 1, m[3], m[4], 1
    if m := VARIABLES.search(html):
        return int(m[1]), int(m[2]), "index", "html", 0
    if m := VARIABLES_CURRENT_FIRST.search(html):
        return int(m[2]), int(m[1]), "index", "html", 0
    return None


def next_request(html: str, url: str) -> tuple[PageRequest | None, int | None]:
    found = _pager(html)
    if found is None:
        return None, None
    total, current, name, ext, offset = found
    if current + 1 >= total:
        return None, total
    return PageRequest(urljoin(url, f"{name}_{current + 1 + offset}.{ext}"),
                       page=current + 2), total


def page_url(url: str, number: int, name: str = "index", ext: str = "html") -> str:
    """The URL of 1-based page ``number`` next to ``url`` (for backfill fan-out)."""
    return urljoin(url, f"{name}.{ext}" if number <= 1 else f"{name}_{number - 1}.{ext}")
