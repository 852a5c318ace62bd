"""What a page says about its own encoding: BOM, HTTP header charset, meta tags.

Pure functions over bytes and strings. They only read declarations; whether a
declaration is true is decided in archiver.encoding.decoder by decoding the bytes.
"""
from __future__ import annotations

import codecs
import re

from w3lib.encoding import read_bom, resolve_encoding

# Browsers sniff the first 1024 bytes; CMS templates often put the meta after long
# <script>/<link> blocks, so we look further (still cheap: one regex over 8 KB).
META_SCAN_BYTES = 8192

# Any <meta ...> tag; the charset is then looked for anywhere inside it. This
# tolerates what w3lib's stricter regex misses (scrapy/w3lib#155): "httpequiv",
# "http_equiv", content before http-equiv, missing or odd quotes, uppercase.
_META_TAG = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
# One charset parameter, read alike in a Content-Type header (str) and in a meta tag (bytes).
_CHARSET_PARAM = r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)"""
_CHARSET = re.compile(_CHARSET_PARAM.encode("ascii"), re.IGNORECASE)
_HEADER_CHARSET = re.compile(_CHARSET_PARAM, re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml\b[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:\-]+)""")

# GB2312 and GBK pages routinely contain GBK-only or GB18030-only characters (镕, 堃,
# 䶮); browsers decode all three labels as GB18030, a strict superset.
_WIDEN = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030"}
# Labels seen on Chinese pages that the WHATWG table (w3lib) does not know.
_ALIASES = {"x-gbk": "gbk", "x-gb2312": "gb2312", "x-euc-cn": "gb2312", "x-big5": "big5"}
# A meta tag we could read in ASCII cannot truthfully say UTF-16/32 (WHATWG rule).
_ASCII_INCOMPATIBLE = ("utf-16", "utf-32")


def sniff_bom(body: bytes) -> tuple[str, int] | None:
    """(codec, BOM length) when `body` starts with a byte order mark.

    A UTF-8 BOM is reported as "utf-8-sig", the codec that strips it."""
    name, bom = read_bom(body)
    if name is None or bom is None:
        return None
    return ("utf-8-sig" if name == "utf-8" else name), len(bom)


def sniff_utf16(body: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" for BOM-less UTF-16 markup, recognised by its NUL bytes.

    ASCII markup in UTF-16 is valid UTF-8 full of NULs; no page in an
    ASCII-compatible encoding has NULs on every other byte."""
    head = body[:2048]
    if len(head) < 8 or head.count(0) * 4 < len(head):
        return None
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if odd * 2 > len(head) // 2 and even * 8 < len(head) // 2:
        return "utf-16-le"
    if even * 2 > len(head) // 2 and odd * 8 < len(head) // 2:
        return "utf-16-be"
    return None


def header_charset(content_type: object) -> str | None:
    """The charset label in a Content-Type value, as written (None if absent).

    Accepts anything: a missing or garbage header must not stop decoding."""
    if not isinstance(content_type, str):
        return None
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1).lower() if match else None


def meta_charsets(body: bytes) -> list[str]:
    """Charset labels declared by <meta> tags (and an XML declaration) near the top.

    All of them, in document order, as written: pages copied from templates often
    carry two that disagree (dotnetcore/DotnetSpider#132)."""
    head = body[:META_SCAN_BYTES]
    found = []
    xml = _XML_DECL.match(head)
    if xml:
        found.append(xml.group(1).decode("ascii").lower())
    for tag in _META_TAG.finditer(head):
        match = _CHARSET.search(tag.group(0))
        if match:
            found.append(match.group(1).decode("ascii").lower())
    return found


def normalise(label: str | None) -> str | None:
    """The Python codec we decode a declared label with, or None if unknown.

    WHATWG label resolution (w3lib) plus the GB18030 widening. Names are
    Python's canonical codec names ("utf-8", "gb18030", "big5", "cp1252")."""
    if not label:
        return None
    label = _ALIASES.get(label.strip().lower(), label.strip())
    resolved = resolve_encoding(label)
    if resolved is None:
        try:
            resolved = codecs.lookup(label).name
        except (LookupError, ValueError):
            return None
    info = codecs.lookup(resolved)
    # Python's "undefined" codec raises on every input, and rot13/base64 are transforms,
    # not charsets: a page declaring one has declared nothing usable.
    if info.name == "undefined" or not getattr(info, "_is_text_encoding", True):
        return None
    name = info.name
    if name.startswith(_ASCII_INCOMPATIBLE):
        return "utf-8"
    if name == "big5hkscs" and label.replace("-", "").replace("_", "").lower() == "big5":
        # w3lib maps big5 to big5hkscs; plain big5 first keeps the exact code page,
        # and encoding.py falls back to the supersets when it fails.
        return "big5"
    return _WIDEN.get(name, name)
