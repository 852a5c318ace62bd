"""Find the article's content container: known CMS containers first, then text density.

The density method is a single iterative pass (no recursion, no per-node regex): text is
credited to its innermost block element, link text is counted apart, and each paragraph's
length flows to the block that holds it and half to that block's parent.
"""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .dom import BLOCK_TAGS, SKIP_TAGS, is_hidden, tag_of

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


@dataclass(frozen=True)
class Choice:
    element: etree._Element
    rule: str


def _text_len(el: etree._Element) -> int:
    return sum(len(t.strip()) for t in el.itertext() if isinstance(t, str))


def by_container(root: etree._Element, raw: str | None = None) -> Choice | None:
    """The first known container that holds real text (the longest if several match)."""
    for name, xpath in _COMPILED.items():
        if raw is not None and _MARKERS[name] not in raw:
            continue
        found = [el for el in xpath(root) if isinstance(el.tag, str)]
        if not found:
            continue
        best = max(found, key=_text_len)
        if _text_len(best) >= _MIN_CONTAINER_TEXT:
            return Choice(best, "container:" + name)
    return None


class _Stats:
    """One iterwalk: per block element, its own text, its own link text, and subtree totals."""

    def __init__(self) -> None:
        self.own: dict[etree._Element, int] = {}
        self.link: dict[etree._Element, int] = {}
        self.total: dict[etree._Element, int] = {}
        self.total_link: dict[etree._Element, int] = {}

    def run(self, root: etree._Element) -> None:
        blocks: list[etree._Element] = []
        skipped: list[bool] = []
        in_link = 0
        walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
        for event, el in walker:
            if event in ("comment", "pi"):
                self._credit(blocks, el.tail, in_link)
                continue
            if event == "start":
                tag = tag_of(el)
                skip = not tag or tag in SKIP_TAGS or is_hidden(el)
                skipped.append(skip)
                if skip:
                    walker.skip_subtree()
                    continue
                if tag in BLOCK_TAGS or tag in ("td", "th"):
                    blocks.append(el)
                in_link += tag == "a"
                self._credit(blocks, el.text, in_link)
                continue
            if not skipped.pop():
                in_link -= tag_of(el) == "a"
                if blocks and blocks[-1] is el:
                    blocks.pop()
                    self._roll_up(el, blocks)
            self._credit(blocks, el.tail, in_link)

    def _credit(self, blocks: list[etree._Element], text: str | None, in_link: int) -> None:
        if not text or not blocks:
            return
        n = len(text.strip())
        if n:
            el = blocks[-1]
            self.own[el] = self.own.get(el, 0) + n
            if in_link:
                self.link[el] = self.link.get(el, 0) + n

    def _roll_up(self, el: etree._Element, blocks: list[etree._Element]) -> None:
        total = self.total.get(el, 0) + self.own.get(el, 0)
        link = self.total_link.get(el, 0) + self.link.get(el, 0)
        self.total[el], self.total_link[el] = total, link
        if blocks:
            parent = blocks[-1]
            self.total[parent] = self.total.get(parent, 0) + total
            self.total_link[parent] = self.total_link.get(parent, 0) + link


def _block_parent(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and tag_of(parent) not in BLOCK_TAGS and tag_of(parent) not in ("td", "th"):
        parent = parent.getparent()
    return parent


def by_density(root: etree._Element) -> Choice | None:
    """The block with the most paragraph text, discounted by its link density."""
    stats = _Stats()
    stats.run(root)
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


def choose(root: etree._Element, raw: str | None = None) -> Choice | None:
    return by_container(root, raw) or by_density(root)
