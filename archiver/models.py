"""Plain records passed between the crawl, the stages and storage. No I/O here."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode


def utc_now() -> str:
    """ISO 8601 UTC timestamp, second precision: what every *_at column holds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class RawPage:
    """A response exactly as the server sent it: the bytes are the source of truth."""

    url: str
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    final_url: str | None = None
    method: str = "GET"
    request_headers: dict[str, str] = field(default_factory=dict)
    fetched_at: str = field(default_factory=utc_now)
    site: str | None = None
    section: str | None = None
    # Each redirect hop before final_url: {"url": ..., "status": 301 or "meta refresh"}.
    redirects: tuple[dict[str, object], ...] = ()

    def __repr__(self) -> str:  # the body can be megabytes: keep logs readable
        return f"RawPage(url={self.url!r}, status={self.status}, body=<{len(self.body)} bytes>)"

    @property
    def content_type(self) -> str | None:
        return self.header("Content-Type")

    def header(self, name: str) -> str | None:
        """A response header by name, case-insensitively (servers vary the case)."""
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @classmethod
    def from_file(cls, path: str | Path, url: str | None = None) -> RawPage:
        """A saved page, for offline extraction: no headers, so the bytes decide."""
        path = Path(path)
        return cls(url=url or path.resolve().as_uri(), body=path.read_bytes())


# The states of a frontier row (archiver.crawl.frontier): asked for and not yet answered,
# dealt with for good, or given up on after its attempts.
PENDING, DONE, FAILED = "pending", "done", "failed"


@dataclass(frozen=True)
class Entry:
    """A request the crawl means to make: a row of the ``frontier`` table."""

    url: str
    kind: str                       # "listing" | "article"
    section: str
    method: str = "GET"
    form: tuple[tuple[str, str], ...] = ()
    page: int | None = None

    @property
    def key(self) -> str:
        if self.method == "GET" and not self.form:
            return self.url
        return f"{self.method} {self.url} {urlencode(self.form)}"
