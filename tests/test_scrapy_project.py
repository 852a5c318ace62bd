"""The project is a Scrapy project like any other: `scrapy crawl` from the checkout, feed
exports (-O) of what the pipelines made, one-line argument errors (issue 12 item 7)."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from archiver.testing.siteserver import SiteServer
from tests.conftest import REPO
from tests.crawlkit import FAST, make_site, write_profile

QUIET = ["-L", "WARNING"]


def scrapy(*args: str, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", "crawl", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "ARCHIVER_DB": str(db)})


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("scrapy")
    pages = make_site(root / "site", per_page=2, pages=1)
    with SiteServer(root / "site") as srv:
        profile = write_profile(root / "sites", srv.base_url, sections=[("trs", "/trs/index.html", "")])
        yield srv.base_url, pages, profile, root


def test_scrapy_single_feed_exports(site) -> None:  # type: ignore[no-untyped-def]
    base, pages, _profile, root = site
    url = base + pages["trs"][0]
    feeds = [arg for name in ("page.json", "page.jsonl", "page.csv", "page.xml")
             for arg in ("-O", str(root / name))]
    r = scrapy("single", "-a", f"url={url}", *feeds, *QUIET, db=root / "a.db")
    assert r.returncode == 0 and r.stderr == "", r.stderr[-3000:]
    [record] = json.loads((root / "page.json").read_text(encoding="utf-8"))
    assert record["url"] == url and record["status"] == 200 and record["title"]
    assert record["body_size"] > 0 and len(record["body_sha256"]) == 64 and "body" in record
    assert [json.loads(line)["url"] for line in (root / "page.jsonl").read_text().splitlines()] == [url]
    with (root / "page.csv").open(encoding="utf-8", newline="") as f:  # the default field limit
        [row] = list(csv.DictReader(f))
    assert row["title"] == record["title"] and "repair" not in row and "body_html" not in row
    assert "<title>" in (root / "page.xml").read_text(encoding="utf-8")


def test_scrapy_site_crawls_a_profile_with_site_argument(site) -> None:  # type: ignore[no-untyped-def]
    _base, pages, profile, root = site
    r = scrapy("site", "-a", f"site={profile}", "-O", str(root / "site.jsonl"),
               *FAST[:4], *QUIET, db=root / "b.db")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr[-3000:]
    names = {json.loads(line)["url"].rsplit("/", 1)[-1]
             for line in (root / "site.jsonl").read_text().splitlines()}
    articles = {p.rsplit("/", 1)[-1] for p in pages["trs"]}
    assert articles <= names and names - articles <= {"index.html"}  # the listing is archived too


@pytest.mark.parametrize(("args", "message"), [
    (["site"], "Error: scrapy crawl site: needs site=<profile id, profile file or listing URL>"),
    (["site", "-a", "site=nosuch"], "Error: scrapy crawl site: no site profile 'nosuch' (known: "),
    (["single"], "Error: scrapy crawl single: needs url=<page URL>"),
    (["section"], "Error: scrapy crawl section: needs url=<section listing URL>"),
    (["nosuch"], "Error: no spider 'nosuch' (known: "),
])
def test_scrapy_argument_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    r = scrapy(*args, *QUIET, db=tmp_path / "a.db")
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and r.stderr.startswith(message), r.stderr[-3000:]
