"""Fetch one URL through the crawl pipelines (``archiver fetch``)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archiver.crawl.crawler import project_settings, run_spiders
from archiver.errors import FetchError


@dataclass(frozen=True)
class FetchResult:
    url: str
    outcome: str            # "new" | "changed" | "unchanged" | "not stored"
    article: dict[str, Any]


DEFAULT_TIMEOUT = 60.0


def fetch_one(url: str, db: str, *, store: bool = True, site: str | None = None,
              settings: dict[str, Any] | None = None,
              timeout: float = DEFAULT_TIMEOUT) -> FetchResult:
    """Fetch, decode, repair, extract and (unless store=False) archive one page.

    ``timeout`` bounds the whole fetch, redirects, retries and back-off included: a person
    is waiting (a 429 with a long Retry-After is refused at once, not waited for).
    Raises FetchError with a one-line reason when nothing was archived.
    """
    overrides = dict(settings or {})
    # Every failure comes back as the FetchError's one line (Scrapy logs a given-up retry as
    # an ERROR of its own, which would make it two).
    overrides.setdefault("LOG_LEVEL", "CRITICAL")
    overrides.setdefault("ARCHIVER_JOBS", 1)      # one page: no process pool to start
    overrides.setdefault("CLOSESPIDER_TIMEOUT", timeout)
    # Each wait stays well inside the deadline: the engine lets a request in progress
    # (a retry sleeping its back-off) finish before it closes.
    overrides.setdefault("DOWNLOAD_TIMEOUT", max(1.0, min(30.0, timeout / 2)))
    overrides.setdefault("ARCHIVER_BACKOFF_MAX", timeout / 4)
    overrides.setdefault("ARCHIVER_RETRY_AFTER_MAX", timeout / 4)
    if not store:
        overrides["ITEM_PIPELINES"] = {"archiver.pipelines.process.ProcessPipeline": 300,
                                       "archiver.pipelines.validate.ValidatePipeline": 400}
    [outcome] = run_spiders([("single", {"url": url, "site": site})],
                            project_settings(db, overrides))
    if outcome.stored:
        item = outcome.stored[0]
        last = outcome.ledger.last_stored if outcome.ledger is not None else None
        stored = last[1] if last is not None and last[0] == item["raw"].url else "not stored"
        return FetchResult(url, stored, item["article"])
    if outcome.dropped:
        raise FetchError(outcome.dropped[0])
    failure = outcome.ledger.failures[0] if outcome.ledger and outcome.ledger.failures else None
    if outcome.reason == "closespider_timeout":
        raise FetchError(f"cannot fetch {url}: no answer within {timeout:g}s")
    if failure:
        raise FetchError(f"cannot fetch {url}: {failure}")
    raise FetchError(f"cannot fetch {url}: {'; '.join(outcome.errors) or 'no response'}")
