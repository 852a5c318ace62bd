"""Scrapy's generator-return check, run once here instead of for every response.

The crawl settings turn WARN_ON_GENERATOR_RETURN_VALUE off (it re-parsed a callback's
source per response); a callback that is a generator returning a value would silently
lose that value, so every callback the spiders hand to Scrapy is checked here.
"""
from __future__ import annotations

import pytest
from scrapy.utils.misc import is_generator_with_return_value

from archiver.spiders.check import CheckSpider
from archiver.spiders.single import SinglePageSpider
from archiver.spiders.site import SiteSpider
from archiver.spiders.worker import WorkerSpider

CALLBACKS = [SiteSpider.parse_listing, SiteSpider.parse_article, SiteSpider.on_error,
             WorkerSpider.on_response, WorkerSpider.on_failure, SinglePageSpider.parse,
             SinglePageSpider.on_error, CheckSpider.parse, CheckSpider.on_error]


@pytest.mark.parametrize("callback", CALLBACKS, ids=lambda c: c.__qualname__)
def test_no_callback_is_a_generator_that_returns_a_value(callback: object) -> None:
    assert not is_generator_with_return_value(callback)


def test_the_crawl_settings_skip_the_per_response_check() -> None:
    from archiver.crawl import settings

    assert settings.WARN_ON_GENERATOR_RETURN_VALUE is False
    assert settings.CONCURRENT_ITEMS <= 8
