"""Parsing and text rendering shared by the extraction stages (lxml, no recursion).

Every walk here is iterative (`etree.iterwalk`), so a page nested 5,000 levels deep costs time,
not stack.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from lxml import etree

BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table "
    "tbody thead tfoot tr ul br html caption".split()
)
_CELLS = frozenset(("td", "th"))
_LINE_BREAKERS = BLOCK_TAGS | _CELLS
SKIP_TAGS = frozenset(
    "script style noscript template iframe object embed select option button textarea svg head".split())
_WS = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
# C0 controls and lone surrogates (from surrogateescape decoding) are not XML-compatible:
# lxml refuses them when the tree is edited or serialised, so they go before parsing
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
# the same C0 controls as UTF-8 bytes: below 0x80 a UTF-8 byte is always the ASCII character
_C0_BYTES = bytes((*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


@dataclass(frozen=True)
class Line:
    text: str
    order: int  # document order of the element where the line starts
    hidden: bool = False


def parse(text: str) -> etree._Element:
    """Parse HTML text; raises ValueError when nothing parseable remains."""
    head = text.lstrip() if text else ""
    # blank once the unsafe characters go: only possible when one of them comes first
    if not head or (_UNSAFE.match(head) and not _UNSAFE.sub("", text).strip()):
        raise ValueError("empty document")
    # bytes + explicit utf-8: lxml refuses str input that carries an XML encoding declaration.
    # A plain etree parser, not lxml.html's: that one looks up a Python element class for every
    # element proxy, a third of the tree-walking cost; the tree itself is the same libxml2 tree.
    # A new parser per call (0.5 µs) keeps parse() thread-safe.
    parser = etree.HTMLParser(encoding="utf-8", huge_tree=True, remove_blank_text=False)
    try:
        root = etree.fromstring(_safe_utf8(text), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError) as exc:
        raise ValueError(f"unparseable document: {exc}") from exc
    if root is None:
        raise ValueError("unparseable document")
    return root


def _safe_utf8(text: str) -> bytes:
    """UTF-8 without the _UNSAFE characters; bytes.translate drops the controls four times
    faster than the regex over a 100k-character page."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        data = _SURROGATES.sub("", text).encode("utf-8")
    return data.translate(None, _C0_BYTES)


def norm(text: str | None) -> str:
    """Collapse every kind of space (&nbsp;, full-width, zero-width) to one ASCII space."""
    return _WS.sub(" ", text).strip() if text else ""


def tag_of(el: etree._Element) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def is_hidden(el: etree._Element) -> bool:
    attrib = el.attrib
    if not attrib:
        return False
    style = attrib.get("style")
    return bool(style and HIDDEN_STYLE.search(style)) or "hidden" in attrib


def doc_order(root: etree._Element) -> dict[etree._Element, int]:
    return dict(zip(root.iter(), itertools.count()))  # C-level pairing: twice the dict comprehension's speed


def _is_data_cell(cell: etree._Element) -> bool:
    """A cell of a data table (one line per row) rather than a layout cell holding a page:
    layout cells nest tables or hold long text."""
    if cell.find(".//table") is not None:
        return False
    return sum(len(t) for t in cell.itertext()) < 300


class BlockStats:
    """Text-density statistics of the visible block elements (blocks are the line breakers):
    own text and own link text, and subtree totals; stripped character counts, hidden
    subtrees left out. Filled by `text_lines` as a by-product, so the density method needs no
    walk of its own. Keys keep the order in which blocks first got text."""

    def __init__(self) -> None:
        self.own: dict[etree._Element, int] = {}
        self.link: dict[etree._Element, int] = {}
        self.total: dict[etree._Element, int] = {}
        self.total_link: dict[etree._Element, int] = {}


# per open element, bit flags kept on a stack so the close event needs no second look-up
_HID, _CELL, _BREAK, _SKIPPED, _TR, _BLOCK, _LINK = 1, 2, 4, 8, 16, 32, 64
_TAG_FLAGS = dict.fromkeys(_LINE_BREAKERS, _BREAK) | {"tr": _BREAK | _TR}


def text_lines(root: etree._Element, order: dict[etree._Element, int] | None = None,
               skip_hidden: bool = True, stats: BlockStats | None = None) -> list[Line]:
    """Text lines of `root` in reading order (one per paragraph, one per table row); fills
    `stats` when given. Block elements break lines, table cells join with one space. One
    iterwalk, inlined: this loop sees every element of every page, so it avoids per-event
    method calls (and it fills `stats` on the way, which saved the density method a second walk)."""
    lines: list[Line] = []
    buf: list[str] = []
    start = cell_depth = hidden_depth = in_link = 0
    blocks: list[etree._Element] = []  # open visible blocks, for `stats`
    counting = stats is not None
    st = stats if stats is not None else BlockStats()
    own, link, total, total_link = st.own, st.link, st.total, st.total_link
    started = False  # a blank text opened the current line: it set `start` but is not buffered
    stack: list[int] = []
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, el in walker:
        if event == "start":
            tag = el.tag
            tag = tag.lower() if isinstance(tag, str) else ""
            style = el.get("style")
            hidden = bool(style and HIDDEN_STYLE.search(style)) or el.get("hidden") is not None
            if not tag or tag in SKIP_TAGS or (skip_hidden and hidden):
                walker.skip_subtree()  # iterwalk still sends this element's "end"
                stack.append(_SKIPPED)
                continue
            flags = _HID if hidden else 0
            # the rendered root is never a data cell: a chosen cell is a layout cell holding the page
            if tag in _CELLS and el is not root and (cell_depth or _is_data_cell(el)):
                flags |= _CELL
                cell_depth += 1
            elif tag in _LINE_BREAKERS and not cell_depth:
                started = False
                if buf:
                    start, buf = _flush(lines, buf, start, hidden_depth)
            flags |= _TAG_FLAGS.get(tag, 0)
            hidden_depth += hidden
            if counting and not hidden_depth:
                if tag in _LINE_BREAKERS:
                    blocks.append(el)
                    flags |= _BLOCK
                if tag == "a":
                    in_link += 1
                    flags |= _LINK
            stack.append(flags)
            text, tail = el.text, False
        elif event == "end":
            flags = stack.pop()
            if not flags & _SKIPPED:
                if flags & _CELL:
                    cell_depth -= 1
                    buf.append(" ")
                elif flags & _TR or (flags & _BREAK and not cell_depth):
                    started = False
                    if buf:
                        start, buf = _flush(lines, buf, start, hidden_depth)
                hidden_depth -= flags & _HID
                if flags & _LINK:
                    in_link -= 1
                if flags & _BLOCK:
                    blocks.pop()
                    sub, sub_link = total.get(el, 0) + own.get(el, 0), total_link.get(el, 0) + link.get(el, 0)
                    total[el], total_link[el] = sub, sub_link
                    if blocks:
                        up = blocks[-1]
                        total[up] = total.get(up, 0) + sub
                        total_link[up] = total_link.get(up, 0) + sub_link
            if el is root:
                continue
            text, tail = el.tail, True
        else:  # comments and PIs: only their tail is text ("<!-- 标题 begin -->标题")
            text, tail = el.tail, True
        if text:
            if blocks and not hidden_depth and (n := len(text.strip())):
                holder = blocks[-1]
                own[holder] = own.get(holder, 0) + n
                if in_link:
                    link[holder] = link.get(holder, 0) + n
            if not buf:
                if not started and order is not None:  # a tail's line starts at its parent
                    start = order.get(el.getparent() if tail else el, start)
                # indentation between blocks: norm() would strip it from the line's start anyway
                if not text.strip():
                    started = True
                    continue
            buf.append(text)
    if buf:
        _flush(lines, buf, start, hidden_depth)
    return lines


def _flush(lines: list[Line], buf: list[str], start: int, hidden_depth: int) -> tuple[int, list[str]]:
    text = "".join(buf)
    # most buffers are indentation between blocks: str.strip() rejects them before the regex
    if text.strip() and (text := norm(text)):
        lines.append(Line(text, start, hidden_depth > 0))
    return start, []


def text_of(el: etree._Element) -> str:
    return " ".join(line.text for line in text_lines(el))
