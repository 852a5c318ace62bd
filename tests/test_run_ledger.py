"""The run ledger: one object per crawl holds the run's state, and the runs row is kept
current as the run goes, so a run killed with SIGKILL still shows what it stored."""
from __future__ import annotations

import signal
import time
from pathlib import Path

from archiver.crawl.ledger import RunLedger, RunPlan, run_status
from archiver.models import DONE, Entry
from archiver.testing.siteserver import RequestInfo, SiteServer
from tests.crawlkit import FAST, make_site, popen, rows, wait_for, write_profile


def test_ledger_counts_outcomes_and_writes_the_runs_row_as_it_goes(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    ledger = RunLedger(str(db), RunPlan("s", None, ("news",), {"spider": "site"}))
    run_id = ledger.start()
    entry = Entry("http://127.0.0.1/a.html", "article", "news")
    ledger.frontier.add([entry])
    ledger.frontier.finish(entry, DONE, "new")   # crawl.keep.keep_article, with the page
    ledger.stored(entry.url, entry, "new")
    ledger.flush({"downloader/request_count": 3, "archiver/new": 1})
    [(status, requests, new, sections)] = rows(
        db, "SELECT status, requests, new, sections FROM runs WHERE id = ?", (run_id,))
    assert (status, requests, new) == ("running", 3, 1) and '"new": 1' in sections
    assert rows(db, "SELECT status, reason, run_id FROM frontier") == [("done", "new", run_id)]
    ledger.count("news", "listings")
    # A section whose listing was never walked to its end is a hole: partial.
    assert ledger.measure_coverage()["news"]["walked"] is False
    ledger.frontier.set_walk("news", "http://127.0.0.1/list.html", walked=True)
    assert ledger.finish("finished", {"downloader/request_count": 4, "archiver/new": 1}) == "ok"
    assert ledger.coverage["news"] == {"expected": None, "expected_pages": None, "source": None,
                                       "archived": 0, "walked": True, "cut": None,
                                       "pending": 0, "failed": 0}
    assert rows(db, "SELECT status, requests FROM runs") == [("ok", 4)]
    assert ledger.last_stored == (entry.url, "new")


def test_run_status_rules() -> None:
    ok = {"a": {"listings": 2}}
    assert run_status("finished", ok, 0, 0) == "ok"
    assert run_status("finished", ok, 1, 0) == "partial"
    assert run_status("finished", {"a": {"listings": 1, "empty": 1}}, 0, 0) == "failed"
    assert run_status("shutdown", ok, 0, 0) == "failed"
    assert run_status("finished", ok, 0, 0, holes=2) == "partial"


def test_killed_run_keeps_its_counts(tmp_path: Path) -> None:
    root = tmp_path / "site"
    expected = make_site(root, per_page=8, pages=4)

    def slow(req: RequestInfo) -> tuple[int, dict[str, str], bytes]:
        time.sleep(0.05)
        return 200, {"Content-Type": "text/html"}, (root / req.path.lstrip("/")).read_bytes()

    db = tmp_path / "a.db"
    with SiteServer(root, routes=dict.fromkeys(expected["trs"], slow)) as srv:
        write_profile(tmp_path / "sites", srv.base_url, sections=[("trs", "/trs/index.html", "")])
        proc = popen("crawl", "fixture", "--sites-dir", str(tmp_path / "sites"), "--db", str(db),
                     *FAST)
        try:
            assert wait_for(lambda: db.exists() and rows(
                db, "SELECT count(*) FROM articles")[0][0] >= 5, timeout=60)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
    stored = rows(db, "SELECT count(*) FROM articles")[0][0]
    [(status, requests, new)] = rows(db, "SELECT status, requests, new FROM runs")
    assert status == "running"  # the next run of the site marks it interrupted
    assert new >= stored - 1 >= 4 and requests >= new
