"""The test Redis: a real redis-server on a free loopback port, persistent across a restart."""
from __future__ import annotations

import socket

import redis

from archiver.testing.redisserver import RedisServer


def test_redis_server_persists_across_restart_and_stops(redis_server: RedisServer) -> None:
    client = redis.Redis.from_url(redis_server.url)
    assert client.config_get("appendonly") == {"appendonly": "yes"}
    assert client.config_get("dir")["dir"] == str(redis_server.dir.resolve())
    client.rpush("q", "a", "b")
    client.xadd("s", {"t": "x"})
    redis_server.restart()
    assert client.lrange("q", 0, -1) == [b"a", b"b"] and client.xlen("s") == 1
    redis_server.stop()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", redis_server.port)) != 0
