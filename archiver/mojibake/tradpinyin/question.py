"""The '?' of the mirror's CP936 decoder: an invalid pair that swallowed the byte after it.

In step, '?' before "syllable)" is [lead of the next character]['(' swallowed], the key of a
misaligned annotation; '?!' is the lost 0xA1 of 。 (forensics, step 3). Out of step, '?' is
[trail of the pending character][an ASCII byte swallowed]: '(' when "syllable)" follows, '<'
when a tag does, otherwise a byte that is lost.
"""
from __future__ import annotations

import re
from functools import lru_cache

from archiver.mojibake.report import Change
from archiver.mojibake.tradpinyin import syllables as ps
from archiver.mojibake.tradpinyin.stream import LOST, Acc, Option, State, emit, foldable, is_cjk, rarity
from archiver.textmodel.hanzi import QUESTION_FINAL

_ORPHAN_GROUP = re.compile(rf"([{ps.SYLLABLE_CHARS}]{{1,7}})\)")
_LEAKED_TAG = re.compile(r"/?[a-zA-Z][a-zA-Z0-9]*[^<>\n]{0,80}>")


def question_in_step(text: str, i: int, st: State) -> list[Option]:
    options = []
    match = _ORPHAN_GROUP.match(text, i + 1)
    if match and st.prev_byte is not None:
        # '?' = [lead of the next character][swallowed '(']: the key straddles a boundary
        for key, lead in _keys(text, match.group(1), st.prev_byte):
            options.append(_orphan_key(text, i, match.end(), st, lead, key))
    if text.startswith("?!", i) and (st.prev_byte is not None or foldable(st.prev_char)):
        # the 0xA1 of 。 became '?' after a double-byte character (a folded ）counts): the clean
        # stream has A1 pending. The look-ahead rejects it for a genuine "嗎?!".
        options.append(lambda acc: (i + 1, _shift_start(acc, st, i)))
    unexplained = 3.0 if options and not text.startswith("?!", i) else 0.0
    options.append(lambda acc: (i + 1, _literal_question(text, i, st, acc, unexplained)))
    return options


def _keys(text: str, syllable: str, lead: int) -> list[tuple[str, int]]:
    """Characters with this lead byte that read ``syllable``, likeliest first: one the page
    annotates elsewhere, then one whose first reading it is (the mirror's table gives each
    character its first reading), then a common one."""
    syllable = ps.normalize(syllable)
    page = _page_keys(text)
    keys = ps.keys_with_byte(syllable, lead, 0)
    return sorted(keys, key=lambda kv: ((kv[0], syllable) not in page, ps.rank(kv[0], syllable),
                                        rarity(kv[0])))


@lru_cache(maxsize=4)
def _page_keys(text: str) -> frozenset[tuple[str, str]]:
    return frozenset((char, ps.normalize(py)) for char, py in ps.ANNOTATION.findall(text))


def _orphan_key(text: str, i: int, end: int, st: State, lead: int, key: str) -> Option:
    def apply(acc: Acc) -> tuple[int, State]:
        acc.changes.append(Change(i, end, text[i:end], "", "misaligned_insertion", 0.9))
        acc.score += 2
        return end, State(lead, None, "")

    return apply


def _shift_start(acc: Acc, st: State, i: int) -> State:
    acc.changes.append(Change(i, i + 1, "?", "", "byte_shift", 0.9))
    acc.score += 2  # the signature found on three sites; outweighs the byte it may swallow
    return State(0xA1, None, "")


def _literal_question(text: str, i: int, st: State, acc: Acc, unexplained: float = 0.0) -> State:
    """A '?' inside a run of CJK may be a character GBK could not encode (劉? = 刘䶮), or a
    folded ？. It stays '?' (we cannot tell them apart) but counts as lost unless a question
    particle before it shows a real question mark."""
    acc.score -= unexplained  # a confirmable "?syllable)" left as it is
    after = text[i + 1 : i + 2]
    if is_cjk(st.prev_char) and is_cjk(after) and st.prev_char not in QUESTION_FINAL:
        acc.lost += 1
        acc.changes.append(Change(i, i + 1, "?", "?", "lost_char", 0.5))
    return emit(acc, st, "?", (i, i + 1), "?", "")


def question_out_of_step(text: str, i: int, st: State) -> list[Option]:
    """'?' = [trail of the pending character][an ASCII byte the decoder swallowed]."""
    lead = st.dangling
    assert lead is not None
    match = _ORPHAN_GROUP.match(text, i + 1)
    options = []
    if match:
        for key, _trail in _keys(text, match.group(1), lead):
            options.append(_aligned_key(text, i, match.end(), st, key))
    if options:
        return options
    guessed = _guess_punctuation(lead, st.prev_char)
    tag = _LEAKED_TAG.match(text, i + 1)
    if tag and "<" not in text:
        # plain text that kept a tag only because its '<' was swallowed: drop the tag
        return [_leaked_tag(i, tag.end(), st, guessed, text)]
    swallowed = "<" if tag else LOST if i + 1 < len(text) else ""  # at the end: a lone byte

    def apply(acc: Acc) -> tuple[int, State]:
        # losing bytes here is what this decoder does: each loss costs 1, not the usual 3
        acc.score += 2 * ((guessed is None) + (swallowed == LOST))
        new = emit(acc, st, guessed or LOST, (i, i + 1), "?", "byte_shift")
        if swallowed == LOST:
            return i + 1, emit(acc, new, LOST, (i + 1, i + 1), "", "lost_char")
        if not swallowed:
            return i + 1, new
        acc.changes.append(Change(i + 1, i + 1, "", swallowed, "byte_shift", 0.9))
        acc.out.append(swallowed)
        return i + 1, State(None, None, swallowed)

    return [apply]


def _guess_punctuation(lead: int, prev_char: str) -> str | None:
    """The trail of a pending A1 (the punctuation row) before a swallowed ASCII byte: after 。
    it is the closing quote (the 。” signature), otherwise 。 ending a paragraph. Any other
    lead leaves the character lost."""
    if lead != 0xA1:
        return None
    return "”" if prev_char in ("。", "！", "？", "!", "?") else "。"


def _leaked_tag(i: int, end: int, st: State, guessed: str | None, text: str) -> Option:
    def apply(acc: Acc) -> tuple[int, State]:
        new = emit(acc, st, guessed or LOST, (i, i + 1), "?", "byte_shift")
        acc.changes.append(Change(i + 1, end, text[i + 1 : end], "", "leaked_tag", 0.8))
        return end, State(new.dangling, new.prev_byte, "")

    return apply


def _aligned_key(text: str, i: int, end: int, st: State, key: str) -> Option:
    def apply(acc: Acc) -> tuple[int, State]:
        new = emit(acc, st, key, (i, end), text[i:end], "byte_shift")
        acc.score += 2
        return end, State(new.dangling, new.prev_byte, "")

    return apply
