"""A long-lived worker on a real redis-server, in process: what it keeps of the runs it served."""
from __future__ import annotations

import json
from pathlib import Path

from scrapy.utils.test import get_crawler

from archiver.crawl import wire
from archiver.crawl.redisq import PREFIX, WorkQueue, connect
from archiver.models import Entry
from archiver.spiders.worker import WorkerSpider
from archiver.testing.redisserver import RedisServer
from tests.crawlkit import write_profile


def _run(queue: WorkQueue, run: str, profile: Path, urls: list[str]) -> None:
    """A run as the coordinator starts one (archiver.crawl.distributed.start_run): its config,
    then its requests."""
    queue.r.hset(f"{PREFIX}:run:{run}", "config", json.dumps({"target": str(profile)}))
    for url in urls:
        entry = Entry(url, "article", "trs")
        queue.push({"run": run, "url": url, "entry": wire.entry_to_json(entry), "headers": {}})


def test_worker_forgets_a_run_once_it_is_over_and_keeps_its_counts(
        tmp_path: Path, redis_server: RedisServer) -> None:
    profile = write_profile(tmp_path / "sites", "http://127.0.0.1:9",
                            sections=[("trs", "/trs/index.html", "")])
    worker = WorkerSpider.from_crawler(get_crawler(WorkerSpider), redis_url=redis_server.url)
    other = WorkQueue(connect(redis_server.url))          # a second worker
    _run(worker.queue, "r1", profile, ["http://127.0.0.1:9/a/1.html", "http://127.0.0.1:9/b/2.html"])
    mine = worker.queue.pop(worker.worker_id, 60)
    theirs = other.pop("w2", 60)
    assert mine is not None and theirs is not None
    assert worker._to_request(mine.id, mine.payload) is not None   # counts a request, unsent
    worker.held[mine.id] = "r1"
    worker._heartbeat()
    assert "r1" in worker.handlers                        # a lease of it held here

    worker.release(mine.id)
    worker._heartbeat()
    assert "r1" in worker.handlers                        # still running on the other worker

    handler = worker.handlers["r1"]
    assert handler is not None
    handler.crawler.stats.inc_value("archiver/late")      # buffered, no ack of the run to come
    assert other.ack(theirs.id)                           # the run's last request: it is over
    worker.stopped("r1")
    worker._drop_ended_runs()     # not the heartbeat, which sends every run's counts first
    assert worker.handlers == {} and worker._stopped == {}
    stats = worker.r.hgetall(f"{PREFIX}:run:r1:stats")
    assert stats == {b"downloader/request_count": b"1", b"archiver/late": b"1"}
