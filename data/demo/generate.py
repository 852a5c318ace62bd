"""Write the demo site (data/demo/site/) and its expected records (data/demo/expected.json).

Run from the repository root: ``.venv/bin/python data/demo/generate.py [OUT_DIR]``.
Deterministic: a rerun writes the same bytes and leaves unchanged files untouched
(so their mtimes, and the server's Last-Modified, stay put).
"""
from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent.parent)]  # content/templates here, archiver at the root

import content  # noqa: E402
import pages  # noqa: E402
import static  # noqa: E402
import templates as t  # noqa: E402
from variants import CHANGES, Variant, later_rows  # noqa: E402

log = logging.getLogger("demo.generate")


@dataclass(frozen=True)
class Section:
    key: str
    name: str
    pagination: str  # "next_link" | "trs_script"
    per_page: int
    layout: str


SECTIONS = [
    Section("zwyw", "政务要闻", "trs_script", 10, "trs"),
    Section("bmdt", "部门动态", "next_link", 8, "zoom"),
    Section("tzgg", "通知公告", "next_link", 5, "custom"),
    Section("djgz", "党建工作", "trs_script", 5, "party"),
]


MOVED_PREFIX = "/xwzx"  # where the section_moved change puts 政务要闻


def article_path(sec: Section, date: str, ident: int, variant: Variant = Variant()) -> str:
    y, m, d = date.split("-")
    if variant.has("links_changed"):  # the new CMS: one shape for every section
        return f"/{sec.key}/content/{ident}.shtml"
    if sec.key == "bmdt":  # Hanweb JCMS
        return f"/art/{y}/{int(m)}/{int(d)}/art_{1021}_{ident}.html"
    if sec.key == "tzgg":  # custom CMS
        return f"/tzgg/content/post_{ident}.html"
    return f"/{sec.key}/{y}{m}/t{y}{m}{d}_{ident}.html"  # TRS WCM


def listing_path(sec: Section, page: int, variant: Variant = Variant()) -> tuple[str, str]:
    """(href as written in the pager, URL path) of listing page ``page`` (0-based)."""
    if sec.pagination == "trs_script":
        name = "index.html" if page == 0 else f"index_{page}.html"
        moved = MOVED_PREFIX if variant.has("section_moved") and sec.key == "zwyw" else ""
        return name, f"{moved}/{sec.key}/{name}"
    if sec.key == "tzgg":  # query-string pages: list.html?page=2
        href = "list.html" if page == 0 else f"list.html?page={page + 1}"
        return href, f"/{sec.key}/{href}"
    name = "list.html" if page == 0 else f"list_{page + 1}.html"
    return name, f"/{sec.key}/{name}"


def records(variant: Variant = Variant()) -> list[dict]:
    """Every article of the site as a dict of what it shows and how it is served."""
    out: list[dict] = []
    bundled = (content.ZWYW, content.BMDT, content.TZGG, content.DJGZ)
    for sec, rows in zip(SECTIONS, bundled):
        for i, row in enumerate(rows):
            out.append(pages.article_record(sec, i, row, 1048000 - 37 * len(out), variant))
        if sec.key == "djgz":
            out.append(pages.seed_record(sec, 1048000 - 37 * len(out)))
    # Later days come after every bundled record, so the bundled ids never move.
    for n, (sec, rows) in enumerate(zip(SECTIONS, bundled)):
        for j, row in enumerate(later_rows(sec.key, variant.day)):
            out.append(pages.article_record(sec, len(rows) + j, row, 1050000 + 1000 * n + j, variant))
    for rec in out:
        sec = next(s for s in SECTIONS if s.key == rec["section_key"])
        rec["path"] = article_path(sec, rec["date"], rec["id"], variant)
    return out


def link_neighbours(recs: list[dict]) -> None:
    for sec in SECTIONS:
        mine = sorted((r for r in recs if r["section_key"] == sec.key), key=lambda r: r["date"], reverse=True)
        for i, rec in enumerate(mine):
            rec["next"] = (mine[i - 1]["path"], mine[i - 1]["title"]) if i > 0 else None
            rec["prev"] = (mine[i + 1]["path"], mine[i + 1]["title"]) if i + 1 < len(mine) else None
            rec["related"] = [(r["path"], r["title"]) for r in mine[i + 2:i + 4]]
            rec["files"] = [(pages.file_href(rec, f), f["name"]) for f in rec["file_specs"]]


def listing_pages(sec: Section, recs: list[dict], variant: Variant = Variant()) -> dict[str, str]:
    """URL path -> html of each listing page of a section."""
    mine = sorted((r for r in recs if r["section_key"] == sec.key), key=lambda r: r["date"], reverse=True)
    moved = variant.has("section_moved") and sec.key == "zwyw"
    # A moved listing links its articles where they stayed (absolute paths).
    items = [(r["path"] if moved else pages.listing_href(sec, r), r["title"], r["date"]) for r in mine]
    if sec.key == "zwyw":  # a withdrawn item: the link answers 200 with "页面不存在"
        withdrawn = "/zwyw/202301/t20230105_1000001.html" if moved else "./202301/t20230105_1000001.html"
        items.insert(13, (withdrawn, "关于市政府领导同志工作分工调整的通知", "2023-01-05"))
    count = -(-len(items) // sec.per_page)
    result = {}
    for page in range(count):
        chunk = items[page * sec.per_page:(page + 1) * sec.per_page]
        if sec.pagination == "trs_script":
            pager = t.trs_pager(count, page)
        else:
            href = lambda k: listing_path(sec, k, variant)[0]  # noqa: E731
            pager = t.next_link_pager([
                ("首页", href(0) if page else None), ("上一页", href(page - 1) if page else None),
                ("下一页", href(page + 1) if page + 1 < count else None),
                ("尾页", href(count - 1) if page + 1 < count else None)], page + 1, count)
        charset = "utf-8" if variant.has("charset_changed") else "gb2312"
        html = t.listing_page(sec.name, t.listing_items(chunk), pager, t.charset_meta(charset))
        result[listing_path(sec, page, variant)[1]] = html
    return result


def expected(recs: list[dict]) -> dict:
    sections = []
    for sec in SECTIONS:
        mine = sorted((r for r in recs if r["section_key"] == sec.key), key=lambda r: r["date"], reverse=True)
        sections.append({"key": sec.key, "name": sec.name, "start_path": listing_path(sec, 0)[1],
                         "pagination": sec.pagination, "layout": sec.layout,
                         "listing_paths": sorted(listing_pages(sec, recs)),
                         "article_paths": [r["path"] for r in mine]})
    articles = [pages.expected_record(r) for r in sorted(recs, key=lambda r: r["path"])]
    return {"site": t.SITE_NAME, "sections": sections, "articles": articles,
            "soft_404": ["/zwyw/202301/t20230105_1000001.html"]}


def build(site: Path, variant: Variant = Variant()) -> dict:
    recs = records(variant)
    link_neighbours(recs)
    files: dict[str, tuple[bytes, dict | None]] = {}
    listing_charset = "utf-8" if variant.has("charset_changed") else "gbk"
    for sec in SECTIONS:
        for path, html in listing_pages(sec, recs, variant).items():
            files[path] = (html.encode(listing_charset), None)
            if variant.has("section_moved") and path.startswith(MOVED_PREFIX + "/"):
                old = path[len(MOVED_PREFIX):]  # the old address answers 301 to the new one
                files[old] = (b"", {"status": 301, "headers": {"Location": path, "Content-Type": "text/html"}})
    for rec in recs:
        files.update(pages.article_files(rec, variant))
    files.update(static.static_files(recs))
    write_tree(site, files)
    return expected(recs)


def write_tree(site: Path, files: dict[str, tuple[bytes, dict | None]]) -> None:
    """Write each file (query-mapped names as the site server reads them) and remove strays."""
    from archiver.testing.siteserver import SIDECAR_SUFFIX, query_file_name

    wanted: set[Path] = set()
    for url_path, (body, sidecar) in sorted(files.items()):
        path_part, _, query = url_path.partition("?")
        target = site / path_part.lstrip("/")
        if query:
            target = target.with_name(query_file_name(target.name, query))
        outputs = [(target, body)]
        if sidecar is not None:
            text = json.dumps(sidecar, ensure_ascii=False, indent=1) + "\n"
            outputs.append((target.with_name(target.name + SIDECAR_SUFFIX), text.encode("utf-8")))
        for out, data in outputs:
            wanted.add(out)
            if not out.is_file() or out.read_bytes() != data:
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(data)
    for stray in [p for p in site.rglob("*") if p.is_file() and p not in wanted]:
        log.info("removing stale %s", stray)
        stray.unlink()


def main(argv: list[str]) -> None:
    """``generate.py [OUT_DIR] [--day N] [--change NAME ...] [--template 2]``: write
    OUT_DIR/site and OUT_DIR/expected.json (default: here, the bundled snapshot)."""
    import argparse

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("out", nargs="?", type=Path, default=HERE)
    parser.add_argument("--day", type=int, default=0, help="days of news after the snapshot")
    parser.add_argument("--change", action="append", default=[], choices=sorted(CHANGES))
    parser.add_argument("--template", type=int, choices=(1, 2), default=1,
                        help="2: the redesigned site (every change at once)")
    args = parser.parse_args(argv)
    changes = frozenset(CHANGES) if args.template == 2 else frozenset(args.change)
    out = args.out
    exp = build(out / "site", Variant(args.day, changes))
    text = json.dumps(exp, ensure_ascii=False, indent=1) + "\n"
    (out / "expected.json").write_text(text, "utf-8")
    log.info("%d articles in %d sections", len(exp["articles"]), len(exp["sections"]))


if __name__ == "__main__":
    main(sys.argv[1:])
