"""Scheduled runs: a crontab line and a systemd service/timer pair for one site.

``archiver schedule SITE --every 6h`` prints both; ``--install`` adds the
crontab line through the ``crontab`` command (``$ARCHIVER_CRONTAB`` replaces
it, which is how tests avoid the real crontab). The minute is derived from the
site id so that many sites do not all start at :00.
"""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

from archiver.errors import ArchiverError

EVERY = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")
UNITS = {"m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Every:
    amount: int
    unit: str   # "m" | "h" | "d"

    @property
    def seconds(self) -> int:
        return self.amount * UNITS[self.unit]

    @property
    def systemd(self) -> str:
        return f"{self.amount}{ {'m': 'min', 'h': 'h', 'd': 'd'}[self.unit] }".replace(" ", "")


def parse_every(text: str) -> Every:
    m = EVERY.match(text or "")
    if not m or int(m[1]) <= 0:
        raise ArchiverError(f"--every {text!r}: give a number and m, h or d (e.g. 30m, 6h, 1d)")
    every = Every(int(m[1]), m[2])
    limits = {"m": 59, "h": 23, "d": 31}
    if every.amount > limits[every.unit] and not (every.unit == "m" and every.amount % 60 == 0):
        raise ArchiverError(f"--every {text!r} cannot be written as a cron step; "
                            f"use at most {limits[every.unit]}{every.unit}")
    if every.unit == "m" and every.amount >= 60:
        every = Every(every.amount // 60, "h")
    return every


def cron_expr(every: Every, site: str) -> str:
    spread = zlib.crc32(site.encode("utf-8"))
    minute, hour = spread % 60, (spread // 60) % 24
    if every.unit == "m":
        return f"*/{every.amount} * * * *"
    if every.unit == "h":
        return f"{minute} */{every.amount} * * *" if every.amount > 1 else f"{minute} * * * *"
    return f"{minute} {hour} */{every.amount} * *" if every.amount > 1 else f"{minute} {hour} * * *"


def command(site: str, db: str, python: str | None = None) -> str:
    python = python or sys.executable
    return f"{shlex.quote(python)} -m archiver crawl {shlex.quote(site)} --db {shlex.quote(db)}"


def marker(site: str) -> str:
    return f"# archiver:{site}"


def crontab_line(site: str, every: Every, db: str, cwd: str | None = None,
                 python: str | None = None, log: str | None = None) -> str:
    cwd = cwd or os.getcwd()
    log = log or str(Path(db).with_suffix("")) + f".{site}.log"
    return (f"{cron_expr(every, site)} cd {shlex.quote(cwd)} && {command(site, db, python)}"
            f" >> {shlex.quote(log)} 2>&1 {marker(site)}")


def systemd_units(site: str, every: Every, db: str, cwd: str | None = None,
                  python: str | None = None) -> tuple[str, str]:
    """(archiver-SITE.service, archiver-SITE.timer) file contents."""
    cwd = cwd or os.getcwd()
    service = (f"[Unit]\nDescription=Archive {site} (gov-archiver)\n"
               "Wants=network-online.target\nAfter=network-online.target\n\n"
               f"[Service]\nType=oneshot\nWorkingDirectory={cwd}\n"
               f"ExecStart={command(site, db, python)}\nNice=10\n")
    timer = (f"[Unit]\nDescription=Archive {site} every {every.amount}{every.unit}\n\n"
             f"[Timer]\nOnBootSec=5min\nOnUnitActiveSec={every.systemd}\n"
             "RandomizedDelaySec=5min\nPersistent=true\n"
             f"Unit=archiver-{site}.service\n\n[Install]\nWantedBy=timers.target\n")
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
