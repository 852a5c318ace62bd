"""Score archiver.extraction against hand-checked truth, next to trafilatura, GNE and bare lxml.

Run: .venv/bin/python bench/extraction_eval.py [--out docs/benchmarks/extraction.md] [--verbose]

Page sets (every real page the project holds, read from tests/fixtures):
- corpus/<site>/article-N.{html,truth.json} and extract_real/<site>/article-N.{html,json}: development pages;
- pages/<site>/article-N.{html,json}: government, media and university pages, each with a
  `split` ("dev" or "heldout", chosen per site);
- newsbody/<site>/article-N.{html,json}: labelled news pages scored on the body only, with a `split`.

Fields: title exact (whitespace-normalised), date exact (the date part; and HH:MM when the
truth has a datetime), source exact (None where the page has none), body character-bigram F1
(whitespace removed). Speed: pages/s from raw bytes, single process, decode+repair included.
The `lxml.html.fromstring` row parses the same bytes and nothing else: the floor any extractor
built on lxml pays. trafilatura and gne are benchmark-only extras, not runtime dependencies.

Held-out pages are scored, never tuned on: --verbose lists misses of development pages only.
"""
from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from archiver.testing import goldens  # noqa: E402 - after the path set-up above
from archiver.testing.goldens import FIELDS, Page  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
log = logging.getLogger("extraction_eval")
Record = dict[str, str | None]
LOW_F1 = 0.80
BIG_PAGE = 100_000  # the speed target is about real government pages of 100–500 KB


def load_all(fixtures: Path = FIXTURES) -> list[Page]:
    return goldens.load_all(fixtures)


def ours(raw: bytes, url: str) -> Record:
    from archiver.process import extract
    a = extract(raw, url, content_type="text/html")
    return {"title": a.title, "date": a.published_at, "source": a.source, "body": a.body}


def trafilatura_run(raw: bytes, url: str) -> Record:
    import trafilatura
    doc = trafilatura.bare_extraction(raw, url=url, with_metadata=True, output_format="python")
    doc = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
    return {"title": doc.get("title"), "date": doc.get("date"), "source": None, "body": doc.get("text")}


def gne_run(raw: bytes, url: str) -> Record:
    from gne import GeneralNewsExtractor
    try:
        r = GeneralNewsExtractor().extract(raw.decode("utf-8", "replace"))
    except Exception as exc:  # noqa: BLE001 - a baseline crash scores zero, it must not stop the bench
        log.warning("gne failed on %s: %s", url, exc)
        r = {}
    date = r.get("publish_time") or None
    return {"title": r.get("title"), "date": date and date.replace("/", "-"), "source": None,
            "body": r.get("content")}


def ours_no_repair(raw: bytes, url: str) -> Record:
    """Extraction alone (decode included, mojibake repair skipped): shows where time goes."""
    from archiver.encoding.decoder import decode
    from archiver.process import extract
    a = extract(decode(raw, "text/html", url).text, url)
    return {"title": a.title, "date": a.published_at, "source": a.source, "body": a.body}


def lxml_parse(raw: bytes, url: str) -> Record:
    """Speed floor only: parse the bytes into a tree, extract nothing."""
    import lxml.html
    try:
        lxml.html.fromstring(raw)
    except Exception as exc:  # noqa: BLE001 - an empty document: the parse cost is what counts
        log.debug("lxml could not parse %s: %s", url, exc)
    return {"title": None, "date": None, "source": None, "body": None}


TOOLS: dict[str, Callable[[bytes, str], Record]] = {
    "archiver": ours, "archiver (decode+extract, no repair)": ours_no_repair,
    "trafilatura": trafilatura_run, "gne": gne_run, "lxml.html.fromstring": lxml_parse,
}
SPEED_ONLY = {"lxml.html.fromstring"}


# wall: what a user waits; cpu: this process's own time, which a shared machine's load moves less
CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}


def run_timed(tool: Callable[[bytes, str], Record], pages: list[Page],
              clock: Callable[[], float] = time.perf_counter) -> tuple[list[Record], list[float]]:
    results, times = [], []
    for page in pages:
        start = clock()
        results.append(tool(page.raw, page.url))
        times.append(clock() - start)
    return results, times


def measure(names: list[str], pages: list[Page], repeat: int,
            clock: Callable[[], float] = time.perf_counter) -> dict[str, tuple[list[Record], list[float]]]:
    """Tools run interleaved, `repeat` rounds; per page each keeps its best time (timeit's min),
    so a background load burst penalises no single tool."""
    best: dict[str, tuple[list[Record], list[float]]] = {}
    for _ in range(repeat):
        for name in names:
            results, times = run_timed(TOOLS[name], pages, clock)
            if name not in best:
                best[name] = (results, times)
            else:
                best[name] = (results, [min(a, b) for a, b in zip(best[name][1], times, strict=True)])
    return best


def score(results: list[Record], pages: list[Page]) -> list[dict]:
    return [{"id": page.pid, "group": page.group, "split": page.split, "got": got, **goldens.score(page, got)}
            for page, got in zip(pages, results, strict=True)]


def summarise(rows: list[dict]) -> dict:
    """Field rates over the rows that score the field (newsbody rows score the body only)."""
    out: dict = {"n": len(rows), "f1": sum(r["f1"] for r in rows) / len(rows),
                 "f1_min": min(r["f1"] for r in rows), "low": sum(r["f1"] < LOW_F1 for r in rows)}
    for k in FIELDS:
        scored = [r[k] for r in rows if k in r]
        out[k] = sum(scored) / len(scored) if scored else None
    return out


def pages_per_s(times: list[float], pages: list[Page], keep: Callable[[Page], bool]) -> float:
    spent = sum(t for t, p in zip(times, pages, strict=True) if keep(p))
    n = sum(1 for p in pages if keep(p))
    return n / spent if spent else 0.0


GROUPS: dict[str, Callable[[Page], bool]] = {
    "development: corpus": lambda p: p.group == "corpus",
    "development: extract_real": lambda p: p.group == "extract_real",
    "pages, dev": lambda p: p.group == "pages" and p.split == "dev",
    "pages, held-out": lambda p: p.group == "pages" and p.split == "heldout",
    "pages, held-out government":
        lambda p: p.group == "pages" and p.split == "heldout" and p.truth.get("gov") is True,
    "newsbody (body only), dev": lambda p: p.group == "newsbody" and p.split == "dev",
    "newsbody (body only), held-out": lambda p: p.group == "newsbody" and p.split == "heldout",
}


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v:.1%}"


def accuracy_table(rows_by_tool: dict[str, list[dict]], pages: list[Page]) -> str:
    out = []
    for group, keep in GROUPS.items():
        idx = [i for i, p in enumerate(pages) if keep(p)]
        if not idx:
            continue
        out.append(f"\n### {group} ({len(idx)} pages)\n\n| tool | title | date | source | body F1 mean "
                   f"| body F1 min | below {LOW_F1:.2f} |\n|---|---|---|---|---|---|---|\n")
        for name, rows in rows_by_tool.items():
            s = summarise([rows[i] for i in idx])
            out.append(f"| {name} | {_pct(s['title'])} | {_pct(s['date'])} | {_pct(s['source'])} "
                       f"| {s['f1']:.3f} | {s['f1_min']:.3f} | {s['low']} |\n")
    return "".join(out)


def speed_table(timed: dict[str, tuple[list[Record], list[float]]], pages: list[Page]) -> str:
    subsets: dict[str, Callable[[Page], bool]] = {
        f"all {len(pages)} pages": lambda p: True,
        f"pages ≥ {BIG_PAGE // 1000} KB": lambda p: len(p.raw) >= BIG_PAGE,
    }
    n_big = sum(len(p.raw) >= BIG_PAGE for p in pages)
    head = ("| tool | " + " | ".join(f"pages/s, {k}" for k in subsets) + " |\n|---|"
            + "---|" * len(subsets) + "\n")
    lines = [head]
    for name, (_, times) in timed.items():
        lines.append(f"| {name} | " + " | ".join(f"{pages_per_s(times, pages, keep):.1f}"
                                                   for keep in subsets.values()) + " |\n")
    if "archiver" in timed:
        ours_t = timed["archiver"][1]
        for other, label in (("gne", "archiver ÷ gne (target ≥ 2)"),
                             ("lxml.html.fromstring", "lxml ÷ archiver (target ≤ 5)")):
            if other not in timed:
                continue
            ratios = []
            for keep in subsets.values():
                a, b = pages_per_s(ours_t, pages, keep), pages_per_s(timed[other][1], pages, keep)
                ratios.append(a / b if other == "gne" else b / a if a else 0.0)
            lines.append(f"| {label} | " + " | ".join(f"{r:.2f}×" for r in ratios) + " |\n")
    return "".join(lines) + f"\n{n_big} pages are ≥ {BIG_PAGE // 1000} KB.\n"


PINNED_GROUPS = ("pages", "newsbody")


def floors(rows: list[dict], pages: list[Page]) -> dict:
    """Floors for tests/test_extract_pages.py: each page's exact fields and its F1 rounded
    down, each group's rates; a later run may do better, never worse (re-pin to raise them)."""
    out: dict = {"note": "written by bench/extraction_eval.py --pin; tests/test_extract_pages.py holds "
                         "extraction to these floors", "pages": {}, "groups": {}}
    for row, page in zip(rows, pages, strict=True):
        if page.group in PINNED_GROUPS:
            f1 = math.floor(row["f1"] * 1000) / 1000
            out["pages"][page.pid] = {k: row[k] for k in FIELDS if k in row} | {"f1": f1}
    for group in PINNED_GROUPS:
        for split in ("dev", "heldout"):
            chosen = [r for r, p in zip(rows, pages, strict=True) if p.group == group and p.split == split]
            if chosen:
                s = summarise(chosen)
                out["groups"][f"{group}/{split}"] = {
                    **{k: math.floor(s[k] * 1000) / 1000 for k in FIELDS if s[k] is not None},
                    "f1_mean": math.floor(s["f1"] * 1000) / 1000, "below_0.80": s["low"]}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default=None, help="comma-separated tools")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                        help="time per page: wall clock, or this process's CPU time (steadier under load)")
    parser.add_argument("--cold", action="store_true",
                        help="no warm-up call: the first round pays imports and lazy tables")
    parser.add_argument("--pin", type=Path, default=None,
                        help="write archiver's per-page and per-group results as the golden test's floors")
    parser.add_argument("--verbose", action="store_true",
                        help="list archiver's misses on development pages (held-out pages are never listed)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    pages = load_all(args.fixtures)
    names = args.only.split(",") if args.only else list(TOOLS)
    if not args.cold:
        for name in names:  # warm-up: imports and lazy tables are not per-page work
            TOOLS[name](pages[0].raw, "http://example.gov.cn/warmup.html")
    timed = measure(names, pages, args.repeat, CLOCKS[args.clock])
    rows = {name: score(timed[name][0], pages) for name in names if name not in SPEED_ONLY}
    if args.verbose and "archiver" in rows:
        for r in rows["archiver"]:
            if r["split"] == "heldout":
                continue
            if not all(r.get(k, True) for k in FIELDS) or r["f1"] < 0.97:
                g = r["got"]
                sys.stderr.write(f"{r['id']} " + " ".join(f"{k[0]}={r[k]:d}" for k in FIELDS if k in r)
                                 + f" f1={r['f1']:.3f} | {g['title']!r} {g['date']} {g['source']!r}\n")
    if args.pin and "archiver" in rows:
        pinned = json.dumps(floors(rows["archiver"], pages), ensure_ascii=False, indent=1)
        args.pin.write_text(pinned + "\n", "utf-8")
    clock = "CPU time of this process" if args.clock == "cpu" else "wall time"
    warm = "cold: no warm-up call" if args.cold else "after one warm-up call"
    how = (f"Clock: {args.clock} ({clock}), best of {args.repeat} per page, {warm}; "
           f"load average {os.getloadavg()[0]:.1f} at the end.\n\n")
    text = "## Accuracy\n" + accuracy_table(rows, pages) + "\n## Speed\n\n" + how + speed_table(timed, pages)
    sys.stdout.write(text)
    if args.out:
        args.out.write_text(report(text), "utf-8")


def report(tables: str) -> str:
    import platform
    return (
        "# Extraction benchmark\n\nGenerated by `bench/extraction_eval.py` over every real page set in "
        "`tests/fixtures`: the development corpus (`corpus`, `extract_real`), the real-page set `pages/` "
        "(government, media and university sites, split per site into dev and held-out; held-out sites are "
        "scored, never tuned on) and the labelled news set `newsbody/` (body only). "
        "Title: exact after whitespace normalisation. "
        "Date: date part exact, plus HH:MM when the truth shows a time. Source: exact, None where the "
        "page has none (trafilatura and GNE have no source field). Body: character-bigram F1, whitespace "
        f"removed; 'below {LOW_F1:.2f}' counts pages under that F1. Speed: pages/s from raw bytes, "
        "single process, "
        "tools interleaved, best of N rounds per page (clock and warm-up stated above the speed table). "
        "`archiver` includes decode + "
        "mojibake repair; the second row skips repair to show the extraction stage's own cost; "
        "`lxml.html.fromstring` only parses the bytes.\n\n" + tables
        + f"\nPython {platform.python_version()}, {platform.machine()}.\n"
    )


if __name__ == "__main__":
    main()
