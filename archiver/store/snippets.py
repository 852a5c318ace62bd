"""Snippets: the text around a search's terms, with the terms marked 【like this】.

Hand-written rather than FTS5's snippet(): the terms are literal strings, so a regex
finds them exactly, while snippet() re-tokenises every returned body (about 0.3 ms a
row, more than ranking the whole archive) and knows nothing of the short-word index.
"""
from __future__ import annotations

import re

from archiver.textwidth import ELLIPSIS, clip, width

MARK_OPEN, MARK_CLOSE = "【", "】"
# Display columns: a snippet fits the 40-column cell of a terminal table (a CJK character
# takes two), and is centred on the hit so the hit is never what gets cut.
SNIPPET_COLUMNS = 40
_WINDOW = 15   # characters in which distinct terms count as close together


def make_snippet(body: str, terms: list[str], columns: int = SNIPPET_COLUMNS) -> str:
    """Text around the place where the most distinct terms occur close together (the
    first such place), at most ``columns`` display columns, centred on that hit, with every
    term occurrence that fits marked 【like this】; ASCII case is ignored, as the FTS indexes
    ignore it."""
    flat = body.replace("\n", " ")
    hits = sorted((m.start(), m.end(), t) for t in terms if t
                  for m in re.finditer(re.escape(t), flat, re.IGNORECASE))
    if not hits:
        return clip(flat, columns)
    first = _densest(hits, _WINDOW)
    hit_end = max(e for s, e, _ in hits if s == first)
    used = width(flat[first:hit_end]) + 2 * width(MARK_OPEN)
    room = max(0, columns - used - 2 * width(ELLIPSIS))
    start, left = first, room // 2
    while start > 0 and width(flat[start - 1]) <= left:
        start -= 1
        left -= width(flat[start])
    end, right = hit_end, room - (room // 2 - left)
    while end < len(flat) and width(flat[end]) <= right:
        right -= width(flat[end])
        end += 1
    parts, cursor = [], start
    for s, e, _ in hits:
        if s >= cursor and e <= end:
            parts += [flat[cursor:s], MARK_OPEN, flat[s:e], MARK_CLOSE]
            cursor = e
    parts.append(flat[cursor:end])
    text = ("…" if start else "") + "".join(parts) + ("…" if end < len(flat) else "")
    # Marks of further hits inside the window may take the columns the ellipses left;
    # trimming the far end keeps the centre (the hit) whole.
    while width(text) > columns and parts[-1]:
        parts[-1] = parts[-1][:-1]
        text = ("…" if start else "") + "".join(parts) + "…"
    return text


def _densest(hits: list[tuple[int, int, str]], width: int) -> int:
    """Start of the first hit whose ``width`` characters hold the most distinct terms
    (a sliding window: a body can hold thousands of hits of a one-character term)."""
    counts: dict[str, int] = {}
    best, best_count, right = hits[0][0], 0, 0
    for left, (pos, _, _) in enumerate(hits):
        while right < len(hits) and hits[right][0] < pos + width:
            counts[hits[right][2]] = counts.get(hits[right][2], 0) + 1
            right += 1
        if len(counts) > best_count:
            best, best_count = pos, len(counts)
        term = hits[left][2]
        counts[term] -= 1
        if not counts[term]:
            del counts[term]
    return best
