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
from archiver.extraction.dates import DateHit, date_from_url, find_dates, month_day, parse_date, year_from_url
from archiver.extraction.dom import (
    BLOCK_TAGS,
    SKIP_TAGS,
    is_hidden,
    norm,
    tag_of,
    text_content,
    text_lines,
    text_longer,
)
from archiver.extraction.metaline import DOC_RE, WIDGET_WORDS, Field, is_meta_line

_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜|--|—|–|-\s|\s-)\s*")
# headline candidates: every heading, and these blocks when their class or id says title
# ("title"/"Title"/"TITLE", or class "biaoti"/"bt"). Read by one C-level iter() over the tag
# names plus a Python attribute test: the equivalent XPath union walked the tree seven times.
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_TITLED = ("div", "p", "span", "td", "strong")
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
# the name ends the line (an IP location may follow it: "09:52:19政能亮 来自北京市"), or its
# segment when pipes part the line ("2024-03-05 10:00 | 某某局 | 浏览 10 次"); after a time the
# name may be glued to it (no digit can start a name)
_DATE_THEN_NAME = re.compile(
    r"^\d{4}[-年/.]\d{1,2}[-月/.]\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?\s*|\s+|(?=\s*[|｜]))"
    r"(?:(?P<name>[\u4e00-\u9fffA-Za-z·]{2,12})(?:\s+(?:来自|IP属地[:：]?\s*)[\u4e00-\u9fff]{2,8})?$"
    r"|\s*[|｜]\s*(?P<segment>[\u4e00-\u9fffA-Za-z·]{2,12})\s*(?:[|｜]|$))"
)


def tag_title(root: etree._Element) -> str:
    """All <title> texts joined (some saved pages carry several)."""
    return " ".join(norm(text_content(el)) for el in root.iter("title"))


def _title_parts(title_tag: str) -> list[str]:
    """"标题_栏目_站名" → ["标题", "栏目", "站名"]."""
    return [p for p in _TITLE_SPLIT.split(title_tag) if p]


def _first_line(el: etree._Element) -> str:
    """First rendered line; long blocks are containers, not headlines, and are not rendered."""
    if text_longer(el, 400):
        return ""
    # most headline candidates are one inline run: their text needs no line rendering
    if not any(tag_of(d) in _NOT_INLINE for d in el.iterdescendants()) and not is_hidden(el):
        return norm(text_content(el))
    lines = text_lines(el)
    if len(lines) > 1 and all(tag_of(d) in _INLINE_OR_BR for d in el.iterdescendants()):
        return _join_br(lines[0].text, lines[1].text) if len(lines) == 2 else lines[0].text
    return lines[0].text if lines else ""


def _join_br(first: str, second: str) -> str:
    """Rule title-br-join: a long headline wrapped with <br> is one title; a second line that
    opens with a dash is a subtitle ("——在全市大会上的讲话") and stays apart."""
    if second.startswith(("—", "-", "－", "——")):
        return first
    return join_lines(first, second)


def spaced_as_title_tag(title: str, title_tag: str) -> str:
    """Rule title-line-join: a headline laid out as two lines (two <p> in one cell) renders
    glued ("…情怀我校…"); where <title> spells the same characters with a space at the join,
    the page itself shows how the lines read as one, so its spacing is taken. Only spaces are
    added: a title whose <title> has fewer spaces keeps the headline's."""
    if not title or not title_tag:
        return title
    found = _spread_in(title_tag, "".join(title.split()))
    if found is None or found.count(" ") <= title.count(" "):
        return title
    return found


def _spread_in(text: str, chars: str) -> str | None:
    """The first span of `text` that spells `chars` (no whitespace in them) with any whitespace
    between them: re.search of "c1\\s*c2\\s*…" without building that regex, whose compiling
    was most of a page's title work (a new pattern per headline)."""
    at = text.find(chars[0]) if chars else -1
    while at != -1:
        # the whitespace runs are taken whole: the next character is not whitespace, so giving
        # one back never lets it match (the regex's \s is str.isspace())
        end = at
        for ch in chars:
            while end < len(text) and text[end].isspace():
                end += 1
            if end == len(text) or text[end] != ch:
                break
            end += 1
        else:
            return text[at:end]
        at = text.find(chars[0], at + 1)
    return None


def join_lines(first: str, second: str) -> str:
    """Two displayed lines as one text: no space where either side is Chinese or punctuation."""
    wide = ("\u3000" <= first[-1] <= "\u9fff" or first[-1] >= "\uff00"
            or "\u3000" <= second[0] <= "\u9fff" or second[0] >= "\uff00" or second[0] in "—–")
    return first + ("" if wide else " ") + second


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
        if (cls is not None and (_says_tit(cls) or "biaoti" in cls or "bt" in cls)) \
                or (id_ is not None and _says_tit(id_)):
            out.append(el)
    return out


def _says_tit(value: str) -> bool:
    """"tit" in XPath translate(value,'TIT','tit'): T and I lowered, nothing else. Most values
    hold neither letter (and str.translate with a table costs ten times str.replace)."""
    return "tit" in value or (("T" in value or "I" in value)
                              and "tit" in value.replace("T", "t").replace("I", "i"))


def _site_part(parts: list[str]) -> str:
    """The part of "标题_栏目_站名" that names the site: the last one, unless the last one is
    the longest (the headline): then the first ("保定市人民政府网——标题")."""
    if len(parts) < 2:
        return ""
    longest = max(parts, key=len)
    if parts[-1] != longest:
        return parts[-1]
    return parts[0] if parts[0] != longest else ""


def headline(root: etree._Element, title_tag: str, order: dict[etree._Element, int],
             body_start: int | None, above_date: tuple[str, etree._Element] | None = None
             ) -> tuple[str, etree._Element, str] | None:
    """The visible headline: headings and title-classed blocks, scored by level, agreement with
    <title>, closeness above the body, and not being a link (related lists repeat titles).

    Rule headline-agreement: the strongest line just above the date line competes too (a <p>
    that a broken <h3><p> left outside its heading, a headline in a plain block), so a short
    heading that is a column label (市直部门镇（街道）, 政务动态) loses to the line that <title>
    agrees with."""
    site_part = _site_part(_title_parts(title_tag))
    best: tuple[int, str, etree._Element, str] | None = None
    for el in _headline_candidates(root):
        text = _first_line(el)
        if not 4 <= len(text) <= 150:
            continue
        points = _headline_score(el, text, title_tag, site_part, order, body_start)
        if best is None or points > best[0]:
            best = (points, text, el, tag_of(el) if tag_of(el).startswith("h") else "headline-class")
    # the line above the date may be the best heading's own sub-headline (a second, longer
    # heading right under it): then it is no rival
    if above_date is not None and (best is None or (above_date[1] is not best[2]
                                                    and subtitle(best[2], best[1]) != above_date[0])):
        text, el = above_date
        # a plain block scores as a title-classed one (1 point), plus one for sitting on the date line
        points = _headline_score(el, text, title_tag, site_part, order, body_start) + 1
        points -= _HEADING_POINTS.get(tag_of(el), 1) - 1  # its tag earned the heading points already
        if best is None or points > best[0]:
            best = (points, text, el, "line-above-date")
    if best is None or best[0] < 2:
        return None
    return best[1], best[2], best[3]


def above_date_line(lines: Sequence[tuple[str, int]], elements: Sequence[etree._Element]
                    ) -> tuple[str, etree._Element] | None:
    """The line just above the first metadata line that carries a date, and its element."""
    for (prev, prev_order), (line, _) in pairwise(lines):
        if is_meta_line(line) and find_dates(line) and 4 <= len(prev) <= 150 \
                and not _CRUMB.search(prev) and not is_meta_line(prev) and not DOC_RE.match(prev):
            return prev, elements[prev_order]
    return None


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


# a news agency, paper, broadcaster or site by the ending of its name
_OUTLET_LINE = re.compile(r"^(?P<name>[\u4e00-\u9fff]{1,10}(?:社|网|报|电视台|电台|新闻|杂志))(?:\s|$)")
# after the date but not a source: the weekday, and the IP location that platforms print
# since 2022 ("2024年01月25日 18:03:35 来自内蒙古自治区")
_NOT_A_SOURCE = ("星期", "周", "来自")


def source_after_date(header: Sequence[str], title: str | None = None) -> Result:
    """"2019年10月23日 09:05 环球网": portals print the source, unlabelled, after the date.
    Rule outlet-line: or alone on a line right under the headline or next to the date line, a
    news outlet's name ("新华社", "共产党员网"), only widgets after it (分享 打印); a share bar's
    list (人人 开心网 豆瓣) sits apart from both."""
    for line in header:
        m = _DATE_THEN_NAME.match(line)
        name = (m["name"] or m["segment"]) if m else ""
        if name and not name.startswith(_NOT_A_SOURCE) and name not in WIDGET_WORDS:
            return name, "header-after-date"
    for i, line in enumerate(header):
        if line == title or not (m := _OUTLET_LINE.match(line)) \
                or not all(word.strip("【】[]") in WIDGET_WORDS for word in line[m.end("name"):].split()):
            continue
        near = (header[k] for k in (i - 1, i + 1) if 0 <= k < len(header))
        if any(text == title or find_dates(text) for text in near):
            return m["name"], "header-outlet"
    return None


def title_from_tag(title_tag: str) -> Result:
    """The longest part of "标题_栏目_站名" (sites put the headline first or last)."""
    parts = _title_parts(title_tag)
    return (max(parts, key=len), "title-tag") if parts else None


def _lone_heading(el: etree._Element, text: str) -> etree._Element:
    """The heading that a wrapper holds alone (<center><h3>副题</h3></center>), else `el`."""
    if len(el) == 1 and tag_of(el[0]) in ("h2", "h3", "h4") and norm(text_content(el[0])) == text:
        return el[0]
    return el


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
        text = norm(text_content(sib))
        sib = _lone_heading(sib, text)
        if text and (tag_of(sib) in ("h2", "h3", "h4") or _SUBTITLE_ATTR.search(sib.get("class") or "")):
            return text if 4 <= len(text) <= 80 and text != title and "：" not in text[:6] else None
        if text:
            return None
        sib = sib.getnext()
    return None


def date_from(value: str, rule: str, year: int | None) -> tuple[DateHit, str] | None:
    """The date a labelled value or a meta tag gives. A value that is a month and day alone
    ("发布时间： 03-30") is read with the year from elsewhere (a meta tag, the URL's folder)."""
    hit = parse_date(value, year) or (month_day(value, year) if year is not None else None)
    return (hit, rule) if hit else None


def _header_date(header: Sequence[str], year: int | None) -> DateHit | None:
    """The first header date that no document-date label names (rule doc-date-not-published:
    成文日期, 实施日期 … in a 政务公开 table are not the publication date)."""
    for line in header:
        for hit in find_dates(line, year):
            if not _DOC_DATE_LABEL.search(line[max(0, hit.start - 10):hit.start]):
                return hit
    return None


# labels that name the web publication date; 更新时间/上传时间 name an edit, not a publication
PUBLISHED_LABELS = frozenset(("发布时间", "发布日期", "发表时间", "发表于", "发稿时间", "时间", "日期"))


def resolve_date(meta: dict[str, str], fields: Sequence[dict[str, Field]],
                 header: list[str], url: str, doc_date: tuple[str, str] | None = None
                 ) -> tuple[DateHit, str] | None:
    """Strong meta, then labelled lines (header, body edges, after body), the 政务公开 table's
    date, then an unlabelled header date, generic then weak meta, and the URL last. A
    date-only winner borrows the time from a later candidate of the same day ("2019-09-18" in
    meta, "2019-09-18 06:23" on the page).

    Rule visible-date-over-pubdate: PubDate and its kin are often the page's generation time
    (batch regeneration, an attachment added later); when a visible, labelled publication date
    (发布日期/发布时间 …, else the document card's 发布日期/生成日期/发文日期) names another day,
    the visible one wins, and so does a visible time of day that differs from the meta's. A date
    a script writes at such a label (scriptwrite) is what the browser shows there: it is a
    labelled line like the others (rule "script:发布时间"), and wins likewise."""
    year = meta_tags.year_hint(meta) or year_from_url(url)
    tagged = meta_tags.pick(meta, "published_at")
    strong = date_from(*tagged, year) if tagged else None
    read = [(f.label, dated) for f in (best.get("published_at") for best in fields) if f
            and (dated := date_from(f.value, f"{f.via}:{f.label}", year))]
    labelled = [dated for _, dated in read]
    card = date_from(doc_date[0], f"doc-table:{doc_date[1]}", year) if doc_date else None
    visible = [dated for label, dated in read if label in PUBLISHED_LABELS]
    visible = visible or ([card] if card else [])
    # another day, or the same day at another time that both show (a regeneration minutes later)
    shown = visible[0][0] if visible else None
    if strong and shown and (shown.iso[:10] != strong[0].iso[:10]
                             or (shown.has_time and strong[0].has_time and shown.iso != strong[0].iso)):
        strong = None
    candidates = [c for c in (strong, *labelled, card) if c]
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
