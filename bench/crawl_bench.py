"""Crawl benchmark: a generated TRS-style site on 127.0.0.1, crawled by the archiver and by
a bare Scrapy spider that only downloads; then an incremental re-run of the unchanged site.

    python bench/crawl_bench.py [--articles 10000] [--sections 10] [--out docs/benchmarks/crawl.md]
    python bench/crawl_bench.py --articles 100000 --no-bare --out docs/benchmarks/crawl-100k.md

Each crawl runs in its own process (the reactor cannot restart), so CPU time and peak
memory are that process's own (getrusage), and the page-processing pool's processes are
reported apart (the largest one's peak): the target is per process. Politeness is off for
both (local server): no delay, no AutoThrottle, 16 requests in flight per host. --no-bare
skips the download-only spider (a memory run needs only the archiver's crawl).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

log = logging.getLogger("crawl_bench")
PER_PAGE = 20
SETTINGS = {"DOWNLOAD_DELAY": 0, "ARCHIVER_MIN_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
            "ARCHIVER_MAX_PER_HOST": 16, "LOG_LEVEL": "WARNING", "ARCHIVER_PROGRESS": "off",
            "ROBOTSTXT_OBEY": False}
PARA = ("全市各级各部门认真贯彻落实党中央、国务院决策部署，坚持稳中求进工作总基调，扎实推进"
        "高质量发展，持续优化营商环境，民生保障水平不断提升，各项工作取得新成效。")


def article(n: int, section: int) -> str:
    title = f"第{section}栏目关于推进第{n}项重点工作的通知"
    date = f"2023-{n % 12 + 1:02d}-{n % 28 + 1:02d}"
    body = "".join(f"<p>{title}。{PARA}（{i}）</p>" for i in range(8))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_测试市人民政府</title>'
            f'<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{date} 10:00">'
            f'</head><body><div class="nav"><a href="/">首页</a></div><div class="article"><h1>{title}</h1>'
            f'<div class="info">发布时间：{date} 10:00 来源：测试市政府办公室</div>'
            f'<div class="TRS_Editor">{body}</div></div><div class="footer">版权所有</div></body></html>')


def make_site(root: Path, articles: int, sections: int) -> list[str]:
    """Write the site; return the section listing paths."""
    per_section = articles // sections
    listings = []
    n = 0
    for s in range(sections):
        pages = -(-per_section // PER_PAGE)
        for p in range(pages):
            items = []
            for _ in range(min(PER_PAGE, per_section - p * PER_PAGE)):
                n += 1
                rel = f"s{s}/2023{n % 12 + 1:02d}/t2023{n % 12 + 1:02d}01_{n}.html"
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / rel).write_text(article(n, s), encoding="utf-8")
                items.append(f'<li><a href="./{rel.split("/", 1)[1]}">第{n}条新闻标题很长</a></li>')
            name = "index.html" if p == 0 else f"index_{p}.html"
            (root / f"s{s}" / name).write_text(
                f'<html><body><ul>{"".join(items)}</ul><script>createPageHTML({pages}, {p}, '
                f'"index", "html");</script></body></html>', encoding="utf-8")
        listings.append(f"/s{s}/index.html")
    return listings


def _rusage() -> dict[str, float]:
    r = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)  # the pool, once shut down and reaped
    return {"cpu_s": r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime,
            "peak_mb": r.ru_maxrss / 1024, "child_peak_mb": c.ru_maxrss / 1024}


def child_archiver(args: list[str]) -> None:
    from archiver.cli import cli

    try:
        cli.main(args=args, prog_name="archiver", standalone_mode=False)
    finally:
        print("RUSAGE " + json.dumps(_rusage()), flush=True)


def child_bare(base: str, listings: list[str]) -> None:
    """A Scrapy spider that follows the same listings and articles and only downloads."""
    import re

    import scrapy
    from scrapy.crawler import CrawlerProcess

    pager = re.compile(r'createPageHTML\((\d+), (\d+), "index", "html"\)')

    class Bare(scrapy.Spider):
        name = "bare"
        start_urls = [base + p for p in listings]  # noqa: RUF012 - Scrapy's own class-attribute API

        def parse(self, response):  # type: ignore[no-untyped-def]
            for href in response.css("ul a::attr(href)").getall():
                yield response.follow(href, callback=self.article)
            m = pager.search(response.text)
            if m and int(m[2]) + 1 < int(m[1]):
                yield response.follow(f"index_{int(m[2]) + 1}.html", callback=self.parse)

        def article(self, response):  # type: ignore[no-untyped-def]
            self.crawler.stats.inc_value("bare/articles")

    from archiver.crawl import settings as crawl_settings

    # The same Scrapy tuning as the archiver's crawl (not its pipelines or politeness):
    # both pay Scrapy's per-response costs alike, or neither does.
    same = {k: getattr(crawl_settings, k) for k in ("CONCURRENT_ITEMS",
                                                     "WARN_ON_GENERATOR_RETURN_VALUE")}
    settings = {k: v for k, v in SETTINGS.items() if not k.startswith("ARCHIVER")}
    process = CrawlerProcess({**settings, **same, "TELNETCONSOLE_ENABLED": False,
                              "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor"})
    process.crawl(Bare)
    process.start()
    print("RUSAGE " + json.dumps(_rusage()), flush=True)


def run_child(*args: str) -> dict[str, float]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, __file__, "--child", *args], cwd=REPO,
                          capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    line = [ln for ln in done.stdout.splitlines() if ln.startswith("RUSAGE ")]
    if not line or done.returncode not in (0, 3, 4):   # 1 and 2: the crawl failed or never ran
        raise RuntimeError(f"child failed: {done.stdout[-2000:]} {done.stderr[-3000:]}")
    return {"wall_s": wall, **json.loads(line[-1][7:]), "rc": done.returncode}


def profile(path: Path, base: str, listings: list[str]) -> None:
    text = 'id = "bench"\nname = "bench"\nallowed_domains = ["127.0.0.2"]\nmax_pages = 1000\n'
    for i, p in enumerate(listings):
        text += f'\n[[sections]]\nname = "s{i}"\nurl = "{base}{p}"\n'
    path.write_text(text, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--sections", type=int, default=10)
    ap.add_argument("--out", default=str(REPO / "docs" / "benchmarks" / "crawl.md"))
    ap.add_argument("--no-bare", action="store_true", help="skip the download-only spider")
    ap.add_argument("--child", nargs=argparse.REMAINDER)
    opts = ap.parse_args()
    if opts.child:
        kind, rest = opts.child[0], opts.child[1:]
        if kind == "bare":
            child_bare(rest[0], rest[1:])
        else:
            child_archiver(rest)
        return 0
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from loopsite import serving

    tmp = Path(tempfile.mkdtemp(prefix="crawl-bench-"))
    try:
        listings = make_site(tmp / "site", opts.articles, opts.sections)
        pages = opts.articles + sum(1 for _ in (tmp / "site").rglob("index*.html"))
        base = "http://127.0.0.2:{port}"
        sets = [a for k, v in SETTINGS.items() for a in ("-s", f"{k}={json.dumps(v)}")]
        crawl = ["crawl", str(tmp / "bench.toml"), "--db", str(tmp / "a.db"), *sets]
        log.info("site: %d articles, %d pages%s", opts.articles, pages,
                 "" if opts.no_bare else "; bare crawl …")
        bare = None
        if not opts.no_bare:
            with serving(tmp / "site", hosts=1) as site:
                bare = run_child("bare", base.format(port=site.port), *listings)
        log.info("archiver full crawl …")
        with serving(tmp / "site", hosts=1) as site:
            profile(tmp / "bench.toml", base.format(port=site.port), listings)
            full = run_child("archiver", *crawl)
        full_requests = site.stats["requests"]
        log.info("incremental re-run …")
        with serving(tmp / "site", hosts=1, port=site.port) as site:
            again = run_child("archiver", *crawl)
        again_requests = site.stats["requests"]
        stored = _count(tmp / "a.db")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report = _report(opts, pages, bare, full, again, full_requests, again_requests, stored)
    Path(opts.out).parent.mkdir(parents=True, exist_ok=True)
    Path(opts.out).write_text(report, encoding="utf-8")
    print(report)
    return 0


def _count(db: Path) -> int:
    import sqlite3

    return sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0]


def _report(opts, pages, bare, full, again, full_req, again_req, stored) -> str:  # type: ignore[no-untyped-def]
    def row(name: str, r: dict | None, n: int) -> str:
        if r is None:
            return f"| {name} | not run (--no-bare) | | | | | |"
        pool = f"{r['child_peak_mb']:.0f}" if r.get("child_peak_mb") else "–"
        return (f"| {name} | {n} | {r['wall_s']:.1f} | {n / r['wall_s']:.0f} | "
                f"{1000 * r['cpu_s'] / n:.1f} | {r['peak_mb']:.0f} | {pool} |")
    return "\n".join([
        "# Crawl benchmark", "",
        (f"`python bench/crawl_bench.py --articles {opts.articles} --sections {opts.sections}` "
        f"on {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d')}. A generated TRS-style site "
        f"({opts.articles} articles of ~5 KB in {opts.sections} sections, {PER_PAGE} per listing "
        "page) served from memory by bench/loopsite.py (its own process) on 127.0.0.2; "
        "politeness off for both crawlers "
        "(no delay, no AutoThrottle, 16 in flight). CPU and peak RSS are the crawling "
        "process's own (getrusage; CPU includes the page-processing pool). Both use the same "
        "Scrapy tuning (CONCURRENT_ITEMS, WARN_ON_GENERATOR_RETURN_VALUE from the crawl "
        f"settings). Load average when written: {os.getloadavg()[0]:.1f}."), "",
        ("| crawl | pages | wall s | pages/s | CPU ms/page | peak RSS MB"
        " | largest child process peak RSS MB (the pool) |"),
        "|---|---|---|---|---|---|---|",
        row("bare Scrapy spider (download only)", bare, pages),
        row("archiver full crawl (decode, repair, extract, store)", full, pages),
        "", f"Archived {stored} of {opts.articles} articles; the full crawl made {full_req} requests."
        + (f" Its wall time is {full['wall_s'] / bare['wall_s']:.2f}× the bare spider's." if bare else ""),
        "",
        "| incremental re-run of the unchanged site | requests | wall s |", "|---|---|---|",
        f"| archiver crawl (same profile, same archive) | {again_req} | {again['wall_s']:.1f} |", "",
        (f"The re-run fetches only the first listing page of each of the {opts.sections} sections "
        "(no robots.txt here: ROBOTSTXT_OBEY is off in the benchmark); wall time is mostly "
        "interpreter and Scrapy start-up."), ""])


if __name__ == "__main__":
    sys.exit(main())
