"""Commands that fetch: demo, crawl, fetch, and extract (offline)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from archiver.commands.options import db_option
from archiver.errors import ArchiverError
from archiver.storage import open_database
from archiver.table import render


def _check_writable(db: str) -> None:
    """Fail before crawling, with one line, if the archive cannot be written."""
    open_database(db).conn.close()


def _is_url(text: str) -> bool:
    return urlsplit(text).scheme in ("http", "https")


@click.command()
@db_option
def demo(db: str) -> None:
    """Serve the bundled demo site on 127.0.0.1, crawl it into the archive, and
    print a summary and a sample search.

    \b
    Example:
      archiver demo --db /tmp/demo.db
    """
    from archiver.demo import run_demo
    from archiver.search import search

    _check_writable(db)
    run = run_demo(db)
    click.echo(f"Demo site served at {run.base_url}")
    click.echo(_outcome_table(run.outcomes))
    archive = open_database(db, readonly=True)
    stored = archive.execute("SELECT count(*) FROM articles WHERE site = 'demo'").fetchone()[0]
    click.echo(f"\n{stored} of {run.expected_articles} demo articles archived in {db}")
    query = "疫情防控"
    hits = search(archive, query, limit=3)
    click.echo(f"\nSample search: archiver search {query}  ({len(hits)} shown)")
    for hit in hits:
        click.echo(f"  {hit.published_at or '':<25} {hit.title}\n      {hit.snippet}")
    if stored < run.expected_articles:
        raise ArchiverError(f"only {stored} of {run.expected_articles} demo articles were archived")


def _outcome_table(outcomes: list[Any]) -> str:
    rows = []
    for o in outcomes:
        s = o.stats
        rows.append([getattr(o.spider, "section", "?"), s.get("archiver/listing_pages", 0),
                     s.get("archiver/new", 0), s.get("archiver/changed", 0),
                     s.get("archiver/unchanged", 0), s.get("archiver/skipped_known", 0),
                     sum(v for k, v in s.items() if k.startswith("archiver/rejected/")),
                     s.get("archiver/repaired", 0), o.reason])
    return render(["section", "listings", "new", "changed", "unchanged", "skipped",
                   "rejected", "repaired", "finish"], rows)


@click.command()
@db_option
@click.argument("targets", nargs=-1, required=True)
@click.option("--max-pages", type=int, default=50, show_default=True,
              help="Listing pages to walk per section.")
@click.option("--refresh", is_flag=True, help="Re-fetch articles already archived.")
def crawl(db: str, targets: tuple[str, ...], max_pages: int, refresh: bool) -> None:
    """Crawl section listings and archive their new articles.

    A bare section listing URL is enough: the spider follows its pagination
    and article links within the site.

    \b
    Example:
      archiver crawl http://www.example.gov.cn/zwyw/index.html --max-pages 5
    """
    from archiver.crawler import project_settings, run_spiders

    for target in targets:
        if not _is_url(target):
            raise ArchiverError(f"not a URL: {target!r} (give a section listing URL)")
    _check_writable(db)
    jobs = [("section", {"url": t, "max_pages": max_pages, "refresh": refresh}) for t in targets]
    outcomes = run_spiders(jobs, project_settings(db))
    click.echo(_outcome_table(outcomes))
    failed = [o for o in outcomes if o.reason != "finished" or not o.stats.get("archiver/listing_pages")]
    if failed:
        raise ArchiverError(f"{len(failed)} of {len(outcomes)} section crawls failed")


@click.command()
@db_option
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print the whole record as JSON.")
@click.option("--no-store", is_flag=True, help="Fetch and extract, but do not archive.")
def fetch(db: str, url: str, as_json: bool, no_store: bool) -> None:
    """Fetch one page now: decode, repair, extract, archive, print the record.

    \b
    Example:
      archiver fetch http://www.example.gov.cn/zwyw/202205/t20220520_123456.html
    """
    from archiver.fetch import fetch_one

    if not _is_url(url):
        raise ArchiverError(f"not an http(s) URL: {url!r}")
    if not no_store:
        _check_writable(db)
    result = fetch_one(url, db, store=not no_store)
    _print_article(result.article, as_json, header=f"[{result.outcome}] {url}")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--url", default=None, help="The page's original URL (resolves links).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole record as JSON.")
@click.option("--explain", is_flag=True, help="Show which rule produced each field.")
def extract(file: str, url: str | None, as_json: bool, explain: bool) -> None:
    """Extract an article from a saved page, offline (nothing is fetched or stored).

    \b
    Example:
      archiver extract page.html --url http://www.example.gov.cn/a/t20220520_1.html
    """
    from archiver.extraction import explain as explain_article
    from archiver.models import RawPage
    from archiver.process import process_page

    article = process_page(RawPage.from_file(file, url))
    if explain:
        click.echo(explain_article(article))
        return
    _print_article(article.to_dict(), as_json)


def _print_article(record: dict[str, Any], as_json: bool, header: str | None = None) -> None:
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    if header:
        click.echo(header)
    for key in ("title", "published_at", "source", "author", "url"):
        click.echo(f"{key:>13}: {record.get(key) or ''}")
    decode = record.get("decode") or {}
    repair = record.get("repair") or {}
    click.echo(f"{'encoding':>13}: {decode.get('encoding')} (from {decode.get('source')})")
    click.echo(f"{'repairs':>13}: {', '.join(repair.get('kinds') or []) or 'none'}")
    click.echo(f"{'flags':>13}: {', '.join(record.get('flags') or []) or 'none'}")
    for att in record.get("attachments") or []:
        click.echo(f"{'attachment':>13}: {att.get('text') or ''} {att.get('url')}")
    click.echo("")
    click.echo(record.get("body") or "")


COMMANDS = [demo, crawl, fetch, extract]
