"""Turn a Scrapy response into the project's RawPage record (bytes and headers as sent)."""
from __future__ import annotations

from scrapy.http import Headers, Response

from archiver.models import RawPage


def headers_dict(headers: Headers) -> dict[str, str]:
    """Scrapy's bytes headers as text, repeated fields joined as HTTP allows."""
    return {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in headers.items()}


def raw_page(response: Response, site: str | None = None, section: str | None = None) -> RawPage:
    headers = headers_dict(response.headers)
    request = response.request
    if request is None:  # only a hand-built Response lacks one; a crawl always sets it
        raise ValueError(f"response for {response.url} carries no request")
    req_headers = headers_dict(request.headers)
    hops = request.meta.get("redirect_urls") or []
    reasons = request.meta.get("redirect_reasons") or []
    original = hops[0] if hops else response.url
    redirects = tuple({"url": url, "status": reason}
                      for url, reason in zip(hops, [*reasons, *[None] * len(hops)], strict=False))
    return RawPage(
        url=original,
        final_url=response.url,
        body=response.body,
        status=response.status,
        headers=headers,
        method=request.method,
        request_headers=req_headers,
        site=site,
        section=section,
        redirects=redirects,
    )
