"""Article extraction: `extract(html, url)` → `Article` (title, date, source, body … with provenance)."""
from .article import Article, explain
from .core import extract

__all__ = ["Article", "explain", "extract"]
