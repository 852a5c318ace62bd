"""The one composition of the stages, shared by the crawl, the single-URL path and reextract.

Stage order: decode (bytes -> text, from the raw bytes) -> repair (mojibake, markup-aware) ->
extract (fields). Each stage is a pure function of its own package; only this module chains
them, and it records each stage's report on the Article.
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from archiver.encoding import decode
from archiver.extraction import Article, extract as extract_text
from archiver.models import RawPage
from archiver.mojibake import repair

if TYPE_CHECKING:
    from archiver.profiles import Profile

log = logging.getLogger(__name__)


def to_text(body: bytes, content_type: str | None, url: str) -> tuple[str, dict[str, Any]]:
    """Decode then repair page bytes; the reports and flags go with the text."""
    decoded = decode(bytes(body), content_type, url)
    info: dict[str, Any] = {"decode": decoded.to_dict(), "repair": None, "flags": []}
    try:
        repaired = repair(decoded.text, markup=True)
    except (UnicodeError, ValueError) as exc:  # a repair bug must not lose the page: keep the decoded text
        log.warning("mojibake repair failed on %s: %s", url, exc)
        info["flags"] = ["repair_failed"]
        return decoded.text, info
    info["repair"] = repaired.to_dict()
    info["flags"] = (["repaired"] if repaired.changed else []) + (["chars_lost"] if repaired.lost else [])
    return repaired.text, info


def extract(html: str | bytes, url: str, *, content_type: str | None = None,
            selectors: Mapping[str, Sequence[str]] | None = None) -> Article:
    """The public ``archiver.extract``: bytes go through decode and repair first; str is taken
    as already decoded and repaired."""
    if isinstance(html, str):
        return extract_text(html, url, selectors=selectors)
    if not isinstance(html, (bytes, bytearray)):
        raise TypeError(f"extract() needs str or bytes, not {type(html).__name__}")
    text, info = to_text(bytes(html), content_type, url)
    article = extract_text(text, url, selectors=selectors)
    return dataclasses.replace(article, decode=info["decode"], repair=info["repair"],
                               flags=[*info["flags"], *article.flags])


def process_page(raw: RawPage, profile: Profile | None = None) -> Article:
    """An Article from a raw page as fetched (decode and repair included), with the site
    profile's per-field selectors (if any) tried before the generic rules."""
    selectors = (dict(profile.selectors) or None) if profile is not None else None
    return extract(raw.body, raw.final_url or raw.url, content_type=raw.content_type,
                   selectors=selectors)
