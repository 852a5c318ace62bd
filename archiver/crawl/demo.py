"""``archiver demo``: serve the bundled demo site on 127.0.0.1 and crawl it.

The demo is an ordinary scheduled crawl of one site profile (its sections come
from data/demo/expected.json), so it exercises exactly what cron runs.
"""
from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.crawl.runner import CrawlResult, crawl_sites
from archiver.data import DEMO_DIR
from archiver.profiles import Politeness, Profile, Section
from archiver.testing.siteserver import SiteServer

DEMO_ROOT = DEMO_DIR
DEMO_SITE = "demo"

# The demo server is ours and local: no politeness delay needed against it.
DEMO_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "ARCHIVER_MAX_PER_HOST": 8,
    "LOG_LEVEL": "WARNING",
}


# Article URLs are the archive's keys, so the demo prefers one fixed port: a
# repeated `make demo` then finds its articles already archived (an incremental
# run), instead of archiving the same pages again under a new port.
DEMO_PORT = int(os.environ.get("ARCHIVER_DEMO_PORT", "8741"))


def _demo_port() -> int:
    """DEMO_PORT when it is free, else any free port (0)."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", DEMO_PORT))
        except OSError:
            return 0
    return DEMO_PORT


@dataclass(frozen=True)
class DemoRun:
    base_url: str
    result: CrawlResult
    expected_articles: int


def demo_expected(root: Path = DEMO_ROOT) -> dict[str, Any]:
    return json.loads((root / "expected.json").read_text(encoding="utf-8"))


def demo_profile(base_url: str, expected: dict[str, Any]) -> Profile:
    return Profile(
        id=DEMO_SITE, name=expected["site"], family="auto", allowed_domains=("127.0.0.1",),
        sections=tuple(Section(s["name"], base_url + s["start_path"]) for s in expected["sections"]),
        politeness=Politeness(delay=0, concurrency=8, robots=True, autothrottle=False),
        max_pages=100,
    )


def run_demo(db: str, root: Path = DEMO_ROOT, overrides: dict[str, Any] | None = None) -> DemoRun:
    expected = demo_expected(root)
    with SiteServer(root / "site", port=_demo_port()) as server:
        result = crawl_sites([demo_profile(server.base_url, expected)], db,
                             overrides={**DEMO_SETTINGS, **(overrides or {})})
        return DemoRun(server.base_url, result, len(expected["articles"]))
