"""Metadata written by inline scripts at a label: "发布时间：<script>var pubdata='2017年07月10日';
if(pubdata!=''){document.write(pubdata);}</script>".

TRS WCM and similar templates print the date, 来源 or 作者 with document.write of a string that
was filled in at publication. The browser shows that text at the label, so it is visible
metadata; the rendered lines skip scripts and see "发布时间：" with nothing after it.

This is no JavaScript interpreter. Within one script, string literals, variables assigned from
them, `+`, and substring/substr/slice with number arguments are evaluated; a write with any other
term (`new Date()`, a function call, an array element) is unknown and reads as nothing, so clocks,
copyright years and counters never count. A write counts only at a label: the text just before
the script ends with one ("发布时间："), or the written text starts with one
(`document.write('文章来源：'+wzly)`). Conditions are not evaluated: the usual `if(x!='')` only
keeps an empty value from being written, and an empty value reads as nothing anyway.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import replace

from lxml import etree

from archiver.extraction.dom import SKIP_TAGS, norm, tag_of
from archiver.extraction.metaline import (
    ENDING_LABEL,
    MAY_HOLD_LABEL,
    Field,
    best_fields,
    is_meta_line,
    label_of,
)

# One token per match, comments as "" (the group does not take part); a dotted name
# ("document.write", "s.substring") is one token, and "==", "!=", "+=" are tokens of their own,
# so that "=" alone is an assignment
_TOKEN = re.compile(r"""//[^\n]*|/\*.*?\*/|('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|"""
                    r"""[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*|\d+|[=!]==?|\+=|\S)""", re.S)
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "", "f": "", "v": "", "0": ""}
_WRITES = ("document.write", "document.writeln")
_STATEMENTS = frozenset((*_WRITES, "=", "+="))
_SLICES = ("substring", "substr", "slice")
_TAG = re.compile(r"<[^<>]*>")
# the text before a script is read this far back: enough for a label padded to width ("来　　源："),
# and a script further from it is not at it
_NEAR = 30


def script_fields(root: etree._Element) -> dict[str, Field]:
    """The labelled fields that scripts write at labels, read as metadata lines are (the most
    specific label per field), each marked as read from a script."""
    return {name: replace(f, via="script") for name, f in best_fields(script_lines(root)).items()}


def script_lines(root: etree._Element) -> list[str]:
    """Labelled lines as the scripts at labels write them ("发布时间：2017年07月10日"). Scripts in
    hidden elements are already gone from the tree (core drops hidden subtrees first)."""
    lines: list[str] = []
    for script, code in _writing_scripts(root):
        # tokenising costs about 0.15 ms per 1,000 characters: only with a label before the script
        # or in it (most scripts that write are share buttons, clocks, counters and ad loaders)
        label = m.group() if (m := _label_before(script)) else ""
        if not label and not MAY_HOLD_LABEL.search(code):
            continue
        if not (written := _shown(_written(code))):  # nothing known, or an empty value
            continue
        line = label + written
        if is_meta_line(line):  # a label before the script, or one the script writes first
            lines.append(line)
    return lines


def written_labels(root: etree._Element) -> frozenset[str]:
    """The labels ("来源") right before a script that writes: the page shows that script's
    output as the label's value, whatever it is (empty, or beyond script_lines' reading), so
    the line after the label is not its value."""
    return frozenset(label_of(m) for script, _ in _writing_scripts(root) if (m := _label_before(script)))


def _writing_scripts(root: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """The inline scripts in <body> that call document.write, with their code (a script in
    <head> sits at no label)."""
    body = root.find("body")
    for script in (body if body is not None else root).iter("script"):
        code = script.text
        if code and "document.write" in code:  # most scripts: one substring test each
            yield script, code


def _label_before(script: etree._Element) -> re.Match[str] | None:
    """The label that the visible text just before `script` ends with ("发布时间："), if any."""
    return ENDING_LABEL.search(_text_before(script))


def _text_before(el: etree._Element) -> str:
    """The last _NEAR characters of visible text before `el` in reading order (other scripts,
    styles and comments give only their tails), or "" when that text does not end with a colon:
    then no label ends it, and the look back stops at the first piece. Pieces join with a space:
    a headline's last character must not glue to the label below it (labels allow spaces
    between characters)."""
    pieces: list[str] = []
    n = 0
    for text in _backwards(el):
        if text and not text.isspace():
            if not pieces and not text.rstrip().endswith((":", "：")):
                return ""
            pieces.append(text)
            n += len(text)
            if n >= _NEAR:
                break
    return norm(" ".join(reversed(pieces)))[-_NEAR:]


def _backwards(el: etree._Element) -> Iterator[str | None]:
    """Text before `el`, piece by piece, in reverse reading order. A stack, not recursive
    generators: each level of those would cost every piece that passes through it."""
    node = el
    while (parent := node.getparent()) is not None:
        for prev in node.itersiblings(preceding=True):
            yield prev.tail
            stack: list[etree._Element | str | None] = [prev]
            while stack:
                item = stack.pop()
                if item is None or isinstance(item, str):
                    yield item
                elif tag_of(item) and tag_of(item) not in SKIP_TAGS:  # comments; scripts, styles
                    stack.append(item.text)
                    for child in item:  # popped last child first, each after its tail
                        stack += (child, child.tail)
        yield parent.text
        node = parent


def _shown(written: str) -> str:
    """Written markup as the page shows it: tags out, entities read (&emsp;), spaces collapsed."""
    return norm(html.unescape(_TAG.sub(" ", written)))


def _written(code: str) -> str:
    """What the script writes, in order, up to its first write of an unknown value."""
    tokens = list(filter(None, _TOKEN.findall(code)))
    names: dict[str, str | None] = {}
    out: list[str] = []
    done = 0
    # only assignments and writes are read: the loop visits those tokens, not every token
    for i in [k for k, tok in enumerate(tokens) if tok in _STATEMENTS]:
        if i < done:  # inside an expression already read
            continue
        tok = tokens[i]
        if tok in _WRITES:
            if tokens[i + 1:i + 2] != ["("]:
                continue
            value, done = _expr(tokens, i + 2, names)
            if value is None or tokens[done:done + 1] != [")"]:
                break
            out.append(value)
        elif i and _is_name(name := tokens[i - 1]):
            value, done = _expr(tokens, i + 1, names)
            if tok == "+=":
                value = None if value is None or names.get(name) is None else f"{names[name]}{value}"
            names[name] = value
    return "".join(out)


def _is_name(tok: str) -> bool:
    return (tok[0].isalpha() or tok[0] in "_$") and "." not in tok


def _expr(tokens: list[str], i: int, names: dict[str, str | None]) -> tuple[str | None, int]:
    """A concatenation of terms from tokens[i]: (its value, or None if any term is unknown;
    the index after it)."""
    parts: list[str | None] = []
    while True:
        value, i = _term(tokens, i, names)
        parts.append(value)
        if i >= len(tokens) or tokens[i] != "+":
            break
        i += 1
    return (None if None in parts else "".join(p for p in parts if p is not None)), i


def _term(tokens: list[str], i: int, names: dict[str, str | None]) -> tuple[str | None, int]:
    if i >= len(tokens):
        return None, i
    tok = tokens[i]
    value: str | None
    if tok[0] in "'\"":
        value, i = _unquote(tok[1:-1]), i + 1
        if i + 1 < len(tokens) and tokens[i] == "." and tokens[i + 1] in _SLICES:
            return _call(tokens, i + 2, value, tokens[i + 1])
        return value, i
    if tok.isdigit():
        return tok, i + 1
    if tok == "(":
        value, i = _expr(tokens, i + 1, names)
        return (value, i + 1) if i < len(tokens) and tokens[i] == ")" else (None, i)
    if not (tok[0].isalpha() or tok[0] in "_$"):
        return None, i
    base, _, method = tok.rpartition(".")
    if base and method in _SLICES and "." not in base:
        return _call(tokens, i + 1, names.get(base), method)
    if "." in tok or tokens[i + 1:i + 2] == ["("]:  # a property or a call: not a known string
        return None, _skip_call(tokens, i + 1)
    return names.get(tok), i + 1


def _call(tokens: list[str], i: int, value: str | None, method: str) -> tuple[str | None, int]:
    """`value.method(a[, b])` with number arguments, from the "(" at tokens[i]."""
    end = _skip_call(tokens, i)
    args = tokens[i + 1:end - 1]
    if value is None or not args or args[1:2] not in ([], [","]) or len(args) not in (1, 3) \
            or not all(a.isdigit() for a in args[::2]):
        return None, end
    a, b = int(args[0]), (int(args[2]) if len(args) == 3 else None)
    if method == "substr":
        return value[a:None if b is None else a + b], end
    if method == "substring" and b is not None and b < a:
        a, b = b, a
    return value[a:b], end


def _skip_call(tokens: list[str], i: int) -> int:
    """The index after a balanced "(...)" starting at tokens[i] (i itself when none starts there)."""
    if i >= len(tokens) or tokens[i] != "(":
        return i
    depth = 0
    for j in range(i, len(tokens)):
        depth += {"(": 1, ")": -1}.get(tokens[j], 0)
        if depth == 0:
            return j + 1
    return len(tokens)


def _unquote(body: str) -> str:
    return _ESCAPE.sub(_unescape_one, body) if "\\" in body else body


def _unescape_one(m: re.Match[str]) -> str:
    code = m.group(1)
    if len(code) > 1:  # \u4e2d, \x41
        return chr(int(code[1:], 16))
    return _ESCAPES.get(code, code)
