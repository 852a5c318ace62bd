"""archiver schedule: crontab line, systemd units, --install against a fake crontab command."""
from __future__ import annotations

import itertools
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from archiver.crawl.progress import section_line, summary_line
from archiver.crawl.schedule import cron_expr, crontab_line, on_calendar, parse_every, slug, systemd_units
from archiver.data import DEMO_DIR
from archiver.errors import ArchiverError
from archiver.testing.siteserver import SiteServer
from tests.crawlkit import cli


@pytest.mark.parametrize("text, expr", [
    ("30m", "M-59/30 * * * *"), ("6h", "M H-23/6 * * *"), ("1h", "M * * * *"),
    ("1d", "M H * * *"), ("120m", "M H-23/2 * * *"), ("7d", "M H * * W"), ("48h", None),
])
def test_cron_expressions(text: str, expr: str | None) -> None:
    got = cron_expr(parse_every(text), "ycdjw")
    if expr is None:
        assert got is None
        return
    assert got is not None
    for want, have in zip(expr.split(), got.split(), strict=True):
        if want.startswith("M"):
            assert 0 <= int(have.split("-")[0]) < 60 and have.endswith(want[1:])
        elif want.startswith("H"):
            assert 0 <= int(have.split("-")[0]) < 24 and have.endswith(want[1:])
        elif want == "W":
            assert 0 <= int(have) < 7
        else:
            assert want == have


@pytest.mark.parametrize("text", ["45m", "7h", "2d", "5h", "90m"])
def test_uneven_intervals_have_no_cron_line_but_a_systemd_timer(text: str) -> None:
    every = parse_every(text)
    assert cron_expr(every, "ycdjw") is None and on_calendar(every, "ycdjw") is None
    with pytest.raises(ArchiverError, match="cron cannot run every"):
        crontab_line("ycdjw", every, "/data/archive.db")
    _, timer = systemd_units("ycdjw", every, "/data/archive.db", user="archiver")
    assert f"OnUnitActiveSec={every.seconds}s" in timer and "Persistent" not in timer


def test_every_15_minutes_really_is_every_15_minutes() -> None:
    minutes = cron_expr(parse_every("15m"), "ycdjw").split()[0]
    first, step = minutes.split("-")[0], 15
    fired = list(range(int(first), 60, step))
    assert len(fired) == 4 and all(b - a == 15 for a, b in itertools.pairwise(fired))


@pytest.mark.parametrize("bad", ["", "6", "6x", "0h", "-1h", "400d"])
def test_bad_intervals(bad: str) -> None:
    with pytest.raises(ArchiverError):
        parse_every(bad)


def test_units_and_line() -> None:
    every = parse_every("6h")
    line = crontab_line("ycdjw", every, "/data/archive.db", cwd="/srv/app", python="/venv/bin/python")
    assert ("cd /srv/app && /venv/bin/python -m archiver crawl ycdjw --db /data/archive.db"
            " --log-file /data/archive.ycdjw.log") in line
    assert line.endswith("# archiver:ycdjw") and ">>" not in line and "2>&1" not in line
    service, timer = systemd_units("ycdjw", every, "/data/archive.db", cwd="/srv/app", user="archiver")
    assert "Type=oneshot" in service and "ExecStart=" in service and "WorkingDirectory=/srv/app" in service
    assert "User=archiver" in service
    assert "OnCalendar=*-*-* " in timer and "/6:" in timer and "Persistent=true" in timer
    assert "OnUnitActiveSec" not in timer and "Unit=archiver-ycdjw.service" in timer


def test_url_targets_get_safe_names() -> None:
    url = "http://www.example.gov.cn/news/list_1.html"
    assert slug(url) == "www.example.gov.cn-news-list_1.html"
    line = crontab_line(url, parse_every("1d"), "/data/archive.db", cwd="/srv")
    assert "--log-file /data/archive.www.example.gov.cn-news-list_1.html.log" in line
    assert line.endswith("# archiver:www.example.gov.cn-news-list_1.html")


def _fake_crontab(tmp: Path) -> tuple[Path, dict[str, str]]:
    store = tmp / "crontab.txt"
    store.write_text("MAILTO=me\n0 1 * * * other-job\n")
    script = tmp / "fake-crontab"
    script.write_text(f"""#!/bin/sh
if [ "$1" = "-l" ]; then cat {store}; exit 0; fi
if [ "$1" = "-" ]; then cat > {store}; exit 0; fi
exit 2
""")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return store, {"ARCHIVER_CRONTAB": str(script)}


def test_schedule_prints_and_installs_once(tmp_path: Path) -> None:
    store, env = _fake_crontab(tmp_path)
    db = str(tmp_path / "a.db")
    r = cli("schedule", "ycdjw", "--every", "6h", "--db", db, env=env)
    assert r.returncode == 0, r.stderr
    assert "-m archiver crawl ycdjw" in r.stdout and "[Timer]" in r.stdout and "[Service]" in r.stdout
    assert "archiver" not in store.read_text()          # printing does not install
    for _ in range(2):
        r = cli("schedule", "ycdjw", "--every", "6h", "--install", "--db", db, env=env)
        assert r.returncode == 0, r.stderr
    text = store.read_text()
    assert text.count("# archiver:ycdjw") == 1
    assert "MAILTO=me" in text and "other-job" in text
    r = cli("schedule", "nope", "--every", "6h", env=env)
    assert r.returncode != 0 and "no site profile" in r.stderr


def test_progress_text() -> None:
    counts = {"listings": 2, "articles": 10, "new": 8, "blocked": 1}
    line = section_line("ycdjw", "要闻", counts, 5.0)
    assert line.startswith("ycdjw/要闻:") and "new=8" in line and "rate=2.0/s" in line
    assert summary_line("ycdjw", "ok", {"new": 3, "requests": 9}, 1.0).startswith("ycdjw: ok in 1.0s")


def test_the_cron_line_runs_logs_to_its_file_and_stays_quiet_when_ok(tmp_path: Path) -> None:
    """The printed crontab command, run as cron would (sh, no terminal): the log file it names
    exists afterwards with the summary in it, and an ok run prints nothing, so cron mails nothing."""
    with SiteServer(DEMO_DIR / "site") as server:
        url = server.base_url + "/djgz/index.html"
        db = str(tmp_path / "archive.db")
        line = crontab_line(url, parse_every("1d"), db, cwd=str(tmp_path), python=sys.executable)
        command = line.split(" ", 5)[5]          # after the five schedule fields
        env = {**os.environ, "ARCHIVER_DOWNLOAD_DELAY": "0"}
        proc = subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True,
                              timeout=120, check=False)
    log = tmp_path / "archive.127.0.0.1-djgz-index.html.log"
    assert proc.returncode == 0, proc.stderr
    assert log.exists() and "ok in" in log.read_text("utf-8")
    assert proc.stdout == "" and proc.stderr == ""
