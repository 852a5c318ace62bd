"""Recognise a listing's CMS family from its bytes (research §2): the pagination
and the article-link rules follow from it."""
from __future__ import annotations

import re

from archiver.listings import hanweb, jsonapi, trs

FAMILY_MARKERS = [
    ("hanweb", re.compile(r"<datastore>|/module/web/jpage/|jpageform_|hanweb", re.I)),
    ("trs", re.compile(r"createPageHTML|TRS_Editor|TRS_UEDITOR|WCM置标|/t\d{8}_\d+\.s?html?", re.I)),
    ("ucap", re.compile(r"UCAP|ucap|jquery\.jpage|var\s+listData", re.I)),
]


def detect_family(text: str) -> str:
    """"hanweb", "trs", "ucap", "json" or "generic"."""
    if jsonapi.looks_like_json(text):
        return "json"
    if hanweb.is_hanweb(text):
        return "hanweb"
    if trs.pager(text) is not None:
        return "trs"
    for family, marker in FAMILY_MARKERS:
        if marker.search(text):
            return family
    return "generic"
