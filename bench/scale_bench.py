"""Scale-out benchmark: a crawl over Redis with 1, 2 and 4 workers and one writer.

    python bench/scale_bench.py [--articles 5000] [--hosts 20] [--workers 1 2 4]
                                [--delays 0 0.05] [--concurrency 16] [--latency-concurrency 1]
                                [--out docs/benchmarks/scale.md]

The site: ``--articles`` TRS-style articles spread over ``--hosts`` host names
(127.0.0.2, 127.0.0.3, …: one profile each, all served by one bench/loopsite.py
process), every answer held for ``delay`` seconds by the server, which also records the
most requests it saw in flight per host (the global politeness check: the limit is 2
per host, whatever the number of workers). Every configuration starts from an empty archive and a fresh
redis-server. Also measured: the writer's ceiling (records/s ingested from a full
stream, in one process) and Redis memory per queued request and per stream record.
Workers and the writer are separate processes, as in production; the coordinator
(``archiver crawl --redis``) too.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import writer_bench  # noqa: E402
from crawl_bench import make_site  # noqa: E402
from loopsite import serving  # noqa: E402

log = logging.getLogger("scale_bench")
# CONCURRENT_REQUESTS is set per row (--concurrency, --latency-concurrency)
SETTINGS = {"AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "WARNING", "ARCHIVER_PROGRESS": "off",
            "ROBOTSTXT_OBEY": False, "ARCHIVER_JOBS": 1}


def _spawn(args: list[str], log_path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "archiver", *args], cwd=REPO,
                            stdout=log_path.open("ab"), stderr=subprocess.STDOUT)


def _peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a live process (its /proc stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def one_run(tmp: Path, root: Path, listings: list[str], workers: int, delay: float,
            concurrency: int) -> dict[str, Any]:
    from archiver.testing.redisserver import RedisServer

    run = tmp / f"w{workers}-d{delay}"
    run.mkdir()
    settings = {**SETTINGS, "CONCURRENT_REQUESTS": concurrency}
    sets = [a for k, v in settings.items() for a in ("-s", f"{k}={json.dumps(v)}")]
    with ExitStack() as stack:
        redis = stack.enter_context(RedisServer(run / "redis"))
        site = stack.enter_context(serving(root, hosts=len(listings), delay=delay))
        port = site.port
        profiles = []
        for i, listing in enumerate(listings):
            path = run / "sites" / f"h{i}.toml"
            path.parent.mkdir(exist_ok=True)
            path.write_text(f'id = "h{i}"\nname = "h{i}"\nallowed_domains = ["127.0.0.{i + 2}"]\n'
                            f'max_pages = 1000\n\n[[sections]]\nname = "s{i}"\nurl = '
                            f'"http://127.0.0.{i + 2}:{port}{listing}"\n', encoding="utf-8")
            profiles.append(str(path))
        db = run / "a.db"
        # The writer indexes once the crawl is over (the stream empty for 5 s): on this
        # machine its ~5 ms of indexing per article would come out of the workers' cores.
        writer = _spawn(["ingest", "--redis", redis.url, "--db", str(db), "--index-idle", "5"],
                        run / "ingest.log")
        crew = [_spawn(["worker", "--redis", redis.url, *sets], run / f"worker{i}.log")
                for i in range(workers)]
        time.sleep(3.0)                        # let the workers start (not part of the crawl)
        started = time.monotonic()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)   # the coordinator, once reaped
        done = subprocess.run([sys.executable, "-m", "archiver", "crawl", *profiles, "--db", str(db),
                               "--redis", redis.url, *sets, "-s", f"DOWNLOAD_DELAY={delay and 0.0}",
                               "-s", "ARCHIVER_MIN_DELAY=0"],
                              cwd=REPO, capture_output=True, text=True, check=False)
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        coordinator_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        assert redis.proc is not None
        redis_cpu = _cpu_s(redis.proc.pid)
        rss = [_peak_rss_mb(p.pid) for p in crew]
        cpu = [_cpu_s(p.pid) for p in crew]
        writer_cpu = _cpu_s(writer.pid)
        writer_rss = _peak_rss_mb(writer.pid)
        _stop([*crew, writer])
    served = site.stats                    # read when its server stopped
    if done.returncode != 0:
        raise RuntimeError(f"crawl failed: {done.stdout[-2000:]} {done.stderr[-2000:]}")
    conn = sqlite3.connect(db)
    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    requests = conn.execute("SELECT sum(requests) FROM runs").fetchone()[0]
    conn.close()
    return {"workers": workers, "delay": delay, "wall_s": wall, "stored": stored,
            "requests": requests, "pages_per_s": requests / wall,
            "max_per_host": max(served["most_in_flight"].values() or [0]),
            "site_cpu_s": served["cpu_s"], "redis_cpu_s": redis_cpu,
            "coordinator_cpu_s": coordinator_cpu, "worker_rss_mb": max(rss or [0]),
            "worker_cpu_s": sum(cpu), "writer_cpu_s": writer_cpu,
            "writer_rss_mb": writer_rss}


def writer_ceiling(tmp: Path, records: int) -> dict[str, Any]:
    """The writer alone (bench/writer_bench.py: a full stream of realistic records, one
    writer draining it), then Redis memory per queued request."""
    from archiver.crawl.redisq import WorkQueue, connect
    from archiver.testing.redisserver import RedisServer

    ceiling = writer_bench.measure(tmp / "ceiling", records)
    with RedisServer(tmp / "queue-redis") as server:
        r = connect(server.url)
        queue = WorkQueue(r)
        mem0 = int(r.info("memory")["used_memory"])
        for n in range(records):
            url = f"http://127.0.0.{2 + n % 20}/s1/202301/t20230101_{n}.html"
            queue.push({"run": "bench", "url": url, "entry": {"url": url, "kind": "article",
                        "section": "s1", "method": "GET", "form": [], "page": None},
                        "headers": {}})
        mem1 = int(r.info("memory")["used_memory"])
    return {**ceiling, "queue_bytes_per_request": (mem1 - mem0) / records}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--delays", type=float, nargs="+", default=[0.0, 0.05])
    ap.add_argument("--concurrency", type=int, default=16,
                    help="requests in flight per worker, rows without delay")
    ap.add_argument("--latency-concurrency", type=int, default=1,
                    help="requests in flight per worker, rows with a delay: few enough that "
                         "one worker waits on the network, not on its core")
    ap.add_argument("--records", type=int, default=5000, help="for the writer's ceiling")
    ap.add_argument("--out", default=str(REPO / "docs" / "benchmarks" / "scale.md"))
    opts = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    tmp = Path(tempfile.mkdtemp(prefix="scale-bench-"))
    try:
        listings = make_site(tmp / "site", opts.articles, opts.hosts)
        rows = []
        for delay in opts.delays:
            for workers in opts.workers:
                log.info("%d worker(s), %.0f ms per answer …", workers, delay * 1000)
                rows.append(one_run(tmp, tmp / "site", listings, workers, delay,
                                    opts.latency_concurrency if delay else opts.concurrency))
                log.info("  %s", rows[-1])
        log.info("writer ceiling …")
        ceiling = writer_ceiling(tmp, opts.records)
        log.info("  %s", ceiling)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report = _report(opts, rows, ceiling)
    Path(opts.out).parent.mkdir(parents=True, exist_ok=True)
    Path(opts.out).write_text(report, encoding="utf-8")
    print(report)
    return 0


def _report(opts: argparse.Namespace, rows: list[dict[str, Any]], ceiling: dict[str, Any]) -> str:
    lines = [
        "# Scale-out benchmark (bench/scale_bench.py)", "",
        (f"{opts.articles} articles over {opts.hosts} host names (127.0.0.2 …), one profile per host, "
         "served from memory by bench/loopsite.py (one asyncio process for every host, which "
         "counts the requests in flight per host); per-host limit 2 in flight (global, in Redis); "
         f"each worker {opts.concurrency} requests in flight without delay and "
         f"{opts.latency_concurrency} with it (few enough that one worker waits on the network, "
         "and four still fit the cores), pages processed inline (--jobs 1); one writer, "
         "indexing only after the crawl (`--index-idle 5`); a fresh redis-server and archive per "
         f"row. Machine: {os.cpu_count()} cores, shared by the workers with the site server, "
         "Redis, the writer and the coordinator. CPU per page counts each process's start-up "
         "(imports, about a second each)."), "",
        ("| delay per answer | workers | wall s | requests | pages/s | × one worker | stored | "
         "most in flight per host | worker CPU ms/page | writer CPU ms/record | "
         "Redis + site + coordinator CPU ms/page | worker peak RSS MB | writer peak RSS MB |"),
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    base: dict[float, float] = {}
    for r in rows:
        base.setdefault(r["delay"], r["pages_per_s"])
        rest = r["redis_cpu_s"] + r["site_cpu_s"] + r["coordinator_cpu_s"]
        lines.append(f"| {r['delay'] * 1000:.0f} ms | {r['workers']} | {r['wall_s']:.1f} | "
                     f"{r['requests']} | {r['pages_per_s']:.0f} | "
                     f"{r['pages_per_s'] / base[r['delay']]:.2f} | {r['stored']} | "
                     f"{r['max_per_host']} | {1000 * r['worker_cpu_s'] / r['requests']:.1f} | "
                     f"{1000 * r['writer_cpu_s'] / max(r['stored'], 1):.1f} | "
                     f"{1000 * rest / r['requests']:.1f} | "
                     f"{r['worker_rss_mb']:.0f} | {r['writer_rss_mb']:.0f} |")
    lines += [
        "", "Writer ceiling and Redis memory:", "",
        (f"- one `archiver ingest` stored {ceiling['records']:.0f} records in {ceiling['store_s']:.1f} s: "
         f"**{ceiling['records_per_s']:.0f} records/s** (each a new article: page + article + "
         "version + frontier row, batches of 200 per transaction), and had both full-text "
         f"indexes caught up after {ceiling['wall_s']:.1f} s ({ceiling['indexed_per_s']:.0f} records/s "
         "stored and indexed); details in the writer benchmark below"),
        (f"- Redis memory per stream record: {ceiling['stream_bytes_per_record']:.0f} bytes "
         f"(raw page {ceiling['page_bytes']:.0f} bytes, zlib-compressed, plus the record JSON)"),
        f"- Redis memory per queued request: {ceiling['queue_bytes_per_request']:.0f} bytes", "",
        (f"Load average when the report was written: {os.getloadavg()[0]:.1f} on {os.cpu_count()} "
         "cores. Without delay the workers are CPU-bound: two of them share the two cores with "
         "everything else, so their sum stays under twice one worker's pages/s by what the "
         "other processes take. CPU ms per page and per record are the inputs of the capacity "
         "model in docs/scaling.md."), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
