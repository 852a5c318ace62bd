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


def fetch_one(url: str, db: str, *, store: bool = True, site: str | None = None,
              settings: dict[str, Any] | None = None) -> FetchResult:
    """Fetch, decode, repair, extract and (unless store=False) archive one page.

    Raises FetchError with a one-line reason when nothing was archived.
    """
    overrides = dict(settings or {})
    overrides.setdefault("LOG_LEVEL", "ERROR")
    overrides.setdefault("ARCHIVER_JOBS", 1)      # one page: no process pool to start
    if not store:
        overrides["ITEM_PIPELINES"] = {"archiver.pipelines.process.ProcessPipeline": 300,
                                       "archiver.pipelines.validate.ValidatePipeline": 400}
    [outcome] = run_spiders([("single", {"url": url, "site": site})],
                            project_settings(db, overrides))
    if outcome.stored:
        item = outcome.stored[0]
        stored = outcome.ledger.outcomes if outcome.ledger is not None else {}
        return FetchResult(url, stored.get(item["raw"].url) or "not stored", item["article"])
    if outcome.dropped:
        raise FetchError(outcome.dropped[0])
    failure = outcome.ledger.failures[0] if outcome.ledger and outcome.ledger.failures else None
    if failure:
        raise FetchError(f"cannot fetch {url}: {failure}")
    raise FetchError(f"cannot fetch {url}: {'; '.join(outcome.errors) or 'no response'}")
