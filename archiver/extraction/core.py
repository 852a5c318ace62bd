"""`extract`: one composition of the extraction stages.

Text in (archiver.process decodes and repairs first). Stage order: parse → page kind
(challenge/error) → spam scan → meta tags → content container → clean body → metadata lines
around it (with no date line among them, also what scripts write at labels) → fields → page kind
(listing/search) → Article. Every field records the rule that produced it.
"""
from __future__ import annotations

import itertools
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from lxml import etree

from archiver.budget import Deadline
from archiver.extraction import attachments as att, body as body_mod, fields as fl, meta as meta_tags
from archiver.extraction.article import Article
from archiver.extraction.clean import TAIL_CUT, boiler_rule, is_widget_label, link_list_tail, prune
from archiver.extraction.dates import find_dates
from archiver.extraction.dom import (
    BlockStats,
    Line,
    drop_keeping_tail,
    norm,
    parse,
    renders_alone,
    text_content,
    text_lines,
)
from archiver.extraction.metaline import PUBLISHER_LABELS, best_fields, doc_fields, has_dangling, is_meta_line
from archiver.extraction.pagekind import classify_content, classify_raw
from archiver.extraction.scriptwrite import script_fields, written_labels
from archiver.extraction.selectors import select, select_text
from archiver.extraction.spam import is_spam, may_hold_spam
from archiver.listings.html import page_base

log = logging.getLogger(__name__)
_HEADER_LINES = 20
_AFTER_LINES = 10
_EDGE_HEAD, _EDGE_TAIL = 4, 6
_MEDIA_TEXT = 40
_UNSURE_BODY = 150
_SHORT_DOC, _NEAR_DATE_LINES = 20, 3
_DATE_WITHIN, _WIDGET_LINE = 4, 20  # header lines searched for the date; widget labels are short
_LONG_ANCHORS = etree.XPath("/descendant::a[string-length(normalize-space(.)) >= 8]")  # = //a[…], faster


def extract(text: str, url: str, *, selectors: Mapping[str, Sequence[str]] | None = None,
            deadline: Deadline | None = None) -> Article:
    """Extract one article record from decoded, repaired page text (archiver.process turns
    bytes into that text). Never raises on hostile HTML: unparseable or empty input gives
    page_kind "error" with the flag "empty". ``deadline`` (archiver.budget) is checked
    between the walks over the tree and raises OverBudget when passed."""
    if not isinstance(text, str):
        raise TypeError(f"extraction needs decoded text, not {type(text).__name__}")
    base: dict[str, Any] = {"url": url}
    try:
        root = parse(text)
    except ValueError as exc:
        log.debug("unparseable page %s: %s", url, exc)
        return Article(**base, flags=["empty", "not_article:error"], page_kind="error")
    if deadline is not None:
        deadline.check("parse")
    try:
        return _from_tree(root, text, url, dict(selectors or {}), base, [], drop_hidden=True,
                          deadline=deadline)
    except _ShownByScript:
        # a page whose content is hidden until a script shows it: read it as served, and say so
        log.debug("page %s shows its content by script; hidden text read", url)
        return _from_tree(parse(text), text, url, dict(selectors or {}), base, ["hidden_content_read"],
                          drop_hidden=False, deadline=deadline)


class _ShownByScript(Exception):
    """Nearly all of the page's text was hidden: the page reveals it by script."""


_SHOWN_BY_SCRIPT_VISIBLE, _SHOWN_BY_SCRIPT_HIDDEN = 200, 400


def _spam_lines(lines: list[Line], hidden_texts: list[str]) -> list[str]:
    if not may_hold_spam("\n".join([*(ln.text for ln in lines), *hidden_texts])):
        return []
    found = [ln.text for ln in lines if is_spam(ln.text, hidden=ln.hidden)]
    for t in hidden_texts:
        if t not in found and is_spam(t, hidden=True) and not any(t in f for f in found):
            found.append(t)
    return found


def _clean_lines(lines: list[str], title: str | None) -> tuple[list[str], list[str]]:
    """(body lines, metadata lines found at the body's edges)."""
    kept: list[str] = []
    edge_meta: list[str] = []
    n = len(lines)
    # a spam line holds a strong term: one look over the whole body spares most bodies the
    # per-line test (its phrase split and contact regex ran on every line)
    spam_possible = may_hold_spam("\n".join(lines))
    for i, line in enumerate(lines):
        at_edge = i < _EDGE_HEAD or i >= n - _EDGE_TAIL
        if (spam_possible and is_spam(line)) or boiler_rule(line):
            continue
        if at_edge and is_meta_line(line):
            edge_meta.append(line)
            continue
        if i < _EDGE_HEAD and title and line == title:
            continue
        if (i == 0 or i == n - 1) and is_widget_label(line):
            continue
        if TAIL_CUT.match(line) and i >= n // 2:
            break
        kept.append(line)
    return kept, edge_meta


def _regions(lines: list[Line], order: dict[etree._Element, int], span: tuple[int, int] | None,
             title_el: etree._Element | None) -> tuple[list[str], list[str], list[str]]:
    """(header lines between headline and body, lines after the body, all lines outside it);
    `span` is the body's first and last element in document order."""
    if span is None:
        return [], [], [ln.text for ln in lines]
    start, end = span
    # from the headline's parent: a line's order is where its first text sits, often a wrapper
    anchor = title_el.getparent() if title_el is not None else None
    low = order.get(anchor, -1) if anchor is not None and order.get(anchor, -1) < start else -1
    header = [ln.text for ln in lines if low <= ln.order < start and not ln.hidden][-_HEADER_LINES:]
    after = [ln.text for ln in lines if ln.order > end and not ln.hidden][:_AFTER_LINES]
    outside = [ln.text for ln in lines if not start <= ln.order <= end]
    return header, after, outside


def _title(root: etree._Element, meta: dict[str, str], sel: Mapping[str, Sequence[str]],
           order: dict[etree._Element, int], choice: body_mod.Choice | None, lines: list[Line],
           elements: list[etree._Element], tag_title: str
           ) -> tuple[str | None, str | None, etree._Element | None]:
    """Selector, ArticleTitle, the visible headline, og:title/JSON-LD, then the <title> tag
    (`tag_title`, fields.tag_title). og:title often carries a site suffix, so a headline it
    contains wins over it."""
    body_start = order.get(choice.element) if choice else None
    above = [(ln.text, ln.order) for ln in lines
             if not ln.hidden and (body_start is None or ln.order < body_start)]
    head = fl.headline(root, tag_title, order, body_start, fl.above_date_line(above, elements))
    head_el = head[1] if head else None
    if sel.get("title") and (found := select_text(root, sel["title"])):
        return found[0], found[1], head_el
    if found := meta_tags.pick(meta, "title"):
        trusted = found[1] == "meta:articletitle" or found[0] in tag_title
        if head and (joined := _with_subtitle(head[0], head_el, found[0])):
            return joined, f"{head[2]}+subtitle", head_el
        clipped = head and head[0] != found[0] and (head[0] in found[0] or found[0] in head[0])
        if trusted and not clipped:
            return found[0], found[1], head_el
    if head:
        return head[0], head[2], head_el
    visible = [ln.text for ln in lines if not ln.hidden]
    found = fl.line_in_title_tag(visible, tag_title) or fl.line_above_metaline(visible) \
        or fl.title_from_tag(tag_title)
    return (found[0], found[1], None) if found else (None, None, None)


def _headline_in_body(lines: list[str], title: str) -> tuple[str, int] | None:
    """(the first 1–4 body lines joined as displayed, how many) when they spell the title
    found elsewhere (whitespace aside: a <title> tag with a stray space)."""
    want = "".join(title.split())
    joined = ""
    for k, line in enumerate(lines[:4], start=1):
        joined = fl.join_lines(joined, line) if joined else line
        squeezed = "".join(joined.split())
        if squeezed == want:
            return joined, k
        if not want.startswith(squeezed):
            return None
    return None


def _with_subtitle(head: str, head_el: etree._Element | None, meta_title: str) -> str | None:
    """Rule title-with-subtitle: when the meta title is the headline and the sub-headline shown
    under it ("标题<div>——副题</div>" in ArticleTitle), the title is both, joined as the page
    shows them (no space between Chinese lines)."""
    sub = fl.subtitle(head_el, head)
    if not sub or sub in head:
        return None
    squeeze = "".join(meta_title.split())
    if squeeze != "".join((head + sub).split()):
        return None
    return fl.join_lines(head, sub)


def _container(root: etree._Element, sel: Mapping[str, Sequence[str]], raw: str,
               stats: BlockStats) -> body_mod.Choice | None:
    if sel.get("body") and (found := select(root, sel["body"])) and isinstance(found[0], etree._Element):
        return body_mod.Choice(found[0], found[1])
    return body_mod.choose(root, raw, stats)


def _pick_field(name: str, root: etree._Element, meta: dict[str, str], sel: Mapping[str, Sequence[str]],
                regions: list[dict], title: str | None = None) -> tuple[str | None, str | None]:
    """Selector, strong meta, labelled lines (in region order), weak meta."""
    if sel.get(name) and (found := select_text(root, sel[name])):
        return found
    if found := _strong_meta(name, meta, title):
        return found
    if found := _labelled(name, regions):
        return found
    if found := meta_tags.pick(meta, name, "weak"):
        return found
    return None, None


def _strong_meta(name: str, meta: dict[str, str], title: str | None) -> tuple[str, str] | None:
    # Rule meta-echoes-title: templates that fill ContentSource (or an author tag) with the
    # headline carry no source at all there; the page's own label line is the evidence then.
    if (found := meta_tags.pick(meta, name)) and not _echoes_title(found[0], title):
        return found
    return None


def _labelled(name: str, regions: list[dict]) -> tuple[str, str] | None:
    for best in regions:
        if f := best.get(name):
            return f.value, f"{f.via}:{f.label}"
    return None


def _source(root: etree._Element, meta: dict[str, str], sel: Mapping[str, Sequence[str]], regions: list[dict],
            title: str | None, header: list[str], documents: dict[str, str]) -> tuple[str | None, str | None]:
    """Rule source-convention: the visible labelled value (来源/信息来源/文章来源/稿源 …) first;
    where the page shows none, the official ContentSource meta; then an unlabelled source printed
    after the date; then the document card's 发布机构 (which stays in doc_fields either way);
    generic meta tags last."""
    if sel.get("source") and (found := select_text(root, sel["source"])):
        return found
    source_lines = [{k: f for k, f in best.items() if k != "source" or f.label not in PUBLISHER_LABELS}
                    for best in regions]
    if (found := _labelled("source", source_lines)) or (found := _strong_meta("source", meta, title)):
        return found
    if found := fl.source_after_date(header, title):
        return found
    if found := _labelled("source", regions):  # a labelled 发布机构/发布机关 line
        return found
    # 发文机关 is the issuer, not the publisher: never taken as the source
    for label in ("发布机构", "发布机关"):
        if documents.get(label):
            return documents[label], f"doc-table:{label}"
    return meta_tags.pick(meta, "source", "weak") or (None, None)


def _echoes_title(value: str, title: str | None) -> bool:
    return bool(title) and "".join(value.split()) == "".join((title or "").split())


def _date(root: etree._Element, meta: dict[str, str], sel: Mapping[str, Sequence[str]],
          regions: list[dict], header: list[str], url: str, doc_date: tuple[str, str] | None = None
          ) -> tuple[str | None, str | None]:
    year = meta_tags.year_hint(meta)
    if sel.get("published_at") and (found := select_text(root, sel["published_at"])):
        if hit := fl.parse_date(found[0], year):
            return hit.iso, found[1]
    resolved = fl.resolve_date(meta, regions, header, url, doc_date)
    return (resolved[0].iso, resolved[1]) if resolved else (None, None)


def _card_date(documents: dict[str, str]) -> tuple[str, str] | None:
    """The document card's publication date: 发布日期, else (信息公开 cards that show no other)
    生成日期 or 发文日期. 成文日期 is the signing date and never counts."""
    for label in ("发布日期", "生成日期", "发文日期"):
        if value := documents.get(label):
            return value, label
    return None


def _not_article(kind: str, base: dict[str, Any], flags: list[str], spam: list[str]) -> Article:
    return Article(**base, flags=[*flags, f"not_article:{kind}"], spam=spam, page_kind=kind)


def _from_tree(root: etree._Element, text: str, url: str, sel: Mapping[str, Sequence[str]],
               base: dict[str, Any], flags: list[str], drop_hidden: bool,
               deadline: Deadline | None = None) -> Article:
    elements = list(root.iter())
    order = dict(zip(elements, itertools.count()))  # C-level pairing: twice a dict comprehension's speed
    stats = BlockStats()  # filled by text_lines over the page: the density method then needs no walk
    hidden: list[etree._Element] = []
    lines = text_lines(root, order, skip_hidden=drop_hidden, stats=stats, hidden_out=hidden)
    if deadline is not None:
        deadline.check("render")
    visible = sum(len(ln.text) for ln in lines if not ln.hidden)
    hidden_texts = [t for el in hidden if (t := norm(" ".join(el.itertext())))]
    if visible < _SHOWN_BY_SCRIPT_VISIBLE and sum(map(len, hidden_texts)) >= _SHOWN_BY_SCRIPT_HIDDEN:
        raise _ShownByScript
    # Rule hidden-never-read: rendered-DOM snapshots keep hidden copies of whole layouts (ng-hide,
    # display:none, the same ids twice); hidden text is never headline, date, source or body,
    # so hidden subtrees leave the tree before anything else reads it. Their text stays for the spam scan.
    for el in hidden:
        drop_keeping_tail(el)
    spam = _spam_lines(lines, hidden_texts)
    flags += ["spam_injected"] if spam else []
    tag_title = fl.tag_title(root)
    if kind := classify_raw(text, visible, tag_title):
        return _not_article(kind, base, flags, spam)
    meta = meta_tags.read_meta(root)
    choice = _container(root, sel, text, stats)
    if deadline is not None:
        deadline.check("body")
    title, title_rule, title_el = _title(root, meta, sel, order, choice, lines, elements, tag_title)
    if title and title_el is not None and title_rule and not title_rule.startswith(("meta:", "selector")):
        title = fl.spaced_as_title_tag(title, tag_title)
    # the body's first and last element in document order, for the regions around it
    span = (order.get(choice.element, 0), _end(order, choice.element)) if choice else None
    header, after, outside = _regions(lines, order, span, title_el)
    body_lines, edge_meta, body_html, hidden, body_tree, heading = _body(choice, title, lines, span)
    if title_el is None and title:
        # Rule headline-in-body: with no headline outside it, the body's first lines may be the
        # headline (公报 items: three centred lines); they are the title as shown, and not text
        if found := _headline_in_body(heading, title):
            title, title_rule = found[0], "body-head"
        elif found := _headline_in_body(body_lines, title):
            title, title_rule, body_lines = found[0], "body-head", body_lines[found[1]:]
    elif title and (found := _headline_in_body(body_lines, title)) and found[1] > 1:
        # Rule headline-repeated-in-body: the headline set again at the top of the text, broken
        # over lines (a 印发 notice's two-line heading), is heading, not text; a one-line repeat
        # is already left out by the edge cleaning
        body_lines = body_lines[found[1]:]
    labelled = (header, edge_meta, after, hidden)
    # a label alone on its line takes the next line as its value, unless a script writes the
    # value there (looked for only then: most pages have no lone label)
    written = written_labels(root) if any(map(has_dangling, labelled)) else frozenset()
    regions = [best_fields(part, written) for part in labelled]
    if written or not any("published_at" in best for best in regions):
        # Rule script-written-label: with no labelled date line, a script that writes its value at
        # a label ("发布时间：<script>document.write(pubdata)</script>") shows the date there; its
        # lines rank after the rendered ones and before hidden text. Read only when no date line
        # is, or a lone label has its value written by a script (then about 0.2 ms a page, from
        # the look for document.write; other pages pay nothing)
        regions.insert(3, script_fields(root))
    documents = doc_fields(outside)
    published, date_rule = _date(root, meta, sel, regions, header, url, _card_date(documents))
    body_text = "\n".join(body_lines)
    link_ratio = _link_ratio(body_tree)
    kind = classify_content(url, body_text, link_ratio, _title_links(root), bool(published), text)
    # Rule document-not-listing: a visible headline over a body of real text (not links) is a
    # document even when the page also carries many headline links; so is a short text (a poem,
    # a notice) under a headline with its date line right below. When unsure, the page is kept
    # and flagged, never dropped
    if kind == "listing" and title_el is not None and link_ratio <= 0.5 and (
            len(body_text) >= _UNSURE_BODY
            or (len(body_text) >= _SHORT_DOC and choice is not None
                and _dated_headline(lines, order.get(title_el, -1), order.get(choice.element, -1)))):
        kind = "article"
        flags.append("maybe_listing")
    if kind != "article":
        return _not_article(kind, base, flags, spam)
    prov = {"title": title_rule, "published_at": date_rule, "body": choice.rule if choice else None}
    values: dict[str, Any] = {}
    values["source"], prov["source"] = _source(root, meta, sel, regions, title, header, documents)
    # Rule doc-number-echo: the 文号 the document card names, repeated on the body's first line
    # under the headline, belongs to the heading block, not to the text
    number = documents.get("文号") or documents.get("发文字号")
    if body_lines and number and body_lines[0] == number:
        body_lines = body_lines[1:]
    for name in ("author", "editor"):
        values[name], prov[name] = _pick_field(name, root, meta, sel, regions, title)
    if values["author"] is None and (author := fl.byline_author(header + body_lines[:2])):
        values["author"], prov["author"] = author, "byline"
    body_lines = [ln for ln in body_lines[:2]
                  if ln != values["author"] and fl.byline_author([ln]) is None] + body_lines[2:]
    flags += [f for f, missing in (("no_date", not published), ("no_body", not body_lines)) if missing]
    # Rule media-only: a photo or video page keeps its caption, never text borrowed from elsewhere
    if body_tree is not None and len(body_text) < _MEDIA_TEXT and body_mod.has_media(body_tree):
        flags.append("media_only")
    subtitle = fl.subtitle(title_el, title or "")
    subtitle = None if subtitle and title and title.endswith(subtitle) else subtitle
    anchors = list(choice.element.iter("a")) if choice else []
    base_url = page_base(root, url)
    return Article(
        **base, title=title, subtitle=subtitle, published_at=published, **values,
        body="\n".join(body_lines) or None, body_html=body_html,
        images=att.images(body_tree, base_url) if body_tree is not None else [],
        attachments=att.attachments(anchors + _after_anchors(root, order, span), base_url),
        doc_fields=documents, flags=flags, spam=spam,
        provenance={k: v for k, v in prov.items() if v} | ({"subtitle": "next-heading"} if subtitle else {}),
    )


def _body(choice: body_mod.Choice | None, title: str | None, lines: list[Line],
          span: tuple[int, int] | None
          ) -> tuple[list[str], list[str], str | None, list[str], etree._Element | None, list[str]]:
    if choice is None or span is None:
        return [], [], None, [], None, []
    tree, hidden, heading, same_lines = prune(choice.element, title)
    if same_lines and renders_alone(choice.element):
        # the page walk's lines of the container are the pruned copy's lines: a second walk
        # of the body (a sixth of a big page's extraction) would render them again
        texts = [ln.text for ln in lines if span[0] <= ln.order <= span[1]]
    else:
        texts = [ln.text for ln in text_lines(tree)]
    body_lines, edge_meta = _clean_lines(texts, title)
    body_lines = body_lines[:len(body_lines) - link_list_tail(body_lines, tree)]
    html = etree.tostring(tree, encoding="unicode", method="html")
    return body_lines, edge_meta, html, hidden, tree, heading


def _dated_headline(lines: list[Line], title_order: int, body_order: int) -> bool:
    """The headline, a date on one of the lines right under it, and the body starting within
    a few lines after that (a listing's heading is followed by dated links, and a footer that
    won the density vote sits far below). The date line is one of the two under the headline,
    or comes after a subtitle line and a few widget labels (正文 / 评论（0） tabs, 打印)."""
    after = [ln for ln in lines if ln.order > title_order and not ln.hidden]
    dated = [i for i, ln in enumerate(after[:_DATE_WITHIN]) if len(ln.text) <= 80 and find_dates(ln.text)
             and all(len(w.text) <= _WIDGET_LINE for w in after[1:i])]
    if not dated:
        return False
    near = after[dated[0] + 1:dated[0] + 1 + _NEAR_DATE_LINES]
    return any(ln.order >= body_order for ln in near)


def _link_ratio(tree: etree._Element | None) -> float:
    if tree is None:
        return 0.0
    total = sum(len(t.strip()) for t in tree.itertext())
    links = sum(len(t.strip()) for a in tree.iter("a") for t in a.itertext())
    return links / total if total else 0.0


def _title_links(root: etree._Element) -> int:
    """Anchors with headline-length text: many of them make a listing page."""
    # the C-level pre-filter is safe: normalize-space() collapses less than norm(), never more
    return sum(1 for a in _LONG_ANCHORS(root) if 8 <= len(norm(text_content(a))) <= 80)


def _after_anchors(root: etree._Element, order: dict[etree._Element, int],
                   span: tuple[int, int] | None) -> list[etree._Element]:
    """Links just after the body (`span`): attachment lists often sit below the content container."""
    if span is None:
        return []
    end = span[1]
    return [a for a in root.iter("a") if end < order.get(a, 0) <= end + 300]


def _end(order: dict[etree._Element, int], el: etree._Element) -> int:
    """Document order of the last element inside `el`."""
    return max((order.get(d, 0) for d in el.iter()), default=0)
