"""Boilerplate removal inside the chosen container: nodes first (by structure), then lines.

Rules are named data so `--explain` and tests can refer to them. Line rules only fire on short
lines, so a sentence that merely mentions 打印 or 来源 stays in the body.
"""
from __future__ import annotations

import copy
import re

from lxml import etree

from archiver.extraction.attachments import names_a_file
from archiver.extraction.dom import (
    SKIP_TAGS,
    drop_keeping_tail,
    is_hidden,
    norm,
    tag_of,
    text_content,
    text_lines,
)

# class/id fragments of widgets that live inside article containers
BOILER_ATTR = re.compile(
    r"share|print|related|relevant|breadcrumb|crumb|footer|comment|toolbar|font-?size|fontsize"
    r"|pager|page-?nav|prev|next|recommend|qrcode|ewm|erweima|editor-?name|bianji|zrbj|caption|pic-?info"
    r"|img-?desc|ad-?box|advert|jiucuo|correct|keyword",
    re.I,
)
_CENTER = re.compile(r"text-align\s*:\s*center", re.I)
# short lines that are chrome, not article: (name, pattern)
BOILER_LINES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("font_size", re.compile(r"^【?\s*(字体|字号)\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中")),
    ("print_close",
     re.compile(r"^(【?\s*(打印本页|打印本文|打印此页|打印|关闭窗口|关闭页面|关闭本页|关闭|返回顶部|返回首页|返回列表"
                r"|收藏本页|加入收藏|收藏|纠错)\s*】?\s*)+$")),
    # a hit counter's line ("核发：admin 点击数：744 【收藏本页】"): a count after a colon is never
    # prose. Not a line with a date, a 来源 or an author: that is the metadata line, read before it goes
    ("counter", re.compile(r"^(?!.*(?:\d{4}[-/年.]\d{1,2}|(?:来\s*源|时\s*间|日\s*期|作\s*者)\s*[:：])).*"
                           r"(点击数|点击率|点击量|浏览次数|浏览量|阅读量|阅读数|阅读次数|访问量|访问次数)\s*[:：]\s*\d+")),
    ("prev_next", re.compile(r"^(上一篇|下一篇|上一条|下一条)\s*[:：]?")),
    ("share", re.compile(r"^(分享到|分享|扫一扫|微信扫一扫|打开微信)")),
    ("editor", re.compile(r"^[【\[（(]?\s*(责任编辑|责编|编辑|审核|校对|监制)\s*[:：|｜]")),
    ("original_title", re.compile(r"^[【\[（(]?\s*原标题\s*[:：]")),
    ("credit", re.compile(r"^[（(]?(本文来源|图片来源|视频来源|本文来自|来源于网络|本文原标题|原文标题)")),
    ("video_label", re.compile(r"^视频\s*[-—：:]")),
    ("caption", re.compile(
        r"^▲|^[（(]?[上下左右中]{0,2}图为|(摄|摄影|供图|资料图|图源网络|配图)\s*[)）]?$|[（(](视频截图|资料图片?|视觉中国|图片来源[^)）]*|[A-Z]{2,6})[)）]$"
    )),
    ("footer", re.compile(r"ICP备|公网安备|网站标识码|版权所有|版权均?(?:属|归)[^，。]{0,30}所有"
                          r"|^主办单位\s*[:：]|Copyright|©", re.I)),
    ("correction", re.compile(r"^【\s*纠错\s*】")),
    # a page switcher of a multi-page article: 【1】【2】【3】 or [1] [2] (people.com.cn, TRS)
    ("pager", re.compile(r"^([【\[]\s*\d{1,3}\s*[】\]]\s*){2,}$")),
    # a closing staff-credit line: "…供稿 摄影/张艳 编辑/苏芳", "文/李四 图/王五 审核/赵六";
    # two or more role/name pairs, so prose that mentions one 编辑 is safe
    ("staff_credits", re.compile(
        r"^(\S*(供稿|撰稿)\s*)?((文字|文|图|图片|摄影|摄像|编辑|责编|审核|校对|审校|终审|初审)\s*[/／:：]\s*"
        r"[\u4e00-\u9fff]{2,4}[\s、,，]*){2,}$"
        r"|^\S*(供稿|撰稿)\s+((摄影|编辑|审核|校对)\s*[/／:：]\s*[\u4e00-\u9fff]{2,4}\s*)+$"
    )),
    # a channel promo link heading the box: 点击进入“文艺星青年”>>
    ("promo_link", re.compile(r"^(点击|点此)(进入|查看|阅读|关注)[^。！？]{0,30}(>>|＞＞|》》|→)$")),
)


def _top_branches(pattern: str) -> list[str]:
    """The alternatives of a regex at its top level (outside groups and classes)."""
    out, start, depth, in_class, i = [], 0, 0, False, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 1
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*out, pattern[start:]]


# What a line must hold, lower-cased, for each rule that reads along the whole line (a search,
# or the counter rule's look-ahead) to match it: most lines hold none, and those four regexes
# were nine tenths of the line rules' cost
_NEEDLES: dict[str, tuple[str, ...]] = {
    "counter": ("点击", "浏览", "阅读", "访问"),
    "caption": ("图", "摄", "▲", ")", "）"),
    # "copyr", not "copyright": the case-blind regex takes ı and İ for i, which lower() leaves
    # as they are; no character but an ASCII letter matches c, o, p, y or r
    "footer": ("备", "标识码", "版权", "主办单位", "copyr", "©"),
    "staff_credits": ("/", "／", ":", "："),
}
# A rule whose every branch starts with ^ can only match at a line's start: one match() there
# tests all of them (case-insensitive, which only lets more lines into the named loop). A rule
# that is neither anchored nor given needles is searched along every line.
_ANCHORED = frozenset(name for name, p in BOILER_LINES
                      if name not in _NEEDLES and all(b.startswith("^") for b in _top_branches(p.pattern)))
_ANY_ANCHORED = re.compile("|".join(f"(?:{p.pattern})" for n, p in BOILER_LINES if n in _ANCHORED), re.I)
_UNGATED = any(name not in _ANCHORED and name not in _NEEDLES for name, _ in BOILER_LINES)
_NEEDLE_OF = {name: re.compile("|".join(map(re.escape, needles))) for name, needles in _NEEDLES.items()}
_ANY_NEEDLE = re.compile("|".join(p.pattern for p in _NEEDLE_OF.values()))
# a heading after which only link lists follow (延伸阅读 …): cut the body there
TAIL_CUT = re.compile(
    r"^(延伸阅读|相关阅读|相关链接|相关新闻|相关稿件|相关文章|相关解读|推荐阅读|热点推荐|此前报道|点击进入专题|往期回顾|往期推荐"
    r"|扫描(下方)?二维码|长按(识别|扫描)|扫码关注)"
)
# labels of widgets that sit on a body's first or last line; any other short line there
# ("同意。", "附件", a 落款 like "县政府") is article text and stays
WIDGET_LABELS = frozenset(
    "图集 返回 顶部 分享 打印 关闭 收藏 点赞 评论 更多 全文 展开 收起 播放 音频 上一页 下一页 首页 尾页 纠错 "
    "阅读 在看 赞 大 中 小 默认".split()
)
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
_CAPTION_PREFIX = 600
# more raw characters than this never normalise to a 120-character caption in practice
# (it would take 1,900 characters of indentation)
_CAPTION_RAW_MAX = 2000
_LINK_RUN = 3
_SENTENCE_END = re.compile(r"[。！？!?]")
_PHOTO_CREDIT = re.compile(r"(摄|摄影|供图|图片来源.*)\s*[)）]?$")
_CREDIT_WORDS = ("摄", "供图", "图片来源")  # one of them is in every line _PHOTO_CREDIT finds


def _img_holders(tree: etree._Element) -> set[etree._Element]:
    """The elements of `tree` that are an image or hold one, found upwards from the few images:
    asking each paragraph of a body for an image below it walked its subtree again."""
    holders: set[etree._Element] = set()
    for img in tree.iter("img"):
        holders.add(img)
        holders.update(img.iterancestors())
    return holders


def _centred(el: etree._Element) -> bool:
    return bool(_CENTER.search(el.get("style") or "")) or (el.get("align") or "").lower() == "center"


def _is_caption(el: etree._Element, tag: str, img_holders: set[etree._Element]) -> bool:
    """A short line under (or with) a picture that is not a sentence, or a photo credit (…摄).
    `img_holders` is _img_holders() of the tree `el` is in."""
    if tag not in ("p", "div", "span", "font", "figcaption"):
        return False
    if tag == "figcaption":
        return True
    by_picture = el in img_holders or el.getprevious() in img_holders
    # a wrapper holding the whole article is rejected on its text's length; the text comes
    # from one C call (reading itertext() piece by piece in Python was most of this test)
    raw = text_content(el)
    if len(raw) > _CAPTION_RAW_MAX or not (by_picture or any(w in raw for w in _CREDIT_WORDS)):
        return False
    # the norm of a prefix is a prefix of the norm
    text = norm(raw[:_CAPTION_PREFIX])
    if len(text) > 120:
        return False
    text = text if len(raw) <= _CAPTION_PREFIX else norm(raw)
    if not text or len(text) > 120:
        return False
    if _PHOTO_CREDIT.search(text):
        return True
    if len(text) > 50 or text.endswith(("。", "！", "？", "；", "：", ":")):
        return False
    # Rule file-icon-link: a file-type icon beside a link to a document is an attachment line
    return by_picture and not any(names_a_file(a) for a in el.iter("a"))


def _leading_centred(tree: etree._Element) -> list[etree._Element]:
    """Centred short paragraphs before the first ordinary one: a repeated headline block
    (引题/主题/副题), not body text."""
    out: list[etree._Element] = []
    for el in tree:
        text = norm(text_content(el)) if tag_of(el) else ""
        if not text:
            continue
        if not (_centred(el) and len(text) <= 40):
            break
        out.append(el)
    return out


def _repeats(lines: list[str], title: str) -> bool:
    """The lines say the title again, in part or in whole (half the character pairs of the
    shorter one shared): a 引题/主题/副题 block around the headline."""
    texts = ("".join("".join(lines).split()), "".join(title.split()))
    pairs = [{t[i:i + 2] for i in range(len(t) - 1)} for t in texts]
    return len(pairs[0] & pairs[1]) * 2 >= min(map(len, pairs))


def _player_widgets(tree: etree._Element) -> list[etree._Element]:
    """Rule player-widget: a scripted video player saved with the page is a <video> without a
    source inside the player's skeleton, whose text is control labels (倍速, 高清, 00:00, 播放失败),
    never a sentence. The highest block around such a <video> that holds no sentence is the
    player; a <video> with a source is the article's media and stays."""
    found: list[etree._Element] = []
    for video in tree.iter("video"):
        if video.get("src") or any(s.get("src") for s in video.iter("source")):
            continue
        widget = video
        for up in video.iterancestors():
            if up is tree or _SENTENCE_END.search(text_content(up)):
                break
            widget = up
        found.append(widget)
    return found


def prune(container: etree._Element, title: str | None = None
          ) -> tuple[etree._Element, list[str], list[str], bool]:
    """A cleaned copy of the container, the hidden text removed (kept for metadata), the
    lines of the leading centred block removed (a repeated headline, kept to read it), and
    whether the copy renders the same lines as the container: only comments, and scripts or
    other skipped elements outside table cells, were removed (the line rendering never reads
    them; a cell's data test does, through its text).

    Rule reposted-document-heading: a centred block that does not repeat `title` (found
    outside the body) is the heading of a document the page reposts under its own headline
    (the State Council notice's name and 文号), and stays as text."""
    tree = copy.deepcopy(container)
    tree.tail = None
    hidden: list[str] = []
    leading = _leading_centred(tree)
    heading = [line.text for el in leading for line in text_lines(el)]
    if title and heading and not _repeats(heading, title):
        leading, heading = [], []
    doomed: list[etree._Element] = leading + _player_widgets(tree)
    same_lines = not doomed
    img_holders = _img_holders(tree)
    for el in tree.iter():
        tag = tag_of(el)
        if el is tree:
            continue
        if not tag:
            doomed.append(el)  # comments, processing instructions
            continue
        if tag in SKIP_TAGS:
            doomed.append(el)
            same_lines = same_lines and next(el.iterancestors("td", "th"), None) is None
            continue
        if is_hidden(el):
            hidden.append(norm(" ".join(el.itertext())))
        elif not (BOILER_ATTR.search((el.get("class") or "") + " " + (el.get("id") or ""))
                  or _is_caption(el, tag, img_holders)):
            continue
        doomed.append(el)
        same_lines = False  # its text was rendered
    for el in doomed:
        if el.getparent() is not None:  # an ancestor may already be gone; dropping it is harmless
            drop_keeping_tail(el)
    return tree, [h for h in hidden if h], heading, same_lines


def link_list_tail(lines: list[str], tree: etree._Element) -> int:
    """Rule related-links-tail: how many of the body's last lines are a list of related
    headlines with no heading (people.com.cn, TRS 相关稿件 blocks): at least `_LINK_RUN` lines
    in a row, each the whole text of one link to a page. Links to files (附件) are text and stay;
    a body that is nothing but links is left for the listing test to judge."""
    if len(lines) <= _LINK_RUN:
        return 0
    linked = {norm(text_content(a)) for a in tree.iter("a") if not names_a_file(a)}
    n = 0
    for line in reversed(lines):
        if line not in linked:
            break
        n += 1
    return n if _LINK_RUN <= n < len(lines) else 0


def boiler_rule(line: str) -> str | None:
    """Name of the chrome rule a short line matches, or None."""
    if len(line) > 120:
        return None
    low = line.lower()
    # one search for every needle and one match of every anchored rule settle most lines
    needled = _ANY_NEEDLE.search(low) is not None
    anchored = _ANY_ANCHORED.match(line) is not None
    if not (needled or anchored or _UNGATED):
        return None
    for name, pattern in BOILER_LINES:
        if name in _ANCHORED:
            tried = anchored
        elif name in _NEEDLES:
            tried = needled and _NEEDLE_OF[name].search(low) is not None
        else:
            tried = True
        if tried and pattern.search(line):
            return name
    return None


def is_widget_label(line: str) -> bool:
    """A 1-3 character edge line that is a widget: a known label, or no CJK at all ("+1", "TOP")."""
    text = line.strip("【】[]()（）<>《》 ")
    return len(line) <= 3 and (text in WIDGET_LABELS or not _HAS_CJK.search(line))
