"""One article in full: the record, how it was decoded and repaired, its flags,
attachments and version history, with a unified diff between versions."""
from __future__ import annotations

import difflib
import json
from collections import Counter
from dataclasses import asdict, dataclass
from itertools import pairwise
from typing import Any

from sqlite_utils import Database

from archiver.errors import ArchiverError
from archiver.store.reader import Version, get_article, list_versions

RECORD_FIELDS = ("id", "url", "site", "section", "title", "subtitle", "published_at", "source",
                 "author", "editor", "page_kind", "encoding", "encoding_source", "lost",
                 "version", "first_seen", "last_seen", "content_hash")
_DIFF_FIELDS = ("title", "published_at", "source", "author")
SHOWN_CHANGES = 5


class NotFound(ArchiverError):
    """No article with that URL or id."""


@dataclass(frozen=True)
class VersionDiff:
    from_version: int
    to_version: int
    changed_fields: list[str]
    diff: str  # unified diff of the header fields and body lines


@dataclass(frozen=True)
class ShowReport:
    record: dict[str, Any]  # the articles row, JSON columns parsed, without body_html
    versions: list[Version]
    diffs: list[VersionDiff]

    def to_dict(self) -> dict[str, Any]:
        return {"record": self.record, "versions": [v.to_dict() for v in self.versions],
                "diffs": [asdict(d) for d in self.diffs]}


def show(db: Database, url_or_id: str | int) -> ShowReport:
    record = get_article(db, url_or_id)
    if record is None:
        raise NotFound(f"no article with URL or id {url_or_id!r}")
    record.pop("body_html", None)
    versions = list_versions(db, record["url"])
    diffs = [diff_versions(a, b) for a, b in pairwise(versions)]
    return ShowReport(record, versions, diffs)


def _lines(version: Version) -> list[str]:
    head = [f"{name}: {getattr(version, name) or ''}" for name in _DIFF_FIELDS]
    return [*head, "", *(version.body or "").splitlines()]


def diff_versions(old: Version, new: Version) -> VersionDiff:
    changed = [name for name in (*_DIFF_FIELDS, "body") if getattr(old, name) != getattr(new, name)]
    lines = difflib.unified_diff(
        _lines(old), _lines(new), lineterm="",
        fromfile=f"version {old.version} ({old.fetched_at})",
        tofile=f"version {new.version} ({new.fetched_at})")
    return VersionDiff(old.version, new.version, changed, "\n".join(lines))


def report_text(report: ShowReport, full: bool = False) -> str:
    """The report as terminal text, section by section. The decode and repair reports are
    summarised (a repaired page's report can run to 100 KB); ``full`` prints them whole."""
    rec = report.record
    out = [f"{name:<15} {rec.get(name)}" for name in RECORD_FIELDS if rec.get(name) not in (None, "")]
    out += ["", "body:", rec.get("body") or "(empty)"]
    if full:
        out += _section("decode report", rec.get("decode_report"))
        out += _section("repair report", rec.get("repair_report"))
    else:
        out += _section("decode", decode_summary(rec.get("decode_report")))
        out += ["", *repair_summary(rec.get("repair_report"))]
    out += _section("flags", rec.get("flags"))
    out += _section("spam removed", rec.get("spam"))
    out += _section("attachments", [_attachment(a) for a in rec.get("attachments") or []])
    out += _section("provenance", rec.get("provenance"))
    out += ["", f"versions ({len(report.versions)}):"]
    out += [f"  v{v.version}  fetched {v.fetched_at}  {v.title}" for v in report.versions]
    for diff in report.diffs:
        out += ["", (f"changes v{diff.from_version} -> v{diff.to_version}:"
                    f" {', '.join(diff.changed_fields) or 'none'}"), diff.diff]
    return "\n".join(out)


def decode_summary(report: Any) -> str | None:
    """One line: the encoding, how it was decided, and what disagreed."""
    if not isinstance(report, dict):
        return None
    line = f"{report.get('encoding')} from {report.get('source')}"
    if report.get("disagreement"):
        line += f"; {report['disagreement']}"
    if report.get("undecodable"):
        line += f"; {report['undecodable']} undecodable bytes kept as escapes"
    return line


def repair_summary(report: Any, first: int = SHOWN_CHANGES) -> list[str]:
    """The repair report in a few lines: changes per kind, then the first few changes."""
    if not isinstance(report, dict) or not report.get("changed"):
        return ["repair: none"]
    changes = [c for c in report.get("changes") or [] if isinstance(c, dict)]
    kinds = Counter(str(c.get("kind")) for c in changes)
    head = ", ".join(f"{kind} {n}" for kind, n in kinds.most_common()) or ", ".join(report.get("kinds") or [])
    lines = [f"repair: {len(changes)} changes ({head})"
             + (f"; {report['lost']} characters lost for good" if report.get("lost") else "")]
    for change in changes[:first]:
        lines.append(f"  {change.get('kind')}: {_clip(change.get('before'))} -> {_clip(change.get('after'))}")
    if len(changes) > first:
        lines.append(f"  … {len(changes) - first} more (archiver show --full)")
    return lines


def _clip(text: Any, limit: int = 30) -> str:
    text = str(text or "")
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _attachment(item: Any) -> str:
    if isinstance(item, dict):
        return f"{item.get('name') or item.get('text') or ''} {item.get('url') or ''}".strip()
    return str(item)


def _section(title: str, value: Any) -> list[str]:
    if not value:
        return ["", f"{title}: none"]
    if isinstance(value, list):
        return ["", f"{title}:", *(f"  - {_plain(v)}" for v in value)]
    if isinstance(value, dict):
        return ["", f"{title}:", *(f"  {k}: {_plain(v)}" for k, v in value.items())]
    return ["", f"{title}: {value}"]


def _plain(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
