"""Bands from a section's own history, and whether one run falls outside them. Pure.

Each kind of figure gets the test that fits how it varies:

* a share (k of n) is binomial: the history gives the rate (pooled over the last runs,
  so a site that never shows a 来源 has rate ~0 and is never short of one), and this run's
  k is judged against the counts that rate makes plausible *for this run's n*. Two pages
  without a date out of two is not evidence; forty out of fifty is.
* a level (links per listing page) is judged against the median and MAD of its history.
* the body median is judged on log lengths pooled over the history's records, with the
  standard error of a median of this run's n records.
* a mix (labels) alarms when a label the history (almost) never showed carries most of
  this run, with binomial odds too small for chance.

A change must also be large to alarm (MIN_SHARE_SHIFT, MIN_RATIO): a real template change
moves a figure by a lot, and a big enough history makes tiny shifts "significant".
"""
from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

ALPHA = 1e-4            # tail probability below which a run is out of band (per test)
MIN_SHARE_SHIFT = 0.25  # and a share must move by at least this much
MIN_RATIO = 1.6         # and a level by at least this factor
NEW_LABEL = 0.05        # a mix's label this rare before counts as new
MIN_HISTORY = 5         # records (shares, mixes) or runs (levels) before judging
# K: the last good runs a baseline is made of. Runs without new pages carry no field
# figures, so K is large enough for a site that publishes once a day and is crawled hourly.
HISTORY_RUNS = 100
T = TypeVar("T")
MAD_SCALE = 1.4826      # MAD -> standard deviation for normal data
LEVEL_WIDTH = 5.0       # a level's band: median ± this many robust deviations


@dataclass(frozen=True)
class Verdict:
    """Whether a value is out of its band, and the band and value in words."""

    out: bool
    band: str
    value: str
    label: str | None = None   # for a mix: the label that took over


def _log_pmf(i: int, n: int, p: float) -> float:
    return (math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
            + i * math.log(p) + (n - i) * math.log1p(-p))


def _cumulative(n: int, p: float) -> list[float]:
    """P(X <= i) for i = 0..n, X ~ Binomial(n, p), 0 < p < 1 (one pass, so a backfill of
    thousands of records costs no more than its length)."""
    out, total = [], 0.0
    for i in range(n + 1):
        total += math.exp(_log_pmf(i, n, p))
        out.append(min(total, 1.0))
    return out


def binom_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k)."""
    if k < 0:
        return 0.0
    return 1.0 if k >= n else _cumulative(n, p)[k]


def binom_sf(k: int, n: int, p: float) -> float:
    """P(X >= k)."""
    return 1.0 - binom_cdf(k - 1, n, p) if k > 0 else 1.0


def pooled_rate(history: Sequence[tuple[int, int]]) -> tuple[float, int]:
    """(rate, records): pooled over the runs, pulled half a record off 0 and 1 (Jeffreys),
    so "never seen" is rare rather than impossible."""
    k = sum(h[0] for h in history)
    n = sum(h[1] for h in history)
    return (k + 0.5) / (n + 1), n


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _streak_start(history: Sequence[T], leans: Callable[[T], bool | None]) -> int:
    """Index where the trailing runs that all lean the wrong way begin (runs without
    evidence, None, neither break nor join the streak)."""
    start = len(history)
    for i in range(len(history) - 1, -1, -1):
        verdict = leans(history[i])
        if verdict is None:
            continue
        if not verdict:
            break
        start = i
    return start


def judge_share(k: int, n: int, history: Sequence[tuple[int, int]], direction: str) -> Verdict | None:
    """``direction``: "low" (a fill share that must not fall) or "high" (a flag that must not
    rise). None when there is nothing to judge (no records now, too few before).

    The runs just before this one that leaned the same wrong way are judged with it (a
    site that publishes one page a run shows a change over a few runs, not in one page);
    they leave the baseline they are judged against."""
    if n == 0:
        return None
    rate, _ = pooled_rate(history)

    def leans(h: tuple[int, int]) -> bool | None:
        if h[1] == 0:
            return None
        share = h[0] / h[1]
        return share < rate - MIN_SHARE_SHIFT if direction == "low" else share > rate + MIN_SHARE_SHIFT

    start = _streak_start(history, leans) if leans((k, n)) else len(history)
    rate, seen = pooled_rate(history[:start])
    if seen < MIN_HISTORY:
        return None
    runs = 1 + sum(1 for h in history[start:] if h[1])
    k += sum(h[0] for h in history[start:])
    n += sum(h[1] for h in history[start:])
    value = f"{_pct(k / n)} ({k} of {n}" + (f" over {runs} runs)" if runs > 1 else ")")
    cdf = _cumulative(n, rate)
    if direction == "low":
        # The smallest k this run could plausibly show, given the rate and its n.
        lo = next(i for i in range(n + 1) if cdf[i] >= ALPHA)
        lo = min(lo, max(0, math.ceil(n * (rate - MIN_SHARE_SHIFT))))
        out = k < lo
        return Verdict(out, f"≥ {_pct(lo / n)} for {n} records (usual {_pct(rate)})", value)
    # The largest: P(X >= i) = 1 - P(X <= i - 1).
    hi = next(i for i in range(n, -1, -1) if i == 0 or 1.0 - cdf[i - 1] >= ALPHA)
    hi = max(hi, min(n, math.floor(n * (rate + MIN_SHARE_SHIFT))))
    out = k > hi
    return Verdict(out, f"≤ {_pct(hi / n)} for {n} records (usual {_pct(rate)})", value)


def median_mad(values: Sequence[float]) -> tuple[float, float]:
    m = statistics.median(values)
    return m, statistics.median(abs(v - m) for v in values)


def judge_level(value: float, history: Sequence[float], floor: float = 1.0) -> Verdict | None:
    """Median ± LEVEL_WIDTH robust deviations, at least a factor MIN_RATIO either way.
    ``floor``: the smallest deviation that counts (a listing always showing 10 links has
    MAD 0, and 9 must not alarm)."""
    if len(history) < 2:
        return None
    m, mad = median_mad(history)
    spread = max(MAD_SCALE * mad * LEVEL_WIDTH, floor)
    lo = min(m - spread, m / MIN_RATIO)
    hi = max(m + spread, m * MIN_RATIO)
    out = not (lo <= value <= hi)
    return Verdict(out, f"{max(lo, 0):.1f}–{hi:.1f} (usual {m:.1f})", f"{value:.1f}")


def judge_body(lengths: Sequence[int], history: Sequence[Sequence[int]]) -> Verdict | None:
    """The run's median body length against the history's records (log scale).

    The median of n records has standard error ≈ 1.2533·σ/√n, so a run of two pages
    gets a wide band and a run of forty a narrow one. ``history``: each run's lengths;
    trailing runs whose median leans the same way are pooled with this one."""
    lengths = [x for x in lengths if x > 0]
    everything = [math.log(x) for run in history for x in run if x > 0]
    if not lengths or len(everything) < MIN_HISTORY:
        return None
    mu, _ = median_mad(everything)
    now = math.log(statistics.median(lengths))
    side = 1 if now > mu else -1

    def leans(run: Sequence[int]) -> bool | None:
        logs = [math.log(x) for x in run if x > 0]
        if not logs:
            return None
        return side * (statistics.median(logs) - mu) > math.log(MIN_RATIO)

    start = _streak_start(history, leans) if side * (now - mu) > math.log(MIN_RATIO) else len(history)
    past = [math.log(x) for run in history[:start] for x in run if x > 0]
    if len(past) < MIN_HISTORY:
        return None
    pooled = lengths + [x for run in history[start:] for x in run if x > 0]
    mu, mad = median_mad(past)
    sigma = max(MAD_SCALE * mad, 0.1)
    se = 1.2533 * sigma / math.sqrt(len(pooled))
    width = max(4.0 * se, math.log(MIN_RATIO))
    median = statistics.median(pooled)
    lo, hi = math.exp(mu - width), math.exp(mu + width)
    out = not (lo <= median <= hi)
    return Verdict(out, f"{lo:.0f}–{hi:.0f} characters for {len(pooled)} records "
                        f"(usual {math.exp(mu):.0f})", f"{median:.0f}")


def judge_mix(now: Mapping[str, int], history: Sequence[Mapping[str, int]]) -> Verdict | None:
    """A label that carries most of this run (and of the runs just before it that it also
    carried) but (almost) none of the history before them."""
    n = sum(now.values())
    if n == 0:
        return None
    label = max(now, key=lambda lab: now[lab])

    def leans(mix: Mapping[str, int]) -> bool | None:
        total = sum(mix.values())
        return None if total == 0 else mix.get(label, 0) * 2 > total

    start = _streak_start(history, leans) if leans(now) else len(history)
    past: dict[str, int] = {}
    for mix in history[:start]:
        for lab, c in mix.items():
            past[lab] = past.get(lab, 0) + c
    seen = sum(past.values())
    if seen < MIN_HISTORY:
        return None
    c = now[label] + sum(m.get(label, 0) for m in history[start:])
    n += sum(sum(m.values()) for m in history[start:])
    usual = max(past, key=lambda lab: past[lab])
    band = f"mostly {usual} ({_pct(past[usual] / seen)} of {seen} before)"
    rate, _ = pooled_rate([(past.get(label, 0), seen)])
    # A label the section (almost) never used, now on most of the records, on at least two
    # (one page is an anecdote), and unlikely by chance. A label that was merely less common
    # (the 20% of pages without meta tags) taking a few runs in a row is not a new template.
    out = (rate <= NEW_LABEL and c * 2 > n and c >= 2 and c / n - rate >= MIN_SHARE_SHIFT
           and binom_sf(c, n, rate) < ALPHA)
    return Verdict(out, band, f"{label} ({c} of {n}; was {_pct(past.get(label, 0) / seen)})", label)


def usual_gap(published: Sequence[str]) -> float | None:
    """The mean interval in seconds between consecutive distinct publication days.

    The mean, not the median: publishing is bursty (several a day, then a weekend), and
    five times the median gap is a quiet week of an ordinary site."""
    import datetime as dt

    days = sorted({p[:10] for p in published if p and len(p) >= 10})
    try:
        dates = [dt.date.fromisoformat(d) for d in days]
    except ValueError:
        return None
    gaps = [(b - a).days * 86400.0 for a, b in itertools.pairwise(dates)]
    if len(gaps) < 3:
        return None
    return float(statistics.fmean(gaps))


def judge_silence(silent_for: float, gap: float | None, factor: float = 5.0) -> Verdict | None:
    """Silent for ``factor`` times the usual interval between new articles."""
    if gap is None or gap <= 0:
        return None
    limit = factor * gap
    return Verdict(silent_for > limit, f"≤ {_days(limit)} ({factor:g}× the usual {_days(gap)})",
                   _days(silent_for))


def _days(seconds: float) -> str:
    if seconds < 86400:
        return f"{seconds / 3600:.1f}h"
    return f"{seconds / 86400:.1f}d"
