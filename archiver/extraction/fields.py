"""Title, subtitle and byline fields from the evidence gathered by `core`.

Each resolver returns (value, rule) so provenance is never lost; the order of the candidates
in each function IS the evidence order of issue 4.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from lxml import etree

from . import meta as meta_tags
from .dates import DateHit, date_from_url, find_dates, parse_date
from .dom import norm, tag_of
from .metaline import Field

_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜|--|—|–|-\s|\s-)\s*")
_HEADLINE_XPATH = etree.XPath(
    "//h1 | //h2 | //h3 | //*[self::div or self::p or self::span or self::td or self::strong]"
    "[contains(translate(@class,'TITLE','title'),'title') or contains(translate(@id,'TITLE','title'),'title')]"
)
_SUBTITLE_ATTR = re.compile(r"sub-?title|fbt|vice|subhead", re.I)
_BYLINE = re.compile(
    r"^[【\[（(]?\s*(?:文\s*/\s*)?(?:[\u4e00-\u9fff·]{0,12}?(?:记者|专栏作者|作者|通讯员))\s*[:：]?\s*"
    r"(?P<names>[\u4e00-\u9fff]{2,4}(?:[ 、，,][\u4e00-\u9fff]{2,4}){0,3})\s*[】\]）)]?$"
)
Result = tuple[str, str] | None


def tag_title(root: etree._Element) -> str:
    el = root.find(".//title")
    return norm("".join(el.itertext())) if el is not None else ""


def headline(root: etree._Element, title_tag: str) -> tuple[str, etree._Element, str] | None:
    """The visible headline: the first heading that the <title> tag repeats, else the first h1."""
    first_h1 = None
    for el in _HEADLINE_XPATH(root):
        text = norm("".join(el.itertext()))
        if not 4 <= len(text) <= 150:
            continue
        if title_tag and text in title_tag:
            return text, el, tag_of(el) if tag_of(el).startswith("h") else "headline-class"
        if first_h1 is None and tag_of(el) == "h1":
            first_h1 = (text, el, "h1")
    return first_h1


def title_from_tag(title_tag: str) -> Result:
    """The longest part of "标题_栏目_站名" (sites put the headline first or last)."""
    parts = [p for p in _TITLE_SPLIT.split(title_tag) if p]
    return (max(parts, key=len), "title-tag") if parts else None


def subtitle(title_el: etree._Element | None, title: str) -> str | None:
    """A short heading right after the headline (h2/h3 or a sub-title class)."""
    if title_el is None:
        return None
    sib = title_el.getnext()
    for _ in range(3):
        if sib is None:
            return None
        if not tag_of(sib):  # comments between headline and subtitle
            sib = sib.getnext()
            continue
        text = norm("".join(sib.itertext()))
        if text and (tag_of(sib) in ("h2", "h3", "h4") or _SUBTITLE_ATTR.search(sib.get("class") or "")):
            return text if 4 <= len(text) <= 80 and text != title and "：" not in text[:6] else None
        if text:
            return None
        sib = sib.getnext()
    return None


def date_from(value: str, rule: str, year: int | None) -> tuple[DateHit, str] | None:
    hit = parse_date(value, year)
    return (hit, rule) if hit else None


def resolve_date(meta: dict[str, str], fields: Sequence[tuple[dict[str, Field], str]],
                 header: list[str], url: str) -> tuple[DateHit, str] | None:
    """Strong meta, then labelled lines (header, body edges, after body), then an unlabelled
    header date, weak meta, and the URL last. A date-only winner borrows the time from a
    later candidate of the same day ("2019-09-18" in meta, "2019-09-18 06:23" on the page)."""
    year = meta_tags.year_hint(meta)
    candidates: list[tuple[DateHit, str]] = []
    if found := meta_tags.pick(meta, "published_at"):
        candidates += [c for c in [date_from(found[0], found[1], year)] if c]
    for best, region in fields:
        if f := best.get("published_at"):
            candidates += [c for c in [date_from(f.value, f"metaline:{f.label}", year)] if c]
    for line in header:
        if hits := find_dates(line, year):
            candidates.append((hits[0], "header-date"))
            break
    if found := meta_tags.pick(meta, "published_at", "weak"):
        candidates += [c for c in [date_from(found[0], found[1], year)] if c]
    if hit := date_from_url(url):
        candidates.append((hit, hit.pattern))
    if not candidates:
        return None
    winner = candidates[0]
    if not winner[0].has_time:
        for hit, rule in candidates[1:]:
            if hit.has_time and hit.iso[:10] == winner[0].iso[:10]:
                return hit, f"{winner[1]}+time:{rule}"
    return winner


def byline_author(lines: Sequence[str]) -> str | None:
    """"澎湃新闻记者 段彦超 廖艳", "【文/观察者网专栏作者 王文】" → the names."""
    for line in lines:
        if len(line) <= 40 and (m := _BYLINE.match(line)):
            return m.group("names")
    return None
