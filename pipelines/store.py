"""Store each article with its raw page, and record the run (with per-section counts)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from archiver.store.writer import ArchiveDB


def run_status(reason: str, sections: Mapping[str, Mapping[str, int]], errors: int,
               blocked: int) -> str:
    """failed: the crawl stopped early, or a section's listing was unreadable or empty
    (a likely template change); partial: some pages failed or were blocked; else ok."""
    broken = [s for s, c in sections.items() if not c.get("listings") or c.get("empty")]
    if reason != "finished" or broken:
        return "failed"
    return "partial" if errors or blocked else "ok"


def section_counts(stats: Mapping[str, int], names: Iterable[str]) -> dict[str, dict[str, int]]:
    """Per-section counters rebuilt from the ``archiver/section/NAME/COUNTER`` stats
    (a distributed run sums them over its workers and its writer)."""
    out: dict[str, dict[str, int]] = {n: {} for n in names}
    for key, value in stats.items():
        if key.startswith("archiver/section/"):
            section, _, counter = key[len("archiver/section/"):].rpartition("/")
            out.setdefault(section, {})[counter] = int(value)
    return out


def summarize_run(reason: str, stats: Mapping[str, Any], sections: Mapping[str, Mapping[str, int]],
                  name: str) -> tuple[str, dict[str, int], dict[str, Any]]:
    """A run's status, its counts (the runs row and the summary line) and its sections,
    from the crawl's stats: one computation for a local and a distributed run."""
    errors = sum(v for k, v in stats.items()
                 if k.startswith(("downloader/exception_type_count", "spider_exceptions/")))
    errors += stats.get("archiver/rejected/http", 0)
    counts = {
        "requests": stats.get("downloader/request_count", 0),
        "new": stats.get("archiver/new", 0),
        "changed": stats.get("archiver/changed", 0),
        "unchanged": stats.get("archiver/unchanged", 0),
        "blocked": stats.get("archiver/blocked", 0),
        "errors": errors,
    }
    out: dict[str, Any] = {n: dict(c) for n, c in sections.items()}
    if out:
        counts["errors"] = max(errors, sum(c.get("errors", 0) for c in out.values()))
        # A soft-404 is counted as blocked but is the site's dead link, not a refusal.
        hard = counts["blocked"] - stats.get("archiver/blocked/soft_error", 0)
        status = run_status(reason, out, counts["errors"], hard)
    else:
        status = "ok" if reason == "finished" and not errors else (
            "partial" if reason == "finished" else "failed")
        out = {name: counts}
    return status, counts, out


class StorePipeline:
    crawler: Crawler  # set by from_crawler

    def __init__(self, db_path: str) -> None:
        self.db_path = db_path
        self.archive: ArchiveDB | None = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler.settings.get("ARCHIVER_DB"))
        pipeline.crawler = crawler
        # spider_closed (not close_spider) carries the finish reason.
        crawler.signals.connect(pipeline.finish_run, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider: Spider | None = None) -> None:
        spider = spider or self.crawler.spider
        if spider is None:
            raise RuntimeError("StorePipeline opened before the crawler has a spider")
        self.archive = ArchiveDB(self.db_path)
        args = {"spider": spider.name, "url": getattr(spider, "start_url", None)
                or getattr(spider, "url", None), "section": getattr(spider, "section", None)}
        for key in ("refresh", "backfill", "max_pages"):
            if hasattr(spider, key):
                args[key] = getattr(spider, key)
        self.run_id = self.archive.start_run(getattr(spider, "site", None) or spider.name, args)
        # The spider carries its run id and status back to the frontier and the CLI summary.
        spider.run_id = self.run_id  # type: ignore[attr-defined]

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        assert self.archive is not None
        outcome = self.archive.save(item["raw"], item["article"], self.run_id)
        item["outcome"] = outcome
        self.crawler.stats.inc_value(f"archiver/{outcome}")
        return item

    def finish_run(self, spider: Spider, reason: str) -> None:
        if self.archive is None or self.run_id is None:
            return
        sections = {name: dict(c) for name, c in getattr(spider, "section_counts", {}).items()}
        status, counts, sections = summarize_run(
            reason, self.crawler.stats.get_stats(), sections,
            getattr(spider, "section", None) or spider.name)
        spider.run_status = status  # type: ignore[attr-defined]
        # The same counts go to the runs row and to the CLI's summary line.
        spider.run_counts = counts  # type: ignore[attr-defined]
        self.archive.finish_run(self.run_id, status, counts, sections)
