"""Encoding detection: accuracy and speed of archiver.decode vs chardet and w3lib.

    .venv/bin/python bench/encoding_bench.py [--write docs/benchmarks/encoding.md]

Accuracy: share of cases whose decoded text equals bytes.decode(true_encoding), on
the development cases and our extra cases (tests/fixtures/encodings/). "chardet"
decodes with chardet.detect's answer; "w3lib" is html_to_unicode, what Scrapy's
response.text uses. Speed: median time per call on ~50 KB pages.
"""
from __future__ import annotations

import base64
import json
import logging
import pathlib
import re
import statistics
import sys
import time
from collections.abc import Callable

import chardet
from w3lib.encoding import html_to_unicode

from archiver.encoding.decoder import decode

log = logging.getLogger(__name__)
ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "encodings"
SHORT_BYTES = 64  # a title or a line of text, no HTML: too short for statistics


def load(name: str) -> list[dict]:
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def content_type(case: dict) -> str | None:
    if case["declared_via"] == "header":
        return f"text/html; charset={case['declared']}"
    return None


def via_archiver(body: bytes, ctype: str | None) -> str:
    return decode(body, ctype).text


def via_chardet(body: bytes, ctype: str | None) -> str:
    guess = chardet.detect(body)["encoding"] or "utf-8"
    return body.decode(guess)


def via_w3lib(body: bytes, ctype: str | None) -> str:
    return html_to_unicode(ctype, body)[1]


TOOLS: dict[str, Callable[[bytes, str | None], str]] = {
    "archiver.decode": via_archiver, "chardet 7 alone": via_chardet, "w3lib html_to_unicode": via_w3lib,
}


def score(tool: Callable[[bytes, str | None], str], cases: list[dict]) -> tuple[int, int, int, int]:
    """(right, total, right among short, short total)."""
    right = short_right = short = 0
    for case in cases:
        body = base64.b64decode(case["bytes_b64"])
        try:
            ok = tool(body, content_type(case)) == body.decode(case["true_encoding"])
        except (UnicodeError, LookupError):
            ok = False
        right += ok
        if len(body) < SHORT_BYTES:
            short += 1
            short_right += ok
    return right, len(cases), short_right, short


def short_windows(cases: list[dict], width: int) -> list[tuple[bytes, str]]:
    """Every `width`-character window of Han text in the cases, as GBK, Big5 and UTF-8
    bytes (where encodable): titles too short for statistics, without markup."""
    texts = {base64.b64decode(c["bytes_b64"]).decode(c["true_encoding"]) for c in cases}
    runs = {run for t in texts for run in re.findall(rf"[\u4e00-\u9fff，。、“”]{{{width},}}", t)}
    out = []
    for run in sorted(runs):
        for start in range(0, len(run) - width + 1, width):
            for codec in ("gbk", "big5", "utf-8"):
                try:
                    out.append((run[start:start + width].encode(codec), codec))
                except UnicodeEncodeError:
                    continue
    return out


def short_table(cases: list[dict]) -> list[str]:
    lines = ["| characters | windows | " + " | ".join(TOOLS) + " |", "|---|---|" + "---|" * len(TOOLS)]
    for width in (2, 3, 4, 6):
        windows = short_windows(cases, width)
        cells = []
        for tool in TOOLS.values():
            right = 0
            for body, codec in windows:
                try:
                    right += tool(body, None) == body.decode(codec)
                except (UnicodeError, LookupError):
                    pass
            cells.append(f"{right / len(windows):.1%}")
        lines.append(f"| {width} | {len(windows)} | " + " | ".join(cells) + " |")
    return lines


def speed_pages() -> dict[str, tuple[bytes, str | None]]:
    text = "".join(c["note"] for c in load("encodings.jsonl"))
    para = "市人民政府关于印发2024年重点工作任务分工方案的通知，各区县人民政府、市政府各部门：" * 8
    html = "<html><head><meta charset=\"{}\"><title>通知</title></head><body>{}</body></html>"
    body = "".join(f"<p>{para}</p>\n<div class=\"x\">{text[:200]}</div>\n" for _ in range(60))
    def page(label: str) -> str:
        return html.format(label, body)
    return {
        "UTF-8, declared": (page("utf-8").encode("utf-8")[:50_000], None),
        "GBK, declared gb2312": (page("gb2312").encode("gbk")[:50_000], None),
        "GBK, header lies utf-8": (page("gbk").encode("gbk")[:50_000], "text/html; charset=utf-8"),
        "GBK, undeclared": (page("").encode("gbk")[:50_000], None),
        "Big5, declared gb2312": (page("gb2312").encode("big5", "ignore")[:50_000], None),
    }


def median_ms(fn: Callable[[bytes, str | None], object], body: bytes, ctype: str | None) -> float:
    runs = []
    for _ in range(30):
        start = time.perf_counter()
        try:
            fn(body, ctype)
        except (UnicodeError, LookupError):
            pass
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


def report() -> str:
    sets = {"development (31)": load("encodings.jsonl"), "extra (ours)": load("extra.jsonl"),
            "held-out (other sites' text)": load("heldout.jsonl")}
    lines = ["| tool | " + " | ".join(f"{n}: all / short" for n in sets) + " |",
             "|---|" + "---|" * len(sets)]
    for name, tool in TOOLS.items():
        cells = []
        for cases in sets.values():
            right, total, short_right, short = score(tool, cases)
            cells.append(f"{right}/{total} ({right / total:.0%}) / {short_right}/{short}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Short windows of the cases' text (no declaration):", ""]
    lines += short_table([c for cases in sets.values() for c in cases])
    lines += ["", "| ~50 KB page | " + " | ".join(TOOLS) + " |", "|---|" + "---|" * len(TOOLS)]
    for label, (body, ctype) in speed_pages().items():
        cells = [f"{median_ms(tool, body, ctype):.2f} ms" for tool in TOOLS.values()]
        lines.append(f"| {label} ({len(body) // 1000} KB) | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.INFO)
    table = report()
    if "--write" in argv:
        target = pathlib.Path(argv[argv.index("--write") + 1])
        text = target.read_text(encoding="utf-8")
        start, end = "<!-- bench:start -->", "<!-- bench:end -->"
        head, _, rest = text.partition(start)
        target.write_text(head + start + "\n" + table + end + rest.partition(end)[2],
                          encoding="utf-8")
        log.info("wrote %s", target)
    sys.stdout.write(table)


if __name__ == "__main__":
    main(sys.argv[1:])
