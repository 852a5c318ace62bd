"""One section by its listing URL (``archiver demo`` and older callers): a SiteSpider
over a one-section profile."""
from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from archiver.profiles import Section, profile_for_url
from archiver.spiders.site import SiteSpider


class SectionSpider(SiteSpider):
    name = "section"

    def __init__(self, url: str | None = None, site: str | None = None,
                 section: str | None = None, max_pages: int | str = 50,
                 refresh: bool | str = False, **kwargs: Any) -> None:
        if not url:
            raise ValueError("needs url=<section listing URL>")
        base = profile_for_url(url)
        profile = replace(base, id=site or base.id,
                          sections=(Section(section or urlsplit(url).path or "/", url),),
                          max_pages=int(max_pages))
        super().__init__(profile=profile, refresh=refresh, max_pages=max_pages, **kwargs)
        self.start_url = url
        self.section = profile.sections[0].name
