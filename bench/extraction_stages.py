"""Where extraction's time goes on big pages, stage by stage, in units of a bare lxml parse.

Run: .venv/bin/python bench/extraction_stages.py [--out docs/benchmarks/extraction-stages.md]

The issue's speed target is a multiple of `lxml.html.fromstring` on the same bytes, so each
stage is given in those units: it shows what is left for the rest of the work once a stage is
paid for. Pages: every fixture page of at least BIG_PAGE bytes (bench/extraction_eval.py's
set). Each stage is timed inside real `archiver.process.extract` calls by wrapping the named
function at its outermost call (a stage called inside another counts in the outer one); the
rest is "other". The floor rows time bare walks over the parsed trees, no extraction logic:
what any pure-Python line rendering pays before it decides anything.

CPU time of this process (steady on a shared machine), best of --repeat runs of all pages.
"""
from __future__ import annotations

import argparse
import importlib
import itertools
import logging
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import extraction_eval as ev  # noqa: E402 - after the path set-up above
from lxml import etree  # noqa: E402

log = logging.getLogger("extraction_stages")
# (module, function, what it is): the calls _from_tree and process make, outermost first
STAGES = [
    ("archiver.process", "decode", "decode (bytes to text)"),
    ("archiver.process", "repair", "mojibake repair"),
    ("archiver.process", "prune_attributes", "attribute cut before parsing"),
    ("archiver.extraction.core", "parse", "parse (libxml2)"),
    ("archiver.extraction.core", "text_lines", "page walk: lines, block statistics, hidden"),
    ("archiver.extraction.core", "classify_raw", "page kind: wall or error page"),
    ("archiver.extraction.core", "_spam_lines", "spam scan"),
    ("archiver.extraction.core", "_container", "body container (selectors, density)"),
    ("archiver.extraction.core", "_title", "headline"),
    ("archiver.extraction.core", "_body", "body: pruned copy, its walk, line rules, HTML"),
    ("archiver.extraction.core", "_title_links", "headline-length links (listing test)"),
]


@contextmanager
def _timed(spent: Counter[str]) -> Iterator[None]:
    """Wrap every stage so its CPU time adds up in `spent`, counted at the outermost call."""
    depth = 0
    saved: list[tuple[Any, str, Callable[..., Any]]] = []

    def wrapper(fn: Callable[..., Any], label: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            nonlocal depth
            if depth:
                return fn(*args, **kwargs)
            depth += 1
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[label] += time.process_time() - start
                depth -= 1
        return timed

    for module_name, name, label in STAGES:
        module = importlib.import_module(module_name)
        fn = getattr(module, name)
        saved.append((module, name, fn))
        setattr(module, name, wrapper(fn, label))
    try:
        yield
    finally:
        for module, name, fn in saved:
            setattr(module, name, fn)


def _best(run: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def measure(pages: list[ev.Page], repeat: int) -> tuple[float, float, dict[str, float], dict[str, float]]:
    """(lxml parse seconds, extraction seconds, seconds per stage, seconds per floor walk),
    each for all pages once."""
    from archiver.encoding.decoder import decode
    from archiver.extraction import dom

    for page in pages:  # warm-up: lazy tables and imports
        ev.ours(page.raw, page.url)
    lxml_s = _best(lambda: [ev.lxml_parse(p.raw, p.url) for p in pages], repeat)
    total_s = _best(lambda: [ev.ours(p.raw, p.url) for p in pages], repeat)
    runs: list[Counter[str]] = []
    for _ in range(repeat):
        spent: Counter[str] = Counter()
        with _timed(spent):
            start = time.process_time()
            for page in pages:
                ev.ours(page.raw, page.url)
            spent["(all)"] = time.process_time() - start
        runs.append(spent)
    fastest = min(runs, key=lambda c: c["(all)"])
    stages = {label: fastest[label] for _, _, label in STAGES}
    # against the unwrapped run, so the rows add up to the total the target is about
    stages["other (records, regions, fields, meta, dates)"] = max(total_s - sum(stages.values()), 0.0)

    roots = [dom.parse(decode(p.raw, "text/html", p.url).text) for p in pages]
    orders = [dict(zip(r.iter(), itertools.count())) for r in roots]
    kinds = dom._KIND  # the walk's own tag table

    def bare_walk() -> None:
        for root in roots:
            for event, el in etree.iterwalk(root, events=("start", "end", "comment", "pi")):
                _ = kinds.get(el.tag, 0), el.text if event == "start" else el.tail

    floors = {
        "iterwalk, text and tail, tag kind (no decisions)": _best(bare_walk, repeat),
        "is_hidden() on every element": _best(
            lambda: [dom.is_hidden(e) for r in roots for e in r.iter() if isinstance(e.tag, str)], repeat),
        "the page walk as extraction runs it (dom.text_lines)": _best(
            lambda: [dom.text_lines(r, o, stats=dom.BlockStats(), hidden_out=[])
                     for r, o in zip(roots, orders, strict=True)], repeat),
    }
    return lxml_s, total_s, stages, floors


def report(pages: list[ev.Page], lxml_s: float, total_s: float, stages: dict[str, float],
           floors: dict[str, float], repeat: int) -> str:
    n = len(pages)

    def row(label: str, seconds: float) -> str:
        return f"| {label} | {seconds * 1000:.0f} | {seconds * 1000 / n:.1f} | {seconds / lxml_s:.2f} |"

    out = [
        "# Extraction: where the time goes",
        "",
        (f"Made by `bench/extraction_stages.py` over the {n} fixture pages of at least "
         f"{ev.BIG_PAGE // 1000} KB (mean {sum(len(p.raw) for p in pages) // n // 1000} KB). CPU time, "
         f"best of {repeat}. The last column is in units of one `lxml.html.fromstring` of the same "
         f"bytes ({lxml_s * 1000:.0f} ms for all {n}); the target is a total of at most 5."),
        "",
        "| stage | ms, all pages | ms a page | × lxml parse |",
        "|---|---:|---:|---:|",
        *(row(label, s) for label, s in sorted(stages.items(), key=lambda kv: -kv[1])),
        row("**extraction from raw bytes, in all**", total_s),
        "",
        "Floors: bare walks over the same parsed trees, no extraction logic.",
        "",
        "| walk | ms, all pages | ms a page | × lxml parse |",
        "|---|---:|---:|---:|",
        *(row(label, s) for label, s in floors.items()),
        "",
        f"Python {sys.version.split()[0]}.",
    ]
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    pages = [p for p in ev.load_all() if len(p.raw) >= ev.BIG_PAGE]
    text = report(pages, *measure(pages, args.repeat), args.repeat)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        log.info("wrote %s", args.out)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
