"""Standard government <meta> tags (政府网站发展指引 / GB/T 42147), Open Graph and JSON-LD.

Tag names are data: each field has a STRONG list (trusted before anything visible) and a WEAK
list (used only after the visible metadata line). Maketime is weak on purpose: on Hanweb sites it
is the page generation time, not the publication time.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any

from lxml import etree

from archiver.extraction.dom import norm

log = logging.getLogger(__name__)

STRONG: dict[str, tuple[str, ...]] = {
    "title": ("articletitle", "og:title", "ld:headline"),
    "published_at": ("pubdate", "firstpublishedtime", "publishdate", "publish_date", "dc.date.issued"),
    "source": ("contentsource",),
    "author": (),
}
# generic web metadata: after the labelled line (portals set it to an edit time), before guesses
MEDIUM: dict[str, tuple[str, ...]] = {
    "published_at": ("article:published_time", "og:release_date", "datepublished", "ld:datepublished",
                     "ptime"),
}
WEAK: dict[str, tuple[str, ...]] = {
    "published_at": ("maketime", "dateupdate", "datemodified", "article:modified_time", "ld:datemodified"),
    "source": ("source", "og:article:source", "article:source"),
    "author": ("ld:author",),  # meta name=author is the site name far more often than a person
}
_NAME_ATTRS = ("name", "property", "itemprop", "http-equiv")
# Rule meta-is-text: CMS templates paste markup into content ("标题<div>——副题</div>",
# "<p>标题</p>"); a meta value is text, the tags go (what they wrapped stays, joined as written)
_TAG = re.compile(r"<[^<>]*>")


def read_meta(root: etree._Element) -> dict[str, str]:
    """Lower-cased meta names → first non-empty content; JSON-LD keys prefixed with "ld:"."""
    found: dict[str, str] = {}
    for el in root.iter("meta"):
        content = el.get("content")
        content = norm(_TAG.sub("", content) if content and "<" in content else content)
        if not content:
            continue
        for attr in _NAME_ATTRS:
            if name := (el.get(attr) or "").strip().lower():
                found.setdefault(name, content)
                break
    for script in root.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            for key, value in _json_ld(script.text).items():
                found.setdefault("ld:" + key, value)
    return found


def _json_ld(text: str) -> dict[str, str]:
    try:
        data: Any = json.loads(text)
    except ValueError:
        log.debug("unreadable JSON-LD skipped")
        return {}
    items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
    out: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        for key in ("headline", "datePublished", "dateModified", "author"):
            value = item.get(key)
            if isinstance(value, dict):
                value = value.get("name")
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                value = value[0].get("name")
            if isinstance(value, str) and value.strip():
                out.setdefault(key.lower(), norm(value))
    return out


def pick(meta: dict[str, str], field: str, strength: str = "strong") -> tuple[str, str] | None:
    """(value, "meta:<Name>") for the first tag of `field` present, or None."""
    names = {"strong": STRONG, "medium": MEDIUM, "weak": WEAK}[strength].get(field, ())
    for name in names:
        if value := meta.get(name):
            return value, "meta:" + name
    return None


def year_hint(meta: dict[str, str]) -> int | None:
    """Any 4-digit year in a date-like meta tag: lets "09-30 22:46" become a full date."""
    for name in STRONG["published_at"] + MEDIUM["published_at"] + WEAK["published_at"]:
        value = meta.get(name, "")
        if len(value) >= 4 and value[:4].isdigit():
            return int(value[:4])
    return None
