"""The extraction result: one frozen record per page, with per-field provenance."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class Article:
    """What `extract` returns. Missing values are None (lists and dicts empty).

    `provenance` maps a field name to the rule that produced it, e.g.
    {"title": "meta:ArticleTitle", "body": "container:TRS_Editor"}.
    """

    url: str
    title: str | None = None
    subtitle: str | None = None
    published_at: str | None = None
    source: str | None = None
    author: str | None = None
    editor: str | None = None
    body: str | None = None
    body_html: str | None = None
    images: list[str] = field(default_factory=list)
    attachments: list[dict[str, str]] = field(default_factory=list)
    doc_fields: dict[str, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    spam: list[str] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)
    decode: dict[str, Any] | None = None
    repair: dict[str, Any] | None = None
    page_kind: str = "article"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable copy (every value is str, list, dict or None)."""
        # not dataclasses.asdict: it deep-copies every leaf through copy.deepcopy, 0.2-0.3 ms
        # an article (mostly the decode and repair reports), eight times this copy, on every
        # crawled page
        return {name: _copied(getattr(self, name)) for name in _FIELD_NAMES}


def _copied(value: Any) -> Any:
    """A copy of the lists and dicts in a JSON-like value (strings and numbers are immutable)."""
    if type(value) is dict:
        return {k: _copied(v) for k, v in value.items()}
    if type(value) is list:
        return [_copied(v) for v in value]
    return value


_FIELD_NAMES = tuple(f.name for f in fields(Article))


_EXPLAINED = ("title", "subtitle", "published_at", "source", "author", "editor", "body")


def explain(article: Article) -> str:
    """Human-readable account of which rule produced each field (`--explain`)."""
    lines = [f"url: {article.url}", f"page_kind: {article.page_kind}"]
    for name in _EXPLAINED:
        value = getattr(article, name)
        rule = article.provenance.get(name, "-")
        shown = "None" if value is None else repr(value[:60] + ("…" if len(value) > 60 else ""))
        lines.append(f"{name:<13} {shown}  <- {rule}")
    if article.doc_fields:
        lines.append("doc_fields: " + ", ".join(f"{k}={v}" for k, v in article.doc_fields.items()))
    lines.append(f"attachments: {len(article.attachments)}  images: {len(article.images)}")
    if article.flags:
        lines.append("flags: " + ", ".join(article.flags))
    for text in article.spam:
        lines.append(f"spam: {text[:80]!r}")
    return "\n".join(lines)
