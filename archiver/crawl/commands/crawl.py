"""``scrapy crawl SPIDER -a NAME=VALUE …`` that says what is wrong with an argument in one line.

Scrapy builds the spider inside the event loop, so an argument the spider refuses
(``scrapy crawl site`` with no site, an unknown profile, ``single`` with no url) surfaces as an
asyncio traceback. The spider's constructor is the one place its arguments are checked; this
command calls it once before the crawl starts and turns a refusal into ``Error: …`` on stderr
and exit status 2, as for any other usage error.
"""
from __future__ import annotations

import argparse
import sys

from scrapy.commands import crawl

from archiver.errors import ArchiverError

ARGUMENT_ERRORS = (ValueError, TypeError, ArchiverError)


class Command(crawl.Command):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) == 1 and self.crawler_process is not None:
            problem = self._argument_problem(args[0], opts.spargs)
            if problem:
                sys.stderr.write(f"Error: {problem}\n")  # a usage error, not a log record
                self.exitcode = 2
                return
        super().run(args, opts)

    def _argument_problem(self, name: str, spargs: dict[str, str]) -> str | None:
        assert self.crawler_process is not None
        try:
            spidercls = self.crawler_process.spider_loader.load(name)
        except KeyError:
            known = ", ".join(sorted(self.crawler_process.spider_loader.list()))
            return f"no spider {name!r} (known: {known})"
        try:
            spidercls(**spargs)
        except ARGUMENT_ERRORS as exc:
            return f"scrapy crawl {name}: {exc}"
        return None
