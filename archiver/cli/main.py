"""The ``archiver`` command. Each command adapts one library call; errors become
one-line messages with a non-zero exit."""
from __future__ import annotations

import logging
import sqlite3
from typing import Any

import click

from archiver.errors import ArchiverError, PartialRunError


class ArchiverGroup(click.Group):
    """Turns library errors into ``Error: <one line>`` and exit status 1 (3 for a crawl that
    left holes: PartialRunError)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ArchiverError as exc:
            if isinstance(exc, PartialRunError):
                raise _PartialRun(str(exc)) from exc
            raise click.ClickException(str(exc)) from exc
        except sqlite3.DatabaseError as exc:  # damage found past the open (a corrupt page)
            from archiver.store.writer import storage_problem

            raise click.ClickException(f"archive error: {storage_problem(exc)}") from exc


class _PartialRun(click.ClickException):
    """``Error: <message>`` with exit status 3: a crawl that left holes (cron must notice)."""

    exit_code = PartialRunError.exit_code


@click.group(cls=ArchiverGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gov-archiver")
@click.option("-v", "--verbose", is_flag=True,
              help="Log debug messages; crawls also log Scrapy's banner, settings and stats.")
def cli(verbose: bool) -> None:
    """Archive Chinese government news sites: crawl, fetch, extract, search.

    \b
    Example:
      archiver crawl http://www.example.gov.cn/zwyw/index.html
      archiver search 疫情防控
    """
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _register() -> None:
    from archiver.cli import crawling, reading, scaling

    for module in (crawling, reading, scaling):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:  # pragma: no cover - console entry for `python -m archiver`
    cli(prog_name="archiver")


if __name__ == "__main__":  # pragma: no cover
    main()  # click's standalone mode exits with the command's status itself
