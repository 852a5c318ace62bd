"""The one composition of the stages, shared by the crawl, the single-URL path and reextract.

Stage order: budget pre-checks (archiver.budget: size, binary bytes) -> decode (bytes -> text,
from the raw bytes) -> repair (mojibake, markup-aware; skipped beyond its budget) -> attribute
pruning -> extract (fields). Each stage is a pure function of its own package; only this module
chains them, and it records each stage's report on the Article.

Never raises on any page (only on a caller's wrong argument type): a page the budget refuses,
or one a stage fails on, comes back as an Article flagged ``too_large``, ``binary``,
``over_budget`` or ``extract_failed`` (budget.RAW_FLAGS) with page_kind "unprocessed", which
the crawl stores raw so that reextract can try it again.
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from archiver.budget import Budget, Deadline, OverBudget, precheck, prune_attributes
from archiver.encoding import decode
from archiver.extraction import Article, extract as extract_text
from archiver.models import RawPage
from archiver.mojibake import repair

if TYPE_CHECKING:
    from archiver.profiles import Profile

log = logging.getLogger(__name__)
UNPROCESSED = "unprocessed"


def to_text(body: bytes, content_type: str | None, url: str, budget: Budget | None = None,
            deadline: Deadline | None = None) -> tuple[str, dict[str, Any]]:
    """Decode then repair page bytes; the reports and flags go with the text.

    Repair degrades: past ``budget.repair_chars``/``repair_marks``, or its share of the
    deadline, the decoded text goes on unrepaired with the flag "repair_skipped"."""
    budget = budget or Budget()
    deadline = deadline or budget.deadline()
    decoded = decode(bytes(body), content_type, url)
    info: dict[str, Any] = {"decode": decoded.to_dict(), "repair": None, "flags": []}
    deadline.check("decode")
    if len(decoded.text) > budget.repair_chars or \
            decoded.undecodable > budget.escaped_share * len(body):
        log.info("%s: %d characters, %d undecodable bytes; mojibake repair skipped", url,
                 len(decoded.text), decoded.undecodable)
        info["flags"] = ["repair_skipped"]
        return decoded.text, info
    try:
        repaired = repair(decoded.text, markup=True, deadline=deadline.part(budget.repair_share),
                          max_marks=budget.repair_marks)
    except OverBudget as exc:
        log.info("%s: mojibake repair skipped (%s)", url, exc)
        info["flags"] = ["repair_skipped"]
        return decoded.text, info
    if "repair_failed" in repaired.kinds:  # a repair bug must not lose the page: decoded text
        info["flags"] = ["repair_failed"]
        return decoded.text, info
    info["repair"] = repaired.to_dict()
    info["flags"] = (["repaired"] if repaired.changed else []) + (["chars_lost"] if repaired.lost else [])
    return repaired.text, info


def extract(html: str | bytes, url: str, *, content_type: str | None = None,
            selectors: Mapping[str, Sequence[str]] | None = None,
            budget: Budget | None = None) -> Article:
    """The public ``archiver.extract``: bytes go through decode and repair first; str is taken
    as already decoded and repaired. Never raises: see the module docstring."""
    if not isinstance(html, (str, bytes, bytearray, memoryview)):  # a caller's bug, not input
        raise TypeError(f"extract() needs str or bytes, not {type(html).__name__}")
    budget = budget or Budget()
    try:
        return _extract(html, url, content_type, selectors, budget)
    except OverBudget as exc:
        log.warning("%s: %s; kept raw (flag over_budget)", url, exc)
        return _unprocessed(url, "over_budget")
    except Exception as exc:  # noqa: BLE001 - the API contract: a flagged result, never a raise
        log.warning("%s: extraction failed (%s: %s); kept raw", url, type(exc).__name__, exc)
        log.debug("extraction failure", exc_info=True)
        return _unprocessed(url, "extract_failed")


def _unprocessed(url: str, flag: str, decode_report: dict[str, Any] | None = None) -> Article:
    return Article(url=str(url), flags=[flag], page_kind=UNPROCESSED, decode=decode_report)


def _extract(html: str | bytes, url: str, content_type: str | None,
             selectors: Mapping[str, Sequence[str]] | None, budget: Budget) -> Article:
    deadline = budget.deadline()
    if isinstance(html, str):
        if len(html) > budget.max_bytes:
            return _unprocessed(url, "too_large")
        return _parse(html, url, selectors, budget, deadline, [])
    body = bytes(html)
    if refused := precheck(body, budget):
        log.info("%s: %s (%d bytes); kept raw", url, refused, len(body))
        return _unprocessed(url, refused)
    text, info = to_text(body, content_type, url, budget, deadline)
    try:
        article = _parse(text, url, selectors, budget, deadline, info["flags"])
    except OverBudget as exc:
        log.warning("%s: %s; kept raw (flag over_budget)", url, exc)
        return _unprocessed(url, "over_budget", info["decode"])
    return dataclasses.replace(article, decode=info["decode"], repair=info["repair"])


def _parse(text: str, url: str, selectors: Mapping[str, Sequence[str]] | None, budget: Budget,
           deadline: Deadline, flags: list[str]) -> Article:
    text, pruned = prune_attributes(text, budget)
    if pruned:
        log.info("%s: %d tag(s) cut to %d attributes", url, pruned, budget.max_attributes)
    article = extract_text(text, url, selectors=selectors, deadline=deadline)
    more = [*flags, *(["attributes_pruned"] if pruned else [])]
    return dataclasses.replace(article, flags=[*more, *article.flags]) if more else article


def process_page(raw: RawPage, profile: Profile | None = None,
                 budget: Budget | None = None) -> Article:
    """An Article from a raw page as fetched (decode and repair included), with the site
    profile's per-field selectors (if any) tried before the generic rules, within ``budget``."""
    selectors = (dict(profile.selectors) or None) if profile is not None else None
    return extract(raw.body, raw.final_url or raw.url, content_type=raw.content_type,
                   selectors=selectors, budget=budget)


def process_record(raw: RawPage, profile: Profile | None = None,
                   budget: Budget | None = None) -> dict[str, Any]:
    """process_page's Article as the plain dict a crawl item carries (what crosses the pipe)."""
    return process_page(raw, profile, budget).to_dict()
