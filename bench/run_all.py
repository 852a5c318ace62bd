"""Run every benchmark and assemble docs/benchmarks.md from the per-area tables.

    .venv/bin/python bench/run_all.py [--only NAME ...] [--assemble-only]

Each benchmark writes docs/benchmarks/<area>.md; this script runs them in turn
(benchmarks are measurements, never tests) and joins the parts into one page.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PARTS = REPO / "docs" / "benchmarks"
ORDER = ["encoding", "repair", "tradpinyin", "extraction", "extraction-stages", "crawl", "scale", "writer",
         "search"]
COMMANDS = {
    "encoding": ["bench/encoding_bench.py", "--write", "docs/benchmarks/encoding.md"],
    "repair": ["bench/repair_bench.py", "--write", "docs/benchmarks/repair.md"],
    "tradpinyin": ["bench/tradpinyin_bench.py", "--write", "docs/benchmarks/tradpinyin.md"],
    "extraction": ["bench/extraction_eval.py", "--out", "docs/benchmarks/extraction.md"],
    "extraction-stages": ["bench/extraction_stages.py", "--out", "docs/benchmarks/extraction-stages.md"],
    "crawl": ["bench/crawl_bench.py"],
    "scale": ["bench/scale_bench.py"],
    "writer": ["bench/writer_bench.py"],
    "search": ["bench/search_bench.py"],
}
HEADER = """# Benchmarks

Measured by the scripts in `bench/` (`make bench` runs them all; each can run alone).
Numbers come from a 2-core machine shared with other work, so timings vary between
runs by tens of percent; accuracy figures are exact. Each section below is written by
its script into `docs/benchmarks/<area>.md` and joined here by `bench/run_all.py`.
"""


def assemble() -> None:
    names = [n for n in ORDER if (PARTS / f"{n}.md").exists()]
    names += sorted(p.stem for p in PARTS.glob("*.md") if p.stem not in ORDER)
    body = [HEADER]
    for name in names:
        text = (PARTS / f"{name}.md").read_text(encoding="utf-8").strip()
        body.append(re.sub(r"^#", "##", text, flags=re.M))  # each part's headings one level down
    (REPO / "docs" / "benchmarks.md").write_text("\n\n".join(body) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(COMMANDS))
    parser.add_argument("--assemble-only", action="store_true")
    args = parser.parse_args()
    if not args.assemble_only:
        for name in args.only or ORDER:
            script = COMMANDS[name]
            if (REPO / script[0]).exists():
                subprocess.run([sys.executable, *script], cwd=REPO, check=True)
    assemble()


if __name__ == "__main__":
    main()
