"""The local site server: bytes and recorded headers replayed exactly, over loopback."""
from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from archiver.testing.siteserver import RequestInfo, SiteServer, query_file_name

GBK_PAGE = "<html><head><meta charset=gb2312></head><body>朱镕基 王堃 通知公告</body></html>".encode("gbk")


def _sidecar(path: Path, spec: dict) -> None:
    path.with_name(path.name + ".headers.json").write_text(json.dumps(spec, ensure_ascii=False), "utf-8")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "index.html").write_bytes(b"<html>news index</html>")
    (tmp_path / "plain.html").write_bytes(GBK_PAGE)
    (tmp_path / "lying.html").write_bytes(GBK_PAGE)
    _sidecar(tmp_path / "lying.html", {"status": 200, "headers": [
        ["Content-Type", "text/html; charset=utf-8"], ["X-Powered-By", "TRS WCM"]]})
    _sidecar(tmp_path / "moved.html", {"status": 301, "headers": {"Location": "/plain.html"}})
    (tmp_path / "challenge.html").write_bytes(b"<script>document.cookie='x'</script>")
    _sidecar(tmp_path / "challenge.html", {"status": 412, "headers": {
        "Content-Type": "text/html", "Retry-After": "30"}})
    (tmp_path / "big.html").write_bytes(("公告" * 500).encode("utf-8"))
    _sidecar(tmp_path / "big.html", {"headers": {"Content-Type": "text/html; charset=utf-8"}, "gzip": True})
    (tmp_path / query_file_name("list.html", "page=2")).write_bytes(b"page two")
    (tmp_path / "list.html").write_bytes(b"page one")
    (tmp_path / "robots.txt").write_bytes(b"User-agent: *\nDisallow: /search/\n")
    (tmp_path / "404.html").write_bytes("页面不存在".encode("gbk"))
    return tmp_path


@pytest.fixture
def srv(tree: Path):
    with SiteServer(tree) as server:
        yield server


def _get(srv: SiteServer, path: str, method: str = "GET", headers: dict | None = None,
         body: bytes | None = None) -> tuple[int, list[tuple[str, str]], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.getheaders(), resp.read()
    finally:
        conn.close()


def _raw_head(srv: SiteServer, path: str) -> bytes:
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as sock:
        sock.sendall(f"HEAD {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(4096):
            chunks.append(chunk)
    return b"".join(chunks)


def test_siteserver_binds_loopback_free_port(srv: SiteServer) -> None:
    assert srv.base_url.startswith("http://127.0.0.1:")
    assert srv.port > 0
    assert srv.url("/news/index.html") == srv.base_url + "/news/index.html"


def test_siteserver_serves_bytes_exactly_without_charset(srv: SiteServer) -> None:
    status, headers, body = _get(srv, "/plain.html")
    assert status == 200
    assert body == GBK_PAGE
    assert dict(headers)["Content-Type"] == "text/html"


def test_siteserver_directory_serves_index(srv: SiteServer) -> None:
    assert _get(srv, "/news/")[2] == b"<html>news index</html>"
    assert _get(srv, "/news")[2] == b"<html>news index</html>"


def test_siteserver_replays_sidecar_headers_byte_exact(srv: SiteServer) -> None:
    raw = _raw_head(srv, "/lying.html")
    head = raw.split(b"\r\n\r\n")[0].split(b"\r\n")
    assert head[0] == b"HTTP/1.1 200 OK"
    assert head[1] == b"Content-Type: text/html; charset=utf-8"
    assert head[2] == b"X-Powered-By: TRS WCM"
    _status, _, body = _get(srv, "/lying.html")
    assert body == GBK_PAGE  # the header lies: the bytes stay GBK


def test_siteserver_redirect_and_challenge_status(srv: SiteServer) -> None:
    status, headers, _ = _get(srv, "/moved.html")
    assert (status, dict(headers)["Location"]) == (301, "/plain.html")
    status, headers, body = _get(srv, "/challenge.html")
    assert (status, dict(headers)["Retry-After"]) == (412, "30")
    assert b"document.cookie" in body


def test_siteserver_404_uses_tree_page(srv: SiteServer) -> None:
    status, _, body = _get(srv, "/nope/missing.html")
    assert status == 404
    assert body.decode("gbk") == "页面不存在"


def test_siteserver_refuses_path_traversal(srv: SiteServer) -> None:
    assert _get(srv, "/../../etc/passwd")[0] == 404
    assert _get(srv, "/%2e%2e/%2e%2e/etc/passwd")[0] == 404


def test_siteserver_conditional_get_answers_304(srv: SiteServer) -> None:
    _, headers, _ = _get(srv, "/plain.html")
    h = dict(headers)
    assert h["ETag"] == f'"{hashlib.sha1(GBK_PAGE).hexdigest()}"'
    status, _, body = _get(srv, "/plain.html", headers={"If-None-Match": h["ETag"]})
    assert (status, body) == (304, b"")
    status, _, _ = _get(srv, "/plain.html", headers={"If-Modified-Since": h["Last-Modified"]})
    assert status == 304
    status, _, _ = _get(srv, "/plain.html", headers={"If-None-Match": '"other"'})
    assert status == 200
    status, _, _ = _get(srv, "/plain.html", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert status == 200


def test_siteserver_head_has_headers_and_no_body(srv: SiteServer) -> None:
    status, headers, body = _get(srv, "/plain.html", method="HEAD")
    assert (status, body) == (200, b"")
    assert dict(headers)["Content-Length"] == str(len(GBK_PAGE))


def test_siteserver_query_string_maps_to_file(srv: SiteServer) -> None:
    assert _get(srv, "/list.html?page=2")[2] == b"page two"
    assert _get(srv, "/list.html")[2] == b"page one"
    assert _get(srv, "/list.html?_=12345")[2] == b"page one"  # unknown parameters ignored
    assert dict(_get(srv, "/list.html?page=2")[1])["Content-Type"] == "text/html"


def test_siteserver_gzip_only_when_accepted(srv: SiteServer) -> None:
    original = ("公告" * 500).encode("utf-8")
    _, headers, body = _get(srv, "/big.html", headers={"Accept-Encoding": "gzip, deflate"})
    assert dict(headers)["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == original and len(body) < len(original)
    _status, headers, body = _get(srv, "/big.html")
    assert "Content-Encoding" not in dict(headers) and body == original


def test_siteserver_post_route_and_405_without_route(tree: Path) -> None:
    seen: list[RequestInfo] = []

    def dataproxy(info: RequestInfo) -> tuple[int, dict[str, str], bytes]:
        seen.append(info)
        start = info.query.get("startrecord", ["1"])[0]
        return 200, {"Content-Type": "text/xml; charset=utf-8"}, f"<datastore start='{start}'/>".encode()

    with SiteServer(tree, routes={"/module/web/jpage/dataproxy.jsp": dataproxy}) as srv:
        status, headers, body = _get(srv, "/module/web/jpage/dataproxy.jsp?startrecord=16&perpage=15",
                                     method="POST", body=b"col=1&webid=2",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert (status, body) == (200, b"<datastore start='16'/>")
        assert dict(headers)["Content-Type"] == "text/xml; charset=utf-8"
        assert seen[0].method == "POST" and seen[0].body == b"col=1&webid=2"
        assert _get(srv, "/plain.html", method="POST", body=b"x")[0] == 405


def test_siteserver_robots_txt(srv: SiteServer) -> None:
    status, headers, body = _get(srv, "/robots.txt")
    assert status == 200 and b"Disallow: /search/" in body
    assert dict(headers)["Content-Type"] == "text/plain"


def test_siteserver_concurrent_requests_are_all_recorded(srv: SiteServer) -> None:
    srv.clear_requests()
    paths = [f"/list.html?page={i % 3}" for i in range(40)] + ["/plain.html"] * 20
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(lambda p: _get(srv, p), paths))
    assert all(status == 200 for status, _, _ in results)
    assert sorted(srv.requests) == sorted(("GET", p) for p in paths)


def test_siteserver_stops_and_frees_port(tree: Path) -> None:
    server = SiteServer(tree).start()
    port = server.port
    server.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_siteserver_main_usage_and_missing_root(tmp_path: Path) -> None:
    from archiver.testing.siteserver import main

    assert main([]) == 2
    with pytest.raises(FileNotFoundError):
        SiteServer(tmp_path / "nope").start()
