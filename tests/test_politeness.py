"""Politeness and safety in real crawls on 127.0.0.1: robots.txt (and the opt-out warning),
≤2 requests in flight per host, an honest User-Agent, Retry-After and exponential back-off,
a gzip bomb refused, a redirect loop cut, offsite links never followed."""
from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.testing.siteserver import RequestInfo, SiteServer
from tests.crawlkit import FAST, article_html, cli, rows, write_profile


class Recorder:
    """Routes that count requests in flight and remember when each one came."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.seen: list[tuple[float, str, str]] = []
        self.calls: dict[str, int] = {}

    def slow(self, req: RequestInfo) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.seen.append((time.monotonic(), req.path, req.headers.get("User-Agent", "")))
        time.sleep(0.15)
        with self.lock:
            self.in_flight -= 1
        return 200, {"Content-Type": "text/html; charset=utf-8"}, (self.root / req.path.lstrip("/")).read_bytes()

    def flaky(self, status: int, retry_after: str | None, failures: int):  # type: ignore[no-untyped-def]
        def route(req: RequestInfo) -> tuple[int, dict[str, str], bytes]:
            with self.lock:
                n = self.calls[req.path] = self.calls.get(req.path, 0) + 1
                self.seen.append((time.monotonic(), req.path, ""))
            if n <= failures:
                headers = {"Content-Type": "text/plain"}
                if retry_after:
                    headers["Retry-After"] = retry_after
                return status, headers, b"busy"
            return 200, {"Content-Type": "text/html; charset=utf-8"}, (self.root / req.path.lstrip("/")).read_bytes()
        return route


def bomb(req: RequestInfo) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, BOMB


BOMB = gzip.compress(b"<html>" + b" " * 40_000_000, 9)


def _site(root: Path, other_base: str) -> dict[str, str]:
    arts = {f"/p/{i:02d}.html": f"礼貌抓取测试新闻第{i}号通知标题" for i in range(8)}
    arts |= {"/private/secret.html": "机密栏目的新闻标题不应被抓取", "/bomb/big.html": "压缩炸弹页面标题很长",
             "/loop/a.html": "循环重定向页面的标题很长", "/r/429.html": "限流后重试的新闻标题",
             "/r/503.html": "服务暂不可用后重试的新闻"}
    for path, title in arts.items():
        (root / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        (root / path.lstrip("/")).write_text(article_html(title, "2023-03-03"), encoding="utf-8")
    (root / "loop" / "a.html.headers.json").write_text('{"status": 302, "headers": {"Location": "/loop/b.html"}}')
    (root / "loop" / "b.html.headers.json").write_text('{"status": 302, "headers": {"Location": "/loop/a.html"}}')
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    items = "".join(f'<li><a href="{p}">{t}</a></li>' for p, t in arts.items())
    (root / "list.html").write_text(
        f'<html><body><ul>{items}</ul><a href="{other_base}/list2.html">下一页</a></body></html>',
        encoding="utf-8")
    return arts


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("polite")
    (tmp / "site").mkdir()
    (tmp / "other").mkdir()
    (tmp / "other" / "list2.html").write_text("<html>offsite</html>")
    rec = Recorder(tmp / "site")
    with SiteServer(tmp / "other", host="127.0.0.2") as other:
        arts = _site(tmp / "site", other.base_url)
        routes = {p: rec.slow for p in arts if p.startswith("/p/")}
        routes |= {"/bomb/big.html": bomb, "/r/429.html": rec.flaky(429, "1", 1),
                   "/r/503.html": rec.flaky(503, None, 2)}
        with SiteServer(tmp / "site", routes=routes) as srv:
            write_profile(tmp / "sites", srv.base_url,
                          sections=[("all", "/list.html", 'article_selector = "ul a"\n')])
            started = time.monotonic()
            r = cli("crawl", "fixture", "--sites-dir", str(tmp / "sites"), "--db", str(tmp / "a.db"),
                    *FAST, "-s", "ARCHIVER_BACKOFF_BASE=0.5", "-s", "DOWNLOAD_MAXSIZE=5000000",
                    "-s", "CONCURRENT_REQUESTS=16", "-s", "REDIRECT_MAX_TIMES=5")
            yield {"r": r, "rec": rec, "srv": srv.requests, "other": other.requests,
                   "db": tmp / "a.db", "elapsed": time.monotonic() - started, "tmp": tmp}


def test_robots_txt_honoured(crawled: dict) -> None:
    assert ("GET", "/robots.txt") in crawled["srv"]
    assert not any(p.startswith("/private/") for _, p in crawled["srv"])
    reasons = rows(crawled["db"], "SELECT reason FROM frontier WHERE url LIKE '%/private/%'")
    assert reasons and "robots.txt" in reasons[0][0]


def test_at_most_two_per_host_and_honest_user_agent(crawled: dict) -> None:
    rec = crawled["rec"]
    assert 1 <= rec.max_in_flight <= 2
    agents = {ua for _, p, ua in rec.seen if p.startswith("/p/")}
    assert agents and all("gov-archiver" in ua and "+http" in ua for ua in agents)


def test_retry_after_and_exponential_backoff(crawled: dict) -> None:
    rec = crawled["rec"]
    t429 = [t for t, p, _ in rec.seen if p == "/r/429.html"]
    assert len(t429) == 2 and t429[1] - t429[0] >= 0.9       # Retry-After: 1
    t503 = [t for t, p, _ in rec.seen if p == "/r/503.html"]
    assert len(t503) == 3
    assert t503[1] - t503[0] >= 0.45 and t503[2] - t503[1] >= 0.9   # 0.5 s, then 1 s
    stored = {r[0].rsplit("/", 2)[-2] + "/" + r[0].rsplit("/", 1)[-1]
              for r in rows(crawled["db"], "SELECT url FROM articles")}
    assert {"r/429.html", "r/503.html"} <= stored


def test_gzip_bomb_refused_redirect_loop_cut_offsite_ignored(crawled: dict) -> None:
    db = crawled["db"]
    urls = [r[0] for r in rows(db, "SELECT url FROM articles")]
    assert not any("/bomb/" in u or "/loop/" in u for u in urls)
    # Kept for a later run (pending, with the reason), not dropped.
    failed = dict(rows(db, "SELECT url, reason FROM frontier WHERE status = 'pending'"))
    assert any("/bomb/" in u and "DOWNLOAD_MAXSIZE" in (why or "") for u, why in failed.items()), failed
    assert any("/loop/" in u and "redirections" in (why or "") for u, why in failed.items()), failed
    loops = [p for _, p in crawled["srv"] if p.startswith("/loop/")]
    assert 2 <= len(loops) <= 8
    assert crawled["other"] == []
    assert len([u for u in urls if "/p/" in u]) == 8
    # Refused pages make the run partial: exit status 3, so cron notices.
    assert crawled["r"].returncode == 3
    assert rows(db, "SELECT status FROM runs")[0][0] == "partial"


def test_robots_opt_out_warns(tmp_path: Path) -> None:
    (tmp_path / "site" / "private").mkdir(parents=True)
    (tmp_path / "site" / "robots.txt").write_text("User-agent: *\nDisallow: /\n")
    (tmp_path / "site" / "private" / "a.html").write_text(article_html("不遵守机器人协议的页面标题", "2023-01-01"))
    (tmp_path / "site" / "list.html").write_text(
        '<ul><li><a href="/private/a.html">不遵守机器人协议的页面标题</a></li></ul>', encoding="utf-8")
    with SiteServer(tmp_path / "site") as srv:
        write_profile(tmp_path / "sites", srv.base_url, extra="[politeness]\nrobots = false\n",
                      sections=[("all", "/list.html", 'article_selector = "ul a"\n')])
        r = cli("crawl", "fixture", "--sites-dir", str(tmp_path / "sites"),
                "--db", str(tmp_path / "a.db"), *FAST)
        assert "robots.txt is NOT being honoured" in r.stderr
        assert ("GET", "/private/a.html") in srv.requests
        assert ("GET", "/robots.txt") not in srv.requests



def test_robots_forbidden_listing_is_said(tmp_path: Path) -> None:
    """A section whose listing robots.txt forbids is not fetched, and the run says why."""
    (tmp_path / "site" / "news").mkdir(parents=True)
    (tmp_path / "site" / "robots.txt").write_text("User-agent: *\nDisallow: /news/\n")
    (tmp_path / "site" / "news" / "a.html").write_text(article_html("机器人协议禁止的栏目文章", "2023-01-01"))
    (tmp_path / "site" / "news" / "list.html").write_text(
        '<ul><li><a href="/news/a.html">机器人协议禁止的栏目文章</a></li></ul>', encoding="utf-8")
    with SiteServer(tmp_path / "site") as srv:
        write_profile(tmp_path / "sites", srv.base_url,
                      sections=[("news", "/news/list.html", 'article_selector = "ul a"\n')])
        r = cli("crawl", "fixture", "--sites-dir", str(tmp_path / "sites"),
                "--db", str(tmp_path / "a.db"), *FAST)
        assert srv.requests == [("GET", "/robots.txt")]
    assert "section news: robots.txt forbids its listing" in r.stderr
    assert r.returncode != 0
