"""Feed exports (``scrapy crawl … -O pages.json``) of what the pipelines made of each page.

An item carries the raw response (``RawPage``: bytes) next to the extracted article; JSON,
CSV and XML cannot hold bytes, so every built-in feed format is given the same exporter with
one flat record per page: the response's metadata with the sha256 and size of its bytes,
then the article's fields and reports. The bytes themselves stay in the archive, which is
where ``archiver export --format warc`` rebuilds responses from.
"""
from __future__ import annotations

import json
from typing import Any

from scrapy import exporters

from archiver.models import RawPage


def feed_record(item: Any) -> dict[str, Any]:
    """One plain, JSON-ready record for an item of the archiver spiders."""
    if not isinstance(item, dict) or not isinstance(item.get("raw"), RawPage):
        return item  # not ours: export as Scrapy would
    raw: RawPage = item["raw"]
    record: dict[str, Any] = {
        "url": raw.url, "final_url": raw.final_url, "status": raw.status,
        "fetched_at": raw.fetched_at, "site": raw.site, "section": raw.section,
        "content_type": raw.content_type, "body_sha256": raw.sha256, "body_size": len(raw.body),
        "outcome": item.get("outcome"), "rejected": item.get("rejected"),
    }
    for key, value in (item.get("article") or {}).items():
        record.setdefault(key, value)  # the response's url, site and section come first
    return record


class _Records:
    def export_item(self, item: Any) -> Any:
        return super().export_item(feed_record(item))  # type: ignore[misc]


class JsonItemExporter(_Records, exporters.JsonItemExporter):
    pass


class JsonLinesItemExporter(_Records, exporters.JsonLinesItemExporter):
    pass


class XmlItemExporter(_Records, exporters.XmlItemExporter):
    pass


class PickleItemExporter(_Records, exporters.PickleItemExporter):
    pass


class MarshalItemExporter(_Records, exporters.MarshalItemExporter):
    pass


# As in `archiver export --format csv` (store/export.py CSV_LEFT_OUT), by the article's field
# names: the reports and the body's HTML run past what a CSV cell holds (Excel: 32,767).
CSV_LEFT_OUT = ("body_html", "decode", "repair", "provenance", "spam")


class CsvItemExporter(_Records, exporters.CsvItemExporter):
    """Lists and dicts (flags, attachments) as JSON text in their cells; the reports and the
    body's HTML left out unless FEED_EXPORT_FIELDS names them."""

    def export_item(self, item: Any) -> Any:
        record = feed_record(item)
        if self.fields_to_export is None and isinstance(record, dict):
            record = {k: v for k, v in record.items() if k not in CSV_LEFT_OUT}
        return super().export_item(record)

    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        if isinstance(value, dict | list | tuple):
            value = json.dumps(value, ensure_ascii=False)
        return super().serialize_field(field, name, value)

