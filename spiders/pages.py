"""Turn a Scrapy response into the project's RawPage record (bytes and headers as sent)."""
from __future__ import annotations

from scrapy.http import Response

from archiver.models import RawPage


def raw_page(response: Response, site: str | None = None, section: str | None = None) -> RawPage:
    headers = {k.decode("latin-1"): b", ".join(v).decode("latin-1")
               for k, v in response.headers.items()}
    req_headers = {k.decode("latin-1"): b", ".join(v).decode("latin-1")
                   for k, v in response.request.headers.items()}
    original = response.request.meta.get("redirect_urls", [response.url])[0]
    return RawPage(
        url=original,
        final_url=response.url,
        body=response.body,
        status=response.status,
        headers=headers,
        method=response.request.method,
        request_headers=req_headers,
        site=site,
        section=section,
    )
