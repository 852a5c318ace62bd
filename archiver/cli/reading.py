"""Commands that read (or re-derive) the archive: search, show, export, reextract,
stats, serve, query, runs. Each adapts one library call."""
from __future__ import annotations

import functools
import json
from typing import Any

import click

from archiver.cli.options import F, db_option, emit_rows, output_options
from archiver.store.search import Filters


def filter_options(func: F) -> F:
    """--site --section --source --since --until, passed on as ``filters: Filters``."""
    options = [
        click.option("--site", help="Site id (exact)."),
        click.option("--section", help="Section name (exact)."),
        click.option("--source", help="Source (来源) contains this text."),
        click.option("--since", help="Published on or after: YYYY, YYYY-MM or YYYY-MM-DD."),
        click.option("--until", help="Published on or before (inclusive): YYYY, YYYY-MM or YYYY-MM-DD."),
    ]
    for option in reversed(options):
        func = option(func)

    @functools.wraps(func)  # also carries click's __click_params__ over
    def wrapper(**kwargs: Any) -> Any:
        names = ("site", "section", "source", "since", "until")
        kwargs["filters"] = Filters(**{n: kwargs.pop(n) for n in names})
        return func(**kwargs)

    return wrapper


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.command()
@db_option
@click.argument("text")
@filter_options
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--raw", is_flag=True,
              help="TEXT is FTS5 syntax (AND/OR/NEAR, \"phrases\" of 3+ characters), not plain words.")
@output_options
def search(db: str, text: str, filters: Filters, limit: int, raw: bool, fmt: str,
           as_json: bool) -> None:
    """Full-text search of titles and bodies (any Chinese substring).

    Words separated by spaces must all match. Words of 3+ characters use the
    trigram index and are ranked (bm25); 1-2 character words (考核, 政策) use the
    index of character pairs (LIKE only when they hold punctuation). With --raw
    the text is FTS5 syntax over the trigram index alone: every phrase needs 3+
    characters, and NEAR counts trigrams.

    \b
    Example:
      archiver search 疫情防控 --source 运城日报 --since 2022-05 --until 2022-05
    """
    from archiver.store.reader import open_readonly
    from archiver.store.search import hit_dict, search as run_search

    hits = run_search(open_readonly(db), text, filters, limit=limit, raw=raw)
    rows = [hit_dict(h) for h in hits]
    if fmt == "table" and not as_json:
        rows = [{k: r[k] for k in ("id", "published_at", "title", "source", "snippet")} for r in rows]
    emit_rows(rows, fmt, as_json)


@click.command()
@db_option
@click.argument("url_or_id")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--full", is_flag=True, help="Print the decode and repair reports whole, not summarised.")
def show(db: str, url_or_id: str, as_json: bool, full: bool) -> None:
    """Show one article: record, encoding and repair reports, flags, attachments,
    and its version history with a diff between versions.

    \b
    Example:
      archiver show 42
      archiver show http://www.example.gov.cn/zwyw/t20220512_1.html --json
    """
    from archiver.store.reader import open_readonly
    from archiver.store.show import report_text, show as run_show

    report = run_show(open_readonly(db), url_or_id)
    _echo_json(report.to_dict()) if as_json else click.echo(report_text(report, full=full))


@click.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "warc"]), required=True)
@filter_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              show_default=True, help="Output file; '-' for standard output (jsonl/csv only).")
@click.option("--current-only", is_flag=True, help="WARC: only each article's current page, not every fetch.")
@click.option("--columns", default=None, metavar="A,B,…",
              help="CSV: these columns (default: all but body_html and the JSON reports).")
@click.option("--excel", is_flag=True,
              help="CSV for Excel: UTF-8 with a BOM, cells cut at Excel's 32,767 characters.")
def export(db: str, fmt: str, filters: Filters, output: str, current_only: bool,
           columns: str | None, excel: bool) -> None:
    """Export articles as JSONL or CSV, or their stored raw pages as a WARC
    (request and response records with the original headers and bytes).

    \b
    Example:
      archiver export --format warc --site yuncheng -o yuncheng.warc.gz
      archiver export --format jsonl --since 2022-05 --until 2022-05 -o may.jsonl
      archiver export --format csv --excel -o articles.csv
      archiver export --format csv --columns url,title,published_at,source -o list.csv
    """
    import os

    from archiver.errors import ArchiverError
    from archiver.store.export import export_csv, export_jsonl, export_warc
    from archiver.store.reader import open_readonly

    archive = open_readonly(db)
    if fmt == "warc":
        if output == "-":
            raise ArchiverError("a WARC is binary: give a file with -o FILE.warc.gz")
        with open(output, "wb") as out:
            count = export_warc(archive, out, filters, history=not current_only,
                                filename=os.path.basename(output))
        click.echo(f"wrote {count} request/response pairs to {output}", err=True)
        return
    with click.open_file(output, "w", encoding="utf-8") as out:
        if fmt == "jsonl":
            count = export_jsonl(archive, out, filters)
        else:
            names = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
            count = export_csv(archive, out, filters, columns=names, excel=excel)
    click.echo(f"wrote {count} articles to {output if output != '-' else 'stdout'}", err=True)


@click.command()
@db_option
@filter_options
@click.option("--dry-run", is_flag=True, help="Count what would change; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def reextract(db: str, filters: Filters, dry_run: bool, as_json: bool) -> None:
    """Re-run decode, repair and extract over the stored raw pages (no fetching),
    e.g. after an extractor upgrade, and report what changed.

    \b
    Example:
      archiver reextract --site yuncheng --dry-run
    """
    from dataclasses import asdict

    from archiver.store.reextract import reextract as run_reextract
    from archiver.store.writer import check_writable, open_database, require_archive

    require_archive(db)
    if not dry_run:  # one line now, not a failure after the first re-extracted page
        check_writable(db)
    report = run_reextract(open_database(db), filters, dry_run=dry_run)
    if as_json:
        return _echo_json(asdict(report))
    click.echo(f"examined {report.examined}: {report.changed} changed (new version),"
               f" {report.updated} updated in place, {report.unchanged} unchanged,"
               f" {report.failed} failed" + (" [dry run]" if dry_run else ""))
    for name, count in report.fields.items():
        click.echo(f"  {name}: {count}")
    for url, message in report.errors:
        click.echo(f"  failed {url}: {message}", err=True)


@click.command()
@db_option
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def stats(db: str, filters: Filters, as_json: bool) -> None:
    """Counts per site, section, source and month, repaired and flagged pages,
    and a chart of articles per month.

    \b
    Example:
      archiver stats --site yuncheng --since 2022
    """
    from archiver.cli.statstext import stats_text
    from archiver.store.reader import open_readonly
    from archiver.store.stats import compute_stats

    result = compute_stats(open_readonly(db), filters)
    _echo_json(result.to_dict()) if as_json else click.echo(stats_text(result))


@click.command()
@db_option
@click.option("--port", type=int, default=8001, show_default=True)
def serve(db: str, port: int) -> None:
    """Browse and search the archive in Datasette on http://127.0.0.1:PORT
    (needs the optional extra: pip install 'gov-archiver[serve]').

    \b
    Example:
      archiver serve --port 8001
    """
    from archiver.cli.serve import serve as run_serve

    click.echo(f"serving {db} on http://127.0.0.1:{port}/ (Ctrl-C to stop)", err=True)
    run_serve(db, port=port)


@click.command()
@db_option
@click.argument("sql")
@output_options
@click.option("--limit", type=int, default=10_000, show_default=True,
              help="Rows shown at most (0: no limit); a note on stderr says when rows were cut.")
@click.option("--timeout", type=float, default=10.0, show_default=True,
              help="Seconds the statement may run before it is stopped.")
def query(db: str, sql: str, fmt: str, as_json: bool, limit: int, timeout: float) -> None:
    """Run one read-only SQL statement against the archive (writes are refused).

    \b
    Example:
      archiver query "select source, count(*) n from articles group by source"
      archiver query "select url from pages" --limit 0 --timeout 60 --format csv
    """
    from archiver.store.reader import open_readonly, run_query

    cap = limit if limit > 0 else None
    rows = run_query(open_readonly(db), sql, timeout=timeout,
                     limit=cap + 1 if cap is not None else None)
    if cap is not None and len(rows) > cap:
        rows = rows[:cap]
        click.echo(f"(first {cap} rows shown; --limit N or --limit 0 for more)", err=True)
    rows = [{k: (f"<{len(v)} bytes>" if isinstance(v, bytes) else v) for k, v in r.items()}
            for r in rows]
    emit_rows(rows, fmt, as_json)


@click.command()
@db_option
@click.option("--limit", type=int, default=20, show_default=True)
@output_options
def runs(db: str, limit: int, fmt: str, as_json: bool) -> None:
    """List recent crawl runs with their counts and status, the holes each left
    (requests pending a retry, or failed after their attempts) and each section's
    coverage (archived against what its listing states).

    \b
    Example:
      archiver runs --limit 5
    """
    from archiver.store.reader import open_readonly, run_query
    from archiver.store.stats import coverage_cell

    archive = open_readonly(db)
    # The drift alarms a run raised (archiver.health); an archive from before them has none.
    alarms = (", (SELECT group_concat(section || ': ' || figure, '; ') FROM alarms"
              " WHERE alarms.run_id = runs.id) AS alarms" if archive["alarms"].exists() else "")
    # The holes a run left and its coverage; an archive from before them has none.
    holes = (", pending, failed, coverage" if "coverage" in {c.name for c in archive["runs"].columns}
             else "")
    rows = run_query(archive,
                     "SELECT id, site, started, finished, status, requests, new, changed,"
                     f" unchanged, blocked, errors{holes}{alarms} FROM runs ORDER BY id DESC LIMIT ?",
                     [limit])
    for row in rows:
        if holes:
            # Per section: archived/expected as the listing states it (see archiver stats).
            sections = json.loads(row.pop("coverage") or "{}")
            row["coverage"] = ", ".join(
                f"{name} {coverage_cell(c.get('expected'), c.get('expected_pages'), c.get('archived', 0))}"
                + ("" if c.get("walked") else " (walk unfinished)") for name, c in sections.items())
    emit_rows(rows, fmt, as_json)


@click.command()
@db_option
@click.argument("site", required=False)
@click.option("--last", type=int, default=20, show_default=True, help="Runs shown per section.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def health(db: str, site: str | None, last: int, as_json: bool) -> None:
    """Per-site quality: each section's latest figures, a sparkline per figure over the
    last runs, and the open drift alarms (figures out of their band).

    \b
    Example:
      archiver health
      archiver health ycdjw --last 30
    """
    from archiver.cli.table import text_table
    from archiver.health.report import health_report
    from archiver.store.reader import open_readonly

    archive = open_readonly(db)
    if not archive["run_figures"].exists():
        click.echo("No health figures yet: they are recorded by `archiver crawl`.")
        return
    report = health_report(archive, site, last)
    if as_json:
        click.echo(json.dumps({"sections": [dict(zip(report.headers, s.row(), strict=False))
                                            | {"trends": dict(s.trends())} for s in report.sections],
                               "alarms": report.alarms}, ensure_ascii=False, indent=2))
        return
    if not report.sections:
        click.echo(f"No runs recorded{' for ' + site if site else ''}.")
        return
    click.echo(text_table(report.headers, report.rows()))
    for sec in report.sections:
        click.echo(f"\n{sec.site}/{sec.section} (runs #{sec.runs[0][0]}–#{sec.runs[-1][0]})")
        for label, line in sec.trends():
            click.echo(f"  {label:<12} {line}")
    click.echo(f"\nOpen alarms: {len(report.alarms)}")
    for a in report.alarms:
        click.echo(f"  [run {a['run_id']}] {a['message']}")
        for url in a["examples"]:
            click.echo(f"      {url}")


@click.command()
@db_option
@click.argument("site")
@click.argument("sections", nargs=-1)
def accept(db: str, site: str, sections: tuple[str, ...]) -> None:
    """Accept SITE's open drift alarms (of SECTIONS, or all): the site changed on purpose
    (a redesign the extractor copes with), so what the alarming run saw becomes the new
    normal. Each section's baseline starts again at that run; later runs are judged
    against the new template, not the old one.

    \b
    Example:
      archiver health hedong          # read the alarms and their example URLs first
      archiver accept hedong 政务要闻
    """
    from archiver.store.writer import ArchiveWriter, check_writable, require_archive

    require_archive(db)
    check_writable(db)
    accepted = ArchiveWriter(db).accept_alarms(site, list(sections) or None)
    if not accepted:
        raise click.ClickException(f"no open alarm for {site}"
                                   + (f" in {', '.join(sections)}" if sections else ""))
    for a in accepted:
        click.echo(f"accepted [run {a['run_id']}] {a['message']}")
    click.echo(f"{len(accepted)} alarm(s) accepted; the baseline of "
               f"{', '.join(sorted({a['section'] for a in accepted}))} starts again at that run")


COMMANDS = [search, show, export, reextract, stats, serve, query, runs, health, accept]
