"""A per-page processing budget: cheap checks before parsing, limits the stages degrade at,
and a deadline. Pure (a clock is read, nothing else).

Why: libxml2 checks attribute names pairwise (50,000 attributes on one element take minutes),
the mojibake stages cost time per marker (a 1.6 MB line of dense pinyin mojibake took minutes
and 500 MB), and extraction grows faster than the page (30 MB of paragraphs: 100 s, 1 GB).
A crawl must move on, so each page gets a budget:

1. before anything is decoded: a page larger than ``max_bytes`` is ``too_large`` and a page
   whose bytes are mostly control bytes is ``binary``; either is stored raw, unparsed;
2. before parsing: tags with more than ``max_attributes`` attributes lose the excess
   (flag ``attributes_pruned``), so the parse stays linear;
3. repair degrades: a text longer than ``repair_chars``, with more than ``repair_marks``
   markers or more than ``escaped_share`` of its bytes undecodable (no codec reads it, so it
   is no codec's mojibake either), or a repair still running at half the budget, is skipped
   (flag ``repair_skipped``) and extraction reads the decoded text;
4. the deadline (``seconds``) is checked between stages and inside the repair loops: past it
   the page is stored raw with the flag ``over_budget``.
The checks are cooperative: each uninterruptible step (one parse, one regex) is kept small
enough by 1-3 that it cannot overrun the budget by much.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass

from archiver.encoding.declared import sniff_bom, sniff_utf16

# The flags under which a page is kept raw, without extracted fields (archiver.process):
# stored so that `archiver reextract` (with a larger budget, or after a fix) can try again.
RAW_FLAGS = ("too_large", "binary", "over_budget", "extract_failed")
# C0 control bytes that no text page carries (tab, LF, FF, CR and ESC excluded). UTF-8 and
# GB18030 multi-byte sequences never use bytes below 0x30, so these come only from binary data.
_CONTROL_BYTES = bytes((*range(0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)))


@dataclass(frozen=True)
class Budget:
    """Limits for one page (settings ARCHIVER_PAGE_SECONDS and ARCHIVER_PAGE_MAX_BYTES)."""

    seconds: float = 5.0             # the whole page: decode, repair, extract
    max_bytes: int = 2_000_000       # raw bytes; decoding bytes no codec reads costs 2 s per MB
    binary_share: float = 0.02       # control bytes beyond this share: not a text page
    max_attributes: int = 200        # per tag; real pages have a handful
    long_tag: int = 4_000            # characters: only tags this long are counted
    repair_chars: int = 1_000_000    # characters of text the mojibake stages read
    repair_marks: int = 10_000       # mojibake markers (about 0.25 ms of repair each)
    repair_share: float = 0.5        # of the seconds, what repair may use before it is skipped
    escaped_share: float = 0.01      # undecodable bytes (decode's fallback) beyond: no repair

    def deadline(self) -> Deadline:
        return Deadline(self.seconds)

    @classmethod
    def from_settings(cls, seconds: float | None = None, max_bytes: int | None = None) -> Budget:
        """The default budget with the two limits a crawl's settings may change."""
        default = cls()
        return cls(seconds=default.seconds if seconds is None else float(seconds),
                   max_bytes=default.max_bytes if max_bytes is None else int(max_bytes))


class OverBudget(Exception):
    """A stage ran out of its budget; the message says which and why."""


def _clock() -> float:
    # CPU time of this thread: what the page costs, so a machine busy with other work does
    # not push pages over budget (processing does no I/O, so CPU time is nearly all of it).
    return time.thread_time()


class Deadline:
    """A deadline in this thread's CPU seconds, checked between and inside stages."""

    def __init__(self, seconds: float) -> None:
        self.started = _clock()
        self.end = self.started + seconds

    def elapsed(self) -> float:
        return _clock() - self.started

    def check(self, stage: str) -> None:
        if _clock() > self.end:
            raise OverBudget(f"{stage}: over the page budget after {self.elapsed():.1f}s")

    def part(self, share: float) -> Deadline:
        """A sub-deadline ending after ``share`` of the time left (a stage allowed to degrade)."""
        now = _clock()
        sub = Deadline(0)
        sub.started, sub.end = self.started, min(self.end, now + share * max(0.0, self.end - now))
        return sub


def precheck(body: bytes, budget: Budget) -> str | None:
    """``too_large`` or ``binary`` when the page must be kept raw, else None. Runs in C:
    a 30 MB body is measured in milliseconds."""
    if len(body) > budget.max_bytes:
        return "too_large"
    if body and _is_utf16(body):  # UTF-16 text is full of low bytes; the decoder reads it
        return None
    controls = len(body) - len(body.translate(None, _CONTROL_BYTES))
    if body and controls > budget.binary_share * len(body):
        return "binary"
    return None


def _is_utf16(body: bytes) -> bool:
    bom = sniff_bom(body)
    if bom is not None and bom[0].startswith(("utf-16", "utf-32")):
        return True
    return sniff_utf16(body) is not None


_ATTRIBUTE = re.compile(r"""\s+[^\s=/>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']*))?""")


def prune_attributes(text: str, budget: Budget) -> tuple[str, int]:
    """(text, tags pruned): each tag keeps its first ``max_attributes`` attributes.

    libxml2 compares every attribute name with every other one on the same element, so
    a tag with 50,000 attributes costs minutes inside one C call; nothing after it can stop
    that, hence the cut before parsing. Only tags longer than ``long_tag`` characters are
    examined, which a real page rarely has."""
    long_tag = re.compile(r"<[A-Za-z][^<>]{%d,}>" % budget.long_tag)
    pruned = 0

    def cut(match: re.Match[str]) -> str:
        nonlocal pruned
        tag = match.group(0)
        attrs = list(_ATTRIBUTE.finditer(tag, 1, len(tag) - 1))
        if len(attrs) <= budget.max_attributes:
            return tag
        pruned += 1
        keep = attrs[budget.max_attributes - 1].end() if budget.max_attributes else \
            attrs[0].start()
        return tag[:keep] + ">"

    return long_tag.sub(cut, text), pruned
