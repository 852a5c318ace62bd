"""Issue 11: the crawl never leaves its site. Every redirect hop passes the same scope check as
a link; the stored page keeps its redirect chain and final URL; nothing is asked of any other
host (a second server on 127.0.0.2 counts what reaches it, and a socket guard inside the crawl
process records and refuses any other address, DNS look-ups included)."""
from __future__ import annotations

import json
from pathlib import Path

from archiver.testing.siteserver import SiteServer
from tests.crawlkit import FAST, article_html, cli, rows, write_profile

GUARD = '''
import socket
_LOG = {log!r}
_LOOP = ("127.", "::1", "localhost")
def _ok(host):
    return isinstance(host, str) and host.startswith(_LOOP)
def _note(what):
    with open(_LOG, "a") as f:
        f.write(what + "\\n")
_connect, _gai = socket.socket.connect, socket.getaddrinfo
def connect(self, address):
    if isinstance(address, tuple) and not _ok(address[0]):
        _note(f"connect {{address!r}}")
        raise ConnectionRefusedError("not loopback")
    return _connect(self, address)
def getaddrinfo(host, *args, **kwargs):
    if not _ok(host if not isinstance(host, bytes) else host.decode()):
        _note(f"getaddrinfo {{host!r}}")
        raise OSError("not loopback")
    return _gai(host, *args, **kwargs)
socket.socket.connect, socket.getaddrinfo = connect, getaddrinfo
'''


def _sidecar(root: Path, rel: str, status: int, headers: dict[str, str], body: str = "") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    (root / f"{rel}.headers.json").write_text(json.dumps({"status": status, "headers": headers}))


def test_offsite_redirects_not_followed_and_nothing_offsite(tmp_path: Path) -> None:
    site, away = tmp_path / "site", tmp_path / "away"
    (away / "x.html").parent.mkdir(parents=True)
    site.mkdir()
    (away / "x.html").write_text(article_html("站外页面标题不应被存档的内容", "2023-01-01"), encoding="utf-8")
    with SiteServer(away, host="127.0.0.2") as other, SiteServer(site) as srv:
        port, base = srv.port, srv.base_url
        for rel, title in (("a/ok.html", "本站正常文章标题关于工作部署"), ("a/moved_to.html", "站内跳转后的文章标题关于部署")):
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / rel).write_text(article_html(title, "2023-05-05"), encoding="utf-8")
        _sidecar(site, "a/away.html", 302, {"Location": other.url("/x.html")})
        _sidecar(site, "a/local.html", 302, {"Location": f"http://localhost:{port}/a/ok.html"})
        _sidecar(site, "a/moved.html", 301, {"Location": "/a/moved_to.html"})
        _sidecar(site, "a/521.html", 521, {"Set-Cookie": "__jsluid_h=1; path=/; domain=.example.com.cn",
                                           "Content-Type": "text/html"}, "<script>x</script>")
        links = ["a/ok.html", "a/away.html", "a/local.html", "a/moved.html", "a/521.html"]
        (site / "list.html").write_text("<ul>" + "".join(
            f'<li><a href="/{p}">新闻标题{i}关于推进重点工作</a></li>' for i, p in enumerate(links))
            + "</ul>", encoding="utf-8")
        write_profile(tmp_path / "sites", srv.base_url,
                      sections=[("news", "/list.html", 'article_selector = "ul a"\n')])
        guard_dir, attempts = tmp_path / "guard", tmp_path / "attempts.log"
        guard_dir.mkdir()
        (guard_dir / "sitecustomize.py").write_text(GUARD.format(log=str(attempts)))
        r = cli("crawl", "fixture", "--sites-dir", str(tmp_path / "sites"), "--db",
                str(tmp_path / "a.db"), *FAST, "-s", "ARCHIVER_BLOCK_LIMIT=10",
                env={"PYTHONPATH": str(guard_dir), "TLDEXTRACT_CACHE": str(tmp_path / "tld")})
        assert other.requests == [], r.stderr[-2000:]
        served = {path for _, path in srv.requests}
    assert not attempts.exists(), attempts.read_text()
    assert served <= {"/robots.txt", "/list.html", *(f"/{p}" for p in links), "/a/moved_to.html"}
    db = tmp_path / "a.db"
    stored = {u.rsplit("/", 1)[1] for (u,) in rows(db, "SELECT url FROM articles")}
    assert stored == {"ok.html", "moved.html"}, r.stderr[-2000:]
    final, chain = rows(db, "SELECT final_url, redirects FROM pages WHERE url LIKE '%moved.html'")[0]
    assert final.endswith("/a/moved_to.html")
    assert json.loads(chain) == [{"url": f"{base}/a/moved.html", "status": 301}]
    assert "offsite" in r.stderr
