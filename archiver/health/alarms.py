"""Judge one section's run against its own history: the alarms it raises. Pure.

An alarm names the site, the section, the figure, its band and its value, and three URLs
that show it, so whoever reads the mail can open a page and see what changed.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from archiver.health import baseline
from archiver.health.figures import FILLED, FLAGS, SectionFigures

# What each figure means, for the alarm's one-line message.
MEANING = {
    "title": "records with a title", "date": "records with a publication date",
    "source": "records with a source (来源)", "author": "records with an author",
    "spam": "records with injected spam", "repaired": "records needing mojibake repair",
    "chars_lost": "records with characters lost", "non_article": "new pages that are not articles",
    "challenge": "article requests answered by a challenge page",
    "errors": "article requests that failed",
    "body_median": "median body length", "links_per_listing": "article links per listing page",
    "encoding": "encoding of the pages", "link_shape": "shape of the article URLs",
    "rule:title": "rule that found the title", "rule:published_at": "rule that found the date",
    "rule:source": "rule that found the source", "rule:body": "rule that found the body",
    "moved": "section start address", "silent": "time since the last new article",
}
# Shares judged and which way is bad.
SHARES = {**dict.fromkeys(FILLED, "low"), **dict.fromkeys(FLAGS, "high"),
          "non_article": "high", "challenge": "high", "errors": "high"}


@dataclass(frozen=True)
class Alarm:
    site: str
    section: str
    figure: str
    band: str
    value: str
    examples: tuple[str, ...] = ()
    run_id: int | None = None
    at: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        what = MEANING.get(self.figure, self.figure)
        return f"{self.site}/{self.section}: {what} is {self.value}, outside {self.band}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["examples"] = list(self.examples)
        data["message"] = self.message
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


def _alarm(now: SectionFigures, figure: str, verdict: baseline.Verdict,
           example_key: str | None = None) -> Alarm:
    urls = now.examples.get(example_key or figure) or ()
    return Alarm(now.site, now.section, figure, verdict.band, verdict.value,
                 tuple(urls)[:3], at=now.at)


def judge_section(now: SectionFigures, history: Sequence[SectionFigures], *,
                  silent_for: float | None = None, gap: float | None = None) -> list[Alarm]:
    """Every alarm this run of a section raises. ``history``: its last good runs, oldest
    first; ``silent_for``: seconds since a run last found a new article here; ``gap``: the
    section's usual interval between publication days (seconds)."""
    alarms: list[Alarm] = []
    for name, direction in SHARES.items():
        if name not in now.shares:
            continue
        k, n = now.shares[name]
        past = [h.shares[name] for h in history if name in h.shares]
        verdict = baseline.judge_share(k, n, past, direction)
        if verdict is not None and verdict.out:
            alarms.append(_alarm(now, name, verdict))
    if now.counts.get("listings") and now.levels.get("links_per_listing", 0) == 0:
        # A listing that yields no links is an alarm with or without a history.
        alarms.append(_alarm(now, "links_per_listing",
                             baseline.Verdict(True, "at least one link", "0")))
    elif "links_per_listing" in now.levels:
        past_levels = [h.levels["links_per_listing"] for h in history if "links_per_listing" in h.levels]
        verdict = baseline.judge_level(now.levels["links_per_listing"], past_levels)
        if verdict is not None and verdict.out:
            alarms.append(_alarm(now, "links_per_listing", verdict))
    body = baseline.judge_body(now.body_lengths, [h.body_lengths for h in history])
    if body is not None and body.out:
        alarms.append(_alarm(now, "body_median", body))
    for name, mix in now.mixes.items():
        verdict = baseline.judge_mix(mix, [h.mixes.get(name, {}) for h in history])
        if verdict is not None and verdict.out:
            alarms.append(_alarm(now, name, verdict, f"{name}={verdict.label}"))
    if now.moved_to:
        alarms.append(_alarm(now, "moved", baseline.Verdict(
            True, f"{now.start_url or 'the profile address'} answering itself",
            f"301 to {now.moved_to}")))
    if silent_for is not None:
        verdict = baseline.judge_silence(silent_for, gap)
        if verdict is not None and verdict.out:
            alarms.append(Alarm(now.site, now.section, "silent", verdict.band, verdict.value,
                                tuple(u for u in [now.start_url] if u), at=now.at))
    return alarms
