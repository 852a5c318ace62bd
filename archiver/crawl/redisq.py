"""The shared crawl state in Redis: per-host request queues with leases, run ledgers, the stream.

Why not scrapy-redis's queue: its ``pop`` removes a request for good (a SIGKILLed
worker loses what it held), it serialises with pickle by default, and one list per
spider cannot say which host may be asked next. Here each request is *leased*:
``pop`` moves it from its host's queue to a lease with a deadline, the worker renews
the deadline while it works (``extend``), ``ack`` ends the lease once the outcome is
safely on the stream, and ``reap`` puts every expired lease back at the front of its
host's queue. A killed worker's requests therefore come back after one lease period.

Politeness is global because it is decided inside the same atomic ``pop``: a host is
in the ready set only while it has queued requests, fewer than ``limit`` in flight
(across all workers) and its ``next`` time (last start + delay, or a back-off) has
come. ``host_done`` frees the host's slot as soon as the download has finished.

Every operation is one Lua script, so any number of workers and coordinators can
share the keys. Keys are built inside the scripts (fine for one Redis server; not
for Redis Cluster). Payloads are JSON text, never pickle.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import redis

from archiver.errors import ArchiverError

PREFIX = "archiver"
STREAM = f"{PREFIX}:records"
GROUP = "writers"

_RELEASE_HOST = """
local function release_host(p, host, now)
  local hk = p..':host:'..host
  local inflight = tonumber(redis.call('HGET', hk, 'inflight') or '0') - 1
  if inflight < 0 then inflight = 0 end
  redis.call('HSET', hk, 'inflight', inflight)
  if redis.call('LLEN', p..':q:'..host) > 0 then
    local nxt = tonumber(redis.call('HGET', hk, 'next') or '0')
    if nxt < now then nxt = now end
    redis.call('ZADD', p..':ready', 'NX', nxt, host)
  end
end
"""

PUSH = """
local p, host, payload = ARGV[1], ARGV[2], ARGV[3]
local limit, now, run, front = tonumber(ARGV[4]), tonumber(ARGV[6]), ARGV[7], ARGV[8]
local hk = p..':host:'..host
redis.call('HSET', hk, 'limit', ARGV[4], 'delay', ARGV[5])
if front == '1' then redis.call('LPUSH', p..':q:'..host, payload)
else redis.call('RPUSH', p..':q:'..host, payload) end
local inflight = tonumber(redis.call('HGET', hk, 'inflight') or '0')
if inflight < limit then
  local nxt = tonumber(redis.call('HGET', hk, 'next') or '0')
  if nxt < now then nxt = now end
  redis.call('ZADD', p..':ready', 'NX', nxt, host)
end
return redis.call('HINCRBY', p..':run:'..run, 'outstanding', 1)
"""

POP = """
local p, now, worker, lease_ms = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local hosts = redis.call('ZRANGEBYSCORE', p..':ready', '-inf', now, 'LIMIT', 0, tonumber(ARGV[5]))
for _, host in ipairs(hosts) do
  local hk = p..':host:'..host
  local q = p..':q:'..host
  local inflight = tonumber(redis.call('HGET', hk, 'inflight') or '0')
  local limit = tonumber(redis.call('HGET', hk, 'limit') or '1')
  local payload = false
  if inflight < limit then payload = redis.call('LPOP', q) end
  if not payload then
    redis.call('ZREM', p..':ready', host)
  else
    local id = redis.call('INCR', p..':seq')
    local delay = tonumber(redis.call('HGET', hk, 'delay') or '0')
    redis.call('HSET', hk, 'inflight', inflight + 1, 'next', now + delay)
    if inflight + 1 >= limit or redis.call('LLEN', q) == 0 then
      redis.call('ZREM', p..':ready', host)
    else
      redis.call('ZADD', p..':ready', now + delay, host)
    end
    redis.call('HSET', p..':lease:'..id, 'payload', payload, 'host', host, 'held', 1,
               'worker', worker)
    redis.call('ZADD', p..':leases', now + lease_ms, id)
    return {id, payload}
  end
end
return false
"""

HOST_DONE = _RELEASE_HOST + """
local p, id, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local lk = p..':lease:'..id
if redis.call('HGET', lk, 'held') ~= '1' then return 0 end
redis.call('HSET', lk, 'held', 0)
release_host(p, redis.call('HGET', lk, 'host'), now)
return 1
"""

ACK = _RELEASE_HOST + """
local p, id, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local lk = p..':lease:'..id
local lease = redis.call('HMGET', lk, 'payload', 'host', 'held')
if not lease[1] then return 0 end
if lease[3] == '1' then release_host(p, lease[2], now) end
redis.call('DEL', lk)
redis.call('ZREM', p..':leases', id)
local run = cjson.decode(lease[1])['run']
redis.call('HINCRBY', p..':run:'..run, 'outstanding', -1)
return 1
"""

REAP = _RELEASE_HOST + """
local p, now = ARGV[1], tonumber(ARGV[2])
local ids = redis.call('ZRANGEBYSCORE', p..':leases', '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  local lk = p..':lease:'..id
  local lease = redis.call('HMGET', lk, 'payload', 'host', 'held')
  if lease[1] then
    redis.call('LPUSH', p..':q:'..lease[2], lease[1])
    if lease[3] == '1' then release_host(p, lease[2], now)
    else
      local hk = p..':host:'..lease[2]
      local inflight = tonumber(redis.call('HGET', hk, 'inflight') or '0')
      if inflight < tonumber(redis.call('HGET', hk, 'limit') or '1') then
        redis.call('ZADD', p..':ready', 'NX', now, lease[2])
      end
    end
  end
  redis.call('DEL', lk)
  redis.call('ZREM', p..':leases', id)
end
if #ids > 0 then redis.call('HINCRBY', p..':stats', 'reaped', #ids) end
return #ids
"""

BACKOFF = """
local p, host, until_ms = ARGV[1], ARGV[2], tonumber(ARGV[3])
local hk = p..':host:'..host
local nxt = tonumber(redis.call('HGET', hk, 'next') or '0')
if until_ms > nxt then
  redis.call('HSET', hk, 'next', until_ms)
  redis.call('ZADD', p..':ready', 'XX', 'GT', until_ms, host)
end
return 1
"""


def now_ms() -> int:
    return int(time.time() * 1000)


def connect(url: str) -> redis.Redis:
    """A client that rides out a Redis restart (retries with back-off for about a minute),
    or ArchiverError in one line when the server cannot be reached at all."""
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=5, socket_timeout=30,
            retry=Retry(ExponentialBackoff(cap=2.0, base=0.1), 40),
            retry_on_error=[redis.ConnectionError, redis.TimeoutError])
    except ValueError as exc:
        raise ArchiverError(f"bad --redis URL {url!r}: {exc}") from exc
    probe = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=5)
    try:
        probe.ping()
    except redis.RedisError as exc:
        raise ArchiverError(f"cannot reach Redis at {url}: {exc}") from exc
    finally:
        probe.close()
    return client


def host_of(url: str) -> str:
    return (urlsplit(url).netloc or "").lower()


@dataclass(frozen=True)
class Lease:
    id: str
    payload: dict[str, Any]


class WorkQueue:
    """The shared request queue. Payloads are JSON objects with at least ``run`` and ``url``."""

    def __init__(self, client: redis.Redis, prefix: str = PREFIX) -> None:
        self.r = client
        self.p = prefix
        self._push = client.register_script(PUSH)
        self._pop = client.register_script(POP)
        self._host_done = client.register_script(HOST_DONE)
        self._ack = client.register_script(ACK)
        self._reap = client.register_script(REAP)
        self._backoff = client.register_script(BACKOFF)

    def push(self, payload: Mapping[str, Any], *, limit: int = 2, delay: float = 0.0,
             front: bool = False) -> None:
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        self._push(args=[self.p, host_of(payload["url"]), text, int(limit),
                         int(delay * 1000), now_ms(), payload["run"], "1" if front else "0"])

    def pop(self, worker: str, lease_seconds: float, scan: int = 64) -> Lease | None:
        got = self._pop(args=[self.p, now_ms(), worker, int(lease_seconds * 1000), scan])
        if not got:
            return None
        return Lease(got[0].decode() if isinstance(got[0], bytes) else str(got[0]),
                     json.loads(got[1]))

    def host_done(self, lease_id: str) -> None:
        self._host_done(args=[self.p, lease_id, now_ms()])

    def ack(self, lease_id: str, *, before: Callable[[Any], None] | None = None,
            atomic: bool = False) -> bool:
        """Done with a lease. ``before`` puts commands on the same pipeline, sent ahead of
        the acknowledgment in its round trip (a worker's buffered counts, its record);
        ``atomic``: in one MULTI/EXEC, so that a command Redis refuses (an XADD over
        maxmemory) leaves the lease unacknowledged too."""
        if before is None:
            return bool(self._ack(args=[self.p, lease_id, now_ms()]))
        pipe = self.r.pipeline(transaction=atomic)
        before(pipe)
        self._ack(args=[self.p, lease_id, now_ms()], client=pipe)
        return bool(pipe.execute()[-1])

    def extend(self, lease_ids: Iterable[str], lease_seconds: float) -> None:
        ids = list(lease_ids)
        if ids:
            deadline = now_ms() + int(lease_seconds * 1000)
            self.r.zadd(f"{self.p}:leases", dict.fromkeys(ids, deadline), xx=True)

    def reap(self, limit: int = 1000) -> int:
        return int(self._reap(args=[self.p, now_ms(), limit]))

    def back_off(self, host: str, seconds: float) -> None:
        self._backoff(args=[self.p, host, now_ms() + int(seconds * 1000)])

    def extend_streak(self, host: str) -> int:
        """One more challenge in a row at ``host`` (any worker's); returns the streak."""
        return int(self.r.hincrby(f"{self.p}:host:{host}", "streak", 1))

    def end_streak(self, host: str, pipe: Any = None) -> None:
        """A page that was not a challenge: the host's streak starts again."""
        (pipe if pipe is not None else self.r).hset(f"{self.p}:host:{host}", "streak", 0)

    def outstanding(self, runs: Iterable[str]) -> dict[str, int]:
        """Each run's requests queued or leased, by any worker (0 once it is over, or its
        key is gone), in one round trip."""
        runs = list(runs)
        looks = self.r.pipeline(transaction=False)
        for run in runs:
            looks.hget(f"{self.p}:run:{run}", "outstanding")
        return {run: int(n or 0) for run, n in zip(runs, looks.execute(), strict=True)}

    def counts(self) -> dict[str, int]:
        """Queued and leased requests (for progress and the benchmark)."""
        queued = sum(self.r.llen(k) for k in self.r.scan_iter(f"{self.p}:q:*", count=1000))
        return {"queued": queued, "leased": int(self.r.zcard(f"{self.p}:leases"))}
