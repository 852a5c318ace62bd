"""Build archiver/textmodel/data/hanzi_model.tsv.gz, the one text model of archiver.textmodel.hanzi
that decode (plausibility) and repair (score) both read.

Offline sources only: the article and listing pages of the shared corpus (real
government text, tags stripped), pypinyin's phrase dictionary (47k common words),
GB2312's two hanzi levels (derived from its byte order), and an OpenCC s2t copy of
all of it so that traditional text scores as well as simplified text.

Usage: .venv/bin/python bench/build_textmodel.py [SHARED_DIR]
"""
from __future__ import annotations

import gzip
import json
import logging
import math
import re
import sys
from collections import Counter
from pathlib import Path

import opencc
import pypinyin

log = logging.getLogger(__name__)

OUT = Path(__file__).resolve().parent.parent / "archiver/textmodel/data/hanzi_model.tsv.gz"
HAN = re.compile(r"[\u4e00-\u9fff]+")
TAG = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]*>", re.S | re.I)
MAX_BIGRAMS = 220_000


def gb2312_level(lead_lo: int, lead_hi: int) -> str:
    """Characters of one GB2312 block, in code order (level 1 = B0-D7, level 2 = D8-F7)."""
    chars = []
    for lead in range(lead_lo, lead_hi + 1):
        for trail in range(0xA1, 0xFF):
            try:
                chars.append(bytes([lead, trail]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


def corpus_texts(shared: Path) -> list[str]:
    texts = []
    for folder in ("corpus/pages", "corpus/listings"):
        for path in sorted((shared / folder).glob("*.html")):
            texts.append(TAG.sub("\n", path.read_text(encoding="utf-8", errors="replace")))
    for path in sorted((shared / "corpus/truth").glob("*.json")):
        texts.append(json.loads(path.read_text(encoding="utf-8")).get("body") or "")
    return texts


def phrase_words() -> list[str]:
    path = Path(pypinyin.__file__).parent / "phrases_dict.json"
    return list(json.loads(path.read_text(encoding="utf-8")))


def count(texts: list[str], weight: int, uni: Counter, bi: Counter) -> None:
    for text in texts:
        for run in HAN.findall(text):
            for ch in run:
                uni[ch] += weight
            for i in range(len(run) - 1):
                bi[run[i : i + 2]] += weight


def build(shared: Path) -> tuple[Counter, Counter]:
    s2t = opencc.OpenCC("s2t")
    texts = corpus_texts(shared)
    words = phrase_words()
    uni: Counter = Counter()
    bi: Counter = Counter()
    count(texts, 2, uni, bi)
    count([s2t.convert(t) for t in texts], 1, uni, bi)
    count(words, 1, uni, bi)
    count([s2t.convert("\n".join(words))], 1, uni, bi)
    for ch in gb2312_level(0xB0, 0xD7):
        uni[ch] += 3
    for ch in gb2312_level(0xD8, 0xF7):
        uni[ch] += 1
    return uni, bi


def write(uni: Counter, bi: Counter, out: Path) -> None:
    """One line per key, commonest first: `hanzi<TAB>rounded log count`, then the bigrams alone."""
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{ch}\t{math.log(n):.1f}" for ch, n in uni.most_common()]
    lines += [pair for pair, _ in bi.most_common(MAX_BIGRAMS)]
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write("\n".join(lines) + "\n")
    log.info("%d unigrams, %d bigrams -> %s (%d bytes)", len(uni), min(len(bi), MAX_BIGRAMS),
             out, out.stat().st_size)


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared"
    uni, bi = build(shared)
    write(uni, bi, OUT)


if __name__ == "__main__":
    main()
