"""Commands that scale a crawl out over Redis: worker and ingest (crawl --redis is in crawling)."""
from __future__ import annotations

import click

from archiver.cli.crawling import _parse_settings as parse_settings, jobs_option
from archiver.cli.options import db_option
from archiver.store.textindex import INDEX_LAG

redis_option = click.option(
    "--redis", "redis_url", required=True, envvar="ARCHIVER_REDIS", metavar="URL",
    help="Redis server shared by the coordinator, the workers and the writer "
         "(redis://HOST:PORT/DB; default $ARCHIVER_REDIS).")
idle_option = click.option(
    "--exit-when-idle", "idle_exit", type=float, default=None, metavar="SECONDS",
    help="Stop after this long with nothing to do (default: run until stopped).")


@click.command()
@redis_option
@idle_option
@click.option("--lease", type=float, default=60.0, show_default=True, metavar="SECONDS",
              help="How long a request stays leased without a heartbeat before another worker "
                   "gets it (a killed worker's requests come back after this).")
@jobs_option
@click.option("-s", "--set", "setting", multiple=True, metavar="KEY=VALUE",
              help="Override a Scrapy setting (repeatable).")
def worker(redis_url: str, idle_exit: float | None, lease: float, jobs: int | None,
           setting: tuple[str, ...]) -> None:
    """Download, decode, repair and extract pages from the shared Redis queue.

    Run any number, on any machines; each pushes finished records to the Redis
    stream for the one writer (archiver ingest). Politeness (requests in flight and
    delay per host, block back-off) is shared through Redis by all workers.

    \b
    Example:
      archiver worker --redis redis://redis-host:6379/0
    """
    from archiver.crawl.worker import run_worker

    overrides = parse_settings(setting)
    if jobs is not None:
        overrides["ARCHIVER_JOBS"] = jobs
    done = run_worker(redis_url, idle_exit=idle_exit, lease=lease, overrides=overrides)
    click.echo(f"worker: {done} requests answered")


@click.command()
@db_option
@redis_option
@idle_option
@click.option("--index-lag", type=int, default=INDEX_LAG, show_default=True, metavar="N",
              help="Articles allowed to wait for the full-text index while records keep "
                   "coming (search reads them by substring meanwhile); raise it for a backfill.")
@click.option("--index-idle", type=click.FloatRange(min=0), default=0.0, show_default=True, metavar="SECONDS",
              help="Index only once the stream has been empty this long (0: whenever a read "
                   "comes back short); for a writer that shares its machine with workers.")
def ingest(db: str, redis_url: str, idle_exit: float | None, index_lag: int,
           index_idle: float) -> None:
    """Write the records workers put on the Redis stream into the archive: the only writer.

    A batch is acknowledged in Redis only after its SQLite transaction has
    committed; a killed writer re-reads what it had not committed and stores
    nothing twice. New articles are put in the full-text index in bulk when the
    stream is quiet (for --index-idle seconds), or as soon as more than
    --index-lag of them wait.

    \b
    Example:
      archiver ingest --redis redis://redis-host:6379/0 --db data/archive.db
    """
    from archiver.crawl.ingest import run_ingest

    stats = run_ingest(redis_url, db, idle_exit=idle_exit, index_lag=index_lag,
                       index_idle=index_idle)
    click.echo(f"ingest: {stats.records} records stored ({dict(stats.outcomes)}), "
               f"{stats.messages} messages in {stats.batches} batches, {stats.indexed} indexed")


COMMANDS = [worker, ingest]
