"""Publication dates: a short table of NAMED patterns, each tested with example strings.

Everything becomes ISO 8601: "2022-05-20" for a date alone, "2022-05-20T10:30:00+08:00" when a
time is shown (Chinese government pages use Beijing time unless they say otherwise).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# The time may follow a "T" (ISO), spaces, or a hyphen ("2023-05-20-10:30:00" in firstpublishedtime).
# Rule explicit-offset: an ISO zone written after the seconds ("Z", "+00:00") is kept, not replaced.
_TIME = (r"(?:(?:\s*T\s*|\s*|-)(?P<h>[01]?\d|2[0-3])\s*[:时]\s*(?P<mi>[0-5]\d)(?:\s*[:分]\s*(?P<s>[0-5]\d)"
         r"(?:\.\d{1,6})?(?P<tz>Z|[+-](?:0\d|1[0-4]):?[0-5]\d(?![\d:]))?)?)?")

# name -> pattern. Order matters only for ties at the same position.
PATTERNS: dict[str, re.Pattern[str]] = {
    # 2022-05-20, 2022/5/20, 2022.05.20, 2022年05月20日, with an optional 10:30[:00]
    "ymd": re.compile(
        r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>0?[1-9]|1[0-2])\s*[-/.月]\s*"
        r"(?P<d>0?[1-9]|[12]\d|3[01])(?!\d)(?:\s*日)?" + _TIME
    ),
    # 二〇二二年五月二十日 (落款 style, also used by some 发布日期 lines)
    "cn_numerals": re.compile(
        r"(?P<y>[〇零○Ｏ一二三四五六七八九]{4})\s*年\s*(?P<m>[一二三四五六七八九十]{1,2})\s*月\s*"
        r"(?P<d>[一二三四五六七八九十]{1,3})\s*日"
    ),
    # "09-30 22:46": month-day and time, the year comes from elsewhere (a meta tag, the URL)
    "md_time": re.compile(
        r"(?<![\d-])(?P<m>0?[1-9]|1[0-2])-(?P<d>0?[1-9]|[12]\d|3[01])\s+"
        r"(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?::(?P<s>[0-5]\d))?(?![\d:])"
    ),
}

# Dates inside URLs: only a last resort (a CMS path date is the creation date, usually right).
URL_PATTERNS: dict[str, re.Pattern[str]] = {
    "url:trs": re.compile(r"/t(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)_\d+"),
    "url:ymd_path": re.compile(
        r"/(?P<y>(?:19|20)\d\d)[-/]?(?P<m>0?[1-9]|1[0-2])[-/](?P<d>0?[1-9]|[12]\d|3[01])/"
    ),
    "url:compact": re.compile(r"/(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)/"),
}

_GMT = re.compile(r"格林尼治标准时间\s*(?P<h>[01]?\d|2[0-3])\s*[:：]\s*(?P<mi>[0-5]\d)")
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0}


@dataclass(frozen=True)
class DateHit:
    iso: str
    pattern: str
    has_time: bool
    start: int = 0


def _cn_number(text: str) -> int:
    """十 → 10, 二十 → 20, 二十一 → 21, 五 → 5 (month/day numerals only)."""
    if "十" not in text:
        return _CN_DIGITS.get(text, 0)
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def _fields(name: str, m: re.Match[str], year_hint: int | None) -> tuple[int, ...] | None:
    groups = m.groupdict()
    year: int | None
    if name == "cn_numerals":
        year = int("".join(str(_CN_DIGITS.get(c, 0)) for c in groups["y"]))
        return year, _cn_number(groups["m"]), _cn_number(groups["d"])
    year = int(groups["y"]) if groups.get("y") else year_hint
    if year is None:
        return None
    return year, int(groups["m"]), int(groups["d"])


def _iso(ymd: tuple[int, ...], m: re.Match[str], tz: str = "+08:00") -> tuple[str, bool]:
    date = "%04d-%02d-%02d" % ymd
    hour = m.groupdict().get("h")
    if hour is None:
        return date, False
    sec = m.groupdict().get("s") or "00"
    if given := m.groupdict().get("tz"):
        tz = "+00:00" if given == "Z" else f"{given[:3]}:{given[-2:]}"
    return f"{date}T{int(hour):02d}:{m.group('mi')}:{sec}{tz}", True


def normalise(text: str) -> str:
    """Full-width digits, colons and spaces to ASCII, so one pattern covers both widths."""
    return unicodedata.normalize("NFKC", text)


def find_dates(text: str, year_hint: int | None = None) -> list[DateHit]:
    """Every date in `text`, in reading order."""
    text = normalise(text)
    hits: list[DateHit] = []
    for name, pattern in PATTERNS.items():
        for m in pattern.finditer(text):
            if name == "md_time" and any(h.start <= m.start() < h.start + 20 for h in hits):
                continue  # "2022-05-20 10:30" already read as ymd
            ymd = _fields(name, m, year_hint)
            if ymd is None or not 1990 <= ymd[0] <= 2100:
                continue
            iso, has_time = _iso(ymd, m)
            if gmt := _GMT.search(text, m.end(), m.end() + 40):  # BBC-style 格林尼治标准时间10:41
                y, mo, d = ymd[:3]
                iso, has_time = "%04d-%02d-%02dT%02d:%s:00+00:00" % (y, mo, d, int(gmt["h"]), gmt["mi"]), True
            hits.append(DateHit(iso, name, has_time, m.start()))
    return sorted(hits, key=lambda h: h.start)


def parse_date(text: str, year_hint: int | None = None) -> DateHit | None:
    """The first date in `text`, or None."""
    hits = find_dates(text, year_hint)
    return hits[0] if hits else None


# a value that is a month and day alone: "03-30", "3月30日"
_MONTH_DAY = re.compile(r"\s*(?P<m>0?[1-9]|1[0-2])\s*[-/.月]\s*(?P<d>0?[1-9]|[12]\d|3[01])\s*日?\s*$")


def month_day(value: str, year: int) -> DateHit | None:
    """`value` when it is a month and day alone ("03-30"), dated in `year`. Only for a labelled
    value (发布时间： 03-30): in running text a bare "03-30" may be anything."""
    m = _MONTH_DAY.match(value)
    return DateHit("%04d-%02d-%02d" % (year, int(m["m"]), int(m["d"])), "md", False) if m else None


# a year-month folder (/tzgg/201703/): the year, and no day
_URL_YEAR_MONTH = re.compile(r"/(?P<y>(?:19|20)\d{2})(?:0[1-9]|1[0-2])/")


def year_from_url(url: str) -> int | None:
    """The year the URL's path dates the page to, from a full date or a year-month folder:
    lets a page's "发布时间： 03-30" become a full date when no meta gives the year."""
    if hit := date_from_url(url):
        return int(hit.iso[:4])
    m = _URL_YEAR_MONTH.search(url)
    return int(m["y"]) if m else None


def date_from_url(url: str) -> DateHit | None:
    """A date in the URL path (./202205/t20220520_1.html, /art/2020/2/26/, /20200911/)."""
    for name, pattern in URL_PATTERNS.items():
        if m := pattern.search(url):
            ymd = (int(m["y"]), int(m["m"]), int(m["d"]))
            if 1 <= ymd[1] <= 12 and 1 <= ymd[2] <= 31:
                return DateHit("%04d-%02d-%02d" % ymd, name, False, m.start())
    return None
