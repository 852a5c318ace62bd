"""Parsing and text rendering shared by the extraction stages (lxml, no recursion).

Every walk here is iterative (`etree.iterwalk`), so a page nested 5,000 levels deep costs time,
not stack.
"""
from __future__ import annotations

import itertools
import re
from typing import NamedTuple

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
# C0 controls and lone surrogates (from surrogateescape decoding) are not XML-compatible:
# lxml refuses them when the tree is edited or serialised, so they go before parsing
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
# the same C0 controls as UTF-8 bytes: below 0x80 a UTF-8 byte is always the ASCII character
_C0_BYTES = bytes((*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Class names that hide an element in the stylesheets of the frameworks that rendered-DOM
# snapshots come from (Angular ng-hide, Bootstrap d-none/sr-only, site .hide/.hidden).
# Whole tokens only: Bootstrap's responsive "hidden-xs" shows the element on a desktop.
HIDDEN_CLASSES = frozenset(("hide", "hidden", "ng-hide", "d-none", "sr-only", "visually-hidden", "is-hidden"))
# html, head and body never count as hidden: an anti-flicker `<body style="display:none">` is
# shown by a script
_NEVER_DROPPED = frozenset(("html", "body", "head"))
_ARIA_TRUE = frozenset(("true", "TRUE", "True"))


class Line(NamedTuple):
    """One rendered line (a tuple: a page makes thousands, and a frozen dataclass's
    __init__ costs three times as much)."""

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
    if not text:
        return ""
    # str.split() splits on exactly what the regex \s matches (&nbsp; and U+3000 included);
    # the zero-width spaces are replaced first. Three times a regex's speed on short strings
    if "\u200b" in text or "\ufeff" in text:
        text = text.replace("\u200b", " ").replace("\ufeff", " ")
    return " ".join(text.split())


def tag_of(el: etree._Element) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def hides(style: str) -> bool:
    """A style that hides its element (HIDDEN_STYLE)."""
    # Word-pasted paragraphs carry styles of hundreds of characters, where the case-blind
    # regex tries every position, and most of them say "none" (border:none). Its branches
    # hold "none" and "play", or "dden", and no character but an ASCII letter matches
    # n, o, e, d, p, l, a or y case-blind (checked over all of Unicode; i and s have
    # non-ASCII matches, so "display" itself is not looked for)
    low = style.lower()
    return (("none" in low and "play" in low) or "dden" in low) and HIDDEN_STYLE.search(style) is not None


def is_hidden(el: etree._Element) -> bool:
    """Hidden by a style, the hidden attribute, aria-hidden="true" or a hiding class."""
    names = el.keys()  # one call for the names, then only the values present
    return bool(names) and (
        ("style" in names and hides(el.get("style")))
        or "hidden" in names
        or ("aria-hidden" in names and el.get("aria-hidden") in _ARIA_TRUE)
        or ("class" in names and _hiding_class(el.get("class"))))


def _hiding_class(classes: str) -> bool:
    # every hiding class holds one of these stems: most class lists are never split
    return ("hid" in classes or "d-none" in classes or "sr-only" in classes) and \
        not HIDDEN_CLASSES.isdisjoint(classes.split())


def drop_keeping_tail(el: etree._Element) -> None:
    """Remove `el` from its tree but keep its tail text where it was."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def doc_order(root: etree._Element) -> dict[etree._Element, int]:
    return dict(zip(root.iter(), itertools.count()))  # C-level pairing: twice the dict comprehension's speed


def text_content(el: etree._Element) -> str:
    """The text of `el` and its descendants, without its tail: "".join(el.itertext()) (comments'
    and processing instructions' own text left out likewise), serialised by libxml2 in one C
    call, three times faster than joining itertext()'s pieces."""
    return etree.tostring(el, method="text", encoding="unicode", with_tail=False)


def is_data_cell(cell: etree._Element) -> bool:
    """A cell of a data table (one line per row) rather than a layout cell holding a page:
    layout cells nest tables or hold long text."""
    if next(cell.iter("table"), None) is not None:  # C-level iter(), not find()'s Python ElementPath
        return False
    # a cell without a nested table holds no other cell: its whole text is copied once at most
    return len(text_content(cell)) < 300


def text_longer(el: etree._Element, limit: int) -> bool:
    """More than `limit` characters of text in `el`: stops reading there (a layout cell or a
    wrapper holds the whole page, and this is asked of many of them)."""
    n = 0
    for piece in el.itertext():
        n += len(piece)
        if n > limit:
            return True
    return False


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
# one look-up per element: the tag's kind bits (the flag bits above, plus these)
_K_SKIP, _K_CELL, _K_BREAK, _K_ROOTISH = 256, 512, 1024, 2048
_KIND: dict[str, int] = {}
for _tag in _LINE_BREAKERS | SKIP_TAGS | {"html", "body", "head"}:
    _KIND[_tag] = (_TAG_FLAGS.get(_tag, 0) | (_K_SKIP if _tag in SKIP_TAGS else 0)
                   | (_K_CELL if _tag in _CELLS else 0) | (_K_BREAK if _tag in _LINE_BREAKERS else 0)
                   | (_K_ROOTISH if _tag in ("html", "body", "head") else 0))


def text_lines(root: etree._Element, order: dict[etree._Element, int] | None = None,
               skip_hidden: bool = True, stats: BlockStats | None = None,
               hidden_out: list[etree._Element] | None = None) -> list[Line]:
    """Text lines of `root` in reading order (one per paragraph, one per table row); fills
    `stats` when given. Block elements break lines, table cells join with one space. One
    iterwalk, inlined: this loop sees every element of every page, so it avoids per-event
    method calls (and it fills `stats` on the way, which saved the density method a second walk).
    With `skip_hidden`, the outermost hidden elements are appended to `hidden_out` (the walk
    is where hidden elements are found at no extra pass: an XPath for them cost a third of a parse)."""
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
    get_kind = _KIND.get
    for event, el in walker:
        if event == "start":
            # start events carry elements only (comments and PIs have their own events), and
            # the HTML parser lower-cases tag names: no isinstance/lower() per element
            tag = el.tag
            kind = get_kind(tag, 0)
            if kind & _K_SKIP:
                walker.skip_subtree()  # iterwalk still sends this element's "end"
                stack.append(_SKIPPED)
                continue
            hidden = not kind & _K_ROOTISH and is_hidden(el)
            if hidden and skip_hidden:
                if hidden_out is not None:
                    hidden_out.append(el)
                walker.skip_subtree()
                stack.append(_SKIPPED)
                continue
            flags = _HID if hidden else 0
            # the rendered root is never a data cell: a chosen cell is a layout cell holding the page
            if kind & _K_CELL and el is not root and (cell_depth or is_data_cell(el)):
                flags |= _CELL
                cell_depth += 1
            elif kind & _K_BREAK and not cell_depth:
                started = False
                if buf:
                    start, buf = _flush(lines, buf, start, hidden_depth)
            flags |= kind & (_BREAK | _TR)
            hidden_depth += hidden
            if counting and not hidden_depth:
                if kind & _K_BREAK:
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
            n = len(text.strip())  # once: the block statistics and the blank test both need it
            if n and blocks and not hidden_depth:
                holder = blocks[-1]
                own[holder] = own.get(holder, 0) + n
                if in_link:
                    link[holder] = link.get(holder, 0) + n
            if not buf:
                if not started and order is not None:  # a tail's line starts at its parent
                    start = order.get(el.getparent() if tail else el, start)
                # indentation between blocks: norm() would strip it from the line's start anyway
                if not n:
                    started = True
                    continue
            buf.append(text)
    if buf:
        _flush(lines, buf, start, hidden_depth)
    return lines


def renders_alone(el: etree._Element) -> bool:
    """text_lines over a page rendered `el`'s lines as text_lines from `el` renders them: `el`
    is a block, so lines broke at its edges; not a table cell, nor inside a data cell (whose
    text runs on as one line); not hidden (from a hidden root, nothing is rendered)."""
    return (tag_of(el) in BLOCK_TAGS and not is_hidden(el)
            and not any(is_data_cell(cell) for cell in el.iterancestors("td", "th")))


def _flush(lines: list[Line], buf: list[str], start: int, hidden_depth: int) -> tuple[int, list[str]]:
    if text := norm("".join(buf)):  # indentation between blocks norms to nothing
        lines.append(Line(text, start, hidden_depth > 0))
    return start, []


def text_of(el: etree._Element) -> str:
    return " ".join(line.text for line in text_lines(el))
