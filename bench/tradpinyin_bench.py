"""Traditional+pinyin reversal: accuracy and speed of archiver.mojibake.tradpinyin.reverse.

    .venv/bin/python bench/tradpinyin_bench.py [--write docs/benchmarks/tradpinyin.md]

Accuracy: the development cases (tests/fixtures/seed/tp_cases.jsonl; reversible restored
exactly, lossy flagged, clean controls left alone) and pages made afresh with
archiver.testing.simulate from the round-trip bodies (random annotated tables and
replacement orders): restored exactly except where information is destroyed and flagged.
Speed: median time per call: the gate on clean ~50 KB pages, the seed page, a ~50 KB
corrupted page. ftfy.fix_text is shown for the same inputs when it is installed.
"""
from __future__ import annotations

import argparse
import json
import logging
import pathlib
import random
import statistics
import time
from collections.abc import Callable

from archiver.mojibake.tradpinyin import cp936
from archiver.mojibake.tradpinyin.reverse import LOST, undo_trad_pinyin
from archiver.testing.simulate import corrupt_like_seed, fold_width, to_traditional

log = logging.getLogger(__name__)
ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "seed"
PAGE_CHARS = 50_000


def _median_ms(func: Callable[[str], object], text: str, repeat: int = 30) -> float:
    func(text)  # warm caches: converter tables and the CP936 table are built once per process
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func(text)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _restores(restored: str, original: str) -> bool:
    expected = fold_width(original)
    return len(restored) == len(expected) and all(
        got == want or got == LOST or (got == "?" and cp936.encode_char(want) is None)
        for got, want in zip(restored, expected, strict=False)
    )


def dev_accuracy() -> dict[str, tuple[int, int]]:
    cases = [json.loads(line) for line in (FIXTURES / "tp_cases.jsonl").read_text("utf-8").splitlines()]
    scores = {"reversible": [0, 0], "lossy flagged": [0, 0], "clean untouched": [0, 0]}
    for case in cases:
        result = undo_trad_pinyin(case["input"])
        if case["kind"] == "clean":
            key, ok = "clean untouched", result is None
        elif case["expected"] is None:
            key, ok = "lossy flagged", bool(result and result.lost)
        else:
            key, ok = "reversible", bool(result and result.text == case["expected"])
        scores[key][0] += ok
        scores[key][1] += 1
    return {key: (good, total) for key, (good, total) in scores.items()}


def simulated_accuracy(bodies: list[str], trials: int = 200) -> tuple[int, int]:
    rng, good = random.Random(7), 0
    for _ in range(trials):
        body = rng.choice(bodies)
        start = rng.randrange(max(1, len(body) - 300))
        text = body[start : start + rng.randrange(100, 1500)]
        converted = sorted({c for c in to_traditional(text) if c not in text})
        table = "".join(rng.sample(converted, min(len(converted), rng.choice([20, 40, 80]))))
        result = undo_trad_pinyin(corrupt_like_seed(text, table or None, rng.randrange(1, 10**6)))
        good += bool(result and _restores(result.text, text))
    return good, trials


def speed_rows(bodies: list[str]) -> list[tuple[str, float, float | None]]:
    try:
        import ftfy
    except ImportError:  # bench-only dependency
        ftfy = None
    clean = ("\n".join(bodies) * 3)[:PAGE_CHARS]
    pages = {
        "clean simplified, 50 KB chars (gate only)": clean,
        "clean traditional, 50 KB chars (gate only)": to_traditional(clean),
        "seed page (14 KB)": (FIXTURES / "seed.txt").read_text("utf-8"),
        "corrupted page, 50 KB chars": corrupt_like_seed(clean)[:PAGE_CHARS],
    }
    return [
        (name, _median_ms(undo_trad_pinyin, text), _median_ms(ftfy.fix_text, text, 5) if ftfy else None)
        for name, text in pages.items()
    ]


def report() -> str:
    bodies = json.loads((FIXTURES / "roundtrip_bodies.json").read_text("utf-8"))
    lines = ["# Traditional+pinyin reversal", "", "Made by `bench/tradpinyin_bench.py`.", "",
             "| cases | restored |", "|---|---|"]
    for key, (good, total) in dev_accuracy().items():
        lines.append(f"| development: {key} | {good}/{total} |")
    good, total = simulated_accuracy(bodies)
    lines += [f"| simulated pages (random tables and orders) | {good}/{total} |", "",
              "| input | undo_trad_pinyin ms | ftfy.fix_text ms |", "|---|---|---|"]
    for name, ours, theirs in speed_rows(bodies):
        lines.append(f"| {name} | {ours:.2f} | {'n/a' if theirs is None else f'{theirs:.2f}'} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=pathlib.Path, help="write the markdown table here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    text = report()
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    log.info("%s", text)


if __name__ == "__main__":
    main()
