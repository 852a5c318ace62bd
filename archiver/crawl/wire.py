"""What travels through Redis: frontier entries, requests and finished records, as JSON and zlib.

Never pickle: anyone who can write to Redis could otherwise run code in every worker
and in the writer. A stream entry has three fields: ``t`` (the message type), ``d``
(JSON) and, for a record, ``b`` (the raw response body, zlib-compressed, byte-exact).
"""
from __future__ import annotations

import json
import zlib
from dataclasses import asdict
from typing import Any

from archiver.models import Entry, RawPage

# Message types on the stream, in the order a run produces them.
RUN_START, FRONTIER_ADD, FRONTIER_FINISH, TOUCH, RECORD, RUN_END = (
    "run_start", "frontier_add", "frontier_finish", "touch", "record", "run_end")
# A request kept for a later run (Frontier.retry); a section's walk, stated size or names
# (Frontier.set_walk / set_expected / set_names); a listing or API answer stored as a page.
FRONTIER_RETRY, SECTION, PAGE = "frontier_retry", "section", "page"
RAW_FIELDS = ("url", "final_url", "status", "headers", "method", "request_headers", "fetched_at",
              "site", "section")


def entry_to_json(entry: Entry) -> dict[str, Any]:
    return asdict(entry)


def entry_from_json(data: dict[str, Any]) -> Entry:
    return Entry(data["url"], data["kind"], data["section"], data.get("method", "GET"),
                 tuple(tuple(p) for p in data.get("form") or ()), data.get("page"))


def message(kind: str, data: dict[str, Any], body: bytes | None = None) -> dict[Any, Any]:
    fields: dict[Any, Any] = {"t": kind.encode(), "d": json.dumps(data, ensure_ascii=False).encode("utf-8")}
    if body is not None:
        fields["b"] = zlib.compress(body, 6)
    return fields


def parse(fields: dict[bytes, bytes]) -> tuple[str, dict[str, Any], bytes | None]:
    body = fields.get(b"b")
    return (fields[b"t"].decode(), json.loads(fields[b"d"].decode("utf-8")),
            zlib.decompress(body) if body is not None else None)


def zbody(fields: dict[bytes, bytes]) -> bytes | None:
    """A message's body as it travels, zlib-compressed: the archive stores it so, as it is."""
    return fields.get(b"b")


def record_message(run: str, entry: Entry, raw: RawPage,
                   article: dict[str, Any] | None) -> dict[Any, Any]:
    """A finished page: the record, the raw bytes and headers, and the entry it answers."""
    meta = {k: getattr(raw, k) for k in RAW_FIELDS}
    return message(RECORD, {"run": run, "entry": entry_to_json(entry), "raw": meta,
                            "article": article}, raw.body)


def raw_from_record(data: dict[str, Any], body: bytes) -> RawPage:
    return RawPage(body=body, **data["raw"])


def page_message(run: str, raw: RawPage, kind: str) -> dict[Any, Any]:
    """A listing or API answer, archived as a page (no record)."""
    return message(PAGE, {"run": run, "kind": kind, "raw": {k: getattr(raw, k) for k in RAW_FIELDS}},
                   raw.body)
