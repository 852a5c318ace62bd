"""The drift alarm on real crawls: the demo site served on 127.0.0.1, crawled on day 0
(the backfill) and day 1 (no alarm), then once per template change — each must alarm on
that first run. Also end to end: the ``--on-alarm`` hook, ``archiver health``, the alarms in
``archiver runs``, the Datasette canned query. Variants are generated into a temp dir."""
from __future__ import annotations

import importlib.util
import json
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from archiver.cli.main import cli as archiver_cli
from archiver.crawl.schedule import command, crontab_line, parse_every
from archiver.store.datasette import QUERIES
from archiver.testing.siteserver import SiteServer
from tests.conftest import REPO
from tests.crawlkit import FAST, cli

SECTIONS = [("政务要闻", "/zwyw/index.html"), ("部门动态", "/bmdt/list.html")]
# What each change looks like to the figures (the extractor copes with most of them: the
# rule that found the field, the encoding, the URL shape are what move).
EXPECTED = {
    "date_moved": "rule:published_at",
    "body_renamed": "rule:body",
    "links_changed": "link_shape",
    "charset_changed": "encoding",
    "section_moved": "moved",
    "challenge": "challenge",
}
CHANGE_DAY = 4  # days 1–4 at once: six new 政务要闻 pages, five 部门动态 pages


def _generator() -> ModuleType:
    """data/demo/generate.py, imported as the script imports its siblings."""
    name = "demo_generate"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "data" / "demo" / "generate.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


SITES = {f"hd_{change}": change for change in EXPECTED} | {"hd_normal": None}


@dataclass
class Fleet:
    """One copy of the demo site per change (plus one that stays normal), each with its own
    server, profile and history, crawled together: two crawls in all, not one per change."""

    tmp: Path
    roots: dict[str, Path]
    profiles: list[Path]
    db: Path
    hook: Path
    baseline: object
    changed: object


def _build(root: Path, day: int, *changes: str) -> None:
    gen = _generator()
    gen.build(root, sys.modules["variants"].Variant(day, frozenset(changes)))


def _crawl(profiles: list[Path], db: Path, *extra: str):  # type: ignore[no-untyped-def]
    # Back-off capped: the challenged copy would otherwise hold the whole crawl for a minute.
    return cli("crawl", *map(str, profiles), "--db", str(db), *FAST, "-s", "LOG_LEVEL=WARNING",
               "-s", "ARCHIVER_PROGRESS=off", "-s", "ARCHIVER_BACKOFF_MAX=0.5", *extra, timeout=240)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    tmp = tmp_path_factory.mktemp("drift")
    roots = {site: tmp / site for site in SITES}
    first = roots["hd_normal"]
    first.mkdir()
    _build(first, 0)
    for root in roots.values():
        if root != first:
            shutil.copytree(first, root)
    servers = [SiteServer(root).start() for root in roots.values()]
    try:
        profiles = []
        for site, server in zip(roots, servers, strict=True):
            profile = tmp / f"{site}.toml"
            profile.write_text(
                f'id = "{site}"\nname = "河东市"\nextends = "generic"\nallowed_domains = ["127.0.0.1"]\n'
                "max_pages = 100\n[politeness]\ndelay = 0\nconcurrency = 8\n"
                + "".join(f'\n[[sections]]\nname = "{n}"\nurl = "{server.base_url}{p}"\n'
                          for n, p in SECTIONS), encoding="utf-8")
            profiles.append(profile)
        db = tmp / "archive.db"
        # Day 0: the backfill (two listing pages a section: 20 + 16 records of history).
        baseline = _crawl(profiles, db, "--max-pages", "2")
        # Partial (exit 3): --max-pages cut the walks short; the next plain run finishes them.
        assert baseline.returncode == 3, baseline.stderr[-3000:]
        _copy_db(db, tmp / "baseline.db")
        for site, change in SITES.items():
            _build(roots[site], CHANGE_DAY, *([change] if change else []))
        hook = tmp / "hook.jsonl"
        changed = _crawl(profiles, db, "--on-alarm", f"cat >> {hook}")
        yield Fleet(tmp, roots, profiles, db, hook, baseline, changed)
    finally:
        for server in servers:
            server.stop()


def _copy_db(src: Path, dst: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{src}{suffix}").exists():
            shutil.copy(f"{src}{suffix}", f"{dst}{suffix}")
    return dst


def _query(db: Path, sql: str, *params: object) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_backfill_records_figures_and_raises_nothing(fleet: Fleet) -> None:
    db = fleet.tmp / "baseline.db"
    assert {r["status"] for r in _query(db, "SELECT status FROM runs")} == {"partial"}
    assert _query(db, "SELECT count(*) AS n FROM alarms")[0]["n"] == 0
    assert "alarm" not in fleet.baseline.stdout  # type: ignore[attr-defined]
    row = _query(db, "SELECT figures FROM run_figures WHERE site = 'hd_normal' AND section = '政务要闻'")
    figures = json.loads(row[0]["figures"])
    (k, n), stored = figures["shares"]["date"], figures["counts"]["new"]
    assert k == n == stored >= 15  # every record dated; the soft 404 is not a record
    assert figures["mixes"]["encoding"] == {"gb18030": n}
    assert figures["levels"]["links_per_listing"] > 5


def test_a_normal_later_run_raises_nothing(fleet: Fleet) -> None:
    runs = _query(fleet.db, "SELECT status, new FROM runs WHERE site = 'hd_normal' ORDER BY id")
    # days 1–4 (11), and the older pages the two-page backfill left behind
    assert [r["status"] for r in runs] == ["partial", "ok"] and runs[1]["new"] >= 11
    assert _query(fleet.db, "SELECT * FROM alarms WHERE site = 'hd_normal'") == []


@pytest.mark.parametrize("change", sorted(EXPECTED))
def test_each_change_alarms_on_the_first_run_after_it(fleet: Fleet, change: str) -> None:
    site = f"hd_{change}"
    alarms = _query(fleet.db, "SELECT a.*, r.status AS run_status FROM alarms a JOIN runs r"
                    " ON r.id = a.run_id WHERE a.site = ?", site)
    figures = {a["figure"] for a in alarms}
    assert EXPECTED[change] in figures, (figures, fleet.changed.stdout[-3000:])  # type: ignore[attr-defined]
    # A challenge on every page also stops the crawl (three blocks in a row): failed wins.
    assert alarms[0]["run_status"] == ("failed" if change == "challenge" else "degraded")
    sent = [a for a in map(json.loads, fleet.hook.read_text("utf-8").splitlines()) if a["site"] == site]
    assert {a["figure"] for a in sent} == figures
    one = next(a for a in sent if a["figure"] == EXPECTED[change])
    assert one["section"] in {n for n, _ in SECTIONS} and one["band"] and one["value"]
    assert 1 <= len(one["examples"]) <= 3
    assert all(u.startswith("http://127.0.0.1:") for u in one["examples"])


def test_crawl_exit_status_failed_beats_degraded(fleet: Fleet, tmp_path: Path) -> None:
    assert fleet.changed.returncode == 1  # type: ignore[attr-defined]  # the challenged site failed
    assert "hd_date_moved: degraded" in fleet.changed.stdout  # type: ignore[attr-defined]
    assert "alarm: hd_date_moved/政务要闻" in fleet.changed.stdout  # type: ignore[attr-defined]


def test_health_command_shows_figures_sparklines_and_open_alarms(fleet: Fleet) -> None:
    runner = CliRunner()
    out = runner.invoke(archiver_cli, ["health", "hd_date_moved", "--db", str(fleet.db)])
    assert out.exit_code == 0, out.output
    text = out.output
    assert "open alarms" in text and "政务要闻" in text and "部门动态" in text
    assert "hd_date_moved/政务要闻 (runs #" in text
    assert any(bar in text for bar in "▁▂▃▄▅▆▇█")
    assert "Open alarms: 2" in text and "rule that found the date" in text
    assert "/zwyw/20" in text  # an example URL under the alarm
    assert "hd_body_renamed" not in text  # one site asked for
    as_json = json.loads(runner.invoke(archiver_cli, ["health", "--db", str(fleet.db), "--json"]).output)
    assert {a["site"] for a in as_json["alarms"]} == {f"hd_{c}" for c in EXPECTED}
    runs = json.loads(runner.invoke(archiver_cli, ["runs", "--db", str(fleet.db), "--json",
                                                   "--limit", "100"]).output)
    by_site = {r["site"]: r for r in runs if r["id"] > len(SITES)}
    assert by_site["hd_date_moved"]["status"] == "degraded"
    assert "政务要闻: rule:published_at" in by_site["hd_date_moved"]["alarms"]
    assert by_site["hd_normal"]["alarms"] is None
    rows = _query(fleet.db, QUERIES["open_alarms"]["sql"])
    assert {r["site"] for r in rows} == {f"hd_{c}" for c in EXPECTED}


def test_schedule_line_carries_on_alarm() -> None:
    hook = 'mail -s "archiver $(date +%F)" ops@example.org'
    line = command("ycdjw", "/srv/a.db", python="/usr/bin/python3", on_alarm=hook)
    assert line.endswith("--on-alarm 'mail -s \"archiver $(date +%F)\" ops@example.org'")
    cron = crontab_line("ycdjw", parse_every("6h"), "/srv/a.db", cwd="/srv", python="py", on_alarm=hook)
    assert "+\\%F" in cron  # cron would cut the line at a bare %


def test_accept_makes_the_new_template_the_baseline(fleet: Fleet, tmp_path: Path) -> None:
    """After a redesign the extractor copes with, a person accepts the alarm: the next run of
    the new template is judged against it and raises nothing; without the accept it alarms
    again (the old template is still the baseline)."""
    site = "hd_date_moved"
    root = tmp_path / "site"
    shutil.copytree(fleet.roots[site], root)
    _build(root, CHANGE_DAY + 3, "date_moved")  # three more days of news, dates still moved
    accepted, untouched = _copy_db(fleet.db, tmp_path / "a.db"), _copy_db(fleet.db, tmp_path / "b.db")
    runner = CliRunner()
    out = runner.invoke(archiver_cli, ["accept", site, "政务要闻", "--db", str(accepted)])
    assert out.exit_code == 0, out.output
    assert "accepted [run" in out.output and "rule that found the date" in out.output
    assert _query(accepted, "SELECT status FROM alarms WHERE site = ? AND section = '政务要闻'",
                  site)[0]["status"] == "accepted"
    again = runner.invoke(archiver_cli, ["accept", site, "政务要闻", "--db", str(accepted)])
    assert again.exit_code != 0 and "no open alarm" in again.output
    missing = runner.invoke(archiver_cli, ["accept", site, "--db", str(tmp_path / "none.db")])
    assert missing.exit_code != 0 and "no archive at" in missing.output
    assert not (tmp_path / "none.db").exists()
    with SiteServer(root) as server:
        profile = tmp_path / f"{site}.toml"
        head = fleet.profiles[list(SITES).index(site)].read_text("utf-8").split("\n[[sections]]")[0]
        profile.write_text(head + f'\n[[sections]]\nname = "政务要闻"\nurl = "{server.base_url}'
                           '/zwyw/index.html"\n', encoding="utf-8")
        for db in (accepted, untouched):
            _crawl([profile], db)
    new_alarms = "SELECT figure FROM alarms WHERE site = ? AND section = '政务要闻' AND status = 'open'"
    assert "rule:published_at" in {r["figure"] for r in _query(untouched, new_alarms, site)}
    assert _query(accepted, new_alarms, site) == []
    assert _query(accepted, "SELECT status FROM runs WHERE site = ? ORDER BY id DESC", site)[0]["status"] == "ok"
