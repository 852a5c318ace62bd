"""The one composition of the stages, shared by the crawl and the single-URL path.

Stage order: decode (bytes -> text, from the raw bytes) -> repair (mojibake) ->
extract (fields). ``archiver.extract`` runs all three when given bytes.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from archiver.models import RawPage


def process_page(raw: RawPage, selectors: Mapping[str, Sequence[str]] | None = None) -> Any:
    """Extract an Article from a raw page (decode and repair included)."""
    from archiver.extraction import extract

    return extract(raw.body, raw.final_url or raw.url, content_type=raw.content_type,
                   selectors=selectors)
