"""Search latency over a generated archive, and the size of the FTS index.

Not a test: run by hand (or `make bench`) and commit the report it writes.

    .venv/bin/python bench/search_bench.py                 # 100,000 articles
    .venv/bin/python bench/search_bench.py --articles 5000 --no-doc   # quick look

Articles are generated from a table of government-news phrases (seeded, so runs
are comparable) and inserted through the real schema, so the FTS triggers do
the indexing exactly as in a crawl.
"""
from __future__ import annotations

import argparse
import logging
import platform
import random
import sqlite3
import statistics
import time
from pathlib import Path

from archiver.search import Filters, search
from archiver.storage import open_database

log = logging.getLogger("search_bench")
REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "benchmarks" / "search.md"

SITES = [f"site{i:02d}" for i in range(20)]
SECTIONS = ["要闻", "通知公告", "部门动态", "县区动态", "政策解读"]
SOURCES = ["运城日报", "太原日报", "市政府办公室", "市发展和改革委员会", "市交通运输局", "新华社", "人民网"]
PLACES = ["运城市", "太原市", "盐湖区", "临猗县", "万荣县", "闻喜县", "稷山县", "新绛县", "绛县", "垣曲县",
          "夏县", "平陆县", "芮城县", "永济市", "河津市", "大同市", "长治市", "晋城市", "朔州市", "忻州市"]
# Boilerplate every article shares; none contains a benchmark query term.
FILLER = [
    "召开专题会议", "研究部署下一阶段工作", "坚持以人民为中心的发展思想", "压实属地责任", "统筹发展和安全",
    "推动高质量发展", "深化放管服改革", "加强基层治理", "强化安全生产监管", "保障和改善民生",
    "加快重点项目建设", "稳住经济大盘", "扩大有效投资", "开展专项整治行动", "完善社会保障体系",
    "促进就业创业", "推进教育公平", "加强文物保护利用", "会议强调", "会议要求", "会议指出",
    "与会人员进行了讨论", "各县（市、区）主要负责同志参加会议", "确保各项任务落地见效",
]
# Topics with Zipf-like weights: an article is mostly about one of them, as in a real archive
# (疫情防控 in about one article in ten, the long tail far rarer).
TOPICS = ["疫情防控", "营商环境", "乡村振兴", "黄河流域生态保护", "政务服务一网通办", "减税降费", "防汛抗旱",
          "耕地保护", "医药卫生体制改革", "脱贫攻坚成果", "数字经济产业园", "冰雪运动", "氢能源重卡",
          "盐湖生态修复", "关公文化旅游节"]
TOPIC_WEIGHTS = [1 / (rank + 1) ** 1.3 for rank in range(len(TOPICS))]
PHRASES = FILLER  # titles use these


def make_body(rng: random.Random, chars: int) -> str:
    topic = rng.choices(TOPICS, TOPIC_WEIGHTS)[0] if rng.random() < 0.4 else None
    parts: list[str] = []
    while sum(map(len, parts)) < chars:
        place = rng.choice(PLACES)
        sentence = "，".join(rng.sample(FILLER, 3))
        if topic and rng.random() < 0.3:
            sentence = f"扎实做好{topic}相关工作，{sentence}"
        parts.append(f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日，{place}{sentence}。")
    return "\n".join(parts)


def generate(path: Path, count: int, body_chars: int, seed: int = 6) -> float:
    """Create an archive of ``count`` articles; returns the seconds spent inserting."""
    rng = random.Random(seed)
    db = open_database(path)
    started = time.perf_counter()
    with db.conn:
        for start in range(0, count, 5000):
            rows = []
            for i in range(start, min(count, start + 5000)):
                place = rng.choice(PLACES)
                title = f"{place}{rng.choice(PHRASES)}{rng.choice(['', '的通知', '工作会议'])}"
                date = f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                rows.append((f"http://www.example.gov.cn/a/{i}.html", rng.choice(SITES),
                             rng.choice(SECTIONS), title, date, rng.choice(SOURCES),
                             make_body(rng, rng.randint(body_chars // 2, body_chars * 3 // 2)),
                             "[]", "[]", "[]", 1))
            db.conn.executemany(
                "INSERT INTO articles (url, site, section, title, published_at, source, body,"
                " flags, spam, repair_kinds, version) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    elapsed = time.perf_counter() - started
    db.execute("ANALYZE")
    db.close()
    return elapsed


QUERIES: list[tuple[str, str, Filters]] = [
    ("trigram, common (4 chars)", "疫情防控", Filters()),
    ("trigram, common, site + month", "疫情防控", Filters(site="site03", since="2022-05", until="2022-05")),
    ("trigram, rare (7 chars)", "数字经济产业园", Filters()),
    ("trigram, two terms", "疫情防控 高质量发展", Filters()),
    ("trigram, body-wide boilerplate (most articles)", "高质量发展", Filters()),
    ("LIKE fallback, common (2 chars)", "会议", Filters()),
    ("LIKE fallback, rare (2 chars)", "冰雪", Filters()),
    ("LIKE fallback, absent (2 chars): full scan", "量子", Filters()),
    ("mixed 4 + 2 chars", "疫情防控 会议", Filters()),
    ("mixed 4 + 2 chars, rare pair", "乡村振兴 重卡", Filters()),
    ("LIKE fallback, 2 chars + source", "重卡", Filters(source="新华社")),
]


def measure(path: Path, repeats: int) -> list[tuple[str, str, int, float, float]]:
    db = open_database(path, readonly=True)
    results = []
    for label, text, filters in QUERIES:
        timings: list[float] = []
        for _ in range(repeats):
            started = time.perf_counter()
            search(db, text, filters, limit=20)
            timings.append((time.perf_counter() - started) * 1000)
        matches = len(search(db, text, filters, limit=10**7))
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        results.append((label, text, matches, statistics.median(timings), p95))
        log.info("%s: median %.1f ms, p95 %.1f ms", label, results[-1][3], p95)
    return results


def sizes(path: Path) -> dict[str, int]:
    """Bytes per table group, from SQLite's dbstat (pages actually used)."""
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    conn.close()
    groups = {"fts": 0, "articles": 0, "other": 0}
    for name, size in rows:
        key = "fts" if name.startswith("articles_fts") else (
            "articles" if name.startswith(("articles", "sqlite_autoindex_articles", "idx_articles"))
            else "other")
        groups[key] += size
    return groups


NOTES = """
## Reading the numbers

- The machine is a shared 2-CPU VM with other work running; p95 spreads are mostly that noise.
- Ranked FTS queries cost about the number of matching articles: bm25 is computed for every match
  before the top 20 are kept (snippet() runs only for those 20). A term found in 16% of the archive
  takes ~50 ms, and a boilerplate phrase found in nearly every article takes ~120 ms.
- A filtered FTS query (site + month) joins every FTS match to `articles` before filtering, so it
  costs as much as the unfiltered term. Probing `rowid IN (filtered ids)` was 2x faster for a
  40-article filter but 70x slower for a 5,000-article one, so it was not adopted.
- The LIKE fallback for 1–2 character words walks `articles` newest first and stops at the 20th
  hit. A common word is instant; a rare one scans until it has 20; an absent one scans the whole
  table (~0.3–0.5 s at 100,000 articles). A trigram index cannot help with terms this short.
  Adding a longer word to the query (mixed queries) or a filter narrows the scan.
"""


def report(count: int, body_chars: int, insert_s: float, results: list, size: dict[str, int],
           repeats: int) -> str:
    mb = 1024 * 1024
    all_medians = [r[3] for r in results]
    lines = [
        "# Search benchmark", "",
        f"Generated by `bench/search_bench.py` on {platform.platform()} ({platform.processor() or 'cpu'}),"
        f" Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}.", "",
        f"Archive: {count:,} generated articles (body ≈ {body_chars} characters on average,"
        f" 20 sites, 2015–2024), inserted through the real schema in {insert_s:.0f} s"
        f" ({count / insert_s:,.0f} articles/s with the trigram FTS triggers).", "",
        f"## Latency (`archiver.search.search`, limit 20, {repeats} runs each)", "",
        "| query | text | matching articles | median ms | p95 ms |", "|---|---|---:|---:|---:|",
        *(f"| {label} | {text} | {hits} | {med:.1f} | {p95:.1f} |"
          for label, text, hits, med, p95 in results),
        "", f"Median of the per-query medians: **{statistics.median(all_medians):.1f} ms** (target < 50 ms).",
        "", "## Index size", "",
        "| part | MiB |", "|---|---:|",
        f"| articles table + its indexes | {size['articles'] / mb:.1f} |",
        f"| FTS5 trigram index (articles_fts_*) | {size['fts'] / mb:.1f} |",
        f"| other tables | {size['other'] / mb:.1f} |", "",
        f"The FTS index is **{size['fts'] / max(size['articles'], 1):.2f}×** the articles table"
        " it indexes (trigram indexes every 3-character window of title, body and source).",
        NOTES,
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--body-chars", type=int, default=800)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--db", type=Path, default=Path("/tmp/archiver-search-bench.db"))
    parser.add_argument("--no-doc", action="store_true", help="Print the report; do not write docs/.")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    insert_s = generate(args.db, args.articles, args.body_chars)
    text = report(args.articles, args.body_chars, insert_s, measure(args.db, args.repeats),
                  sizes(args.db), args.repeats)
    if args.no_doc:
        log.info("%s", text)
    else:
        DOC.parent.mkdir(parents=True, exist_ok=True)
        DOC.write_text(text, encoding="utf-8")
        log.info("wrote %s", DOC)


if __name__ == "__main__":
    main()
