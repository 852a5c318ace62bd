"""Named date patterns: each with example strings (the table in archiver.extraction.dates)."""
from __future__ import annotations

import pytest

from archiver.extraction.dates import PATTERNS, date_from_url, find_dates, parse_date

CASES = [
    # (text, year hint, expected ISO, pattern name)
    ("2022年05月20日", None, "2022-05-20", "ymd"),
    ("发布时间：2022年5月20日 来源：运城日报", None, "2022-05-20", "ymd"),
    ("2022-05-20 10:30", None, "2022-05-20T10:30:00+08:00", "ymd"),
    ("2022/5/20", None, "2022-05-20", "ymd"),
    ("2022.05.20", None, "2022-05-20", "ymd"),
    ("2019-12-10 07:57:40 来源： 新华网", None, "2019-12-10T07:57:40+08:00", "ymd"),
    ("2023-10-23  08:59", None, "2023-10-23T08:59:00+08:00", "ymd"),
    ("2022年5月20日10时30分", None, "2022-05-20T10:30:00+08:00", "ymd"),
    ("２０２２－０５－２０　１０：３０", None, "2022-05-20T10:30:00+08:00", "ymd"),
    ("2023-10-23 09:51:50_194", None, "2023-10-23T09:51:50+08:00", "ymd"),
    ("2019-09-30T22:46:13+08:00", None, "2019-09-30T22:46:13+08:00", "ymd"),
    ("二〇二二年五月二十日", None, "2022-05-20", "cn_numerals"),
    ("二〇二三年十月十六日", None, "2023-10-16", "cn_numerals"),
    ("二〇二〇年三月三十一日", None, "2020-03-31", "cn_numerals"),
    ("发布时间：09-30 22:46", 2019, "2019-09-30T22:46:00+08:00", "md_time"),
    ("更新时间 2012年12月10日, 格林尼治标准时间10:41", None, "2012-12-10T10:41:00+00:00", "ymd"),
]


@pytest.mark.parametrize(("text", "year", "iso", "name"), CASES, ids=[c[0] for c in CASES])
def test_dates_named_patterns(text: str, year: int | None, iso: str, name: str) -> None:
    hit = parse_date(text, year)
    assert hit is not None
    assert (hit.iso, hit.pattern) == (iso, name)


@pytest.mark.parametrize("text", ["09-30 22:46", "点击率：1986", "2022年13月40日", "电话 0931-8826049", "第20220520号", ""])
def test_dates_rejects_non_dates(text: str) -> None:
    assert parse_date(text) is None  # md_time needs a year from elsewhere


def test_dates_all_in_reading_order() -> None:
    hits = find_dates("成文日期：2020-02-21 发布日期：2020-02-26 10:44")
    assert [h.iso for h in hits] == ["2020-02-21", "2020-02-26T10:44:00+08:00"]


@pytest.mark.parametrize(("url", "iso", "name"), [
    ("http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml", "2019-09-18", "url:trs"),
    ("http://www.jiangxi.gov.cn/art/2020/2/26/art_4975_1510362.html", "2020-02-26", "url:ymd_path"),
    ("http://www.xinhuanet.com/world/2019-12/10/c_1125327450.htm", "2019-12-10", "url:ymd_path"),
    ("http://nb.ifeng.com/a/20200911/14526474_0.shtml", "2020-09-11", "url:compact"),
])
def test_dates_from_url(url: str, iso: str, name: str) -> None:
    hit = date_from_url(url)
    assert hit is not None and (hit.iso, hit.pattern) == (iso, name)


def test_dates_url_without_date() -> None:
    assert date_from_url("http://www.example.gov.cn/zwgk/index.html") is None


def test_dates_pattern_table_is_short_and_named() -> None:
    assert set(PATTERNS) == {"ymd", "cn_numerals", "md_time"}
