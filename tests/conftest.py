"""Shared fixtures. Tests never leave 127.0.0.1: a guard refuses any other connection."""
from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

pytest_plugins = ["tests.redisfixture"]   # redis_server: a real redis-server per test

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REAL = FIXTURES / "sites" / "real"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def real_page(site: str, kind: str, page: int = 1) -> Path:
    """A recorded page of a real site, found through its pages.json (which may name the one
    copy another fixture set holds, e.g. ../../../corpus/pingtan-gov-cn/article-1.html)."""
    meta = json.loads((REAL / site / "pages.json").read_text(encoding="utf-8"))
    for entry in meta["pages"]:
        if entry["kind"] == kind and entry.get("page", 1) == page:
            return (REAL / site / entry["file"]).resolve()
    raise FileNotFoundError(f"{site}: no recorded {kind} page {page}")

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _allowed(address: object) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0] if isinstance(address, tuple) and address else None
    return host in LOOPBACK or (isinstance(host, str) and host.startswith("127."))


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _allowed(address):
        raise ConnectionRefusedError(f"tests may not connect to {address!r} (not loopback)")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if not _allowed(address):
        raise ConnectionRefusedError(f"tests may not connect to {address!r} (not loopback)")
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)


@pytest.fixture
def memory_db() -> Iterator[Database]:
    db = Database(memory=True)
    yield db
    db.close()
