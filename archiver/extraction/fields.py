"""Title, subtitle and byline fields from the evidence gathered by `core`.

Each resolver returns (value, rule) so provenance is never lost; the order of the candidates
in each function IS the evidence order of issue 4.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from lxml import etree

from archiver.extraction import meta as meta_tags
from archiver.extraction.dates import DateHit, date_from_url, find_dates, parse_date
from archiver.extraction.dom import BLOCK_TAGS, SKIP_TAGS, is_hidden, norm, tag_of, text_lines
from archiver.extraction.metaline import Field, is_meta_line

_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜|--|—|–|-\s|\s-)\s*")
# headline candidates: every heading, and these blocks when their class or id says title
# ("title"/"Title"/"TITLE", or class "biaoti"/"bt"). Read by one C-level iter() over the tag
# names plus a Python attribute test: the equivalent XPath union walked the tree seven times.
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_TITLED = ("div", "p", "span", "td", "strong")
_TITLE_CASE = str.maketrans("TIT", "tit")  # XPath translate(@class,'TIT','tit')
_NOT_INLINE = BLOCK_TAGS | SKIP_TAGS | {"td", "th", ""}
_INLINE_OR_BR = ({"br"} | {"span", "font", "b", "strong", "em", "i", "a", "u", "label"})
_HEADING_POINTS = {"h1": 3, "h2": 2, "h3": 1, "h4": 1, "h5": 1, "h6": 1}
# at most this many elements (in document order) between a headline and the start of the body
_NEAR_BODY = 120
_CRUMB = re.compile(r"^(首页|当前位置|您的位置|所在位置)|>|»|›")
_SUBTITLE_ATTR = re.compile(r"sub-?title|fbt|vice|subhead", re.I)
# A byline is 1-3 credits: a role ("人民网记者", "通讯员：", "文/…专栏作者") then 1-4 names
# ("人民网记者 张婷婷 运城日报记者 陈永年", "本报记者 张三 通讯员 李四"). Parsed token by token,
# because one regex cannot tell the next credit's organisation from a further name.
# (?<!工) keeps "…工作者的公告" (a title) from reading as "作者 的公告".
_ROLE = re.compile(r"^(?:文\s*/\s*)?(?P<org>[\u4e00-\u9fff·]{0,12}?)"
                   r"(?:记者|专栏作者|(?<!工)作者|通讯员)(?P<rest>[\u4e00-\u9fff]*)$")
_NAME = re.compile(r"^(?![的之与和及等])[\u4e00-\u9fff]{2,4}$")
_BYLINE_SPLIT = re.compile(r"[\s、，,:：/]+")
_BYLINE_WRAP = re.compile(r"^[【\[（(]\s*|\s*(?:报道)?\s*[】\]）)]?$")
Result = tuple[str, str] | None
_DOC_DATE_LABEL = re.compile(
    r"(成文|实施|生效|施行|失效|废止|印发|发文|有效期至|截止)\s*(日\s*期|时\s*间)?\s*[:：]?\s*$")
_DATE_THEN_NAME = re.compile(
    r"^\d{4}[-年/.]\d{1,2}[-月/.]\d{1,2}日?\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?\s+(?P<name>[\u4e00-\u9fffA-Za-z·]{2,12})$"
)


def tag_title(root: etree._Element) -> str:
    """All <title> texts joined (some saved pages carry several)."""
    return " ".join(norm("".join(el.itertext())) for el in root.iter("title"))


def _title_parts(title_tag: str) -> list[str]:
    """"标题_栏目_站名" → ["标题", "栏目", "站名"]."""
    return [p for p in _TITLE_SPLIT.split(title_tag) if p]


def _first_line(el: etree._Element) -> str:
    """First rendered line; long blocks are containers, not headlines, and are not rendered."""
    if sum(len(t) for t in el.itertext()) > 400:
        return ""
    # most headline candidates are one inline run: their text needs no line rendering
    if not any(tag_of(d) in _NOT_INLINE for d in el.iterdescendants()) and not is_hidden(el):
        return norm("".join(el.itertext()))
    lines = text_lines(el)
    if len(lines) > 1 and all(tag_of(d) in _INLINE_OR_BR for d in el.iterdescendants()):
        return _join_br(lines[0].text, lines[1].text) if len(lines) == 2 else lines[0].text
    return lines[0].text if lines else ""


def _join_br(first: str, second: str) -> str:
    """Rule title-br-join: a long headline wrapped with <br> is one title; a second line that
    opens with a dash is a subtitle ("——在全市大会上的讲话") and stays apart."""
    if second.startswith(("—", "-", "－", "——")):
        return first
    cjk = "\u4e00" <= first[-1] <= "\u9fff" or "\u4e00" <= second[0] <= "\u9fff"
    return first + ("" if cjk else " ") + second


def _in_link_list(el: etree._Element) -> bool:
    return any(tag_of(a) in ("a", "li") for a in el.iterancestors()) or tag_of(el) == "a"


def _headline_score(el: etree._Element, text: str, title_tag: str, site_part: str,
                    order: dict[etree._Element, int], body_start: int | None) -> int:
    points = _HEADING_POINTS.get(tag_of(el), 1) + (len(text) >= 8)
    if _CRUMB.search(text):
        points -= 3
    if title_tag and text in title_tag:
        points += 3 if text not in site_part else -4
    if _in_link_list(el):
        points -= 4
    if body_start is not None and 0 < body_start - order.get(el, 0) <= _NEAR_BODY:
        points += 2
    return points


def _headline_candidates(root: etree._Element) -> list[etree._Element]:
    out = []
    for el in root.iter(*_HEADINGS, *_TITLED):
        if el.tag in _HEADINGS:
            out.append(el)
            continue
        cls, id_ = el.get("class"), el.get("id")
        # "tit" covers title and the short class names of 集约化 templates (tit, xl_tit, con_tit)
        if (cls is not None and ("tit" in cls.translate(_TITLE_CASE) or "biaoti" in cls or "bt" in cls)) \
                or (id_ is not None and "tit" in id_.translate(_TITLE_CASE)):
            out.append(el)
    return out


def headline(root: etree._Element, title_tag: str, order: dict[etree._Element, int],
             body_start: int | None) -> tuple[str, etree._Element, str] | None:
    """The visible headline: headings and title-classed blocks, scored by level, agreement with
    <title>, closeness above the body, and not being a link (related lists repeat titles)."""
    parts = _title_parts(title_tag)
    site_part = parts[-1] if len(parts) > 1 else ""
    best: tuple[int, str, etree._Element] | None = None
    for el in _headline_candidates(root):
        text = _first_line(el)
        if not 4 <= len(text) <= 150:
            continue
        points = _headline_score(el, text, title_tag, site_part, order, body_start)
        if best is None or points > best[0]:
            best = (points, text, el)
    if best is None or best[0] < 2:
        return None
    rule = tag_of(best[2]) if tag_of(best[2]).startswith("h") else "headline-class"
    return best[1], best[2], rule


def line_in_title_tag(lines: Sequence[str], title_tag: str) -> Result:
    """The longest visible line that the <title> tag repeats ("标题 栏目_站名" → "标题")."""
    parts = _title_parts(title_tag)
    if not parts:
        return None
    floor = max(6, len(max(parts, key=len)) * 2 // 5)
    best = max((ln for ln in lines if len(ln) >= floor and ln in title_tag), key=len, default=None)
    return (best, "line-in-title-tag") if best else None


def line_above_metaline(lines: Sequence[str]) -> Result:
    """Rule line-above-metaline: on pages whose <title> is only the site name and whose headline
    has no heading tag or title class, the headline is the line just above the first
    "发布时间：… 来源：…" line."""
    for prev, line in pairwise(lines):
        if is_meta_line(line) and 5 <= len(prev) <= 100 and not _CRUMB.search(prev) \
                and not is_meta_line(prev):
            return prev, "line-above-metaline"
    return None


def source_after_date(header: Sequence[str]) -> Result:
    """"2019年10月23日 09:05 环球网": portals print the source, unlabelled, after the date."""
    for line in header:
        if (m := _DATE_THEN_NAME.match(line)) and not m["name"].startswith(("星期", "周")):
            return m["name"], "header-after-date"
    return None


def title_from_tag(title_tag: str) -> Result:
    """The longest part of "标题_栏目_站名" (sites put the headline first or last)."""
    parts = _title_parts(title_tag)
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


def _header_date(header: Sequence[str], year: int | None) -> DateHit | None:
    """The first header date that no document-date label names (rule doc-date-not-published:
    成文日期, 实施日期 … in a 政务公开 table are not the publication date)."""
    for line in header:
        for hit in find_dates(line, year):
            if not _DOC_DATE_LABEL.search(line[max(0, hit.start - 10):hit.start]):
                return hit
    return None


def resolve_date(meta: dict[str, str], fields: Sequence[dict[str, Field]],
                 header: list[str], url: str, doc_date: str | None = None) -> tuple[DateHit, str] | None:
    """Strong meta, then labelled lines (header, body edges, after body), the 政务公开 table's
    发布日期, then an unlabelled header date, generic then weak meta, and the URL last. A
    date-only winner borrows the time from a later candidate of the same day ("2019-09-18" in
    meta, "2019-09-18 06:23" on the page)."""
    year = meta_tags.year_hint(meta)
    texts = [meta_tags.pick(meta, "published_at"),
             *[(f.value, f"metaline:{f.label}") for best in fields if (f := best.get("published_at"))],
             (doc_date, "doc-table:发布日期") if doc_date else None]
    candidates = [c for t in texts if t and (c := date_from(*t, year))]
    if hit := _header_date(header, year):
        candidates.append((hit, "header-date"))
    for strength in ("medium", "weak"):
        if (found := meta_tags.pick(meta, "published_at", strength)) and (c := date_from(*found, year)):
            candidates.append(c)
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


def _credits(line: str) -> list[str] | None:
    """Names of a byline line, or None when any token is neither a role nor a name."""
    tokens = [t for t in _BYLINE_SPLIT.split(_BYLINE_WRAP.sub("", line.replace("文/", "文 "))) if t]
    if tokens and tokens[0] == "文":
        tokens = tokens[1:]
    names: list[str] = []
    per_role = -1  # -1: no role seen yet
    for tok in tokens:
        if (role := _ROLE.match(tok)) and per_role != 0:
            glued = role["rest"]
            if glued and not _NAME.match(glued):
                return None
            names += [glued] if glued else []
            per_role = 1 if glued else 0
        elif per_role >= 0 and _NAME.match(tok) and per_role < 4:
            names.append(tok)
            per_role += 1
        else:
            return None
    return names if names and per_role > 0 else None


def byline_author(lines: Sequence[str]) -> str | None:
    """"澎湃新闻记者 段彦超 廖艳", "【文/观察者网专栏作者 王文】", "人民网记者 张婷婷 运城日报记者
    陈永年" → the names, space-separated."""
    for line in lines:
        if len(line) <= 60 and (names := _credits(line)):
            return " ".join(names)
    return None
