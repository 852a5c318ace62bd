"""`archiver serve`: Datasette with our metadata; one real run on loopback, driven by headless Chromium."""
from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from archiver.store.datasette import QUERIES, build_metadata
from tests.test_search_samples import build_archive

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-proxy-server", "--disable-dev-shm-usage"]


def test_serve_metadata_configures_fts_and_canned_queries() -> None:
    meta = build_metadata("archive")
    articles = meta["databases"]["archive"]["tables"]["articles"]
    assert articles["fts_table"] == "articles_fts" and articles["fts_pk"] == "id"
    assert {"latest_per_site", "repaired_pages", "spam_flagged_pages", "search"} <= set(QUERIES)


def test_serve_canned_queries_run(tmp_path: Path) -> None:
    pytest.importorskip("datasette", reason="the serve extra is not installed")
    from datasette.app import Datasette

    path = build_archive(tmp_path / "archive.db")
    ds = Datasette([str(path)], metadata=build_metadata("archive"))

    async def fetch(url: str) -> dict:
        response = await ds.client.get(url)
        assert response.status_code == 200, response.text
        return response.json()

    async def main() -> dict[str, dict]:
        await ds.invoke_startup()
        return {name: await fetch(f"/archive/{name}.json?_shape=objects&q=" + quote("疫情防控"))
                for name in ("search", "repaired_pages", "spam_flagged_pages", "latest_per_site",
                             "open_alarms")}

    results = asyncio.run(main())
    assert "【疫情防控】" in results["search"]["rows"][0]["snippet"]
    assert [r["lost"] for r in results["repaired_pages"]["rows"]] == [2]
    assert [r["site"] for r in results["spam_flagged_pages"]["rows"]] == ["taiyuan"]
    assert {r["site"] for r in results["latest_per_site"]["rows"]} == {"taiyuan", "yuncheng"}
    assert results["open_alarms"]["rows"] == []  # no crawl, no alarm; the query itself runs


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> bytes:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never a proxy
    with opener.open(url, timeout=2) as response:
        return response.read()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    pytest.importorskip("datasette", reason="the serve extra is not installed")
    path = build_archive(tmp_path / "archive.db")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "archiver", "serve", "--db", str(path),
                             "--port", str(port)], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                _get(base + "/-/versions.json")
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"archiver serve exited: {proc.stdout.read().decode()}")
                time.sleep(0.2)
        else:
            pytest.fail("archiver serve did not answer within 20 s")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("headless Chromium not found (Debian package 'chromium'; `make browser` installs it)")
    return found


def dump_dom(chromium: str, url: str, profile: Path) -> str:
    result = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                             "--dump-dom", url], capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_serve_in_headless_chromium_search(server: str, tmp_path: Path) -> None:
    chromium = _chromium()
    table = dump_dom(chromium, server + "/archive/articles", tmp_path / "profile")
    assert 'name="_search"' in table  # Datasette found the FTS table: a search box
    assert "太原市推进政务服务改革" in table
    hits = dump_dom(chromium, server + "/archive/articles?_search=" + quote("疫情防控"),
                    tmp_path / "profile")
    assert "运城市召开疫情防控工作会议" in hits
    assert "关于做好疫情防控期间道路运输保障的通知" in hits
    assert "太原市推进政务服务改革" not in hits
