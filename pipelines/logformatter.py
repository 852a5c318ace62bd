"""Log a dropped page as one line with its reason, not the whole item (raw bytes included)."""
from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult


class ArchiverLogFormatter(LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Any,
                spider: Any) -> LogFormatterResult:
        return {"level": logging.INFO, "msg": "Not archived: %(reason)s",
                "args": {"reason": exception}}
