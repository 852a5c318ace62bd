"""Commands that fetch: demo, crawl, fetch, and extract (offline)."""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from archiver.cli.options import crawl_logging, db_option
from archiver.cli.table import text_table
from archiver.errors import ArchiverError, PartialRunError
from archiver.store.writer import check_writable, open_database

# A run that finished but raised a drift alarm (archiver.health); 1 stays "failed".
EXIT_DEGRADED = 4


def _check_writable(db: str) -> None:
    """Fail before crawling, with one line, if the archive cannot be written."""
    check_writable(db)


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
    from archiver.crawl.demo import run_demo
    from archiver.store.search import search

    _check_writable(db)
    run = run_demo(db, overrides=crawl_logging())
    click.echo(f"Demo site served at {run.base_url}\n")
    click.echo(text_table(run.result.headers, run.result.rows))
    for line in run.result.summaries:
        click.echo(line)
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


def _log_to_file(path: str) -> None:
    """Every log record goes to `path` (appended), none to the terminal."""
    try:
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:
        raise ArchiverError(f"cannot write the log file {path}: {exc.strerror or exc}") from exc
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)


def _parse_settings(pairs: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ArchiverError(f"-s {pair!r}: give KEY=VALUE (a Scrapy setting)")
        try:
            out[key.strip()] = json.loads(value)
        except ValueError:
            out[key.strip()] = value
    return out


jobs_option = click.option(
    "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
    help="Processes that decode, repair and extract pages, off the download loop "
         "(default: one per core; 1 = in the crawl's own process).")


@click.command()
@db_option
@click.argument("targets", nargs=-1)
@click.option("--all", "all_sites", is_flag=True, help="Crawl every profile in data/sites.")
@click.option("--max-pages", type=int, default=None,
              help="Listing pages to walk per section (default: the profile's, 50).")
@click.option("--refresh", is_flag=True,
              help="Re-fetch archived articles with conditional requests (ETag/Last-Modified).")
@click.option("--backfill", is_flag=True,
              help="Walk every listing page, not only until a page of known articles.")
@click.option("--sites-dir", type=click.Path(file_okay=False), default=None,
              help="Profile directory (default: data/sites).")
@click.option("-s", "--set", "setting", multiple=True, metavar="KEY=VALUE",
              help="Override a Scrapy setting (repeatable).")
@jobs_option
@click.option("--redis", "redis_url", default=None, metavar="URL",
              help="Run on workers over Redis (redis://HOST:PORT/DB): queue the sections and "
                   "follow the run; `archiver worker` and `archiver ingest` do the work.")
@click.option("--log-file", type=click.Path(dir_okay=False), default=None,
              help="Append the log, the table and the summary to this file; print the summary "
                   "(on stderr) only for runs that are not ok, so cron mails just those.")
@click.option("--on-alarm", metavar="CMD", default=None,
              help="Shell command run once per drift alarm, with the alarm as JSON on stdin "
                   "(e.g. 'mail -s archiver me@example.org').")
def crawl(db: str, targets: tuple[str, ...], all_sites: bool, max_pages: int | None,
          refresh: bool, backfill: bool, sites_dir: str | None, setting: tuple[str, ...],
          jobs: int | None, redis_url: str | None, log_file: str | None,
          on_alarm: str | None) -> None:
    """Crawl sites' section listings and archive their new articles.

    A target is a profile id (data/sites/ID.toml), a profile file, or a bare
    section listing URL (the CMS family, article links and pagination are then
    worked out from the page). After the crawl each run's figures are judged against
    the site's own history (see `archiver health`). Exit status: 0 when every run is
    complete, 1 a run failed, 4 a run is degraded (a drift alarm), 3 a run is partial
    (pages blocked, failed or not reached: the next run resumes them). See README.

    \b
    Example:
      archiver crawl ycdjw
      archiver crawl --all
      archiver crawl http://www.example.gov.cn/zwyw/index.html --max-pages 5
      archiver crawl ycdjw --redis redis://redis-host:6379/0
    """
    from archiver.crawl.runner import crawl_sites, resolve_targets

    where = Path(sites_dir) if sites_dir else None
    overrides = {**crawl_logging(), **_parse_settings(setting)}
    if jobs is not None:
        overrides["ARCHIVER_JOBS"] = jobs
    if log_file:
        _log_to_file(log_file)
        overrides.setdefault("ARCHIVER_PROGRESS", "log")
    if redis_url:
        from archiver.crawl.distributed import crawl_sites_redis, redis_targets

        pairs = redis_targets(targets, all_sites, where)
        profiles = [p for p, _ in pairs]
        result = crawl_sites_redis(pairs, db, redis_url, refresh=refresh, backfill=backfill,
                                   max_pages=max_pages, overrides=overrides)
    else:
        profiles = resolve_targets(targets, all_sites, where)
        _check_writable(db)
        result = crawl_sites(profiles, db, refresh=refresh, backfill=backfill,
                             max_pages=max_pages, overrides=overrides, on_alarm=on_alarm)
    report = [text_table(result.headers, result.rows), *result.summaries]
    if log_file:
        for line in report:
            logging.getLogger("archiver.crawl").info("%s", line)
        if any(status != "ok" for status in result.statuses.values()):
            click.echo("\n".join(result.summaries), err=True)
    else:
        click.echo("\n".join(report))
    if result.failed:
        raise ArchiverError(f"{len(result.failed)} of {len(profiles)} site runs failed or ended early: "
                            + ", ".join(result.failed))
    if result.degraded:
        click.echo(f"Degraded: {len(result.alarms)} drift alarm(s) in "
                   + ", ".join(result.degraded) + " (archiver health)", err=True)
        raise click.exceptions.Exit(EXIT_DEGRADED)
    partial = [site for site, status in result.statuses.items() if status == "partial"]
    if partial:
        raise PartialRunError(f"{len(partial)} of {len(profiles)} site runs partial (holes left"
                              " for the next run; see archiver runs): " + ", ".join(partial))


@click.command()
@click.option("--check", is_flag=True,
              help="Also fetch each section's first listing page the way a crawl does "
                   "(robots.txt, politeness, wall check, charset) and count its article links.")
@click.option("--sites-dir", type=click.Path(file_okay=False), default=None,
              help="Profile directory (default: data/sites).")
@click.option("-s", "--set", "setting", multiple=True, metavar="KEY=VALUE",
              help="Override a Scrapy setting for --check (repeatable).")
def sites(check: bool, sites_dir: str | None, setting: tuple[str, ...]) -> None:
    """List the site profiles and validate them (exit 1 if any is invalid, or with
    --check if a section's listing is blocked, unreachable or has no article links).

    \b
    Example:
      archiver sites
      archiver sites --check
    """
    from archiver.crawl.runner import check_profiles

    rows, problems = check_profiles(Path(sites_dir) if sites_dir else None, live=check,
                                    overrides=_parse_settings(setting))
    click.echo(text_table(["site", "name", "family", "sections", "verified", "check"], rows))
    if problems:
        raise ArchiverError(f"{len(problems)} problem(s): " + "; ".join(problems))


@click.command()
@db_option
@click.argument("site")
@click.option("--every", default="6h", show_default=True, help="Interval: 30m, 6h, 1d …")
@click.option("--install", is_flag=True, help="Add the line to your crontab.")
@click.option("--on-alarm", metavar="CMD", default=None,
              help="Put --on-alarm CMD on the crawl line (a drift alarm's JSON on its stdin).")
def schedule(db: str, site: str, every: str, install: bool, on_alarm: str | None) -> None:
    """Print a crontab line and a systemd service/timer that crawl SITE regularly.

    \b
    Example:
      archiver schedule ycdjw --every 6h
      archiver schedule ycdjw --every 6h --install
      archiver schedule ycdjw --every 6h --on-alarm 'mail -s "archiver alarm" me@example.org'
    """
    import os

    from archiver.crawl.schedule import crontab_line, install_crontab, parse_every, slug, systemd_units
    from archiver.profiles import find_profile

    interval = parse_every(every)
    target = site if "://" in site else find_profile(site).id
    db = os.path.abspath(db)
    service, timer = systemd_units(target, interval, db, on_alarm=on_alarm)
    try:
        line: str | None = crontab_line(target, interval, db, on_alarm=on_alarm)
    except ArchiverError as exc:
        if install:
            raise
        line = None
        click.echo(f"# no crontab line: {exc}\n")
    if line:
        click.echo(f"# crontab (crontab -e):\n{line}\n")
    name = slug(target)
    click.echo(f"# /etc/systemd/system/archiver-{name}.service\n{service}")
    click.echo(f"# /etc/systemd/system/archiver-{name}.timer\n{timer}")
    click.echo(f"# then: systemctl enable --now archiver-{name}.timer")
    if install and line:
        install_crontab(target, line)
        click.echo(f"installed in crontab: {line}")


@click.command()
@db_option
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print the whole record as JSON.")
@click.option("--no-store", is_flag=True, help="Fetch and extract, but do not archive.")
@click.option("--timeout", type=float, default=60.0, show_default=True,
              help="Seconds for the whole fetch (redirects, retries and back-off included).")
def fetch(db: str, url: str, as_json: bool, no_store: bool, timeout: float) -> None:
    """Fetch one page now: decode, repair, extract, archive, print the record.
    Redirects are followed (up to 10 hops, on the page's own site).

    \b
    Example:
      archiver fetch http://www.example.gov.cn/zwyw/202205/t20220520_123456.html
    """
    from archiver.crawl.fetch import fetch_one

    if not _is_url(url):
        raise ArchiverError(f"not an http(s) URL: {url!r}")
    if not no_store:
        _check_writable(db)
    result = fetch_one(url, db, store=not no_store, settings=crawl_logging(), timeout=timeout)
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


COMMANDS = [demo, crawl, sites, schedule, fetch, extract]
