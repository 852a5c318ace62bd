"""Find the article's content container: known CMS containers first, then text density.

The density method reads statistics gathered while the page is rendered to lines (one
iterative pass, no recursion, no per-node regex): text is credited to its innermost block
element, link text is counted apart, and each paragraph's length flows to the block that holds
it and half to that block's parent.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

from lxml import etree

from archiver.extraction.clean import boiler_rule
from archiver.extraction.dates import find_dates
from archiver.extraction.dom import (
    BLOCK_TAGS,
    BlockStats,
    is_data_cell,
    norm,
    tag_of,
    text_content,
    text_lines,
)
from archiver.extraction.metaline import is_meta_line

_CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"
# name -> XPath. Strong hints from TRS, Hanweb, UCAP and 集约化 templates (research §2.2–2.4).
# "/descendant::x[p]" selects what "//x[p]" does (no positional predicate here) without
# libxml2 first collecting every node of the page: a fifth faster
CONTAINERS: dict[str, str] = {
    "TRS_Editor": "/descendant::div[" + _CLASS.format("TRS_Editor") + "]",
    "TRS_UEDITOR": "/descendant::div[" + _CLASS.format("TRS_UEDITOR") + "]",
    "Custom_UnionStyle": "/descendant::div[" + _CLASS.format("Custom_UnionStyle") + "]",
    "TRS_PreAppend": "/descendant::div[" + _CLASS.format("TRS_PreAppend") + "]",
    "ZJEG_RSS": "//comment()[contains(., 'ZJEG_RSS.content.begin')]/..",
    "ContentStart": "//meta[@name='ContentStart']/..",
    "#zoom": "/descendant::*[@id='zoom']",
    ".zoom": "/descendant::div[" + _CLASS.format("zoom") + "]",
    "#UCAP-CONTENT": "/descendant::*[@id='UCAP-CONTENT']",
    ".pages_content": "/descendant::*[" + _CLASS.format("pages_content") + "]",
}
_COMPILED = {name: etree.XPath(expr) for name, expr in CONTAINERS.items()}
# a container's XPath runs only if its marker occurs in the page text at all (cheap pre-test)
_MARKERS = {name: name.lstrip("#.") for name in CONTAINERS}
_MIN_CONTAINER_TEXT = 40
_SHORT_BLOCK = 400
MEDIA_TAGS = ("img", "video", "embed", "object", "iframe", "source")
# a block whose text is at least this share of footer lines (ICP/公网安备/版权所有/Copyright) is
# the site footer; a short article ending in a copyright line stays well below it
_FOOTER_SHARE = 1 / 3
_RUNNERS_UP = 4
_DATA_ROWS = 4


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


def _table_of(cell: etree._Element) -> etree._Element | None:
    for up in cell.iterancestors("table"):
        return up
    return None


def by_density(root: etree._Element, stats: BlockStats | None = None) -> Choice | None:
    """The block with the most paragraph text, discounted by its link density. `stats` come
    from the page's line rendering when the caller has one (core does), else one is made."""
    if stats is None:
        stats = BlockStats()
        text_lines(root, stats=stats)
    score: dict[etree._Element, float] = {}
    tables: dict[etree._Element, bool] = {}
    for el, own in stats.own.items():
        text = own - stats.link.get(el, 0)
        if text < 10:
            continue
        tag = tag_of(el)
        holder = el if tag in ("div", "td", "section", "article", "body") else _block_parent(el)
        # Rule data-table-body: the cells of a data table (a 行政处罚信息公开表, a 信息公开 card
        # laid out as rows) are one text; credited cell by cell, no cell outweighs a link list
        # (text written straight into the cell; a cell of paragraphs is a layout cell)
        if tag in ("td", "th") and is_data_cell(el):
            table = _table_of(holder)
            holder = table if table is not None else holder
        elif holder is not None and tag_of(holder) in ("td", "th") and is_data_cell(holder):
            # the same for a cell of short paragraphs (Word-pasted tables wrap every cell's
            # text in <p><span>), in a table of rows rather than a layout's few cells
            table = _table_of(holder)
            if table is not None and _is_row_table(table, tables):
                holder = table
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
    if _is_footer(best, stats):
        # Rule footer-not-body: a short article (a one-paragraph 快讯) can score below the site's
        # copyright block; the footer is never the article, so the best block that is not one wins
        best = next((el for el in heapq.nlargest(_RUNNERS_UP, score, key=final)
                     if not _is_footer(el, stats)), best)
    climbed = _climb(best, stats)
    return Choice(climbed, "density" if climbed is best else "density+siblings")


def _is_row_table(table: etree._Element, seen: dict[etree._Element, bool]) -> bool:
    """A table of data rows: at least _DATA_ROWS rows of two or more cells (a layout table
    has a few rows, its cells side by side); remembered per table in `seen`."""
    if table not in seen:
        rows = 0
        for row in table.iter("tr"):
            rows += sum(1 for cell in row if tag_of(cell) in ("td", "th")) >= 2
            if rows >= _DATA_ROWS:
                break
        seen[table] = rows >= _DATA_ROWS
    return seen[table]


def _is_footer(el: etree._Element, stats: BlockStats) -> bool:
    """A short block made mostly of footer lines (licence numbers, 版权所有, Copyright). Long
    blocks are never tested: a footer is short, and the test renders the block."""
    if _plain(el, stats) >= _SHORT_BLOCK:
        return False
    lines = [ln.text for ln in text_lines(el)]
    marked = sum(len(line) for line in lines if boiler_rule(line) == "footer")
    return marked > 0 and marked >= _FOOTER_SHARE * sum(map(len, lines))


def _climb(best: etree._Element, stats: BlockStats) -> etree._Element:
    """Rule split-body: an article whose text sits in sibling blocks (题记, verses and 注释 in
    three divs; parts of a long article) is their common parent, when that parent adds a real
    share of plain text, few links and no headline. Wrappers that add nothing are passed
    through but kept only below such a parent."""
    cur = chosen = best
    if _plain(best, stats) >= _SHORT_BLOCK:  # long text in one block is the article; its parent adds chrome
        return best
    for _ in range(4):
        parent = _block_parent(cur)
        if parent is None or tag_of(parent) in ("body", "html"):
            break
        plain, up_total = _plain(cur, stats), stats.total.get(parent, 0)
        up_plain = up_total - stats.total_link.get(parent, 0)
        linky = stats.total_link.get(parent, 0) > 0.15 * up_total
        if linky or next(parent.iter("h1", "h2", "h3"), None) is not None or _holds_meta_line(parent, cur):
            break
        if up_plain <= plain * 1.1:
            cur = parent  # a wrapper
            continue
        if up_plain < plain * 1.25 or up_plain > plain * 3:
            break
        cur = chosen = parent
    return chosen


def _holds_meta_line(parent: etree._Element, inside: etree._Element) -> bool:
    """A child block of `parent` (other than the one holding `inside`) that is a metadata line
    (发布时间：… 来源：…): the parent is the article header's wrapper, not the body's."""
    for child in parent:
        if child is inside or not isinstance(child.tag, str):
            continue
        text = norm(text_content(child)[:200])
        if text and len(text) <= 120 and (is_meta_line(text) or find_dates(text)):
            return True
    return False


def _plain(el: etree._Element, stats: BlockStats) -> int:
    return stats.total.get(el, 0) - stats.total_link.get(el, 0)


def choose(root: etree._Element, raw: str | None = None, stats: BlockStats | None = None) -> Choice | None:
    return by_container(root, raw) or by_density(root, stats)
