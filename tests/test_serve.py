"""`archiver serve`: Datasette with our metadata; one real run on loopback, driven by headless Chromium."""
from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import time
import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from archiver.store.datasette import QUERIES, TABLE_COLUMNS, build_metadata
from archiver.store.search import search
from archiver.store.writer import open_database
from tests.test_search_samples import build_archive

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-proxy-server", "--disable-dev-shm-usage"]


def test_serve_metadata_configures_fts_and_canned_queries() -> None:
    meta = build_metadata("archive")
    articles = meta["databases"]["archive"]["tables"]["articles"]
    assert articles["fts_table"] == "articles_fts" and articles["fts_pk"] == "id"
    assert {"latest_per_site", "repaired_pages", "spam_flagged_pages", "search",
            "articles_per_month"} <= set(QUERIES)
    tables = meta["databases"]["archive"]["tables"]
    assert all(tables[name].get("hidden") for name in ("frontier", "articles_grams"))


@pytest.fixture
def datasette_app(tmp_path: Path):
    """Datasette in this process, with our metadata and plugin, over the sample archive."""
    pytest.importorskip("datasette", reason="the serve extra is not installed")
    from datasette.app import Datasette

    from archiver.cli.serve import register_plugin

    register_plugin()
    path = build_archive(tmp_path / "archive.db")
    return path, Datasette([str(path)], metadata=build_metadata("archive"))


def _get_all(ds, urls: list[str]) -> list:
    async def main() -> list:
        await ds.invoke_startup()
        return [await ds.client.get(url) for url in urls]
    return asyncio.run(main())


@pytest.mark.parametrize("words", ["政策", "措施", "疫情防控", "疫情 会议", "市", "澳门博彩"])
def test_serve_table_search_matches_archiver_search(datasette_app, words: str) -> None:
    path, ds = datasette_app
    [response] = _get_all(ds, [f"/archive/articles.json?_shape=objects&_size=max&_search={quote(words)}"])
    assert response.status_code == 200, response.text
    shown = {row["id"] for row in response.json()["rows"]}
    db = open_database(path)
    expected = {hit.id for hit in search(db, words, limit=1000)}
    assert shown == expected
    if len(words) < 3:
        assert shown  # every sample word is in some article: the trigram index alone finds none


def test_serve_table_shows_readable_columns_and_links_titles(datasette_app) -> None:
    _path, ds = datasette_app
    table, everything, home = _get_all(ds, ["/archive/articles", "/archive/articles?_nocol=body_html",
                                            "/archive"])
    columns = re.findall(r'<th class="col-([^"]+)"', table.text)
    assert columns == ["id", *TABLE_COLUMNS]
    assert "body" in re.findall(r'<th class="col-([^"]+)"', everything.text)
    assert re.search(r'<a href="/archive/articles/\d+/read">运城市召开疫情防控工作会议</a>', table.text)
    listed = set(re.findall(r'<h3><a href="/archive/([^"?]+)"', home.text))
    assert {"articles", "versions", "runs", "pages"} <= listed
    assert not listed & {"frontier", "articles_grams", "_articles_gram_offsets"}


def test_serve_article_page_reads_as_an_article(datasette_app) -> None:
    path, ds = datasette_app
    db = open_database(path)
    ids = {row[1]: row[0] for row in db.execute("select id, title from articles")}
    page, repaired, raw, missing, months = _get_all(ds, [
        f"/archive/articles/{ids['运城市出台稳经济一揽子政策措施']}/read",
        f"/archive/articles/{ids['关于做好疫情防控期间道路运输保障的通知']}/read",
        f"/archive/articles/{ids['运城市出台稳经济一揽子政策措施']}/raw",
        "/archive/articles/99999/read",
        "/archive/articles_per_month.json?_shape=array"])
    assert page.status_code == 200, page.text
    html = page.text
    assert '<h1 id="headline">运城市出台稳经济一揽子政策措施</h1>' in html
    assert "2022-06-03" in html and "运城市发展和改革委员会" in html and "张明" in html
    assert "<p>为贯彻落实国务院稳经济一揽子政策措施" in html
    assert '<a href="http://www.yuncheng.gov.cn/xxgk/fj1.pdf" rel="noreferrer">实施方案.pdf</a>' in html
    assert "repair: none" in html and "Versions (1)" in html
    assert "/archive/versions?url=http" in html and "/raw" in html
    assert "Flags: lost_characters" in repaired.text
    assert raw.status_code == 200 and raw.headers["content-security-policy"] == "sandbox"
    assert "运城市出台稳经济一揽子政策措施".encode("gbk") in raw.content  # the bytes as archived
    assert missing.status_code == 404
    assert {"month": "2022-05", "site": "yuncheng", "articles": 2} in months.json()


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


def dump_dom(chromium: str, url: str, profile: Path, *extra: str) -> str:
    result = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra,
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


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGB bytes) of an 8-bit RGB/RGBA PNG such as Chromium writes."""
    data = path.read_bytes()
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and color in (2, 6) and chunk[12] == 0, "unexpected PNG format"
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    step = 3 if color == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * step, [], bytearray(width * step)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):  # PNG filters: none, sub, up, average, paeth
            a = line[i - step] if i >= step else 0
            b, c = prev[i], prev[i - step] if i >= step else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line if step == 3 else b"".join(line[i:i + 3] for i in range(0, stride, 4))))
        prev = line
    return width, height, rows


# A fontconfig that sees every installed font except those covering Chinese: what a machine
# without fonts-noto-cjk draws (each character a .notdef box), Latin text unchanged.
NO_CJK_FONTS = """<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>
<include ignore_missing="yes">/etc/fonts/fonts.conf</include>
<selectfont><rejectfont><pattern><patelt name="lang"><string>zh-cn</string></patelt></pattern>
</rejectfont></selectfont><cachedir>{cache}</cachedir></fontconfig>"""


def screenshot(chromium: str, url: str, out: Path, profile: Path, env: dict[str, str] | None = None) -> Path:
    result = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--hide-scrollbars",
                             "--window-size=800,400", f"--screenshot={out}", url],
                            capture_output=True, text=True, timeout=90, env=env)
    assert result.returncode == 0 and out.exists(), result.stderr[-2000:]
    return out


def test_serve_article_page_renders_chinese_glyphs_not_boxes(server: str, tmp_path: Path) -> None:
    """The article page, screenshotted in headless Chromium, against the same page drawn with
    no Chinese font: the Latin crumb bar is pixel-identical, the headline and body are not.
    Without a CJK font the two screenshots are identical boxes for boxes."""
    chromium = _chromium()
    fonts = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True)
    assert fonts.stdout.strip(), "no font covers Chinese: install fonts-noto-cjk (`make browser`)"
    url = server + "/archive/articles/1/read"
    assert '<h1 id="headline">运城市召开疫情防控工作会议</h1>' in dump_dom(chromium, url, tmp_path / "p0")
    glyphs = read_png(screenshot(chromium, url, tmp_path / "glyphs.png", tmp_path / "p1"))
    config = tmp_path / "no-cjk.conf"
    config.write_text(NO_CJK_FONTS.format(cache=tmp_path / "fc-cache"))
    boxes = read_png(screenshot(chromium, url, tmp_path / "boxes.png", tmp_path / "p2",
                                env={**os.environ, "FONTCONFIG_FILE": str(config)}))
    assert glyphs[:2] == boxes[:2] == (800, 400)
    crumbs = slice(0, 40)  # "home / archive / articles" on the blue bar: Latin only
    assert glyphs[2][crumbs] == boxes[2][crumbs], "the Latin text should render the same either way"
    differing = [y for y in range(40, 400) if glyphs[2][y] != boxes[2][y]]
    assert len(differing) > 30, "the Chinese text renders exactly as it does with no CJK font: boxes"


def test_serve_chart_of_articles_per_month(server: str, tmp_path: Path) -> None:
    """The canned query's "Chart it" link: datasette-vega draws the series (its bundle is
    served by Datasette, nothing from the internet)."""
    chromium = _chromium()
    page = dump_dom(chromium, server + "/archive/articles_per_month", tmp_path / "p0")
    link = re.search(r'<a href="(#g\.mark=line[^"]+)">Chart it</a>', page)
    assert link, "no chart link in the canned query's description"
    chart = dump_dom(chromium, server + "/archive/articles_per_month" + link.group(1).replace("&amp;", "&"),
                     tmp_path / "p1", "--virtual-time-budget=10000")
    assert re.search(r'<canvas[^>]*class="marks"', chart), "datasette-vega drew no chart"
