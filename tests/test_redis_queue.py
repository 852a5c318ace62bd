"""The shared queue on a real redis-server: leases, the reaper, global per-host limits, restarts."""
from __future__ import annotations

import time

import pytest

from archiver.crawl.redisq import WorkQueue, connect
from archiver.errors import ArchiverError
from archiver.testing.redisserver import RedisServer, free_port


def _push(q: WorkQueue, url: str, **kw: object) -> None:
    q.push({"run": "r1", "url": url}, **kw)  # type: ignore[arg-type]


def test_queue_lease_expires_and_reaper_requeues(redis_server: RedisServer) -> None:
    q = WorkQueue(connect(redis_server.url))
    _push(q, "http://a.test/1")
    lease = q.pop("w1", lease_seconds=0.2)
    assert lease is not None and q.pop("w2", 0.2) is None     # held, not handed out twice
    assert q.reap() == 0
    time.sleep(0.3)                                           # the holder died: no renewal
    assert q.reap() == 1
    again = q.pop("w2", 10)
    assert again is not None and again.payload == lease.payload
    assert q.ack(again.id) and not q.ack(again.id) and not q.ack(lease.id)
    assert q.counts() == {"queued": 0, "leased": 0}
    assert int(q.r.hget("archiver:run:r1", "outstanding")) == 0


def test_queue_renewed_lease_is_not_reaped(redis_server: RedisServer) -> None:
    q = WorkQueue(connect(redis_server.url))
    _push(q, "http://a.test/1")
    lease = q.pop("w1", lease_seconds=0.3)
    assert lease is not None
    for _ in range(4):
        time.sleep(0.15)
        q.extend([lease.id], 0.3)
        assert q.reap() == 0


def test_queue_per_host_limit_and_delay_hold_for_all_workers(redis_server: RedisServer) -> None:
    q = WorkQueue(connect(redis_server.url))
    for i in range(4):
        _push(q, f"http://a.test/{i}", limit=2, delay=0.2)
    _push(q, "http://b.test/x", limit=1)
    first = q.pop("w1", 10)
    other = q.pop("w2", 10)
    assert first and other and {first.payload["url"], other.payload["url"]} == {
        "http://a.test/0", "http://b.test/x"}
    assert q.pop("w3", 10) is None                 # a.test's delay has not passed
    time.sleep(0.22)
    second = q.pop("w3", 10)
    assert second and second.payload["url"] == "http://a.test/1"
    time.sleep(0.22)
    assert q.pop("w1", 10) is None                 # two in flight on a.test: its limit
    q.host_done(first.id)                          # a download finished (any worker)
    third = q.pop("w2", 10)
    assert third and third.payload["url"] == "http://a.test/2"


def test_queue_back_off_delays_a_host(redis_server: RedisServer) -> None:
    q = WorkQueue(connect(redis_server.url))
    _push(q, "http://a.test/1")
    _push(q, "http://a.test/2")
    q.back_off("a.test", 0.3)
    assert q.pop("w1", 10) is None
    time.sleep(0.32)
    assert q.pop("w1", 10) is not None


def test_queue_survives_a_redis_restart(redis_server: RedisServer) -> None:
    client = connect(redis_server.url)
    q = WorkQueue(client)
    for i in range(3):
        _push(q, f"http://a.test/{i}", limit=3)
    leased = q.pop("w1", 10)
    redis_server.restart()
    assert q.counts() == {"queued": 2, "leased": 1}          # append-only file: nothing lost
    assert q.ack(leased.id)                                   # scripts are reloaded transparently
    assert q.pop("w1", 10) is not None


def test_connect_unreachable_is_one_line_error() -> None:
    with pytest.raises(ArchiverError) as err:
        connect(f"redis://127.0.0.1:{free_port()}/0")
    assert "cannot reach Redis" in str(err.value) and "\n" not in str(err.value)
