"""Map a request to a file of a served tree and build the reply: sidecar headers, validators, gzip.

The file layout is documented in ``archiver.testing.siteserver``; this module holds the mapping so the
server module keeps to the socket and thread handling. No sockets here: paths in, Reply out.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import mimetypes
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote

SIDECAR_SUFFIX = ".headers.json"
QUERY_SEPARATOR = "__"


@dataclass(frozen=True)
class RequestInfo:
    """What a route callable sees of one request."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""


@dataclass(frozen=True)
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


Route = Callable[[RequestInfo], tuple[int, Mapping[str, str] | list[tuple[str, str]], bytes]]



def query_file_name(name: str, query: str) -> str:
    """File name that stores the page ``name?query`` (see the module docstring)."""
    return f"{name}{QUERY_SEPARATOR}{query.replace('/', '%2F')}"


def header_pairs(headers: Mapping[str, str] | list | None) -> list[tuple[str, str]]:
    if headers is None:
        return []
    if isinstance(headers, Mapping):
        return [(str(k), str(v)) for k, v in headers.items()]
    return [(str(k), str(v)) for k, v in headers]


def _has(headers: list[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name.lower():
            return value
    return None


def _inside(root: Path, candidate: Path) -> bool:
    try:
        candidate.resolve().relative_to(root)
    except ValueError:
        return False
    return True


def resolve_file(root: Path, path: str, query: str) -> Path | None:
    """The file (or sidecar-only path) in ``root`` that answers ``path?query``."""
    rel = unquote(path).lstrip("/")
    base = root / rel
    if path.endswith("/") or base.is_dir():
        base = base / "index.html"
    candidates = [base.with_name(query_file_name(base.name, query))] if query else []
    candidates.append(base)
    for candidate in candidates:
        if not _inside(root, candidate):
            return None
        sidecar = candidate.with_name(candidate.name + SIDECAR_SUFFIX)
        if candidate.is_file() or sidecar.is_file():
            return candidate
    return None


def _is_fresh(req_headers: Mapping[str, str], etag: str | None, modified: str | None) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since."""
    if (inm := req_headers.get("If-None-Match")) is not None:
        tags = {t.strip() for t in inm.split(",")}
        return etag is not None and (etag in tags or "*" in tags)
    ims = req_headers.get("If-Modified-Since")
    if ims is None or modified is None:
        return False
    try:
        return parsedate_to_datetime(modified) <= parsedate_to_datetime(ims)
    except (TypeError, ValueError):
        return False


def file_reply(file: Path, req_headers: Mapping[str, str]) -> Reply:
    """Status, headers and body for a file of the tree, honouring its sidecar."""
    sidecar = file.with_name(file.name + SIDECAR_SUFFIX)
    spec = json.loads(sidecar.read_text("utf-8")) if sidecar.is_file() else {}
    body = file.read_bytes() if file.is_file() else b""
    status = int(spec.get("status", 200))
    if spec:
        headers = header_pairs(spec.get("headers"))
    else:
        # A query-mapped file ("list.html__page=2") has the type of its base name.
        base_name = file.name.split(QUERY_SEPARATOR, 1)[0]
        ctype = mimetypes.guess_type(base_name)[0] or "application/octet-stream"
        headers = [("Content-Type", ctype)]
    if status == 200 and spec.get("validators", True):
        if _has(headers, "ETag") is None:
            headers.append(("ETag", f'"{hashlib.sha1(body).hexdigest()}"'))
        if _has(headers, "Last-Modified") is None and file.is_file():
            headers.append(("Last-Modified", formatdate(file.stat().st_mtime, usegmt=True)))
        if _is_fresh(req_headers, _has(headers, "ETag"), _has(headers, "Last-Modified")):
            return Reply(304, [h for h in headers if h[0].lower() != "content-type"], b"")
    if spec.get("gzip") and "gzip" in req_headers.get("Accept-Encoding", "").lower():
        # mtime=0 keeps the compressed bytes identical from run to run.
        body = gzip.compress(body, mtime=0)
        headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
    return Reply(status, headers, body)


def not_found_reply(root: Path) -> Reply:
    page = root / "404.html"
    body = page.read_bytes() if page.is_file() else b"<html><body><h1>404 Not Found</h1></body></html>"
    return Reply(404, [("Content-Type", "text/html")], body)
