"""What reading one listing page yields: article links and the requests for more."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit


@dataclass(frozen=True)
class PageRequest:
    """The next listing page: a URL, or a POST such as Hanweb's dataproxy.jsp."""

    url: str
    method: str = "GET"
    form: tuple[tuple[str, str], ...] = ()
    family: str | None = None     # how to parse the answer ("hanweb_proxy", "json", ...)
    page: int | None = None       # 1-based number of the page this request fetches


@dataclass(frozen=True)
class Listing:
    article_urls: list[str] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)
    pagination: str | None = None   # "trs_script" | "next_link" | "hanweb" | "numbered" | "json"
    total_pages: int | None = None
    family: str | None = None       # detected CMS family
    requests: tuple[PageRequest, ...] = ()
    problem: str | None = None      # e.g. "no article links: template change?"

    @property
    def empty(self) -> bool:
        return not self.article_urls


def clean_url(url: str) -> str:
    """Drop the fragment: ``a.html#top`` and ``a.html`` are one page."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))

