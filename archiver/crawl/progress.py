"""Progress text for a crawl: a live line per section on a terminal, plain lines under cron.

Pure formatting; spiders/extensions.py decides when to print, archiver/crawl/live.py draws the
live block.
"""
from __future__ import annotations

from collections.abc import Mapping

from archiver.store.schema import RUN_COUNTS

# A section's counters, as shown live and in the crawl table.
SECTION_COUNTS = ("listings", "articles", "new", "changed", "unchanged", "skipped", "blocked",
                  "errors")


def section_line(site: str, section: str, counts: Mapping[str, int], elapsed: float) -> str:
    rate = counts.get("articles", 0) / elapsed if elapsed > 0 else 0.0
    parts = " ".join(f"{k}={counts.get(k, 0)}" for k in SECTION_COUNTS)
    return f"{site}/{section}: {parts} rate={rate:.1f}/s"


def summary_line(site: str, status: str, counts: Mapping[str, int], elapsed: float) -> str:
    """One line per site run, for cron mail and logs."""
    return (f"{site}: {status} in {elapsed:.1f}s — "
            + ", ".join(f"{counts.get(k, 0)} {k}" for k in RUN_COUNTS))
