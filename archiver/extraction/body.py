"""Find the article's content container: known CMS containers first, then text density.

The density method reads statistics gathered while the page is rendered to lines (one
iterative pass, no recursion, no per-node regex): text is credited to its innermost block
element, link text is counted apart, and each paragraph's length flows to the block that holds
it and half to that block's parent.
"""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from archiver.extraction.dom import BLOCK_TAGS, BlockStats, tag_of, text_lines

_CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"
# name -> XPath. Strong hints from TRS, Hanweb, UCAP and 集约化 templates (research §2.2–2.4).
CONTAINERS: dict[str, str] = {
    "TRS_Editor": "//div[" + _CLASS.format("TRS_Editor") + "]",
    "TRS_UEDITOR": "//div[" + _CLASS.format("TRS_UEDITOR") + "]",
    "Custom_UnionStyle": "//div[" + _CLASS.format("Custom_UnionStyle") + "]",
    "TRS_PreAppend": "//div[" + _CLASS.format("TRS_PreAppend") + "]",
    "ZJEG_RSS": "//comment()[contains(., 'ZJEG_RSS.content.begin')]/..",
    "ContentStart": "//meta[@name='ContentStart']/..",
    "#zoom": "//*[@id='zoom']",
    ".zoom": "//div[" + _CLASS.format("zoom") + "]",
    "#UCAP-CONTENT": "//*[@id='UCAP-CONTENT']",
    ".pages_content": "//*[" + _CLASS.format("pages_content") + "]",
}
_COMPILED = {name: etree.XPath(expr) for name, expr in CONTAINERS.items()}
# a container's XPath runs only if its marker occurs in the page text at all (cheap pre-test)
_MARKERS = {name: name.lstrip("#.") for name in CONTAINERS}
_MIN_CONTAINER_TEXT = 40
MEDIA_TAGS = ("img", "video", "embed", "object", "iframe", "source")


@dataclass(frozen=True)
class Choice:
    element: etree._Element
    rule: str


def _text_len(el: etree._Element) -> int:
    return sum(len(t.strip()) for t in el.itertext() if isinstance(t, str))


def has_media(el: etree._Element) -> bool:
    """An image, video or embedded player with a source inside `el`."""
    return any(m.get("src") or m.get("data-src") for m in el.iter(*MEDIA_TAGS))


def by_container(root: etree._Element, raw: str | None = None) -> Choice | None:
    """The first known container that holds real text (the longest if several match).
    Rule media-container: when none holds text, the first one holding an image or a video is
    the article (a photo or video page); the caller flags it, it never borrows other text."""
    media: Choice | None = None
    for name, xpath in _COMPILED.items():
        if raw is not None and _MARKERS[name] not in raw:
            continue
        found = [el for el in xpath(root) if isinstance(el.tag, str)]
        if not found:
            continue
        best = max(found, key=_text_len)
        if _text_len(best) >= _MIN_CONTAINER_TEXT:
            return Choice(best, "container:" + name)
        if media is None and (with_media := [el for el in found if has_media(el)]):
            media = Choice(with_media[0], "container-media:" + name)
    return media


def _block_parent(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and tag_of(parent) not in BLOCK_TAGS and tag_of(parent) not in ("td", "th"):
        parent = parent.getparent()
    return parent


def by_density(root: etree._Element, stats: BlockStats | None = None) -> Choice | None:
    """The block with the most paragraph text, discounted by its link density. `stats` come
    from the page's line rendering when the caller has one (core does), else one is made."""
    if stats is None:
        stats = BlockStats()
        text_lines(root, stats=stats)
    score: dict[etree._Element, float] = {}
    for el, own in stats.own.items():
        text = own - stats.link.get(el, 0)
        if text < 10:
            continue
        holder = el if tag_of(el) in ("div", "td", "section", "article", "body") else _block_parent(el)
        if holder is None:
            continue
        score[holder] = score.get(holder, 0.0) + text
        if (up := _block_parent(holder)) is not None:
            score[up] = score.get(up, 0.0) + text / 2
    if not score:
        return None

    def final(el: etree._Element) -> float:
        total = stats.total.get(el, 0) or 1
        return score[el] * (1 - stats.total_link.get(el, 0) / total)

    best = max(score, key=final)
    return Choice(best, "density")


def choose(root: etree._Element, raw: str | None = None, stats: BlockStats | None = None) -> Choice | None:
    return by_container(root, raw) or by_density(root, stats)
