"""Article extraction: `extract(text, url)` → `Article` (title, date, source, body … with provenance).

Text in: archiver.process decodes and repairs the bytes first."""
from archiver.extraction.article import Article, explain
from archiver.extraction.core import extract

__all__ = ["Article", "explain", "extract"]
