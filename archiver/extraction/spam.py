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
        # porn
        "无码 一区二区 二区三区 露脸 国产精品 国产高清 国产真实 久久久 久久精品 亚洲高清 成人影院 成人视频 色情 黄色网站 "
        "av在线 午夜福利 偷拍 自拍偷 人妻 乱伦 三级片 黄片 日韩av 欧美av 精品视频 天天在线 天天爽 夜夜 撸 福利视频 "
        "成人网站 成人电影 成人片 成人av 日本av av电影 av女优 av网站 裸聊 约炮 援交 一夜情 招嫖 外围女 包夜 小姐上门 "
        "催情 春药 迷药 "
        # gambling, lotteries
        "博彩 百家乐 娱乐城 时时彩 六合彩 真人荷官 葡京 威尼斯人 太阳城 开元棋牌 棋牌游戏 老虎机 bet365 皇冠体育 "
        "体育投注 网投 线上赌场 赌球 赌马 北京赛车 pk10 幸运飞艇 香港六合彩 特码 平特 跑狗图 白小姐 管家婆 "
        "开奖结果 开奖记录 开奖直播 炸金花 德州扑克 ag真人 bbin 电子游艺 亚博体育 开云体育 华体会 必威 伟德 "
        "威廉希尔 金沙娱乐 银河娱乐 永利娱乐 彩票平台 棋牌平台 真钱 "
        # fake invoices and papers
        "代开发票 发票代开 代开增值税 开发票 代开普票 代开专票 办理发票 假证 办证刻章 代办证件 仿真枪 冰毒 私服 外挂 "
        "刷单".split(), 2),
    **dict.fromkeys(
        "在线观看 高清 视频 亚洲 日韩 欧美 彩票 赌博 赌场 澳门 免费 发票 91 棋牌 成人 娱乐 注册 官网 下载 "
        "开奖 资料 增值税 上门服务 麻将 斗地主 牛牛 捕鱼 快三 11选5 足彩 体育".split(), 1),
}
_TERMS = re.compile("|".join(sorted(map(re.escape, LEXICON), key=len, reverse=True)), re.I)
# no re.I: the page-level pre-test lower-cases its text instead, ten times faster on CJK pages
_STRONG = re.compile("|".join(sorted({re.escape(k.lower()) for k, w in LEXICON.items() if w > 1}, key=len, reverse=True)))
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


# a way to reach the seller: QQ/微信/"加V" ids, mobile numbers, or a bare domain in the line
_CONTACT = re.compile(
    r"(?:QQ|扣扣|微信|薇信|威信|加V|VX|wx)\s*[:：号]?\s*[A-Za-z0-9_-]{5,}|(?<!\d)1[3-9]\d{9}(?!\d)"
    r"|(?<![@\w.])(?:www\.)?[a-z0-9-]{2,}\.(?:com|net|cc|vip|top|xyz|me|tv|app|club)(?![\w.])",
    re.I,
)


def _advert(text: str) -> bool:
    """A contact in a line that is not a sentence (a warning like "严打代开发票，举报电话…。" is)."""
    return len(text) <= 200 and not any(p in text for p in "。！？") and bool(_CONTACT.search(text))


def is_spam(text: str, *, hidden: bool = False, link_ratio: float = 0.0) -> bool:
    """Lexical evidence AND a structural one (hidden, link farm, keyword list, or a contact
    id/phone/domain: "代开发票 联系QQ 12345678" is an advert, not news about invoices)."""
    if not text or len(text) > 2000:
        return False
    if not (hidden or link_ratio >= 0.6 or is_keyword_list(text) or _advert(text)):
        return False
    points, distinct, strong = score(text)
    return points >= MIN_SCORE and distinct >= 2 and strong > 0


def may_hold_spam(text: str) -> bool:
    """Cheap page-level pre-test: spam needs a strong term, so a page without one has none."""
    return _STRONG.search(text.lower()) is not None
