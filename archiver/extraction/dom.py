"""Parsing and text rendering shared by the extraction stages (lxml, no recursion).

Every walk here is iterative (`etree.iterwalk`), so a page nested 5,000 levels deep costs time,
not stack.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table "
    "tbody thead tfoot tr ul br html caption".split()
)
_LINE_BREAKERS = BLOCK_TAGS | {"td", "th"}
SKIP_TAGS = frozenset("script style noscript template iframe object embed select option button textarea svg head".split())
_WS = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
# C0 controls and lone surrogates (from surrogateescape decoding) are not XML-compatible:
# lxml refuses them when the tree is edited or serialised, so they go before parsing
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


@dataclass(frozen=True)
class Line:
    text: str
    order: int  # document order of the element where the line starts
    hidden: bool = False


def parse(text: str) -> etree._Element:
    """Parse HTML text; raises ValueError when nothing parseable remains."""
    text = _UNSAFE.sub("", text) if text else ""
    if not text.strip():
        raise ValueError("empty document")
    # bytes + explicit utf-8: lxml refuses str input that carries an XML encoding declaration.
    # A plain etree parser, not lxml.html's: that one looks up a Python element class for every
    # element proxy, a third of the tree-walking cost; the tree itself is the same libxml2 tree.
    # A new parser per call (0.5 µs) keeps parse() thread-safe.
    parser = etree.HTMLParser(encoding="utf-8", huge_tree=True, remove_blank_text=False)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError) as exc:
        raise ValueError(f"unparseable document: {exc}") from exc
    if root is None:
        raise ValueError("unparseable document")
    return root


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
    return bool(style and _HIDDEN.search(style)) or "hidden" in attrib


def doc_order(root: etree._Element) -> dict[etree._Element, int]:
    return {el: i for i, el in enumerate(root.iter())}


def _is_data_cell(cell: etree._Element) -> bool:
    """A cell of a data table (one line per row) rather than a layout cell holding a page:
    layout cells nest tables or hold long text."""
    if cell.find(".//table") is not None:
        return False
    return sum(len(t) for t in cell.itertext()) < 300


class _Renderer:
    """Collects lines: block elements break lines, table cells join with one space."""

    def __init__(self, order: dict[etree._Element, int] | None, skip_hidden: bool) -> None:
        self.order = order
        self.skip_hidden = skip_hidden
        self.lines: list[Line] = []
        self.buf: list[str] = []
        self.start = 0
        self.cell_depth = 0
        self.hidden_depth = 0
        self.data_cells: set[etree._Element] = set()

    def flush(self) -> None:
        text = norm("".join(self.buf))
        if text:
            self.lines.append(Line(text, self.start, self.hidden_depth > 0))
        self.buf = []

    def add(self, text: str | None, el: etree._Element) -> None:
        if text:
            if not self.buf and self.order is not None:
                self.start = self.order.get(el, self.start)
            self.buf.append(text)

    def run(self, root: etree._Element) -> list[Line]:
        walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
        state: list[int] = []  # per open element: 0 normal, 1 skipped, 2 hidden but rendered
        for event, el in walker:
            if event in ("comment", "pi"):  # only their tail is text: "<!-- 标题 begin -->标题"
                self.add(el.tail, el.getparent())
                continue
            if event == "start":
                tag = tag_of(el)
                hidden = is_hidden(el)
                if not tag or tag in SKIP_TAGS or (self.skip_hidden and hidden):
                    walker.skip_subtree()  # iterwalk still sends this element's "end"
                    state.append(1)
                else:
                    state.append(2 if hidden else 0)
                    self.open(el, tag, hidden)
                continue
            mode = state.pop()
            if mode != 1:
                self.close(el, tag_of(el), mode == 2)
            if el is not root:
                self.add(el.tail, el.getparent())
        self.flush()
        return self.lines

    def open(self, el: etree._Element, tag: str, hidden: bool) -> None:
        if tag in ("td", "th") and (self.cell_depth or _is_data_cell(el)):
            self.data_cells.add(el)
            self.cell_depth += 1
        elif tag in _LINE_BREAKERS and not self.cell_depth:
            self.flush()
        if hidden:
            self.hidden_depth += 1
        self.add(el.text, el)

    def close(self, el: etree._Element, tag: str, hidden: bool) -> None:
        if el in self.data_cells:
            self.cell_depth -= 1
            self.buf.append(" ")
        elif tag == "tr" or (tag in _LINE_BREAKERS and not self.cell_depth):
            self.flush()
        if hidden:
            self.hidden_depth -= 1


def render(root: etree._Element, order: dict[etree._Element, int] | None = None,
           skip_hidden: bool = True) -> list[Line]:
    """Text lines of `root` in reading order (one per paragraph, one per table row)."""
    return _Renderer(order, skip_hidden).run(root)


def text_of(el: etree._Element) -> str:
    return " ".join(line.text for line in render(el))
