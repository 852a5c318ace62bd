"""``archiver demo``: serve the bundled demo site on 127.0.0.1 and crawl it."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.crawler import CrawlOutcome, project_settings, run_spiders
from archiver.siteserver import SiteServer

DEMO_ROOT = Path(__file__).resolve().parent.parent / "data" / "demo"

# The demo server is ours and local: no politeness delay needed against it.
DEMO_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "LOG_LEVEL": "WARNING",
}


@dataclass(frozen=True)
class DemoRun:
    base_url: str
    sections: list[dict[str, Any]]
    outcomes: list[CrawlOutcome]
    expected_articles: int


def demo_expected(root: Path = DEMO_ROOT) -> dict[str, Any]:
    return json.loads((root / "expected.json").read_text(encoding="utf-8"))


def run_demo(db: str, root: Path = DEMO_ROOT, overrides: dict[str, Any] | None = None) -> DemoRun:
    expected = demo_expected(root)
    with SiteServer(root / "site") as server:
        jobs = [("section", {"url": server.url(s["start_path"]), "site": "demo",
                             "section": s["name"], "max_pages": 100})
                for s in expected["sections"]]
        settings = project_settings(db, {**DEMO_SETTINGS, **(overrides or {})})
        outcomes = run_spiders(jobs, settings)
        return DemoRun(server.base_url, expected["sections"], outcomes,
                       len(expected["articles"]))
