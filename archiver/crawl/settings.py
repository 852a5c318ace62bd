"""Scrapy settings for scheduled, unattended crawls of government sites.

Polite by default (robots.txt, two requests per host, AutoThrottle, back-off),
and nothing that listens on a port: the telnet console and the remote-control
HTTP server (which runs any Python sent to it) are off for cron use.
"""
import os

from archiver import __version__
from archiver.store.writer import default_db_path

BOT_NAME = "archiver"
SPIDER_MODULES = ["archiver.spiders"]
NEWSPIDER_MODULE = "archiver.spiders"
COMMANDS_MODULE = "archiver.crawl.commands"  # `scrapy crawl` with one-line argument errors

USER_AGENT = (
    f"gov-archiver/{__version__} (+https://github.com/gov-archiver; archiving public "
    "government news for research)"
)
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = float(os.environ.get("ARCHIVER_DOWNLOAD_DELAY", "0.5"))
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# A page larger than this is not an article; the limit also bounds
# decompressed bodies, so a gzip bomb is refused.
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
# Per-page processing budget (archiver.budget): CPU seconds for decode, repair and extract,
# and the largest page processed; beyond either the page is stored raw with a flag.
ARCHIVER_PAGE_SECONDS = 5.0
ARCHIVER_PAGE_MAX_BYTES = 2_000_000

# Retries wait: Retry-After when the server gives one, else 2 s, 4 s, 8 s … (capped).
DOWNLOADER_MIDDLEWARES = {
    # Every request and redirect hop stays on the site (before robots.txt is asked for).
    "archiver.spiders.scope.ScopeMiddleware": 40,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "archiver.spiders.middlewares.BackoffRetryMiddleware": 550,
}
ARCHIVER_BACKOFF_BASE = 2.0
ARCHIVER_BACKOFF_MAX = 300.0
# A request that was blocked, timed out or failed stays pending for later runs: retried
# no sooner than ARCHIVER_RETRY_BASE seconds after it failed (doubling per attempt, at most
# ARCHIVER_RETRY_MAX), and marked failed after ARCHIVER_MAX_ATTEMPTS attempts.
ARCHIVER_MAX_ATTEMPTS = 4
ARCHIVER_RETRY_BASE = 600.0
ARCHIVER_RETRY_MAX = 86_400.0
# A Retry-After longer than this is not waited for: the page stays pending for the next run.
ARCHIVER_RETRY_AFTER_MAX = 60.0
# Consecutive 5xx answers from one host that end the site's run early (partial, exit 1).
ARCHIVER_BREAKER_LIMIT = 10
# Challenges in a row before a site's run stops (the rest stays pending for the next run).
ARCHIVER_BLOCK_LIMIT = 3
# Upper bound on requests in flight per host, whatever a profile asks for.
ARCHIVER_MAX_PER_HOST = 2
# Smallest delay between requests to one host (see spiders/site.py apply_politeness).
ARCHIVER_MIN_DELAY = 0.01

# The run ledger (one per crawl, shared by spider, pipelines and runner) and progress.
EXTENSIONS = {"archiver.spiders.extensions.RunLedgerExtension": 100,
              "archiver.spiders.extensions.ProgressExtension": 500}
# Seconds between writes of a running crawl's counts to its runs row.
ARCHIVER_LEDGER_INTERVAL = 2.0
ARCHIVER_PROGRESS = os.environ.get("ARCHIVER_PROGRESS", "auto")   # auto | live | log | off
ARCHIVER_PROGRESS_INTERVAL = 10.0

TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Processes that decode, repair and extract pages (pipelines/process.py); 0 = one per core,
# 1 = in the crawl's own process.
ARCHIVER_JOBS = int(os.environ.get("ARCHIVER_JOBS", "0"))

# Requests waiting for their turn: in memory up to ARCHIVER_QUEUE_MEMORY, the rest on disk
# (the run's JOBDIR, see crawl/runner.py), so a backfill's queue never fills the memory and
# a small crawl never pays for serialising its requests (spiders/scheduler.py).
SCHEDULER = "archiver.spiders.scheduler.SpillScheduler"
ARCHIVER_QUEUE_MEMORY = 1000   # about 2 KB a request (URL, headers, meta): a few MB at most

# Outputs of one callback processed at once. Scrapy starts this many asyncio tasks for
# every response, whatever it yields (the default 100 cost ~1.5 ms of CPU a response);
# an article yields one item and a listing page a few dozen requests that are scheduled
# at once, so a handful is all the parallelism there is to use.
CONCURRENT_ITEMS = 4
# Scrapy's check that a callback is no generator with a return value reads and parses the
# callback's source for every response (its cache is keyed weakly on the bound method,
# which dies with each request): a tenth of a worker's CPU. A check for the code's authors,
# not for a crawl: tests/test_spider_callbacks.py runs it once over every callback.
WARN_ON_GENERATOR_RETURN_VALUE = False

ITEM_PIPELINES = {
    "archiver.pipelines.process.ProcessPipeline": 300,
    "archiver.pipelines.validate.ValidatePipeline": 400,
    "archiver.pipelines.store.StorePipeline": 500,
}

ARCHIVER_DB = default_db_path()

LOG_FORMATTER = "archiver.pipelines.logformatter.ArchiverLogFormatter"
LOG_LEVEL = os.environ.get("ARCHIVER_LOG_LEVEL", "INFO")
# `archiver crawl` logs warnings only (and archiver's INFO lines to --log-file); `archiver -v`
# sets this for Scrapy's banner, settings dump, middleware lists and stats (crawl/crawler.py).
# `scrapy crawl` logs as any Scrapy project does.
ARCHIVER_VERBOSE = False
FEED_EXPORT_ENCODING = "utf-8"
# `scrapy crawl single -a url=… -O page.json`: one flat record per page, no raw bytes.
FEED_EXPORTERS = {
    fmt: f"archiver.pipelines.feeds.{name}ItemExporter"
    for fmt, name in (("json", "Json"), ("jsonlines", "JsonLines"), ("jsonl", "JsonLines"),
                      ("csv", "Csv"), ("xml", "Xml"), ("pickle", "Pickle"), ("marshal", "Marshal"))
}
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
