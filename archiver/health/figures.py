"""A run's figures for one site section: what the crawl saw, as numbers a baseline can judge.

Pure: plain rows in (the section's stored records, what became of each article request,
the section's crawl counts), ``SectionFigures`` out. Every figure is one of three kinds,
and each kind is judged its own way (archiver.health.baseline):

* a *share* (``k`` of ``n``): the records with a date, the answers that were challenges;
* a *level* (a number per run): links per listing page, the median body length;
* a *mix* (counts per label): the encoding the bytes were decoded as, the rule that produced
  the date, the shape of the article URLs. A template change shows as a label the section
  has not used before, even when the extractor copes and every field is still filled.
"""
from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from archiver.listings.links import url_shape

# Shares of the stored records that should be filled; a fall is the alarm.
FILLED = {"title": "title", "date": "published_at", "source": "source", "author": "author"}
# Shares of the stored records carrying a flag; a rise is the alarm.
FLAGS = {"spam": "spam_injected", "repaired": "repaired", "chars_lost": "chars_lost"}
# Which rule produced these fields: the extractor may still fill a field after a redesign,
# but from another place on the page.
RULES = ("title", "published_at", "source", "body")
EXAMPLES = 3
# Per-record body lengths kept per run: enough for a pooled baseline, small in the row.
LENGTHS_KEPT = 200


@dataclass(frozen=True)
class Record:
    """One stored article of the run, reduced to what the figures read."""

    url: str
    title: str | None = None
    published_at: str | None = None
    source: str | None = None
    author: str | None = None
    body_length: int = 0
    flags: tuple[str, ...] = ()
    encoding: str | None = None
    provenance: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What became of one article request of the run (a frontier row)."""

    url: str
    status: str            # "done" | "failed" | "pending"
    reason: str | None = None

    @property
    def kind(self) -> str:
        """stored | non_article | challenge | dead | error | other."""
        reason = self.reason or ""
        if reason in ("new", "changed", "unchanged", "stored", "304 not modified"):
            return "stored"
        if reason.startswith(("not_article", "no_content")):
            return "non_article"
        if reason.startswith("blocked"):
            # A soft 404 (200 with 页面不存在) is the site's dead link, not a refusal.
            return "dead" if "soft-200" in reason else "challenge"
        if self.status == "failed":
            return "error"
        return "other"


@dataclass(frozen=True)
class SectionFigures:
    """The figures of one section in one run (``at``: when the run started, ISO 8601)."""

    site: str
    section: str
    at: str
    shares: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    levels: Mapping[str, float] = field(default_factory=dict)
    mixes: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    counts: Mapping[str, int] = field(default_factory=dict)
    body_lengths: tuple[int, ...] = ()
    moved_to: str | None = None
    start_url: str | None = None
    # figure (or "figure=label" for a mix) -> up to three URLs that show it
    examples: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def share(self, name: str) -> float | None:
        k, n = self.shares.get(name, (0, 0))
        return k / n if n else None

    def to_json(self) -> dict[str, Any]:
        return {"shares": {k: list(v) for k, v in self.shares.items()}, "levels": dict(self.levels),
                "mixes": {k: dict(v) for k, v in self.mixes.items()}, "counts": dict(self.counts),
                "body_lengths": list(self.body_lengths), "moved_to": self.moved_to,
                "start_url": self.start_url}

    @classmethod
    def from_json(cls, site: str, section: str, at: str, data: Mapping[str, Any],
                  examples: Mapping[str, Sequence[str]] | None = None) -> SectionFigures:
        return cls(site, section, at,
                   shares={k: (int(v[0]), int(v[1])) for k, v in (data.get("shares") or {}).items()},
                   levels={k: float(v) for k, v in (data.get("levels") or {}).items()},
                   mixes={k: dict(v) for k, v in (data.get("mixes") or {}).items()},
                   counts=dict(data.get("counts") or {}),
                   body_lengths=tuple(data.get("body_lengths") or ()),
                   moved_to=data.get("moved_to"), start_url=data.get("start_url"),
                   examples=examples or {})


def _first(urls: Iterable[str]) -> list[str]:
    return list(urls)[:EXAMPLES]


def _mix(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Counts per label and example URLs per label, from (label, url) pairs."""
    counts: Counter[str] = Counter()
    urls: dict[str, list[str]] = {}
    for label, url in pairs:
        counts[label] += 1
        if len(urls.setdefault(label, [])) < EXAMPLES:
            urls[label].append(url)
    return dict(counts), urls


def section_figures(site: str, section: str, at: str, records: Sequence[Record],
                    outcomes: Sequence[Outcome], counts: Mapping[str, int], *,
                    moved_to: str | None = None, start_url: str | None = None) -> SectionFigures:
    """The figures of one section's run.

    ``records``: the articles stored (new or changed) in the run; ``outcomes``: every
    article request of the run; ``counts``: the crawl's per-section counters (listings,
    links, articles, new, changed, blocked, errors ...).
    """
    n = len(records)
    shares: dict[str, tuple[int, int]] = {}
    examples: dict[str, list[str]] = {}
    for name, attr in FILLED.items():
        missing = [r.url for r in records if not getattr(r, attr)]
        shares[name] = (n - len(missing), n)
        examples[name] = _first(missing)
    for name, flag in FLAGS.items():
        flagged = [r.url for r in records if flag in r.flags]
        shares[name] = (len(flagged), n)
        examples[name] = _first(flagged)
    kinds = [(o.kind, o.url) for o in outcomes]
    # Answers that were pages (stored, judged not an article, or a challenge) — errors and
    # dead links say nothing about the template.
    answered = [(k, u) for k, u in kinds if k in ("stored", "non_article", "challenge")]
    for name in ("non_article", "challenge"):
        hits = [u for k, u in answered if k == name]
        shares[name] = (len(hits), len(answered))
        examples[name] = _first(hits)
    errors = [u for k, u in kinds if k == "error"]
    shares["errors"] = (len(errors), len(kinds))
    examples["errors"] = _first(errors)

    levels: dict[str, float] = {}
    lengths = sorted(r.body_length for r in records)
    if lengths:
        levels["body_median"] = float(statistics.median(lengths))
        examples["body_median"] = _first(r.url for r in sorted(records, key=lambda r: r.body_length))
    listings = int(counts.get("listings", 0))
    if listings:
        levels["links_per_listing"] = int(counts.get("links", 0)) / listings
        examples["links_per_listing"] = [start_url] if start_url else []

    mixes: dict[str, dict[str, int]] = {}
    enc, enc_urls = _mix((r.encoding or "unknown", r.url) for r in records)
    mixes["encoding"] = enc
    examples |= {f"encoding={k}": v for k, v in enc_urls.items()}
    for rule in RULES:
        mix, urls = _mix(((r.provenance.get(rule) or "none").split(":")[0] + _detail(r, rule), r.url)
                         for r in records)
        mixes[f"rule:{rule}"] = mix
        examples |= {f"rule:{rule}={k}": v for k, v in urls.items()}
    shapes, shape_urls = _mix((url_shape(o.url), o.url) for o in outcomes)
    mixes["link_shape"] = shapes
    examples |= {f"link_shape={k}": v for k, v in shape_urls.items()}
    if moved_to:
        examples["moved"] = [u for u in (start_url, moved_to) if u]

    kept = {k: int(counts.get(k, 0)) for k in ("listings", "links", "articles", "new", "changed",
                                                 "blocked", "errors", "empty")}
    step = max(1, len(lengths) // LENGTHS_KEPT)
    return SectionFigures(site, section, at, shares, levels, mixes, kept,
                          tuple(lengths[::step]), moved_to, start_url, examples)


def _detail(record: Record, rule: str) -> str:
    """Keep the part of a rule that names a place on the page (container:TRS_Editor,
    meta:pubdate); labels such as metaline:来源 are one rule whatever the label word."""
    value = record.provenance.get(rule) or ""
    head, _, tail = value.partition(":")
    return f":{tail}" if tail and head in ("container", "meta", "selector", "css", "xpath") else ""
