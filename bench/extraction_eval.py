"""Score archiver.extraction against hand-checked truth, next to trafilatura and GNE.

Run: .venv/bin/python bench/extraction_eval.py [--pages DIR] [--out docs/benchmarks/extraction.md]
Fields: title exact (whitespace-normalised), date exact (the date part; and HH:MM when the
truth has a datetime), source exact (None where the page has none), body character-bigram F1
(whitespace removed). Speed: pages/s from raw bytes, single process, decode+repair included.
trafilatura and gne are benchmark-only extras, not runtime dependencies.
"""
from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
log = logging.getLogger("extraction_eval")
Record = dict[str, str | None]
_WS = re.compile(r"\s+")


def load(pages: Path) -> list[tuple[str, bytes, dict]]:
    """Pages with truth beside them: NNN.truth.json (corpus) or NNN.json (extract_real)."""
    out = []
    for html in sorted(pages.glob("*.html")):
        for name in (html.stem + ".truth.json", html.stem + ".json"):
            if (path := html.with_name(name)).exists():
                truth = json.loads(path.read_text("utf-8"))
                out.append((f"{pages.name}/{html.stem}", html.read_bytes(), truth))
                break
    return out


def bigram_f1(got: str | None, want: str) -> float:
    a, b = _WS.sub("", got or ""), _WS.sub("", want)
    ga, gb = Counter(a[i:i + 2] for i in range(len(a) - 1)), Counter(b[i:i + 2] for i in range(len(b) - 1))
    overlap = sum((ga & gb).values())
    if not overlap:
        return 0.0
    p, r = overlap / sum(ga.values()), overlap / sum(gb.values())
    return 2 * p * r / (p + r)


def norm(text: str | None) -> str | None:
    return _WS.sub(" ", text).strip() or None if text else None


def date_ok(got: str | None, truth: dict) -> bool:
    if not got or got[:10] != truth["date"]:
        return False
    if truth.get("datetime"):
        return len(got) >= 16 and got[11:16] == truth["datetime"][11:16]
    return True


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


TOOLS: dict[str, Callable[[bytes, str], Record]] = {
    "archiver": ours, "archiver (decode+extract, no repair)": ours_no_repair,
    "trafilatura": trafilatura_run, "gne": gne_run,
}


def run_timed(tool: Callable[[bytes, str], Record], pages: list) -> tuple[list[Record], float]:
    start = time.perf_counter()
    results = [tool(raw, truth.get("url") or f"http://example.gov.cn/{pid}.html")
               for pid, raw, truth in pages]
    return results, time.perf_counter() - start


def measure(names: list[str], pages: list, repeat: int) -> dict[str, tuple[list[Record], float]]:
    """Tools run interleaved, `repeat` rounds; each keeps its best round (timeit's min), so a
    background load burst penalises no single tool."""
    best: dict[str, tuple[list[Record], float]] = {}
    for _ in range(repeat):
        for name in names:
            results, elapsed = run_timed(TOOLS[name], pages)
            if name not in best or elapsed < best[name][1]:
                best[name] = (results, elapsed)
    return best


def score(results: list[Record], elapsed: float, pages: list) -> dict:
    rows = []
    for (pid, _, truth), got in zip(pages, results, strict=False):
        rows.append({
            "id": pid,
            "title": norm(got["title"]) == norm(truth["title"]),
            "date": date_ok(got["date"], truth),
            "source": norm(got["source"]) == norm(truth["source"]),
            "f1": bigram_f1(got["body"], truth["body"]),
            "got": got,
        })
    return summarise(rows, len(rows) / elapsed)


def summarise(rows: list[dict], pages_per_s: float) -> dict:
    n = len(rows)
    return {
        "rows": rows, "pages_per_s": pages_per_s,
        **{k: sum(r[k] for r in rows) / n for k in ("title", "date", "source")},
        "f1": sum(r["f1"] for r in rows) / n, "f1_min": min(r["f1"] for r in rows),
    }


def by_set(results: dict[str, dict]) -> dict[str, dict[str, dict]]:
    """The same run's rows split by page set (corpus, extract_real); speed is the whole run's."""
    out: dict[str, dict[str, dict]] = {}
    for name, res in results.items():
        for set_name in sorted({r["id"].split("/")[0] for r in res["rows"]}):
            rows = [r for r in res["rows"] if r["id"].startswith(set_name + "/")]
            out.setdefault(set_name, {})[name] = summarise(rows, res["pages_per_s"])
    return out


def table(results: dict[str, dict], n: int) -> str:
    head = ("| tool | title | date | source | body F1 (mean) | body F1 (min) | pages/s |\n"
            "|---|---|---|---|---|---|---|\n")
    return head + "".join(
        f"| {name} | {r['title']:.1%} | {r['date']:.1%} | {r['source']:.1%} "
        f"| {r['f1']:.3f} | {r['f1_min']:.3f} "
        f"| {r['pages_per_s']:.1f} |\n" for name, r in results.items()
    ) + f"\n{n} pages.\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, nargs="+",
                        default=[ROOT / "tests/fixtures/corpus", ROOT / "tests/fixtures/extract_real"])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default=None, help="comma-separated tools")
    parser.add_argument("--verbose", action="store_true", help="print per-page misses of archiver")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    pages = [page for folder in args.pages for page in load(folder)]
    names = args.only.split(",") if args.only else list(TOOLS)
    for name in names:  # warm-up: imports and lazy tables are not per-page work
        TOOLS[name](pages[0][1], "http://example.gov.cn/warmup.html")
    timed = measure(names, pages, args.repeat)
    results = {name: score(*timed[name], pages) for name in names}
    if args.verbose:
        for r in results[names[0]]["rows"]:
            if not (r["title"] and r["date"] and r["source"] and r["f1"] >= 0.97):
                g = r["got"]
                sys.stdout.write(f"{r['id']} t={r['title']} d={r['date']} s={r['source']} f1={r['f1']:.3f} "
                                 f"| {g['title']!r} {g['date']} {g['source']!r}\n")
    text = "## All pages\n\n" + table(results, len(pages)) + "".join(
        f"\n## {set_name}\n\n" + table(sub, len(next(iter(sub.values()))["rows"]))
        for set_name, sub in by_set(results).items()
    )
    sys.stdout.write(text)
    if args.out:
        args.out.write_text(report(text), "utf-8")


def report(tables: str) -> str:
    import platform
    return (
        "# Extraction benchmark\n\nGenerated by `bench/extraction_eval.py` on the development corpus "
        "(`tests/fixtures/corpus`, hand-checked truth) and the second real-page set "
        "(`tests/fixtures/extract_real`, other government sites, see its SOURCES.md), together and apart. "
        "Title: exact after whitespace normalisation. "
        "Date: date part exact, plus HH:MM when the truth shows a time. Source: exact, None where the "
        "page has none (trafilatura and GNE have no source field). Body: character-bigram F1, whitespace "
        "removed. Speed: pages/s from raw bytes over all pages, single process, same run; tools interleaved, "
        "best of N rounds each, after one warm-up call (the per-set tables repeat the whole run's speed). "
        "`archiver` includes decode + mojibake repair; the second row skips repair to show the extraction "
        "stage's own cost.\n\n" + tables + f"\nPython {platform.python_version()}, {platform.machine()}.\n"
    )


if __name__ == "__main__":
    main()
