"""Listings delivered as JSON: an API answer, or JSON embedded in the page (UCAP listData).

Without a hint the largest list of objects is taken as the records, and each
record's link is the first value under a known key; UCAP keeps its link as a
JSON string inside a JSON string (``urls: '{"pc": "/col/…/content_1.html"}'``).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

LINK_KEYS = ("url", "link", "href", "linkurl", "linkUrl", "docpuburl", "docPubUrl", "pcUrl",
             "urls", "pc", "articleUrl", "detailUrl", "path")
# Escaped or plain JSON inside a script: "pc":"/path" or \"pc\":\"/path\"
EMBEDDED_LINK = re.compile(
    r"\\?[\"'](?:pc|url|linkurl|docpuburl|link|href)\\?[\"']\s*:\s*\\?[\"']([^\"'\\\s]+\.s?html?)",
    re.I)
EMBEDDED_MARKERS = ("listData", "articleList", "docList", "dataList")


def looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def _lists(value: Any) -> Iterator[list[Any]]:
    if isinstance(value, list):
        yield value
        for item in value:
            yield from _lists(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _lists(item)


def _walk(value: Any, path: str) -> Any:
    for key in filter(None, path.split(".")):
        value = value[int(key)] if isinstance(value, list) else value.get(key)
    return value


def record_link(record: Any, keys: Sequence[str] = LINK_KEYS) -> str | None:
    """The first link among a record's ``keys``; a value that is an object, or an object
    written as a JSON string (UCAP's ``urls``), is searched under LINK_KEYS in turn."""
    for k in keys:
        value = record.get(k) if isinstance(record, dict) else None
        if isinstance(value, str) and value.strip().startswith("{"):
            try:
                value = record_link(json.loads(value))
            except ValueError:
                continue
        elif isinstance(value, dict):
            value = record_link(value)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def records(data: Any, items: str | None = None) -> list[Any]:
    if items:
        found = _walk(data, items)
        return found if isinstance(found, list) else []
    lists = [lst for lst in _lists(data) if lst and all(isinstance(x, dict) for x in lst)]
    return max(lists, key=len) if lists else []


def links(text: str, items: str | None = None, link_key: str | None = None) -> list[str]:
    """Record links of a JSON listing, in record order."""
    try:
        data = json.loads(text)
    except ValueError:
        return []
    found = (record_link(r, (link_key,) if link_key else LINK_KEYS) for r in records(data, items))
    return [u for u in found if u]


def total(text: str, path: str | None) -> int | None:
    if not path:
        return None
    try:
        value = _walk(json.loads(text), path)
        return int(value) if value is not None else None
    except (ValueError, TypeError, AttributeError, IndexError):
        return None


def embedded_links(html: str) -> list[str]:
    """Links in JSON a page's script renders client-side (UCAP ``var listData = {...}``)."""
    if not any(marker in html for marker in EMBEDDED_MARKERS):
        return []
    start = min(i for i in (html.find(m) for m in EMBEDDED_MARKERS) if i >= 0)
    return list(dict.fromkeys(EMBEDDED_LINK.findall(html[start:])))
