"""Per-article decisions of the demo site: how each page shows its metadata, which
bytes and headers it is served with, which pages are corrupted, and the expected
record that the crawl must reproduce."""
from __future__ import annotations

import datetime as dt
import posixpath
from html import escape
from pathlib import Path

import content
import templates as t
from archiver.testing.simulate import corrupt_like_seed
from variants import Variant

SEED_FILE = Path(__file__).resolve().parent / "seed.txt"
SEED_TITLE = "人民网《稳中求进看山西》栏目聚焦我市——行稳致远 运城凝神聚力战“双线”"
CORRUPTED = {"我市扎实有序推进综合行政执法改革", "全市各级团、队组织收听收看庆祝中国共产主义青年团成立100周年大会",
             "我市党员干部下沉社区助力疫情防控"}
EDITORS = ["王磊", "李娜", "张伟"]
SERVERS = {"zwyw": "nginx", "bmdt": "Apache-Coyote/1.1", "tzgg": "Microsoft-IIS/8.5", "djgz": "nginx/1.18.0"}
ATTACHMENTS = {  # (section, index) -> files
    ("zwyw", 2): [("pdf", "河东市支持民营经济高质量发展二十条措施.pdf", "P020240305512345678901.pdf")],
    ("tzgg", 1): [("pdf", "河东市2024年公开招聘社区专职工作者岗位表.pdf", "P020240422390817264532.pdf"),
                  ("doc", "报名登记表.doc", "P020240422390817264533.doc")],
    ("tzgg", 2): [("doc", "2024年度市级科技计划项目申报书.doc", "P020240226117305829146.doc")],
    ("tzgg", 4): [("pdf", "河东市养犬管理办法（征求意见稿）.pdf", "P020231030640128833705.pdf")],
}


def _shown(sec_key: str, i: int, date: str, time: str) -> tuple[str, str]:
    """(date as the page shows it, ISO 8601 published_at)."""
    iso = f"{date}T{time}:00+08:00" if time else date
    y, m, d = date.split("-")
    if sec_key == "bmdt":
        return (f"{y}年{m}月{d}日" if i % 2 == 0 else f"{y}年{int(m)}月{int(d)}日"), iso
    if sec_key == "djgz":
        return f"{y}年{m}月{d}日", iso
    return (f"{date} {time}" if time else date), iso


def article_record(sec, i: int, row: tuple, ident: int, variant: Variant = Variant()) -> dict:
    key = sec.key
    title, date, *rest = row
    time, author, kinds = "", "", ()
    if key == "zwyw":
        time, source, author, theme = rest
    elif key == "bmdt":
        source, author, theme = rest
    elif key == "tzgg":
        source, theme, kinds = rest
        time = f"09:{(10 + 7 * i) % 60:02d}" if i % 3 == 1 else ""
    else:
        source, theme = rest
    paragraphs = content.body_paragraphs(title, date, theme, ident)
    non_gb2312 = key == "zwyw" and i in (1, 5)
    if non_gb2312:
        paragraphs.insert(1, content.NON_GB2312_PARAGRAPH)
    shown, iso = _shown(key, i, date, time)
    signed = dt.date.fromisoformat(date) - dt.timedelta(days=2)  # 成文日期 precedes 发布日期
    return {
        "section_key": key, "section": sec.name, "layout": sec.layout, "index": i, "id": ident,
        "title": title, "date": date, "shown_date": shown, "published_at": iso, "source": source,
        "author": author or None, "editor": EDITORS[i % 3] if key == "zwyw" and i % 3 == 0 else "",
        "paragraphs": paragraphs, "with_meta": key == "zwyw" and i % 5 != 3,
        "signed": f"{signed.year}年{signed.month}月{signed.day}日", "clicks": 100 + ident % 1900,
        "file_specs": [{"kind": k, "name": n, "file": f} for k, n, f in ATTACHMENTS.get((key, i), [])],
        "corrupted": title in CORRUPTED, "seed": False,
        "serving": serving(key, i, title in CORRUPTED, non_gb2312, variant),
        "changes": variant.changes,
    }


def seed_record(sec, ident: int) -> dict:
    """The real seed page, embedded as it was found (UTF-8, already corrupted)."""
    return {
        "section_key": sec.key, "section": sec.name, "layout": "seed", "index": -1, "id": ident,
        "title": SEED_TITLE, "date": "2022-05-20", "published_at": "2022-05-20", "source": "运城日报",
        "author": "张婷婷 陈永年", "editor": "", "file_specs": [], "corrupted": True, "seed": True,
        "serving": {"encoding": "utf-8", "header": "text/html; charset=utf-8", "meta": t.charset_meta("utf-8"),
                    "gzip": False},
    }


def serving(key: str, i: int, corrupted: bool, non_gb2312: bool, variant: Variant = Variant()) -> dict:
    """Bytes and declarations, varied as real servers vary them (None header = no sidecar)."""
    if variant.has("charset_changed"):  # the new template is UTF-8 throughout, and says so
        return {"encoding": "utf-8", "header": "text/html; charset=utf-8",
                "meta": t.charset_meta("utf-8", "html5"), "gzip": False}
    enc, header, meta, gz = "gbk", None, t.charset_meta("gb2312"), False
    if key == "zwyw":
        header = [None, "text/html; charset=GBK", "text/html; charset=utf-8", "text/html;charset=gb2312"][i % 4]
        meta = t.charset_meta("gbk", "html5") if i % 2 and not non_gb2312 else t.charset_meta("gb2312")
        gz = i % 4 == 1
    elif key == "bmdt":
        if i % 5 == 4:  # GBK bytes under a lying UTF-8 header
            header = "text/html; charset=UTF-8"
        else:
            enc, meta = "utf-8", t.charset_meta("utf-8", "html5")
            header = "text/html; charset=utf-8" if i % 2 == 0 else None
            if i == 2:  # the meta disagrees with the (true) header
                meta = t.charset_meta("gb2312")
    elif key == "tzgg":
        meta = t.charset_meta("gbk")
        header = {1: "text/html; charset=GBK", 3: "text/html; charset=ISO-8859-1"}.get(i)
        gz = i == 1
    elif corrupted:  # the mirror serves its mangled copy as UTF-8
        enc, header, meta = "utf-8", "text/html; charset=utf-8", t.charset_meta("utf-8")
    elif i == 1:
        header = "text/html; charset=GB2312"
    return {"encoding": enc, "header": header, "meta": meta, "gzip": gz}


def listing_href(sec, rec: dict) -> str:
    if sec.pagination == "trs_script":
        return "./" + rec["path"].split("/", 2)[2]  # ./202205/t20220520_123456.html
    return rec["path"]


def file_href(rec: dict, spec: dict) -> str:
    if rec["layout"] == "trs":
        return "./" + spec["file"]  # TRS links attachments relative to the article
    return f"/upload/{rec['date'][:4]}/{rec['date'][5:7]}/{spec['file']}"


def attachment_path(rec: dict, href: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(rec["path"]), href)) if href.startswith(".") else href


def article_html(rec: dict) -> str:
    if rec["seed"]:
        return seed_html(rec)
    render = {"trs": t.article_trs, "zoom": t.article_zoom, "custom": t.article_custom, "party": t.article_party}
    html = render[rec["layout"]](rec, rec["serving"]["meta"])
    if rec["corrupted"]:
        html = corrupt_like_seed(html, seed=0)
        spam = "国产高清天天在线,国产真实露脸一区二区三区,无码在线观看亚洲高清,久久久91亚洲视频"
        html = html.replace('<div class="footer">', f'<div class="link">{spam}</div>\n<div class="footer">', 1)
    return html


def seed_html(rec: dict) -> str:
    lines = [line.strip() for line in SEED_FILE.read_text("utf-8").splitlines()]
    chrome, title, info, byline = lines[:4], lines[5], lines[8], lines[10]
    body = [line for line in lines[12:100] if line]
    parts = [t.head(title + "-河东党建网", rec["serving"]["meta"]), t.banner()]
    parts += [f'<div class="top">{escape(c)}</div>\n' for c in chrome]
    parts += [f'<div class="title">{escape(title)}</div>\n<div class="share">分享到:</div>\n',
              f'<div class="fbsj">{escape(info)}</div>\n<p class="byline">{escape(byline)}</p>\n',
              '<div class="content">\n', t.paragraphs_html(body), "</div>\n",
              f'<div class="prevnext">{escape(lines[101])}</div>\n<div class="link">{escape(lines[102])}</div>\n',
              f'<div class="footer"><p>{escape(lines[104])}</p></div>\n</body>\n</html>\n']
    return "".join(parts)


# What a 加速乐-style shield answers instead of the article (archiver.crawl.blocking knows it).
CHALLENGE = (b'<html><head><meta charset="utf-8"></head><body><script>document.cookie="__jsl_clearance='
             b'1656316800.123|0|demo";location.href=location.pathname+location.search</script></body></html>')


def article_files(rec: dict, variant: Variant = Variant()) -> dict[str, tuple[bytes, dict | None]]:
    srv = rec["serving"]
    if variant.has("challenge"):
        return {rec["path"]: (CHALLENGE, {"status": 200, "headers": {
            "Content-Type": "text/html", "Set-Cookie": "__jsluid_h=demo; path=/"}})}
    body = article_html(rec).encode(srv["encoding"])
    sidecar = None
    if srv["header"] is not None:
        sidecar = {"status": 200, "headers": {"Server": SERVERS[rec["section_key"]], "Content-Type": srv["header"]}}
        if srv["gzip"]:
            sidecar["gzip"] = True
    files = {rec["path"]: (body, sidecar)}
    for spec, (href, _) in zip(rec["file_specs"], rec["files"]):
        files[attachment_path(rec, href)] = (attachment_bytes(spec), None)
    return files


def attachment_bytes(spec: dict) -> bytes:
    from attachments import doc_bytes, pdf_bytes  # small writers kept apart from page logic

    return pdf_bytes(spec["file"]) if spec["kind"] == "pdf" else doc_bytes(spec["name"])


def expected_record(rec: dict) -> dict:
    return {
        "path": rec["path"], "section": rec["section"], "title": rec["title"],
        "published_at": rec["published_at"], "source": rec["source"], "author": rec["author"],
        "editor": rec["editor"] or None,
        "attachments": [attachment_path(rec, href) for href, _ in rec["files"]],
        "corrupted": rec["corrupted"], "encoding": rec["serving"]["encoding"],
        "content_type": rec["serving"]["header"], "layout": rec["layout"],
        "has_meta_tags": rec.get("with_meta", False),
    }
