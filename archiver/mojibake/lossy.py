"""Characters gone for good: counted and marked, never guessed.

- "锟斤拷": two U+FFFD (EF BF BD EF BF BD) read as GBK. The bytes behind the U+FFFD
  are gone; the triple is put back to the two U+FFFD it stands for.
- U+FFFD runs: a decoder replaced bytes it could not read. One lone U+FFFD in clean
  text is more often quoted than produced, so it only counts with other evidence.
- '?' runs between hanzi: an encoder wrote '?' for characters it had no code for.
  With evidence of a GBK/CP936 pipeline on the page (trad+pinyin conversion), a single
  '?' glued between two hanzi counts too (刘䶮 -> 劉?).
"""
from __future__ import annotations

import re

from archiver.mojibake.report import Change

GBK_FFFD = re.compile("(?:锟斤拷)+")
FFFD_RUN = re.compile("\ufffd+")
HAN = "\u4e00-\u9fff\u3400-\u4dbf"
QUESTION_RUN = re.compile(f"(?<=[{HAN}])\\?{{2,}}(?=[{HAN}])|\\?{{4,}}")
SINGLE_QUESTION = re.compile(f"(?<=[{HAN}])\\?(?=[{HAN}])")
# A real question mark ends a question: after these it is punctuation, not a lost byte.
QUESTION_FINAL = frozenset("吗嗎呢吧么麼嘛啊呀哪谁誰何啥怎否乎耶哉")


def restore_fffd(text: str) -> tuple[str, list[Change]]:
    changes = []
    out, pos = [], 0
    for m in GBK_FFFD.finditer(text):
        after = "\ufffd" * (2 * len(m.group()) // 3)
        changes.append(Change(m.start(), m.end(), m.group(), after, "lost_gbk_fffd", 0.95))
        out += [text[pos : m.start()], after]
        pos = m.end()
    return "".join(out) + text[pos:], changes


def _question_marks(text: str, gbk_pipeline: bool) -> list[re.Match[str]]:
    found = [m for m in QUESTION_RUN.finditer(text) if text[m.start() - 1 : m.start()] not in QUESTION_FINAL]
    if gbk_pipeline:
        found += [m for m in SINGLE_QUESTION.finditer(text) if text[m.start() - 1] not in QUESTION_FINAL]
    return found


def flag_lost(text: str, gbk_pipeline: bool = False) -> tuple[int, list[Change]]:
    """Count lost characters in `text` and mark where they are (before == after)."""
    fffd = list(FFFD_RUN.finditer(text))
    if sum(len(m.group()) for m in fffd) < 2:
        fffd = []
    marks = sorted(fffd + _question_marks(text, gbk_pipeline), key=lambda m: m.start())
    changes = []
    for m in marks:
        kind = "lost_replacement" if m.group()[0] == "\ufffd" else "lost_question_mark"
        changes.append(Change(m.start(), m.end(), m.group(), m.group(), kind, 0.9))
    return sum(c.end - c.start for c in changes), changes
