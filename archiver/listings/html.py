"""What listings and extraction both read off a page's HTML: its base URL and its file links."""
from __future__ import annotations

from urllib.parse import urljoin

from lxml import etree

# Documents a government page links to as attachments (附件), WPS/OFD/CEB formats included.
DOCUMENT_EXTS = ("pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "ppt", "pptx", "ofd", "ceb", "txt",
                 "zip", "rar", "7z")
# Images, video and page assets: files too, never articles.
ASSET_EXTS = ("jpg", "jpeg", "png", "gif", "mp4", "css", "js")


def page_base(root: etree._Element, url: str) -> str:
    """Rule base-href: relative links resolve against the page's <base href> when it has one
    (集约化 templates served from /module/… set it to the column's directory). As in HTML, the
    first <base> with an href attribute counts, and an empty href is the page's own URL."""
    for el in root.iter("base"):
        if (href := el.get("href")) is not None:
            try:
                return urljoin(url, href.strip())
            except ValueError:  # "http://[::1" is no URL: links resolve against the page's
                return url
    return url
