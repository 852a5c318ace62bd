"""Name a site and a section from a listing page, for a crawl started from a bare URL
(which otherwise knows only a host and a path). Pure.

Evidence, in order: the CMS's own meta tags (``SiteName``, ``ColumnName`` — TRS, Hanweb and
the 集约化 templates write them), the breadcrumb ("当前位置：首页 > 政务公开 > 政务要闻"), then
the <title> ("政务要闻_某某市人民政府", "政务要闻 - 某某市人民政府").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from parsel import Selector

SEPARATORS = re.compile(r"\s*(?:[_|｜]|\s[-–—]\s|--)\s*")
CRUMB_PREFIX = re.compile(r"^\s*(?:您现在的位置|当前位置|您的位置|所在位置|位置)\s*[:：]?\s*")
CRUMB_SPLIT = re.compile(r"\s*(?:>|＞|»|→|/|>>|\u203a)\s*")
CRUMB_CONTAINERS = ("//*[contains(@class,'crumb') or contains(@class,'position')"
                    " or contains(@class,'location') or contains(@class,'dqwz') or contains(@class,'bread')"
                    " or contains(@id,'crumb') or contains(@id,'position') or contains(@id,'location')]")
HOME = {"首页", "网站首页", "主页", "home", "Home"}
NAME_MAX = 40


@dataclass(frozen=True)
class PageNames:
    site: str | None = None
    section: str | None = None
    source: str | None = None     # "meta" | "breadcrumb" | "title"


def _clean(text: str | None) -> str | None:
    text = " ".join((text or "").split()).strip(" -_|>")
    return text if text and len(text) <= NAME_MAX else None


def _meta(sel: Selector, name: str) -> str | None:
    return _clean(sel.xpath(f"//meta[translate(@name, 'abcdefghijklmnopqrstuvwxyz',"
                            f" 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') = '{name.upper()}']/@content").get())


def _breadcrumb(sel: Selector) -> list[str]:
    for node in sel.xpath(CRUMB_CONTAINERS)[:3]:
        text = CRUMB_PREFIX.sub("", " ".join(node.xpath(".//text()").getall()))
        parts = [p for p in (_clean(x) for x in CRUMB_SPLIT.split(text)) if p and p not in HOME]
        if parts:
            return parts
    return []


def page_names(html: str) -> PageNames:
    """The site's and the section's names as the page states them; None where it does not."""
    sel = Selector(text=html or "<html></html>")
    site, section = _meta(sel, "SiteName"), _meta(sel, "ColumnName")
    if section:
        return PageNames(site, section, "meta")
    if crumbs := _breadcrumb(sel):
        return PageNames(site, crumbs[-1], "breadcrumb")
    title = " ".join(sel.xpath("//title//text()").getall())
    parts = [p for p in (_clean(x) for x in SEPARATORS.split(title)) if p]
    if len(parts) >= 2:
        return PageNames(site or parts[-1], parts[0], "title")
    if site:
        return PageNames(site, None, "meta")
    return PageNames()
