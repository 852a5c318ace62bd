"""Attachments (附件) and images of the article, as absolute URLs."""
from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from lxml import etree

from archiver.extraction.dom import norm, text_content
from archiver.listings.html import DOCUMENT_EXTS

ATTACHMENT_EXTS = DOCUMENT_EXTS
_EXT = re.compile(r"\.(" + "|".join(ATTACHMENT_EXTS) + r")$", re.I)
# necessary condition for _EXT on any candidate: most links (navigation, related articles)
# fail it and skip URL splitting
_EXT_ANYWHERE = re.compile(r"\.(?:" + "|".join(ATTACHMENT_EXTS) + r")", re.I)
# pdf.js viewers and download handlers carry the file in a query parameter
_QUERY_FILE = re.compile(r"(?:file|filename|path|url)=([^&#]+)", re.I)
# Rule script-link: onclick="window.open('….pdf')" and href="javascript:downloadFile('….doc')"
# carry the file as a quoted string argument
_SCRIPT_FILE = re.compile(
    r"""['"]([^'"\s]+?\.(?:""" + "|".join(ATTACHMENT_EXTS) + r""")(?:\?[^'"]*)?)['"]""", re.I)


def _script_file(a: etree._Element) -> str | None:
    href = (a.get("href") or "").strip()
    script = (a.get("onclick") or "") + (href if href.lower().startswith("javascript:") else "")
    if script and (m := _SCRIPT_FILE.search(script)):
        return m.group(1)
    return None


def _ext(href: str, text: str) -> str | None:
    path = urlsplit(href).path
    for candidate in (path, *_QUERY_FILE.findall(urlsplit(href).query), text):
        if m := _EXT.search(candidate.strip()):
            return m.group(1).lower()
    return None


def names_a_file(a: etree._Element, href: str | None = None) -> bool:
    """The link's target, text or title names a document (.pdf, .doc …): the cheap test that
    `attachments` confirms on the URL itself."""
    href = href if href is not None else (_script_file(a) or a.get("href") or "")
    return bool(_EXT_ANYWHERE.search(href) or _EXT_ANYWHERE.search(text_content(a))
                or _EXT_ANYWHERE.search(a.get("title") or ""))


def attachments(anchors: Iterable[etree._Element], base_url: str) -> list[dict[str, str]]:
    """{"url", "text", "ext"} for links to documents, deduplicated by URL, in page order."""
    seen: set[str] = set()
    out: list[dict[str, str]] = []
    for a in anchors:
        href = _script_file(a) or (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        if not names_a_file(a, href):
            continue
        text = norm(text_content(a)) or norm(a.get("title"))
        ext = _ext(href, text)
        if ext is None:
            continue
        url = urljoin(base_url, href)
        if url not in seen:
            seen.add(url)
            out.append({"url": url, "text": text, "ext": ext})
    return out


def _file_icon(img: etree._Element) -> bool:
    """The file-type icon drawn beside (or inside) a link to a document: chrome, not a picture."""
    for a in (img.getnext(), img.getparent()):
        if a is not None and a.tag == "a" and names_a_file(a):
            return True
    return False


def images(tree: etree._Element, base_url: str) -> list[str]:
    """Absolute image URLs in the cleaned body (lazy-load attributes first)."""
    seen: list[str] = []
    for img in tree.iter("img"):
        if _file_icon(img):
            continue
        src = img.get("data-src") or img.get("data-original") or img.get("src") or ""
        src = src.strip()
        if not src or src.startswith("data:"):
            continue
        url = urljoin(base_url, src)
        if url not in seen:
            seen.append(url)
    return seen
