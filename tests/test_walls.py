"""Walls are recognised by their shape, not by words (issue 10).

Two corpora under tests/fixtures/walls/ (provenance in SOURCES.md): ``walls/`` holds
challenge and block pages of each kind and soft-404s, every one of which must be caught;
``legit/`` holds listings, articles and JSON/XML answers whose headlines and bodies talk
about 安全狗, 云锁, 知道创宇, 网站防火墙, 访问被拒绝, 页面不存在问题整改 and 系统繁忙,
every one of which must pass. Every other saved page in the repository (the demo site,
real recorded gov pages) must pass too, except the few that are walls by design.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.crawl.blocking import classify, error_title, text_verdict
from archiver.extraction import walls
from archiver.models import RawPage
from archiver.process import process_page
from tests.conftest import FIXTURES, REPO

WALLS = FIXTURES / "walls"
SIDECAR = ".headers.json"
# How each wall corpus's pages are answered: name -> [{status, headers}, ...]. One body served
# under several statuses (瑞数 412/202/200) is one file with several answers, not copies; a page
# not named is a 200 text/html answer.
ANSWERS = "answers.json"
Answer = tuple[int, dict[str, str], bytes]


def _pages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name != ANSWERS and not p.name.endswith((SIDECAR, ".md")))


def _answers(path: Path) -> list[Answer]:
    """Every way ``path`` is answered: the wall corpora's answers.json, else the page's
    sidecar (the site server's convention, as in the demo site), else 200 text/html."""
    if (manifest := path.with_name(ANSWERS)).exists():
        metas = json.loads(manifest.read_text(encoding="utf-8")).get(path.name) or [{}]
    else:
        side = path.with_name(path.name + SIDECAR)
        metas = [json.loads(side.read_text(encoding="utf-8")) if side.exists() else {}]
    out = []
    for meta in metas:
        headers = meta.get("headers") or {"Content-Type": "text/html"}
        if isinstance(headers, list):
            headers = dict(headers)
        out.append((meta.get("status", 200), headers, path.read_bytes()))
    return out


def _cases(paths: list[Path]) -> list:
    """One test case per answer, named by the page (and the status, when it has several)."""
    return [pytest.param(path, answer, id=path.name if len(answers) == 1 else f"{path.name}@{answer[0]}")
            for path in paths for answers in [_answers(path)] for answer in answers]


@pytest.mark.parametrize(("path", "answer"), _cases(_pages(WALLS / "walls")))
def test_every_wall_is_caught(path: Path, answer: Answer) -> None:
    verdict = classify(*answer)
    assert verdict is not None, f"{path.name} ({answer[0]}) taken for content"


@pytest.mark.parametrize(("path", "answer"), _cases(_pages(WALLS / "legit")))
def test_content_that_talks_about_walls_passes(path: Path, answer: Answer) -> None:
    assert classify(*answer) is None


@pytest.mark.parametrize(("path", "answer"), _cases(sorted((WALLS / "legit").glob("article*.html"))))
def test_such_articles_are_archived_as_articles(path: Path, answer: Answer) -> None:
    """Extraction asks the same question (archiver.extraction.pagekind): still an article."""
    status, headers, body = answer
    article = process_page(RawPage(url="http://127.0.0.1/a/t20240506_1.html", body=body,
                                   status=status, headers=headers)).to_dict()
    assert article["page_kind"] == "article" and article["title"] and article["body"]


# Saved pages elsewhere in the repository that are walls or error pages on purpose.
KNOWN_WALLS = {"data/demo/site/404.html", "data/demo/site/zwyw/202301/t20230105_1000001.html",
               "tests/fixtures/extract/example-gov-cn/challenge-1.html",
               "tests/fixtures/extract/example-gov-cn/challenge-2.html",
               "tests/fixtures/extract/example-gov-cn/error-1.html"}
SKIP = (".json", ".md", ".txt", ".py", ".gz", ".pdf", ".doc", ".css", ".js", ".tsv", ".png", ".toml")


def _saved_pages() -> list[Path]:
    found = []
    for root in (REPO / "data" / "demo" / "site", FIXTURES):
        for p in root.rglob("*"):
            if p.is_file() and not p.name.endswith(SKIP) and WALLS not in p.parents:
                found.append(p)
    return sorted(found)


def test_every_other_saved_page_is_judged_as_before() -> None:
    pages = _saved_pages()
    assert len(pages) > 100
    caught = {str(p.relative_to(REPO)) for p in pages
              if any(classify(*a) is not None for a in _answers(p))}
    assert caught == KNOWN_WALLS


@pytest.mark.parametrize("title, expected", [
    ("页面不存在", True), ("页面不存在_测试市人民政府", True), ("404 Not Found", True),
    ("对不起，您访问的页面不存在！", True), ("系统繁忙 - 测试市", True),
    ("关于页面不存在问题整改情况的通报_测试市人民政府", False), ("12345热线系统繁忙时段分析报告", False),
    ("404 Not Found错误页面规范化建设", False), ("测试市人民政府", False),
])
def test_error_title(title: str, expected: bool) -> None:
    assert error_title(title) is expected


def test_text_verdict_needs_no_status() -> None:
    assert text_verdict("<html><script>$_ts=window['$_ts'];$_ts.nsd=1;</script></html>") is not None
    assert text_verdict("<title>第三届知道安全论坛鸟巢举办 知道创宇发布新版ZoomEye</title>") is None


def test_walls_scan_a_page_for_article_signs_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """classify runs on every answer in the crawl's download loop: a page without article marks
    is scanned for them once (both verdicts ask), and an article's title, links and lines are
    never rendered (its marks rule out both verdicts)."""
    scans: list[str] = []
    real = walls.article_signs
    monkeypatch.setattr(walls, "article_signs", lambda text: scans.append(text) or real(text))
    soft404 = "<html><title>页面不存在</title><body>对不起，您访问的页面不存在</body></html>"
    assert classify(200, {"Content-Type": "text/html; charset=utf-8"}, soft404.encode()) is not None
    assert text_verdict(soft404) is not None
    assert len(scans) == 2
    article = walls.page_shape('<meta name="PubDate" content="2024-05-06"><title>页面不存在</title>'
                               + '<a href="/x">链接</a>' * 2 + "<p>正文</p>")
    assert walls.wall_verdict(article, 200, "") is None and not walls.soft_error(article)
    assert not {"_title_body", "links", "lines", "plain"} & set(vars(article))


def test_corpus_sizes() -> None:
    """The corpora only grow: a wall kind or a legit shape removed is a review question."""
    assert len(_cases(_pages(WALLS / "walls"))) >= 32 and len(_cases(_pages(WALLS / "legit"))) >= 23
