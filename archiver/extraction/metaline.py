"""Labelled metadata lines: "发布时间：2022年05月20日 来源：运城日报 点击率：1986".

Labels are data. A label counts only when no Chinese character precedes it, so 成文日期 never reads
as 日期 and 责任编辑 never as 编辑. Colons may be full- or half-width (repaired pages come back with
ASCII punctuation), spaces may be &nbsp; or U+3000: lines arrive already normalised by dom.norm.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from archiver.extraction.dates import PATTERNS

FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "published_at": ("发布时间", "发布日期", "发表时间", "发表于", "发稿时间", "更新时间", "上传时间", "时间", "日期"),
    "source": ("信息来源", "文章来源", "新闻来源", "稿件来源", "来源于", "来源", "稿源", "出处", "发布机构", "发布机关",
               "发布单位"),
    "author": ("作者", "记者", "撰稿人", "撰稿", "通讯员"),
    "editor": ("责任编辑", "责编", "编辑"),
    "stop": ("点击率", "点击数", "点击量", "浏览次数", "浏览量", "阅读量", "阅读数", "访问量", "字号", "字体",
             "分享到", "分享", "打印", "关闭", "审核", "校对", "摄影", "供稿"),
}
# labels that name the publishing body rather than where the text came from: a source only
# where the page names no 来源 and carries no ContentSource meta (core._source)
PUBLISHER_LABELS = frozenset(("发布机构", "发布机关", "发布单位"))
_LABEL_FIELD = {label: field for field, labels in FIELD_LABELS.items() for label in labels}
_LABEL_RANK = {label: rank for labels in FIELD_LABELS.values() for rank, label in enumerate(labels)}
_ALL = sorted(_LABEL_FIELD, key=len, reverse=True)


def _spaced(labels: list[str]) -> str:
    """Rule spaced-label: templates pad labels to one width with spaces or U+3000
    ("索 引 号：", "来　　源：", "文　　号"), so up to four spaces may sit between the characters."""
    return "|".join(r"\s{0,4}".join(map(re.escape, label)) for label in labels)


def label_of(m: re.Match[str]) -> str:
    """The label of a match, its padding removed ("来　源" → "来源")."""
    return "".join(m.group("label").split())


LABEL_RE = re.compile(r"(?<![\u4e00-\u9fff])(?P<label>" + _spaced(_ALL) + r")\s*[:：]\s*")
_GLUED_RE = re.compile(r"(?<!工)(?P<label>" + _spaced([x for x in _ALL if x not in ("时间", "日期", "编辑", "记者")])
                       + r")\s*[:：]\s*")
# Rule dangling-label: a label alone on its line (<dt>来源：</dt><dd>…</dd>) takes the next line
_DANGLING = re.compile(r"^(?P<label>" + _spaced(_ALL) + r")\s*[:：]$")
# a label that ends a text: its value is written after it by a script (scriptwrite)
ENDING_LABEL = re.compile(LABEL_RE.pattern + "$")
# a quick test that a text may hold a label at all: unanchored and without LABEL_RE's look-behind,
# which keeps the regex engine from skipping ahead to a label's first character (20 times faster
# over a 20 KB script)
MAY_HOLD_LABEL = re.compile(r"(?:" + _spaced(_ALL) + r")\s*[:：]")

DOC_LABELS = (
    "索引号", "主题分类", "组配分类", "信息分类", "体裁分类", "发文机关", "发布机构", "发布机关", "成文日期", "发文字号", "文号",
    "发布日期", "生成日期", "发文日期", "生效日期", "实施日期", "失效日期", "废止日期", "有效性", "主题词", "公开方式", "公开范围",
)
# Other cells of the same tables: they end the value before them but are not kept (rule doc-cell-stop),
# so "发布机构 武汉市工商局 公开日期 2018-01-01" yields 发布机构 = 武汉市工商局 only.
DOC_STOPS = ("公开日期", "公开时限", "关键词", "关 键 词", "语种", "信息格式", "内容概述", "相关信息",
             "所属机构", "主题", "信息名称", "名称", "来源")
DOC_RE = re.compile(r"(?<![\u4e00-\u9fff])(?P<label>" + _spaced(sorted(DOC_LABELS + DOC_STOPS, key=len, reverse=True))
                    + r")\s*[:：]?\s*")

# "发表于2014-08-24 21:30| 1164次阅读| 来源CSDN| 作者魏星": pipe-separated, labels without colons
_SEGMENT_RE = re.compile(r"^(?P<label>" + _spaced(_ALL) + r")\s*[:：]?\s*(?P<value>.+)$")
_CUT = re.compile(r"\s{2,}|\s*[|｜]\s*|[】\])）]$")
_MAX_LEN = {"source": 30, "author": 24, "editor": 24, "published_at": 40}


@dataclass(frozen=True)
class Field:
    field: str   # "published_at" | "source" | "author" | "editor"
    label: str
    value: str
    rank: int    # lower = more specific label (信息来源 before 稿源)
    via: str = "metaline"  # the rule that read it: a rendered line, or "script" (scriptwrite)


# Rule empty-label: "来源：<span></span> 打印 关闭" renders as "来源： 打印 关闭"; a value that
# opens with a page widget's word is an empty label, never a source named 打印
WIDGET_WORDS = frozenset((*FIELD_LABELS["stop"], "打印本页", "关闭窗口", "收藏", "纠错", "返回", "返回顶部",
                           "大", "中", "小", "默认", "扫一扫", "微信", "微博"))


# the value's first word: brackets end it too ("来源：【打印】【关闭】" opens with 打印)
_FIRST_WORD = re.compile(r"[^\s【】\[\]()（）:：]+")
_GLUED_WIDGET = re.compile(r"(?:参与互动|我要评论|发表评论|我要分享|分享到|分享|打印本页|打印|收藏|纠错|关闭窗口|关闭|手机看|扫一扫)+$")


def _clean(field: str, value: str) -> str:
    if field == "published_at":  # "2023-10-23  08:59": the date parser reads past double spaces
        return value.strip()[:_MAX_LEN[field]]
    first = m.group() if (m := _FIRST_WORD.search(value)) else ""
    if first in WIDGET_WORDS:
        return ""
    value = _CUT.split(value.strip(), maxsplit=1)[0].strip(" :：,，;；、【】[]()（）")
    value = value.split(" ", 1)[0] if field == "source" else value  # "新华社 举报": widget text follows
    # a widget link glued to the value with no space between ("来源：求是网<a>参与互动</a>")
    value = _GLUED_WIDGET.sub("", value) if field in ("source", "author", "editor") else value
    if re.search(r"\d{4}[-/年.]\d{1,2}", value):  # "新华网2023-05-20 10:30": a glued date ends it
        value = re.split(r"\s*\d{4}[-/年.]\d{1,2}", value, maxsplit=1)[0].strip()
    return value if len(value) <= _MAX_LEN[field] else ""


def _segments(text: str) -> list[Field]:
    fields = []
    for segment in re.split(r"\s*[|｜]\s*", text):
        if (m := _SEGMENT_RE.match(segment)) and (field := _LABEL_FIELD[label := label_of(m)]) != "stop":
            if value := _clean(field, m["value"]):
                fields.append(Field(field, label, value, _LABEL_RANK[label]))
    return fields


def _glued(text: str, matches: list[re.Match[str]]) -> list[re.Match[str]]:
    """Rule glued-label: templates without whitespace between spans render
    "来源：示例日报发布时间：2023-05-20"; after a first label, a specific label (not 日期/时间,
    which end 成文日期 and its kin) starts a new field even right after a Chinese character."""
    taken = [(m.start(), m.end()) for m in matches]
    extra = [m for m in _GLUED_RE.finditer(text, matches[0].end())
             if not any(a <= m.start() < b for a, b in taken)]
    return sorted(matches + extra, key=lambda m: m.start()) if extra else matches


def parse_line(text: str) -> list[Field]:
    """All labelled fields on one line; values end where the next label starts. Rule
    date-before-label: a date that opens the line right before the first label
    ("2014-11-12 10:40:36 来源：新疆福彩") is the line's date, ranked after every date label."""
    matches = list(LABEL_RE.finditer(text))
    if matches:
        matches = _glued(text, matches)
    if not matches and ("|" in text or "｜" in text):
        return _segments(text)
    fields: list[Field] = []
    if matches and (end := _date_prefix_end(text)) and end == matches[0].start():
        fields.append(Field("published_at", "日期", text[:end].strip(), len(FIELD_LABELS["published_at"])))
    for i, m in enumerate(matches):
        label = label_of(m)
        field = _LABEL_FIELD[label]
        if field == "stop":
            continue
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        if value := _clean(field, text[m.end():end]):
            fields.append(Field(field, label, value, _LABEL_RANK[label]))
    return fields


def best_fields(lines: list[str], written: frozenset[str] = frozenset()) -> dict[str, Field]:
    """Per field, the most specific label; among equals, the first line. `written`: labels whose
    value a script writes in place (join_dangling)."""
    best: dict[str, Field] = {}
    for text in join_dangling(lines, written):
        for f in parse_line(text):
            if f.field not in best or f.rank < best[f.field].rank:
                best[f.field] = f
    return best


def join_dangling(lines: list[str], written: frozenset[str] = frozenset()) -> list[str]:
    """Lines with a label alone joined to the value on the next line (dt/dd, stacked cells).
    A label in `written` is not alone: a script writes its value right after it (empty, or
    unknown to us), so the next line is something else (Rule empty-label-is-empty)."""
    out: list[str] = []
    for i, text in enumerate(lines):
        if out and (m := _DANGLING.match(lines[i - 1])) and not LABEL_RE.match(text) \
                and label_of(m) not in written:
            out[-1] = f"{out[-1]}{text}"
        else:
            out.append(text)
    return out


def has_dangling(lines: list[str]) -> bool:
    """Some line is a label alone (join_dangling would join it to the next)."""
    return any(_DANGLING.match(text) for text in lines)


def _date_prefix_end(text: str) -> int:
    """Where a date (and time) that opens `text` ends, spaces after it included; 0 if none."""
    m = PATTERNS["ymd"].match(text)
    return len(text) - len(text[m.end():].lstrip()) if m else 0


def is_meta_line(text: str) -> bool:
    """A short line that starts with a label, or with a date right before one: a
    byline/metadata line, not body text."""
    text = text.lstrip("【[（( ")
    if len(text) > 80:
        return False
    if (end := _date_prefix_end(text)) and LABEL_RE.match(text, end):
        return True
    return bool(LABEL_RE.match(text) or (_SEGMENT_RE.match(text) and "|" in text[:8]))


def doc_fields(lines: list[str]) -> dict[str, str]:
    """政务公开 table fields (索引号, 发文机关, 成文日期 …) from rendered table rows."""
    out: dict[str, str] = {}
    for text in lines:
        if len(text) > 300 or not DOC_RE.match(text):
            continue
        matches = list(DOC_RE.finditer(text))
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            value = text[m.end():end].strip()
            if value and len(value) <= 100 and (label := label_of(m)) in DOC_LABELS:
                out.setdefault(label, value)
    return out
