"""The real sites' recorded pages served on 127.0.0.1 at their own paths and crawled with
their profiles (host rewritten): the recorded article is found through the recorded listing
and archived; links to pages that were not recorded answer 404 and count as errors."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from archiver.testing.siteserver import RequestInfo, SiteServer
from tests.conftest import REAL, REPO, real_page
from tests.crawlkit import FAST, cli, rows


def _articles() -> dict[str, tuple[str, str]]:
    """site -> (recorded article's path, title) for every site with a recorded article and a
    listing (pages.json; a rebuilt listing counts here, the verified flag is checked elsewhere)."""
    out = {}
    for meta in sorted(REAL.glob("*/pages.json")):
        pages = json.loads(meta.read_text(encoding="utf-8"))["pages"]
        art = [p for p in pages if p["kind"] == "article"]
        if art and any(p["kind"] == "listing" for p in pages):
            out[meta.parent.name] = (urlsplit(art[0]["url"]).path, art[0]["title"])
    return out


ARTICLES = _articles()


def _empty_proxy(req: RequestInfo) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "text/xml"}, b"<datastore><recordset></recordset></datastore>"


@pytest.mark.parametrize("site", sorted(ARTICLES))
def test_real_site_crawl(tmp_path: Path, site: str) -> None:
    text = (REPO / "data" / "sites" / f"{site}.toml").read_text(encoding="utf-8")
    listing_url = re.search(r'url = "([^"]+)"', text)[1]
    path = urlsplit(listing_url).path
    root = tmp_path / "site"
    target = root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
    target.parent.mkdir(parents=True)
    shutil.copy(real_page(site, "listing"), target)
    art_path, title = ARTICLES[site]
    (root / art_path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(real_page(site, "article"), root / art_path.lstrip("/"))
    with SiteServer(root, routes={"/module/web/jpage/dataproxy.jsp": _empty_proxy}) as srv:
        host = urlsplit(listing_url).netloc
        local = text.replace(f"{urlsplit(listing_url).scheme}://{host}", srv.base_url)
        local = re.sub(r"allowed_domains = \[[^\]]*\]", 'allowed_domains = ["127.0.0.1"]', local)
        sites = tmp_path / "sites"
        shutil.copytree(REPO / "data" / "sites" / "_cms", sites / "_cms")
        (sites / f"{site}.toml").write_text(local, encoding="utf-8")
        r = cli("crawl", site, "--sites-dir", str(sites), "--db", str(tmp_path / "a.db"), *FAST,
                "-s", "RETRY_TIMES=0")
    db = tmp_path / "a.db"
    stored = rows(db, "SELECT url, title FROM articles")
    assert len(stored) == 1, r.stdout + r.stderr[-2000:]
    assert stored[0][0].endswith(art_path) and title in stored[0][1]
    status, sections = rows(db, "SELECT status, sections FROM runs")[0]
    counts = next(iter(json.loads(sections).values()))
    assert counts["listings"] >= 1 and counts["new"] == 1
    assert status in ("ok", "partial")
