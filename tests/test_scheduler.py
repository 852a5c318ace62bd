"""Waiting requests: in memory up to ARCHIVER_QUEUE_MEMORY, on disk (the run's JOBDIR) beyond."""
from __future__ import annotations

import re
from pathlib import Path

import scrapy
from scrapy.utils.test import get_crawler

from archiver.spiders.scheduler import SpillScheduler
from archiver.testing.siteserver import SiteServer
from tests.crawlkit import FAST, cli, make_site, rows, write_profile


class Spider(scrapy.Spider):
    name = "s"

    def parse(self, response):  # type: ignore[no-untyped-def]
        return None


def test_requests_past_the_memory_bound_wait_on_disk_and_all_come_back(tmp_path: Path) -> None:
    # The plain priority queue: the downloader-aware one needs a running engine.
    crawler = get_crawler(Spider, {"JOBDIR": str(tmp_path / "job"), "ARCHIVER_QUEUE_MEMORY": 3,
                                   "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue"})
    crawler.spider = spider = Spider()
    scheduler = SpillScheduler.from_crawler(crawler)
    scheduler.open(spider)
    urls = [f"http://127.0.0.1/a/{n}.html" for n in range(10)]
    for url in urls:
        assert scheduler.enqueue_request(scrapy.Request(url, callback=spider.parse))
    assert (len(scheduler.mqs), len(scheduler.dqs)) == (3, 7)
    out = []
    while (request := scheduler.next_request()) is not None:
        out.append(request)
    # Every request comes back, its callback too (the disk queue stores it by name).
    assert sorted(r.url for r in out) == urls
    assert all(r.callback == spider.parse for r in out)
    stats = crawler.stats.get_stats()
    assert stats["scheduler/enqueued/disk"] == stats["scheduler/dequeued/disk"] == 7
    scheduler.close("finished")


def _stats(stderr: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r"'(scheduler/[a-z/]+)': (\d+)", stderr)}


def test_a_crawl_spills_to_disk_only_past_the_bound(tmp_path: Path) -> None:
    expected = make_site(tmp_path / "site", per_page=4, pages=3)
    with SiteServer(tmp_path / "site") as srv:
        write_profile(tmp_path / "sites", srv.base_url, sections=[("trs", "/trs/index.html", "")])
        runs = {}
        for name, extra in (("small", ["-s", "ARCHIVER_QUEUE_MEMORY=1"]), ("default", [])):
            r = cli("-v", "crawl", "fixture", "--sites-dir", str(tmp_path / "sites"),
                    "--db", str(tmp_path / f"{name}.db"), *FAST, *extra)
            assert r.returncode == 0, r.stdout + r.stderr[-2000:]
            runs[name] = _stats(r.stderr)
            archived = {u for (u,) in rows(tmp_path / f"{name}.db", "SELECT url FROM articles")}
            assert archived == {srv.base_url + p for p in expected["trs"]}
    assert runs["small"]["scheduler/enqueued/disk"] > 0
    assert runs["default"]["scheduler/enqueued/memory"] == runs["default"]["scheduler/enqueued"]
