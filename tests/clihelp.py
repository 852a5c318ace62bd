"""Run the archiver CLI in a subprocess (a crawl needs a fresh Twisted reactor)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run_cli(*args: str, timeout: int = 120, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "ARCHIVER_LOG_LEVEL": "WARNING", **(env or {})}
    return subprocess.run([sys.executable, "-m", "archiver", *args], cwd=REPO, env=full_env,
                          capture_output=True, text=True, timeout=timeout)
