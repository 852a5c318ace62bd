"""Scheduled runs: a crontab line and a systemd service/timer pair for one site.

``archiver schedule SITE --every 6h`` prints both; ``--install`` adds the
crontab line through the ``crontab`` command (``$ARCHIVER_CRONTAB`` replaces
it, which is how tests avoid the real crontab). The minute is derived from the
site id so that many sites do not all start at :00.
"""
from __future__ import annotations

import getpass
import os
import re
import shlex
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from archiver.errors import ArchiverError

EVERY = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")
UNITS = {"m": 60, "h": 3600, "d": 86400}
# Steps that repeat evenly: a cron step restarts at each hour (minutes), day (hours) or month
# (days), so */45 fires at :00 and :45 and */7 (hours) leaves a 3-hour gap at midnight.
EVEN_STEPS = {"m": {1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30}, "h": {1, 2, 3, 4, 6, 8, 12}, "d": {1, 7}}
SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Every:
    amount: int
    unit: str   # "m" | "h" | "d"

    @property
    def seconds(self) -> int:
        return self.amount * UNITS[self.unit]

    @property
    def text(self) -> str:
        return f"{self.amount}{self.unit}"

    @property
    def even(self) -> bool:
        """Whether a calendar rule (cron, systemd OnCalendar) repeats at this exact interval."""
        return self.amount in EVEN_STEPS[self.unit]


def parse_every(text: str) -> Every:
    m = EVERY.match(text or "")
    if not m or int(m[1]) <= 0:
        raise ArchiverError(f"--every {text!r}: give a number and m, h or d (e.g. 30m, 6h, 1d)")
    every = Every(int(m[1]), m[2])
    if every.unit == "m" and every.amount % 60 == 0:
        every = Every(every.amount // 60, "h")
    if every.unit == "h" and every.amount % 24 == 0:
        every = Every(every.amount // 24, "d")
    if every.seconds > 366 * 86400:
        raise ArchiverError(f"--every {text!r}: at most a year")
    return every


def slug(target: str) -> str:
    """A file- and unit-name-safe name for a site id or a bare listing URL."""
    if "://" in target:
        parts = urlsplit(target)
        target = f"{parts.hostname or 'site'}{parts.path}"
    return SAFE.sub("-", target).strip("-.") or "site"


def _spread(site: str) -> tuple[int, int]:
    """A minute and an hour derived from the site, so many sites do not all start at :00."""
    spread = zlib.crc32(site.encode("utf-8"))
    return spread % 60, (spread // 60) % 24


def cron_expr(every: Every, site: str) -> str | None:
    """The crontab schedule, or None when cron cannot repeat at this interval evenly."""
    if not every.even:
        return None
    minute, hour = _spread(site)
    if every.unit == "m":
        first = minute % every.amount
        return f"{first}-59/{every.amount} * * * *" if every.amount > 1 else "* * * * *"
    if every.unit == "h":
        if every.amount == 1:
            return f"{minute} * * * *"
        return f"{minute} {hour % every.amount}-23/{every.amount} * * *"
    return f"{minute} {hour} * * {hour % 7}" if every.amount == 7 else f"{minute} {hour} * * *"


def on_calendar(every: Every, site: str) -> str | None:
    """The systemd OnCalendar= value for an even interval (None otherwise)."""
    if not every.even:
        return None
    minute, hour = _spread(site)
    if every.unit == "m":
        return f"*-*-* *:{minute % every.amount:02d}/{every.amount}:00"
    if every.unit == "h":
        return f"*-*-* {hour % every.amount:02d}/{every.amount}:{minute:02d}:00"
    day = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")[hour % 7]
    return f"{day if every.amount == 7 else '*-*-*'} {hour:02d}:{minute:02d}:00"


def command(site: str, db: str, python: str | None = None, log: str | None = None) -> str:
    python = python or sys.executable
    line = f"{shlex.quote(python)} -m archiver crawl {shlex.quote(site)} --db {shlex.quote(db)}"
    return line + (f" --log-file {shlex.quote(log)}" if log else "")


def log_path(site: str, db: str) -> str:
    return str(Path(db).with_suffix("")) + f".{slug(site)}.log"


def marker(site: str) -> str:
    return f"# archiver:{slug(site)}"


def crontab_line(site: str, every: Every, db: str, cwd: str | None = None,
                 python: str | None = None, log: str | None = None) -> str:
    """The crawl writes its log to a file itself and prints only when a run is not ok, so
    cron mails exactly the runs that need a look (nothing is redirected)."""
    expr = cron_expr(every, site)
    if expr is None:
        raise ArchiverError(f"cron cannot run every {every.text} evenly (its steps restart each "
                            "hour, day or month); use the systemd timer, or an interval such as "
                            "15m, 30m, 1h, 2h, 3h, 4h, 6h, 8h, 12h, 1d or 7d")
    cwd = cwd or os.getcwd()
    return (f"{expr} cd {shlex.quote(cwd)} && "
            f"{command(site, db, python, log or log_path(site, db))} {marker(site)}")


def systemd_units(site: str, every: Every, db: str, cwd: str | None = None,
                  python: str | None = None, user: str | None = None) -> tuple[str, str]:
    """(archiver-SLUG.service, archiver-SLUG.timer) file contents.

    An even interval is a calendar rule, and Persistent=true runs a start missed while the
    machine was off; any other interval counts from the last run (OnUnitActiveSec), where
    Persistent= has no effect, so it is left out."""
    cwd = cwd or os.getcwd()
    user = user or getpass.getuser()
    name = slug(site)
    service = (f"[Unit]\nDescription=Archive {site} (gov-archiver)\n"
               "Wants=network-online.target\nAfter=network-online.target\n\n"
               f"[Service]\nType=oneshot\nUser={user}\nWorkingDirectory={cwd}\n"
               f"ExecStart={command(site, db, python, log_path(site, db))}\nNice=10\n")
    calendar = on_calendar(every, site)
    when = (f"OnCalendar={calendar}\nPersistent=true\n" if calendar else
            f"OnBootSec=5min\nOnUnitActiveSec={every.seconds}s\n")
    timer = (f"[Unit]\nDescription=Archive {site} every {every.text}\n\n"
             f"[Timer]\n{when}RandomizedDelaySec=2min\n"
             f"Unit=archiver-{name}.service\n\n[Install]\nWantedBy=timers.target\n")
    return service, timer


def _crontab_cmd() -> list[str]:
    return shlex.split(os.environ.get("ARCHIVER_CRONTAB", "crontab"))


def install_crontab(site: str, line: str) -> str:
    """Add (or replace) this site's line in the user's crontab; returns the new crontab."""
    cmd = _crontab_cmd()
    try:
        current = subprocess.run([*cmd, "-l"], capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise ArchiverError(f"cannot run {cmd[0]!r}: {exc}") from exc
    old = current.stdout if current.returncode == 0 else ""
    kept = [ln for ln in old.splitlines() if not ln.rstrip().endswith(marker(site))]
    new = "\n".join([*kept, line]) + "\n"
    done = subprocess.run([*cmd, "-"], input=new, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ArchiverError(f"crontab install failed: {done.stderr.strip() or done.returncode}")
    return new
