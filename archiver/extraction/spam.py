"""Injected spam on hacked government pages: hidden link farms and porn/gambling keyword lines.

A line is spam only with BOTH lexical evidence (weighted keyword hits, at least two distinct
terms) and a structural signal (hidden, a list of short comma-separated phrases, or mostly
link text). So news about 打击赌博 or a 发票 policy is never flagged: it reads as sentences.
"""
from __future__ import annotations

import re

# term -> weight. Strong terms almost never occur in government prose; weak ones do.
LEXICON: dict[str, int] = {
    **dict.fromkeys(
        "无码 一区二区 二区三区 露脸 国产精品 国产高清 国产真实 久久久 久久精品 亚洲高清 成人影院 成人视频 色情 黄色网站 "
        "av在线 午夜福利 偷拍 自拍偷 人妻 乱伦 三级片 黄片 博彩 百家乐 娱乐城 时时彩 六合彩 真人荷官 葡京 威尼斯人 "
        "太阳城 开元棋牌 棋牌游戏 老虎机 代开发票 发票代开 代开增值税 开发票 bet365 皇冠体育 体育投注 网投 线上赌场 "
        "日韩av 欧美av 精品视频 天天在线 天天爽 夜夜 撸 福利视频".split(), 2),
    **dict.fromkeys("在线观看 高清 视频 亚洲 日韩 欧美 彩票 赌博 赌场 澳门 免费 发票 91".split(), 1),
}
_TERMS = re.compile("|".join(sorted(map(re.escape, LEXICON), key=len, reverse=True)), re.I)
_LOWER = {k.lower(): v for k, v in LEXICON.items()}
_PHRASE_SPLIT = re.compile(r"[,，、|｜;；/\s]+")
MIN_SCORE = 4


def score(text: str) -> tuple[int, int, int]:
    """(weighted score, number of distinct terms, number of strong terms)."""
    terms = {m.group(0).lower() for m in _TERMS.finditer(text)}
    weights = [_LOWER.get(t, 1) for t in terms]
    return sum(weights), len(terms), sum(w > 1 for w in weights)


def is_keyword_list(text: str) -> bool:
    """"国产高清天天在线,国产真实露脸一区二区三区,…": short phrases, no sentence punctuation."""
    if "。" in text or "！" in text:
        return False
    phrases = [p for p in _PHRASE_SPLIT.split(text) if p]
    return len(phrases) >= 3 and max(map(len, phrases)) <= 20


def is_spam(text: str, *, hidden: bool = False, link_ratio: float = 0.0) -> bool:
    if not text or len(text) > 2000:
        return False
    if not (hidden or link_ratio >= 0.6 or is_keyword_list(text)):  # cheap structural test first
        return False
    points, distinct, strong = score(text)
    return points >= MIN_SCORE and distinct >= 2 and strong > 0
