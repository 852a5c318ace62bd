"""Serve a directory tree on 127.0.0.1 byte for byte, replaying recorded headers.

Used by the demo command and by tests: the crawl must meet the bytes and the
headers a real government server sends (missing or lying charsets, 404s,
redirects, challenge pages), so a sidecar file can replace the defaults.

Mapping of a request ``METHOD /P?Q`` to the tree (documented in data/demo/README.md):

* ``routes[P]`` (a callable) answers first, for any method: ``route(RequestInfo)
  -> (status, headers, body)``. This is how POST endpoints such as Hanweb's
  ``/module/web/jpage/dataproxy.jsp`` are emulated.
* the body is the file ``root/P`` (a directory, or a path ending in "/", means
  ``root/P/index.html``). With a query string the file ``root/P__Q`` is tried
  first (``list.html?page=2`` -> ``list.html__page=2``; a "/" inside Q is
  written ``%2F``), then ``root/P`` (real servers ignore unknown parameters).
* an optional sidecar ``<file>.headers.json`` holds ``{"status": 200, "headers":
  {...} or [[name, value], ...], "gzip": false, "validators": true}``. Its
  headers are sent exactly as written, in order; only Content-Length is
  computed. A sidecar may exist without its body file (a 301 with Location).
* without a sidecar: Content-Type is guessed from the extension, with no
  charset (as many real servers do), plus ETag and Last-Modified.
* a missing file answers 404 with ``root/404.html`` as body when it exists.

Conditional GET: ETag is the quoted sha1 of the file bytes, Last-Modified the
file mtime unless the sidecar gives one; a match answers 304.
"""

from __future__ import annotations

import logging
import socket
import ssl
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import parse_qs, urlsplit

from archiver.testing.sitetree import (  # re-exported: tests and the demo generator import them from here
    QUERY_SEPARATOR,
    SIDECAR_SUFFIX,
    Reply,
    RequestInfo,
    Route,
    file_reply,
    header_pairs,
    not_found_reply,
    query_file_name,
    resolve_file,
)

__all__ = ["QUERY_SEPARATOR", "SIDECAR_SUFFIX", "RequestInfo", "Route", "SiteServer",
           "main", "query_file_name", "resolve_file"]

log = logging.getLogger(__name__)


@dataclass
class _Log:
    """Thread-safe record of the requests served, for tests."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, method: str, path: str) -> None:
        with self.lock:
            self.items.append((method, path))

    def snapshot(self) -> list[tuple[str, str]]:
        with self.lock:
            return list(self.items)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()




class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Scrapy and real servers use
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without TCP_NODELAY, Nagle plus delayed
        # ACK stalls every keep-alive response by ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._answer()

    def do_HEAD(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _request_info(self) -> RequestInfo:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        return RequestInfo(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=dict(self.headers.items()),
            body=body,
        )

    def _answer(self) -> None:
        info = self._request_info()
        self.server.request_log.add(self.command, self.path)
        reply = self._reply(info, urlsplit(self.path).query)
        self.send_response_only(reply.status)
        for name, value in reply.headers:
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD" and reply.status != 304:
            self.wfile.write(reply.body)

    def _reply(self, info: RequestInfo, query: str) -> Reply:
        route = self.server.routes.get(info.path)
        if route is not None:
            status, headers, body = route(info)
            return Reply(status, header_pairs(headers), body)
        if self.command == "POST":
            return Reply(405, [("Allow", "GET, HEAD"), ("Content-Type", "text/plain")], b"")
        file = resolve_file(self.server.root, info.path, query)
        if file is None:
            return not_found_reply(self.server.root)
        return file_reply(file, info.headers)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib name)
        # The stdlib hands over a %-format string and its args: join it, still lazily formatted.
        log.debug("%s " + format, self.address_string(), *args)  # noqa: G003


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops SYNs under a 16-way crawl (1 s retransmit)

    def __init__(self, address: tuple[str, int], root: Path, routes: Mapping[str, Route]) -> None:
        super().__init__(address, _Handler)
        self.root = root
        self.routes = dict(routes)
        self.request_log = _Log()


class SiteServer:
    """Serve ``root`` on ``host``:``port`` (0 = a free port) in a daemon thread.

    >>> with SiteServer(Path("data/demo/site")) as srv:   # doctest: +SKIP
    ...     srv.url("/news/index.html")
    """

    def __init__(
        self,
        root: Path | str,
        host: str = "127.0.0.1",
        port: int = 0,
        routes: Mapping[str, Route] | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        """``tls``: serve https with this context (archiver.testing.tls.self_signed_context)."""
        self.root = Path(root).resolve()
        self._tls = tls
        self._address = (host, port)
        self._routes = routes or {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        if not self.root.is_dir():
            raise FileNotFoundError(f"site root is not a directory: {self.root}")
        self._server = _Server(self._address, self.root, self._routes)
        if self._tls is not None:
            self._server.socket = self._tls.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="siteserver", daemon=True
        )
        self._thread.start()
        log.info("serving %s at %s", self.root, self.base_url)
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("SiteServer is not running")
        host, port = self._server.server_address[:2]
        if isinstance(host, bytes):  # typeshed's address type allows AF_UNIX bytes; ours is IPv4
            host = host.decode()
        return f"{'https' if self._tls is not None else 'http'}://{host}:{port}"

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    def url(self, path: str = "/") -> str:
        return self.base_url + "/" + path.lstrip("/")

    @property
    def requests(self) -> list[tuple[str, str]]:
        """(method, path-with-query) of every request served so far, in order."""
        if self._server is None:
            return []
        return self._server.request_log.snapshot()

    def clear_requests(self) -> None:
        if self._server is not None:
            self._server.request_log.clear()


def main(argv: list[str] | None = None) -> int:
    """``python -m archiver.testing.siteserver DIR [PORT]``: serve a tree until Ctrl-C."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in {"-h", "--help"} or len(args) > 2:
        sys.stderr.write("usage: python -m archiver.testing.siteserver DIR [PORT]\n")
        return 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    port = int(args[1]) if len(args) == 2 else 0
    with SiteServer(Path(args[0]), port=port) as srv:
        log.info("open %s  (Ctrl-C to stop)", srv.url("/"))
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
