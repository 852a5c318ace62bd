"""What a listing says about its own size, for coverage (expected against archived). Pure.

Sources, each named in the result so a figure can be traced to its rule:
``trs_pages`` (createPageHTML's page count; the 集约化 variant's record count when it has
one), ``hanweb_total`` (``totalRecord`` / ``<totalrecord>``), ``json_total`` and
``json_pages`` (an API answer's total / pageCount, whatever the nesting), ``trs_records``.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from archiver.listings import hanweb, trs

# Keys an API answer states its size under (lower-cased), records first.
RECORD_KEYS = ("totalrecord", "totalrecords", "recordcount", "totalcount", "totalelements",
               "totalnum", "total", "count")
PAGE_KEYS = ("pagecount", "totalpage", "totalpages", "pages", "pagetotal")
TRS_RECORDS = re.compile(r"createPageHTML\(\s*[\"'][\w-]+[\"']\s*,\s*\d+\s*,\s*\d+\s*,\s*[\"'][\w-]+[\"']"
                         r"\s*,\s*[\"']\w+[\"']\s*,\s*(\d+)\s*\)")
TRS_RECORD_VAR = re.compile(r"var\s+(?:recordCount|m_nRecordCount)\s*=\s*(\d+)")


@dataclass(frozen=True)
class StatedSize:
    articles: int | None = None
    pages: int | None = None
    source: str | None = None

    @property
    def known(self) -> bool:
        return self.articles is not None or self.pages is not None


def _items(value: Any, depth: int = 0) -> Iterator[tuple[str, Any]]:
    if depth > 3:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k).lower(), v
            if isinstance(v, dict):
                yield from _items(v, depth + 1)


def _number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _json_size(text: str) -> StatedSize | None:
    stripped = text.lstrip()
    if not stripped.startswith("{"):
        return None
    try:
        data = json.loads(stripped)
    except ValueError:
        return None
    found = {k: n for k, v in _items(data) if (n := _number(v)) is not None}
    articles = next((found[k] for k in RECORD_KEYS if k in found), None)
    pages = next((found[k] for k in PAGE_KEYS if k in found), None)
    if articles is None and pages is None:
        return None
    return StatedSize(articles, pages, "json_total" if articles is not None else "json_pages")


def stated_size(text: str) -> StatedSize:
    """The size a listing page or API answer states, or an empty StatedSize."""
    text = text or ""
    if found := _json_size(text):
        return found
    if (total := hanweb.total_records(text)) is not None:
        return StatedSize(total, None, "hanweb_total")
    if pager := trs.pager(text):
        stated = TRS_RECORDS.search(text) or TRS_RECORD_VAR.search(text)
        return StatedSize(int(stated[1]) if stated else None, pager[0],
                          "trs_records" if stated else "trs_pages")
    if stated := TRS_RECORD_VAR.search(text):
        return StatedSize(int(stated[1]), None, "trs_records")
    return StatedSize()
