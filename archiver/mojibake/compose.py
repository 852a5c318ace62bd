"""repair(): one composition function; each stage is explained in the report.

Stage order (each step's Change offsets index the text that step was applied to):
 1. fast path: no marker (markers.py) -> the text is returned untouched, proven clean;
 2. traditional+pinyin reversal (archiver.mojibake.tradpinyin.reverse, when present), which
    only acts when the page shows the conversion;
 3. HTML character references shown as text (entities.py);
 4. wrong-codec repairs: each marked line read whole first (wholeline.py), then spans
    around the remaining markers (spans.py), one or two rounds; both accepted by the
    Chinese text model with a margin and an exact round trip;
 5. losses: "锟斤拷" put back to U+FFFD, then U+FFFD and '?' runs counted (lossy.py).
Never folds full-width punctuation or straightens quotes: no stage maps characters
one by one; every change is a re-reading of bytes or a decoded reference.
"""
from __future__ import annotations

import logging
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from archiver.budget import Deadline, OverBudget
from archiver.mojibake import dropped
from archiver.mojibake.entities import EXTRA_LAYER, unescape_entities, unescape_extra_layers
from archiver.mojibake.lossy import flag_lost, restore_fffd
from archiver.mojibake.markers import Mark, scan, windows
from archiver.mojibake.report import Change, RepairReport
from archiver.mojibake.spans import ALL_FAMILIES, Candidate, apply, find_candidates, to_changes
from archiver.mojibake.wholeline import line_spans, whole_lines

log = logging.getLogger(__name__)


def _trad_pinyin() -> Callable[[str], Any] | None:
    """The trad+pinyin stage if its module is installed (it is developed separately)."""
    try:
        from archiver.mojibake.tradpinyin.reverse import undo_trad_pinyin
    except ImportError:
        return None
    return undo_trad_pinyin


def repair_spans(text: str, marks: list[Mark], deadline: Deadline | None = None
                 ) -> tuple[str, list[Change], int]:
    """Wrong-codec spans repaired: UTF-8-as-cp1252 with dropped bytes first (dropped.py: no
    strict reading exists there, and the other readings would turn it into other garbage),
    then whole lines (wholeline.py, the fast path for text broken from end to end), then the
    windows around the markers left outside them. Returns the text, the changes and the
    number of characters known lost in spans left as they were (a restored span's U+FFFD
    are counted by the loss stage)."""
    # Entities, losses and pinyin are no reading's: a line or a window that holds only those
    # is never re-read (why: HTML source with &nbsp; left a thousand marks of them to walk)
    readable = [m for m in marks if m[2] & ALL_FAMILIES]
    if not readable:
        return text, [], 0
    lossy = _dropped(text, readable)
    held = sorted((f.start, f.end) for f in lossy)
    if held:
        marks = [m for m in marks if not _held(m[0], m[1], held)]
        readable = [m for m in readable if not _held(m[0], m[1], held)]
    cands = [c for c in whole_lines(text, readable) if not _held(c.start, c.end, held)]
    if cands:
        starts = [c.start for c in cands]  # disjoint and sorted: bisect, not a scan per mark
        marks = [m for m in marks if not _inside(m[0], starts, cands)]
    for start, end, fams in windows(text, marks):
        if not fams & ALL_FAMILIES:
            continue
        if deadline is not None:  # each window is a bounded candidate search: check between them
            deadline.check("repair")
        for cand in find_candidates(text[start:end], families=fams & ALL_FAMILIES):
            cand = replace(cand, start=cand.start + start, end=cand.end + start)
            if not _held(cand.start, cand.end, held):
                cands.append(cand)
    restored = [Candidate(f.start, f.end, f.after, dropped.KIND, f.gain, exact=False)
                for f in lossy if f.restored]
    changes = sorted(to_changes(text, cands) + dropped.to_changes(lossy), key=lambda c: c.start)
    return apply(text, cands + restored), changes, sum(f.lost for f in lossy if not f.restored)


def _dropped(text: str, marks: list[Mark]) -> list[dropped.Found]:
    """Spans of UTF-8 read as cp1252 with dropped bytes, on the lines that Latin markers point to."""
    found: list[dropped.Found] = []
    for start, end, _fams in line_spans(text, [m for m in marks if "latin" in m[2]]):
        found += [replace(f, start=f.start + start, end=f.end + start) for f in dropped.find(text[start:end])]
    return found


def _held(start: int, end: int, held: list[tuple[int, int]]) -> bool:
    """[start, end) overlaps one of the sorted, disjoint `held` spans."""
    i = bisect_right(held, (start, end))
    return (i > 0 and held[i - 1][1] > start) or (i < len(held) and held[i][0] < end)


def _inside(pos: int, starts: list[int], cands: list[Candidate]) -> bool:
    i = bisect_right(starts, pos) - 1
    return i >= 0 and pos < cands[i].end


def _stage_trad_pinyin(text: str) -> tuple[str, list[Change], int, bool]:
    undo = _trad_pinyin()
    if undo is None:
        return text, [], 0, False
    try:
        result = undo(text)
    except Exception:  # a failing optional stage must not cost the other repairs
        log.exception("trad+pinyin stage failed; text left for the other stages")
        return text, [], 0, False
    if result is None:
        return text, [], 0, False
    return result.text, list(result.changes), int(result.lost), True


# Each stage's changes index the text that stage received (report.replay applies them in order).
STEP_REALIGN, STEP_T2S, STEP_ENTITIES, STEP_SPANS, STEP_FFFD, STEP_FLAGS = range(6)


def _at(change: Change, step: int) -> Change:
    return replace(change, step=step)


def repair(text: str, *, markup: bool = False, deadline: Deadline | None = None,
           max_marks: int | None = None) -> RepairReport:
    """Repair mojibake in `text` span by span and report every change and every loss.

    ``markup=True`` says `text` is HTML source (what extraction passes): character
    references are then markup, and only escaping beyond HTML's one level is undone.
    Never raises on any text: a failing stage leaves the text as it came, with the kind
    "repair_failed". Only the budget (``deadline``, ``max_marks``; archiver.budget) raises
    OverBudget, for the caller to degrade.
    """
    try:
        return _repair(text, markup, deadline, max_marks)
    except OverBudget:
        raise
    except Exception as exc:  # noqa: BLE001 - the API contract: a result, never an exception
        log.warning("mojibake repair failed (%s: %s); text left as it was",
                    type(exc).__name__, exc)
        return RepairReport(text=text, changed=False, kinds=["repair_failed"])


def _repair(text: str, markup: bool, deadline: Deadline | None,
            max_marks: int | None) -> RepairReport:
    marks = scan(text, markup=markup) if text else []
    if markup:
        # In HTML source "&gt;" or "&nbsp;" is markup, not damage: only escaping beyond
        # one level ("&amp;ldquo;", "&amp;amp;") may send the text down the slow path.
        marks = [m for m in marks if "entity" not in m[2] or EXTRA_LAYER.match(text, m[0])]
    if not marks:
        return RepairReport(text=text, changed=False)
    if max_marks is not None and len(marks) > max_marks:
        raise OverBudget(f"repair: {len(marks)} mojibake markers (limit {max_marks})")
    families: frozenset[str] = frozenset().union(*(fams for *_, fams in marks))
    changes: list[Change] = []
    current, lost, gbk_pipeline = text, 0, False
    if "pinyin" in families:
        current, step, lost, gbk_pipeline = _stage_trad_pinyin(text)
        # The stage re-aligns bytes first, then converts to simplified: two bases.
        changes += [_at(c, STEP_T2S if c.kind == "t2s" else STEP_REALIGN) for c in step]
    if "entity" in families:
        current, step = (unescape_extra_layers if markup else unescape_entities)(current)
        changes += [_at(c, STEP_ENTITIES) for c in step]
    if deadline is not None:
        deadline.check("repair")
    if current != text:
        marks = scan(current)  # earlier stages moved the text under the markers
    current, step, dropped_lost = repair_spans(current, marks, deadline)
    changes += [_at(c, STEP_SPANS) for c in step]
    lost += dropped_lost
    if "lost" in families or gbk_pipeline or step:
        current, step = restore_fffd(current)
        # a restored dropped-byte span put its U+FFFD there itself: each one counts, even alone
        evidence = any(c.kind == dropped.KIND for c in changes)
        n_lost, flags = flag_lost(current, gbk_pipeline=gbk_pipeline, fffd_evidence=evidence)
        changes += [_at(c, STEP_FFFD) for c in step] + [_at(c, STEP_FLAGS) for c in flags]
        lost += n_lost
    kinds = list(dict.fromkeys(c.kind for c in changes))
    return RepairReport(text=current, changed=current != text, kinds=kinds, lost=lost, changes=changes)
