"""Sample archive shared by the query tests: realistic Chinese articles saved through ArchiveWriter.

Imported by the other query tests as ``tests.test_search_samples``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from archiver.models import RawPage
from archiver.store.writer import ArchiveWriter

BASE = "http://www.yuncheng.gov.cn"


def page_html(title: str, body: str) -> bytes:
    html = (f'<html><head><meta charset="gbk"><title>{title}</title></head>'
            f'<body><div class="TRS_Editor"><p>{body}</p></div></body></html>')
    return html.encode("gbk")


def article(title: str, body: str, published_at: str, source: str = "运城日报",
            **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "title": title, "published_at": published_at, "source": source, "author": "张明",
        "body": body, "flags": [], "spam": [], "attachments": [], "images": [],
        "page_kind": "article", "provenance": {"title": "meta:ArticleTitle"},
        "decode": {"encoding": "gb18030", "source": "meta"},
        "repair": {"changed": False, "kinds": [], "lost": 0},
    }
    record.update(extra)
    return record


ARTICLES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("yuncheng", "要闻", "/xxgk/t20220512_1.html", article(
        "运城市召开疫情防控工作会议",
        "5月12日，运城市召开疫情防控工作会议。会议要求，各县（市、区）要压实疫情防控责任，\n"
        "严格落实各项防控措施，确保人民群众生命安全和身体健康。",
        "2022-05-12T09:30:00+08:00")),
    ("yuncheng", "要闻", "/xxgk/t20220603_2.html", article(
        "运城市出台稳经济一揽子政策措施",
        "为贯彻落实国务院稳经济一揽子政策措施，运城市出台实施方案，涉及财政、金融、投资等方面。",
        "2022-06-03", source="运城市发展和改革委员会",
        attachments=[{"url": BASE + "/xxgk/fj1.pdf", "name": "实施方案.pdf"}])),
    ("yuncheng", "通知公告", "/tzgg/t20220520_3.html", article(
        "关于做好疫情防控期间道路运输保障的通知",
        "各县交通运输局：为做好疫情防控期间道路运输保障工作，现将有关事项通知如下。",
        "2022-05-20", source="运城市交通运输局",
        repair={"changed": True, "kinds": ["utf8_as_gbk"], "lost": 2},
        flags=["lost_characters"])),
    ("taiyuan", "要闻", "/zwyw/t20220415_4.html", article(
        "太原市推进政务服务改革",
        "太原市深入推进政务服务“一网通办”改革，群众办事更加便捷。",
        "2022-04-15", source="太原日报",
        spam=["澳门博彩 在线娱乐 点击进入"], flags=["spam_removed"])),
]

EDITED_BODY = ("5月12日，运城市召开疫情防控工作会议。会议强调，要坚持科学精准，\n"
               "统筹疫情防控和经济社会发展。")


def raw_page(site: str, section: str, path: str, record: dict[str, Any],
             fetched_at: str = "2022-06-10T08:00:00+00:00") -> RawPage:
    return RawPage(url=BASE + path, body=page_html(record["title"], record["body"]),
                   headers={"Content-Type": "text/html; charset=gbk", "Server": "TRS",
                            "ETag": '"5e1-4a"', "Content-Length": "999"},
                   request_headers={"User-Agent": "gov-archiver/0.1", "Accept": "text/html"},
                   fetched_at=fetched_at, site=site, section=section)


def build_archive(path: Path, *, edited: bool = True) -> Path:
    """Four articles over two sites; the first one edited once (two versions)."""
    db = ArchiveWriter(path)
    for site, section, url_path, record in ARTICLES:
        db.save(raw_page(site, section, url_path, record), record)
    if edited:
        site, section, url_path, record = ARTICLES[0]
        changed = {**record, "body": EDITED_BODY}
        db.save(raw_page(site, section, url_path, changed, "2022-06-11T08:00:00+00:00"), changed)
    db.index()  # as when a crawl's run closes (the tests of the queue build their own)
    db.db.close()
    return path


def test_samples_build(tmp_path: Path) -> None:
    path = build_archive(tmp_path / "a.db")
    assert path.exists()
