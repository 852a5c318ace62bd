r"""Drop pinyin annotations and put out-of-phase CP936 spans back in step.

The mirror inserted "(py)" into GBK bytes and decoded with PHP mbstring CP936. In phase, every
decoded character re-encodes to its exact bytes, so the repair walks the text as a stream of
bytes with one piece of state: the lead byte left dangling when the original and the decoded
character boundaries disagree. See research/seed-forensics.md for each artefact:

* ``日?qǐng)``: '?' in step = [lead][swallowed '(']; the lead is rebuilt from the pinyin key
  (the byte before it and the syllable name one character, 請 = D5 88);
* ``?!边\``: the 0xA1 of 。 became '?', '!' is the folded A3 A1, and the run after it is one byte
  out of phase until an ASCII byte brings it back;
* ``黝Uf(shuō)``: a folded full-width letter inside such a run stands for A3 xx.

Ambiguous steps (a folded letter or a literal one; several pinyin keys) are settled by a short
look-ahead scored on confirmed annotations and common characters.
"""
from __future__ import annotations

import re

from archiver.mojibake.report import Change
from archiver.mojibake.tradpinyin import cp936, syllables as ps
from archiver.mojibake.tradpinyin.question import question_in_step, question_out_of_step
from archiver.mojibake.tradpinyin.stream import LOST, Acc, Option, State, emit, pair

_GROUP = re.compile(rf"\(([{ps.SYLLABLE_CHARS}]{{1,7}})\)")
_LOOKAHEAD = 12
_SPECIAL = re.compile(r"[(?]")
_DEPTH = 2  # nested look-aheads: a shifted run can hold a folded letter and a pinyin key


def realign(text: str, fold: bool = False) -> tuple[str, list[Change], int]:
    """Text with annotations dropped and shifted spans decoded in phase; changes; lost count.

    ``fold``: the page shows the mirror's full-width fold, so characters decoded anew from
    shifted runs (where the fold never reached them) are folded the same way."""
    acc = Acc(fold=fold)
    _run(text, 0, len(text), State(), acc, depth=_DEPTH)
    return "".join(acc.out), _merge(acc.changes), acc.lost


def _run(text: str, i: int, stop: int, st: State, acc: Acc, depth: int) -> State:
    while i < stop:
        if st.dangling is None and text[i] not in "(?":
            i, st = _plain(text, i, stop, acc)  # in step: copied through, the common case
        else:
            i, st = _step(text, i, st, acc, depth)
    if st.dangling is not None and stop >= len(text):
        st = emit(acc, st, LOST, (len(text), len(text)), "", "byte_shift")
    return st


def _plain(text: str, i: int, stop: int, acc: Acc) -> tuple[int, State]:
    match = _SPECIAL.search(text, i, stop)
    end = match.start() if match else stop
    acc.out.append(text[i:end])
    last = text[end - 1]
    code = cp936.encode_char(last)
    return end, State(None, code[-1] if code is not None and len(code) == 2 else None, last)


def _step(text: str, i: int, st: State, acc: Acc, depth: int) -> tuple[int, State]:
    options = _options(text, i, st)
    if len(options) > 1 and depth > 0:
        options.sort(key=lambda opt: -_score(text, opt, depth - 1, acc.fold))
    return options[0](acc)


def _score(text: str, option: Option, depth: int, fold: bool) -> float:
    trial = Acc(fold=fold)
    i, st = option(trial)
    st = _run(text, i, min(len(text), i + _LOOKAHEAD), st, trial, depth)
    if st.dangling is not None or (trial.out and trial.out[-1] == LOST):
        trial.score -= 0.5
    return trial.score


def _options(text: str, i: int, st: State) -> list[Option]:
    char = text[i]
    if st.dangling is None:
        if char == "(":
            return [_group_option(text, i, st)]
        if char == "?":
            return question_in_step(text, i, st)
        return [lambda acc: (i + 1, emit(acc, st, char, (i, i + 1), char, ""))]
    if char == "?":
        return question_out_of_step(text, i, st)
    return _char_out_of_step(text, i, st)


def _group_option(text: str, i: int, st: State) -> Option:
    match = _GROUP.match(text, i)
    if match and st.prev_char and ps.reads_as(st.prev_char, match.group(1)):

        def drop(acc: Acc) -> tuple[int, State]:
            acc.changes.append(Change(i, match.end(), match.group(0), "", "pinyin_annotation", 0.98))
            acc.score += 2
            return match.end(), State(st.dangling, st.prev_byte, "")

        return drop
    if match and ps.is_toned_syllable(match.group(1)):
        return lambda acc: (i + 1, _penalised(acc, st, i))
    return lambda acc: (i + 1, emit(acc, st, "(", (i, i + 1), "(", ""))


def _penalised(acc: Acc, st: State, i: int) -> State:
    acc.score -= 3  # a toned group the character before does not confirm: a wrong alignment
    return emit(acc, st, "(", (i, i + 1), "(", "")


def _char_out_of_step(text: str, i: int, st: State) -> list[Option]:
    lead, char = st.dangling, text[i]
    assert lead is not None
    options = []
    code = cp936.encode_char(char)
    if ord(char) >= 0x80 and code is not None:
        if (decoded := pair(lead, code[0])) is not None:
            rest = code[1] if len(code) == 2 else None
            options.append(_shifted(i, st, decoded, rest, char))
    elif ord(char) < 0x80:
        if 0x40 <= ord(char) < 0x7F and (decoded := pair(lead, ord(char))) is not None:
            options.append(_shifted(i, st, decoded, None, char))
        if 0x21 <= ord(char) <= 0x7E and (decoded := pair(lead, 0xA3)) is not None:
            # a full-width character folded after decoding: Ｕ = A3 D5
            # (a full-width letter is rarer than an ASCII one: a small prior against it)
            options.append(_shifted(i, st, decoded, ord(char) + 0x80, char, 0.25 if options else 0.0))
    if not options:
        options.append(lambda acc: (i, _invalid(acc, st, i)))
    return options


def _invalid(acc: Acc, st: State, i: int) -> State:
    acc.score -= 3  # no byte reading fits: this alignment is probably wrong
    return emit(acc, State(None, st.prev_byte, st.prev_char), LOST, (i, i), "", "byte_shift")


def _shifted(i: int, st: State, decoded: str, rest: int | None, before: str, cost: float = 0.0) -> Option:
    def apply(acc: Acc) -> tuple[int, State]:
        acc.score -= cost
        new = emit(acc, st, decoded, (i, i + 1), before, "byte_shift")
        if rest is not None and rest <= 0x80:
            # the second byte stands alone (ASCII, or 0x80 = €): back in step after it
            single = cp936.decode(bytes((rest,)))
            return i + 1, emit(acc, new, single, (i + 1, i + 1), "", "byte_shift")
        return i + 1, State(rest, new.prev_byte, new.prev_char) if rest is not None else new

    return apply


def _merge(changes: list[Change]) -> list[Change]:
    """Adjacent byte-shift steps of one run become one change, so a run reads as a whole."""
    merged: list[Change] = []
    for change in changes:
        last = merged[-1] if merged else None
        if last and change.kind == last.kind == "byte_shift" and change.start <= last.end:
            merged[-1] = Change(last.start, max(last.end, change.end), last.before + change.before,
                                last.after + change.after, last.kind, last.confidence)
        else:
            merged.append(change)
    return merged
