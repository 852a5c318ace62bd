"""The ``redis_server`` fixture: a real redis-server for one test, in its own temporary directory.

Import it into a test module (``from tests.redisfixture import redis_server``). Skips when
the binary is missing (``make test`` installs Debian's redis-server first)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.testing.redisserver import RedisServer, redis_server_binary


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    if redis_server_binary() is None:
        pytest.skip("redis-server is not installed (make test installs Debian's package)")
    with RedisServer(tmp_path / "redis") as server:
        yield server
