"""A lean loopback web server for the scale benchmark: one process, one asyncio loop, the
whole tree held in memory, the same port on several loopback addresses (one host each).

    python bench/loopsite.py ROOT --hosts 20 --delay 0.05 --stats stats.json

archiver.testing.siteserver serves the tests (a thread per connection, files read per
request, routes, a request log): about a millisecond of CPU per answer, which on a
2-core machine is CPU the workers under measurement do not get. This server answers
from memory in a few tens of microseconds, holds each answer ``--delay`` seconds without
a thread, and counts the requests in flight per host (the benchmark's check that the
per-host limit holds across all workers). It prints its port on the first line of
stdout once it listens, and writes its figures to ``--stats`` when it gets SIGTERM.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

TYPES = {".html": b"text/html; charset=utf-8", ".txt": b"text/plain"}


class Site:
    def __init__(self, root: Path, delay: float) -> None:
        self.files = {"/" + p.relative_to(root).as_posix(): p.read_bytes()
                      for p in root.rglob("*") if p.is_file()}
        self.delay = delay
        self.now: dict[str, int] = {}
        self.most: dict[str, int] = {}
        self.requests = 0

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host = writer.get_extra_info("sockname")[0]
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
                self.requests += 1
                self.now[host] = self.now.get(host, 0) + 1
                self.most[host] = max(self.most.get(host, 0), self.now[host])
                try:
                    if self.delay:
                        await asyncio.sleep(self.delay)
                finally:
                    self.now[host] -= 1
                body = self.files.get(target.split("?", 1)[0])
                status = b"200 OK" if body is not None else b"404 Not Found"
                body = body if body is not None else b"not found"
                kind = TYPES.get(os.path.splitext(target)[1], b"text/html; charset=utf-8")
                writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: " + kind +
                             b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" +
                             (body if method != "HEAD" else b""))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()


class Serving:
    """A running loopsite process: its port, and once stopped, its figures (``stats``)."""

    def __init__(self, proc: subprocess.Popen[str], port: int, stats_path: Path) -> None:
        self.proc, self.port, self.stats_path = proc, port, stats_path
        self.stats: dict[str, Any] = {}


@contextmanager
def serving(root: Path, *, hosts: int = 1, delay: float = 0.0,
            port: int = 0) -> Iterator[Serving]:
    """Serve ``root`` from a loopsite process (127.0.0.2 … 127.0.0.{hosts + 1}) for the
    ``with`` block; its figures are read into ``.stats`` when it ends."""
    with tempfile.TemporaryDirectory(prefix="loopsite-") as tmp:
        stats = Path(tmp) / "stats.json"
        proc = subprocess.Popen([sys.executable, __file__, str(root), "--hosts", str(hosts),
                                 "--delay", str(delay), "--port", str(port),
                                 "--stats", str(stats)], stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None
            site = Serving(proc, int(proc.stdout.readline()), stats)
            yield site
        finally:
            proc.terminate()
            proc.wait(20)
        if stats.exists():
            site.stats = json.loads(stats.read_text(encoding="utf-8"))


def free_port(hosts: list[str]) -> int:
    """A port free on every one of ``hosts`` (asked of the first, checked on the rest)."""
    for _ in range(20):
        with socket.socket() as s:
            s.bind((hosts[0], 0))
            port = s.getsockname()[1]
        try:
            for h in hosts[1:]:
                with socket.socket() as s:
                    s.bind((h, port))
            return port
        except OSError:
            continue
    raise OSError("no port free on every loopback host")


async def main_async(opts: argparse.Namespace) -> None:
    site = Site(Path(opts.root), opts.delay)
    hosts = [f"127.0.0.{i + 2}" for i in range(opts.hosts)]
    port = opts.port or free_port(hosts)
    servers = [await asyncio.start_server(site.serve, h, port, backlog=512) for h in hosts]
    print(port, flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    for s in servers:
        s.close()
    if opts.stats:
        times = os.times()
        Path(opts.stats).write_text(json.dumps({
            "requests": site.requests, "most_in_flight": site.most,
            "cpu_s": times.user + times.system}), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--stats")
    asyncio.run(main_async(ap.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
