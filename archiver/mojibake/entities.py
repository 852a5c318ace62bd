"""HTML character references that reached the text undecoded, once or several times escaped.

`&#36816;` shown as literal text, `&amp;ldquo;` (escaped twice), `&amp;amp;rdquo;`
(three times), `R&amp;amp;D`: each nested reference is decoded to a fixed point with the
stdlib's HTML5 table. Only references with their closing ';' are touched (why: HTML5
also decodes legacy `&copy` without ';', which would rewrite query strings in URLs).
"""
from __future__ import annotations

import html
import re

from archiver.mojibake.report import Change

# One character reference with its closing ';': &#36816; &#x8FD0; &ldquo;
REFERENCE = r"#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};"
ENTITY = re.compile(rf"&(?:amp;)*(?:{REFERENCE})|&(?:amp;)+")
# In HTML source, escaping beyond the one level markup needs: "&amp;ldquo;", "&amp;amp;".
_BEYOND_ONE = rf"amp;(?:amp;|{REFERENCE})"  # after the "&"
EXTRA_LAYER = re.compile("&" + _BEYOND_ONE)
MAX_ROUNDS = 5  # escaping more than five times is not something pages do


def _decode(ref: str) -> str:
    for _ in range(MAX_ROUNDS):
        decoded = html.unescape(ref)
        if decoded == ref:
            break
        ref = decoded
    return ref


def _acceptable(before: str, after: str) -> bool:
    if after == before or "\ufffd" in after:
        return False
    # An undecodable name stays as entity text: only accept when a reference was resolved.
    return all(ch.isprintable() or ch in "\t\n\r" for ch in after)


def unescape_entities(text: str) -> tuple[str, list[Change]]:
    """Text with literal character references decoded, and one Change per reference."""
    if "&" not in text:
        return text, []
    changes: list[Change] = []
    out, pos = [], 0
    for m in ENTITY.finditer(text):
        before = m.group()
        after = _decode(before)
        if not _acceptable(before, after):
            continue
        changes.append(Change(m.start(), m.end(), before, after, "html_entity", 0.99))
        out += [text[pos : m.start()], after]
        pos = m.end()
    return "".join(out) + text[pos:], changes


# Only escaping beyond one level matches: a plain "&amp;" of a URL's query string is no match
# at all (why: pages hold hundreds of them, each a round through the loop below)
_MARKUP_LAYERS = re.compile(rf"&(?={_BEYOND_ONE})((?:amp;)+)({REFERENCE})?")


def unescape_extra_layers(markup: str) -> tuple[str, list[Change]]:
    """In HTML source, undo only the escaping *beyond* the one level HTML needs.

    ``&amp;`` is how markup writes "&" and ``&#36816;`` is how it writes 运: the
    parser decodes both, so they stay. ``&amp;ldquo;`` shows "&ldquo;" to a reader
    and becomes ``&ldquo;``; ``&amp;amp;`` shows "&amp;" and becomes ``&amp;``.
    Decoding references in markup would turn ``&lt;p&gt;`` shown as text into a tag.
    """
    if "&amp;" not in markup:
        return markup, []
    changes: list[Change] = []
    out, pos = [], 0
    for m in _MARKUP_LAYERS.finditer(markup):
        layers, ref = len(m.group(1)) // 4, m.group(2)
        if ref is not None and html.unescape("&" + ref) == "&" + ref:
            ref = None  # not a reference HTML knows: "&amp;foo;" is plain text
        if ref is None and layers < 2:
            continue
        after = "&" + ref if ref is not None else "&amp;"
        changes.append(Change(m.start(), m.end(), m.group(), after, "html_entity", 0.95))
        out += [markup[pos : m.start()], after]
        pos = m.end()
    return "".join(out) + markup[pos:], changes
