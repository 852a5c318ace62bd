"""Decide whether a fetched page may be stored as an article. Pure."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archiver.budget import RAW_FLAGS
from archiver.models import RawPage

HTML_TYPES = ("text/html", "application/xhtml", "text/plain", "text/xml", "application/xml")


def rejection(raw: RawPage, article: Mapping[str, Any] | None) -> str | None:
    """None when the page is an article worth storing, else "kind: explanation"."""
    if raw.status in (412, 521) or (raw.status in (403, 429, 503) and article is None):
        return f"blocked: HTTP {raw.status} from {raw.url} (anti-bot or rate limit)"
    if raw.status != 200:
        return f"http: HTTP {raw.status} for {raw.url}"
    if not raw.body.strip():
        return f"empty: empty body from {raw.url}"
    ctype = (raw.content_type or "").split(";")[0].strip().lower()
    if ctype and not ctype.startswith(HTML_TYPES):
        return f"not_html: {raw.url} is {ctype}, not an HTML page"
    if article is None:
        return f"unprocessed: {raw.url} was not processed"
    if set(article.get("flags") or ()) & set(RAW_FLAGS):
        return None  # kept raw (too large, binary, over budget): reextract can try again
    kind = article.get("page_kind") or "article"
    if kind == "challenge":
        return f"blocked: {raw.url} is an anti-bot challenge page"
    if kind != "article":
        return f"not_article: {raw.url} looks like a {kind} page, not an article"
    if not article.get("title") or not article.get("body"):
        return f"no_content: no title or body found in {raw.url}"
    return None
