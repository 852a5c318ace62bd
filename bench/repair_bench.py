"""Mojibake repair: accuracy and speed of archiver.mojibake.repair vs ftfy.fix_text.

    .venv/bin/python bench/repair_bench.py [--write docs/benchmarks/repair.md]

Accuracy, on the development cases (tests/fixtures/mojibake/cases.jsonl): reversible
cases restored exactly, lossy cases flagged (ours: lost > 0; ftfy has no such flag, so
it scores 0), clean controls unchanged. Then the same kinds made afresh from the
sentences of the corpus truth files (tests/fixtures/corpus/*.truth.json), whole and as
one span inside a clean line: text the development cases never saw.
Speed: median time per call on ~50 KB pages built from the corpus bodies: clean
simplified, clean traditional, the clean page with ten broken spans, and a page that is
mojibake from end to end (beyond the targets: every window is searched).
The corpus bodies are also part of the text the hanzi model was built from, so the
"fresh" table is held out from the development cases, not from the model.
ftfy needs `pip install ftfy` (bench only).
"""
from __future__ import annotations

import argparse
import json
import logging
import pathlib
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable

import ftfy
import opencc

from archiver.mojibake import repair
from archiver.mojibake.charsets import decode_strict, latin_chars

log = logging.getLogger(__name__)
ROOT = pathlib.Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "fixtures" / "mojibake" / "cases.jsonl"
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
PAGE_CHARS = 50_000


def load_cases() -> list[dict]:
    return [json.loads(line) for line in CASES.read_text(encoding="utf-8").split("\n") if line.strip()]


def corpus_bodies() -> list[str]:
    bodies = []
    for path in sorted(CORPUS.glob("*/*.truth.json")):
        bodies.append(json.loads(path.read_text(encoding="utf-8")).get("body") or "")
    return [b for b in bodies if b]


def _latin(raw: bytes) -> str:
    inverse = {v: k for k, v in latin_chars().items()}
    return "".join(inverse.get(b, chr(b)) for b in raw)


def _strict(fn: Callable[[str], str | None]) -> Callable[[str], str | None]:
    def wrapped(s: str) -> str | None:
        try:
            return fn(s)
        except (UnicodeDecodeError, UnicodeEncodeError, AttributeError):
            return None
    return wrapped


MAKERS: dict[str, Callable[[str], str | None]] = {
    "utf8_as_gbk": _strict(lambda s: decode_strict(s.encode("utf-8"), "cp936")),
    "utf8_as_gb18030": _strict(lambda s: s.encode("utf-8").decode("gb18030")),
    "utf8_as_big5": _strict(lambda s: s.encode("utf-8").decode("big5")),
    "utf8_as_cp1252": _strict(lambda s: _latin(s.encode("utf-8"))),
    "utf8_as_latin1": _strict(lambda s: s.encode("utf-8").decode("latin-1")),
    "utf8_as_macroman": _strict(lambda s: s.encode("utf-8").decode("mac_roman")),
    "gbk_as_cp1252": _strict(lambda s: _latin(s.encode("gbk"))),
    "double cp1252 x2": _strict(lambda s: _latin(_latin(s.encode("utf-8")).encode("utf-8"))),
    "double cp1252+gbk": _strict(lambda s: decode_strict(_latin(s.encode("utf-8")).encode("utf-8"), "cp936")),
    "double gbk+cp1252": _strict(lambda s: _latin(decode_strict(s.encode("utf-8"), "cp936").encode("utf-8"))),
}


def case_outcome(fix: Callable[[str], tuple[str, int]], case: dict) -> bool:
    text, lost = fix(case["input"])
    if case["expected"] is None:
        return lost > 0
    return text == case["expected"]


def via_repair(text: str) -> tuple[str, int]:
    report = repair(text)
    return report.text, report.lost


def via_ftfy(text: str) -> tuple[str, int]:
    return ftfy.fix_text(text), 0


TOOLS = {"archiver repair": via_repair, "ftfy.fix_text": via_ftfy}


def dev_table(cases: list[dict]) -> list[str]:
    rows = ["| kind | cases | archiver repair | ftfy.fix_text |", "|---|---:|---:|---:|"]
    kinds = sorted({c["kind"] for c in cases})
    for kind in kinds + ["all"]:
        group = [c for c in cases if kind in ("all", c["kind"])]
        cells = [str(sum(case_outcome(fix, c) for c in group)) for fix in TOOLS.values()]
        rows.append(f"| {kind} | {len(group)} | " + " | ".join(cells) + " |")
    return rows


def sentences(bodies: list[str]) -> list[str]:
    parts = {p.strip() for b in bodies for p in re.split(r"(?<=[。！？；])|\n", b)}
    return sorted(p for p in parts if 4 <= len(p) <= 80)


def fresh_table(sents: list[str]) -> list[str]:
    counts: Counter = Counter()
    for kind, make in MAKERS.items():
        for s in sents:
            broken = make(s)
            if broken is None or broken == s:
                continue
            span = (f"来源：本站 {broken} 浏览次数：", f"来源：本站 {s} 浏览次数：")
            for variant, inp, exp in (("whole", broken, s), ("span", *span)):
                counts[(kind, variant, "n")] += 1
                for name, fix in TOOLS.items():
                    counts[(kind, variant, name)] += fix(inp)[0] == exp
    rows = ["| kind | as | cases | archiver repair | ftfy.fix_text |", "|---|---|---:|---:|---:|"]
    for kind in MAKERS:
        for variant in ("whole", "span"):
            n = counts[(kind, variant, "n")]
            hits = [counts[(kind, variant, t)] for t in TOOLS]
            cells = [f"{h} ({100 * h / max(n, 1):.1f}%)" for h in hits]
            rows.append(f"| {kind} | {variant} | {n} | " + " | ".join(cells) + " |")
    return rows


def pages(bodies: list[str]) -> dict[str, str]:
    clean = ""
    while len(clean) < PAGE_CHARS:
        clean += "\n".join(bodies) + "\n"
    # One corpus body carries real U+FFFD (a lossy source page): not clean text.
    clean = clean.replace("\ufffd", "")[:PAGE_CHARS]
    trad = opencc.OpenCC("s2t").convert(clean)
    broken = clean
    makers = list(MAKERS.values())
    for i, s in enumerate(sentences(bodies)[:: max(1, len(bodies))][:10]):
        bad = makers[i % len(makers)](s)
        if bad and s in broken:
            broken = broken.replace(s, bad, 1)
    whole = clean[: PAGE_CHARS // 3 * 2].encode("utf-8").decode("gb18030", errors="replace")
    return {"clean simplified 50 KB": clean, "clean traditional 50 KB": trad,
            "50 KB with 10 broken spans": broken, "50 KB all UTF-8-as-GB18030": whole}


def median_ms(fn: Callable[[str], object], text: str, runs: int = 15) -> float:
    fn(text)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn(text)
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def speed_table(bodies: list[str]) -> list[str]:
    rows = ["| input | chars | archiver repair (ms) | ftfy.fix_text (ms) |", "|---|---:|---:|---:|"]
    for name, text in pages(bodies).items():
        cells = [f"{median_ms(fix, text):.2f}" for fix in TOOLS.values()]
        rows.append(f"| {name} | {len(text)} | " + " | ".join(cells) + " |")
    return rows


HELDOUT = ROOT / "tests" / "fixtures" / "mojibake" / "heldout.jsonl"


def heldout_table() -> list[str]:
    """Cases made by tests/fixtures/mojibake/make_heldout.py from other sites' text, which
    is neither in the development cases nor in the hanzi model's training data."""
    cases = [json.loads(line) for line in HELDOUT.read_text(encoding="utf-8").split("\n") if line.strip()]
    return dev_table(cases)


def report() -> str:
    bodies = corpus_bodies()
    parts = ["# Mojibake repair benchmark", "", "Generated by `bench/repair_bench.py` (see its docstring for",
             "what each table measures). Targets: >= 97% of reversible cases restored, every",
             "lossy case flagged, no clean control changed; clean 50 KB <= 2 ms, with mojibake",
             "<= 20 ms. ftfy cannot flag losses, so it scores 0 on lossy cases.", "",
             "## Development cases (restored exactly / flagged lossy / clean unchanged)", "",
             *dev_table(load_cases()), "",
             "## Fresh cases from corpus sentences (restored exactly)", "",
             *fresh_table(sentences(bodies)), "",
             "## Held-out cases (other sites' text, not in the model's training data)", "",
             *heldout_table(), "",
             "## Speed (median of 15 runs)", "", *speed_table(bodies), ""]
    return "\n".join(parts)


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=pathlib.Path, help="write the Markdown report here")
    args = parser.parse_args()
    text = report()
    if args.write:
        args.write.write_text(text, encoding="utf-8")
        log.info("wrote %s", args.write)
    else:
        print(text)  # noqa: T201 - a bench script's output is its report


if __name__ == "__main__":
    main()
