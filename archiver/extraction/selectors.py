"""Per-field selector overrides from a site profile: CSS by default, XPath when the expression
starts with "/" or "(". First non-empty match wins; provenance is "selector:<expr>"."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache

from lxml import etree
from parsel.csstranslator import HTMLTranslator

from archiver.extraction.dom import norm, text_of

log = logging.getLogger(__name__)


@lru_cache(maxsize=512)
def _compile(expr: str) -> etree.XPath | None:
    try:
        xpath = expr if expr.startswith(("/", "(")) else HTMLTranslator().css_to_xpath(expr)
        return etree.XPath(xpath)
    # cssselect raises SelectorError, a SyntaxError.
    except (etree.XPathSyntaxError, ValueError, SyntaxError) as exc:
        log.warning("bad selector %r skipped: %s", expr, exc)
        return None


def select(root: etree._Element, exprs: Sequence[str]) -> tuple[object, str] | None:
    """(first non-empty result, "selector:<expr>"): an element, or a string for ::text/@attr."""
    for expr in exprs:
        xpath = _compile(expr)
        if xpath is None:
            continue
        try:
            results = xpath(root)
        except etree.XPathEvalError as exc:
            log.warning("selector %r failed: %s", expr, exc)
            continue
        for item in results if isinstance(results, list) else [results]:
            if isinstance(item, etree._Element) and norm(text_of(item)):
                return item, "selector:" + expr
            if isinstance(item, str) and norm(item):
                return norm(item), "selector:" + expr
    return None


def select_text(root: etree._Element, exprs: Sequence[str]) -> tuple[str, str] | None:
    found = select(root, exprs)
    if found is None:
        return None
    item, rule = found
    return (item if isinstance(item, str) else norm(text_of(item))), rule
