"""archiver schedule: crontab line, systemd units, --install against a fake crontab command."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest

from archiver.crawl.progress import live_block, section_line, summary_line
from archiver.crawl.schedule import cron_expr, crontab_line, parse_every, systemd_units
from archiver.errors import ArchiverError
from tests.crawlkit import cli


@pytest.mark.parametrize("text, expr", [
    ("30m", "*/30 * * * *"), ("6h", "M */6 * * *"), ("1h", "M * * * *"),
    ("1d", "M H * * *"), ("120m", "M */2 * * *"),
])
def test_cron_expressions(text: str, expr: str) -> None:
    got = cron_expr(parse_every(text), "ycdjw").split()
    for want, have in zip(expr.split(), got, strict=False):
        if want == "M":
            assert 0 <= int(have) < 60
        elif want == "H":
            assert 0 <= int(have) < 24
        else:
            assert want == have


@pytest.mark.parametrize("bad", ["", "6", "6x", "0h", "100h", "-1h"])
def test_bad_intervals(bad: str) -> None:
    with pytest.raises(ArchiverError):
        parse_every(bad)


def test_units_and_line() -> None:
    every = parse_every("6h")
    line = crontab_line("ycdjw", every, "/data/archive.db", cwd="/srv/app", python="/venv/bin/python")
    assert "cd /srv/app && /venv/bin/python -m archiver crawl ycdjw --db /data/archive.db" in line
    assert line.endswith("# archiver:ycdjw") and ">> /data/archive.ycdjw.log 2>&1" in line
    service, timer = systemd_units("ycdjw", every, "/data/archive.db", cwd="/srv/app")
    assert "Type=oneshot" in service and "ExecStart=" in service and "WorkingDirectory=/srv/app" in service
    assert "OnUnitActiveSec=6h" in timer and "Persistent=true" in timer
    assert "Unit=archiver-ycdjw.service" in timer


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
    assert live_block(["a", "b"], 2).startswith("\x1b[2F")
