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
from dataclasses import dataclass, field
from functools import lru_cache

from archiver.mojibake import cp936
from archiver.mojibake import pinyin_syllables as ps
from archiver.mojibake.report import Change

LOST = "\ufffd"  # marks a character known to be lost; never guessed
_GROUP = re.compile(rf"\(([{ps.SYLLABLE_CHARS}]{{1,7}})\)")
_ORPHAN_GROUP = re.compile(rf"([{ps.SYLLABLE_CHARS}]{{1,7}})\)")
_QUESTION_PARTICLES = frozenset("吗嗎呢么麼吧啊呀乎否嘛谁誰哪何")
_LEAKED_TAG = re.compile(r"/?[a-zA-Z][a-zA-Z0-9]*[^<>\n]{0,80}>")
_LOOKAHEAD = 12
_SPECIAL = re.compile(r"[(?]")
_DEPTH = 3  # nested look-aheads: a shifted run can hold a folded letter and a pinyin key


@dataclass(frozen=True)
class _State:
    dangling: int | None = None  # pending lead byte of the clean stream
    prev_byte: int | None = None  # last byte of the previous double-byte character
    prev_char: str = ""


@dataclass
class _Acc:
    out: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    score: float = 0.0
    lost: int = 0
    fold: bool = False  # fold full-width ASCII restored from shifted runs, as the page was


@lru_cache(maxsize=65536)
def _common(char: str) -> bool:
    """True for characters of everyday text: GB2312 ones, or traditional forms of them."""
    if ord(char) < 0x80:
        return True
    if 0xE000 <= ord(char) <= 0xF8FF:
        return False
    for form in (char, _t2s_char(char)):
        try:
            form.encode("gb2312")
            return True
        except UnicodeEncodeError:
            continue
    return False


@lru_cache(maxsize=65536)
def _t2s_char(char: str) -> str:
    from archiver.mojibake.tradpinyin import t2s  # deferred: tradpinyin imports this module

    return t2s(char)


def _pair(lead: int, trail: int) -> str | None:
    return cp936.decode_table().get(lead << 8 | trail)


def _emit(acc: _Acc, st: _State, char: str, span: tuple[int, int], before: str, kind: str) -> _State:
    code = cp936.encode_char(char) if char != LOST else None
    if acc.fold and kind and 0xFF01 <= ord(char) <= 0xFF5E:
        char = chr(ord(char) - 0xFEE0)
    acc.out.append(char)
    if char != before:
        acc.changes.append(Change(span[0], span[1], before, char, kind, 0.9))
    if char == LOST:
        acc.lost += 1
        acc.score -= 3
    elif not _common(char):
        acc.score -= 1
    prev_byte = code[-1] if code is not None and len(code) == 2 else None
    return _State(None, prev_byte, char)


def realign(text: str, fold: bool = False) -> tuple[str, list[Change], int]:
    """Text with annotations dropped and shifted spans decoded in phase; changes; lost count.

    ``fold``: the page shows the mirror's full-width fold, so characters decoded anew from
    shifted runs (where the fold never reached them) are folded the same way."""
    acc = _Acc(fold=fold)
    _run(text, 0, len(text), _State(), acc, depth=_DEPTH)
    return "".join(acc.out), _merge(acc.changes), acc.lost


def _run(text: str, i: int, stop: int, st: _State, acc: _Acc, depth: int) -> _State:
    while i < stop:
        if st.dangling is None and text[i] not in "(?":
            i, st = _plain(text, i, stop, acc)  # in step: copied through, the common case
        else:
            i, st = _step(text, i, st, acc, depth)
    if st.dangling is not None and stop >= len(text):
        st = _emit(acc, st, LOST, (len(text), len(text)), "", "byte_shift")
    return st


def _plain(text: str, i: int, stop: int, acc: _Acc) -> tuple[int, _State]:
    match = _SPECIAL.search(text, i, stop)
    end = match.start() if match else stop
    acc.out.append(text[i:end])
    last = text[end - 1]
    code = cp936.encode_char(last)
    return end, _State(None, code[-1] if code is not None and len(code) == 2 else None, last)


def _step(text: str, i: int, st: _State, acc: _Acc, depth: int) -> tuple[int, _State]:
    options = _options(text, i, st)
    if len(options) > 1 and depth > 0:
        options.sort(key=lambda opt: -_score(text, opt, depth - 1, acc.fold))
    return options[0](acc)


def _score(text: str, option, depth: int, fold: bool) -> float:  # type: ignore[no-untyped-def]
    trial = _Acc(fold=fold)
    i, st = option(trial)
    st = _run(text, i, min(len(text), i + _LOOKAHEAD), st, trial, depth)
    if st.dangling is not None or trial.out and trial.out[-1] == LOST:
        trial.score -= 0.5
    return trial.score


def _options(text: str, i: int, st: _State) -> list:  # type: ignore[type-arg]
    char = text[i]
    if st.dangling is None:
        if char == "(":
            return [_group_option(text, i, st)]
        if char == "?":
            return _question_in_step(text, i, st)
        return [lambda acc: (i + 1, _emit(acc, st, char, (i, i + 1), char, ""))]
    if char == "?":
        return _question_out_of_step(text, i, st)
    return _char_out_of_step(text, i, st)


def _group_option(text: str, i: int, st: _State):  # type: ignore[no-untyped-def]
    match = _GROUP.match(text, i)
    if match and st.prev_char and ps.reads_as(st.prev_char, match.group(1)):

        def drop(acc: _Acc) -> tuple[int, _State]:
            acc.changes.append(Change(i, match.end(), match.group(0), "", "pinyin_annotation", 0.98))
            acc.score += 2
            return match.end(), _State(st.dangling, st.prev_byte, "")

        return drop
    if match and ps.is_toned_syllable(match.group(1)):
        return lambda acc: (i + 1, _penalised(acc, st, i))
    return lambda acc: (i + 1, _emit(acc, st, "(", (i, i + 1), "(", ""))


def _penalised(acc: _Acc, st: _State, i: int) -> _State:
    acc.score -= 3  # a toned group the character before does not confirm: a wrong alignment
    return _emit(acc, st, "(", (i, i + 1), "(", "")


def _question_in_step(text: str, i: int, st: _State) -> list:  # type: ignore[type-arg]
    options = []
    match = _ORPHAN_GROUP.match(text, i + 1)
    if match and st.prev_byte is not None:
        # '?' = [lead of the next character][swallowed '(']: the key straddles a boundary
        for key, lead in _keys(match.group(1), st.prev_byte, 0):
            options.append(_orphan_key(text, i, match.end(), st, lead, key))
    if text.startswith("?!", i) and (st.prev_byte is not None or _foldable(st.prev_char)):
        # the 0xA1 of 。 became '?' after a double-byte character (a folded ）counts): the clean
        # stream has A1 pending. The look-ahead rejects it for a genuine "嗎?!".
        options.append(lambda acc: (i + 1, _shift_start(acc, st, i)))
    unexplained = 3.0 if options and not text.startswith("?!", i) else 0.0
    options.append(lambda acc: (i + 1, _literal_question(text, i, st, acc, unexplained)))
    return options


def _keys(syllable: str, byte: int, position: int) -> list[tuple[str, int]]:
    keys = ps.keys_with_byte(ps.normalize(syllable), byte, position)
    return sorted(keys, key=lambda kv: not _common(kv[0]))


def _orphan_key(text: str, i: int, end: int, st: _State, lead: int, key: str):  # type: ignore[no-untyped-def]
    def apply(acc: _Acc) -> tuple[int, _State]:
        acc.changes.append(Change(i, end, text[i:end], "", "misaligned_insertion", 0.9))
        acc.score += 2
        return end, _State(lead, None, "")

    return apply


def _shift_start(acc: _Acc, st: _State, i: int) -> _State:
    acc.changes.append(Change(i, i + 1, "?", "", "byte_shift", 0.9))
    acc.score += 2  # the signature found on three sites; outweighs the byte it may swallow
    return _State(0xA1, None, "")


def _foldable(char: str) -> bool:
    return len(char) == 1 and 0x21 <= ord(char) <= 0x7E


def _literal_question(text: str, i: int, st: _State, acc: _Acc, unexplained: float = 0.0) -> _State:
    """A '?' inside a run of CJK may be a character GBK could not encode (劉? = 刘䶮), or a
    folded ？. It stays '?' (we cannot tell them apart) but counts as lost unless a question
    particle before it shows a real question mark."""
    acc.score -= unexplained  # a confirmable "?syllable)" left as it is
    after = text[i + 1 : i + 2]
    if _is_cjk(st.prev_char) and _is_cjk(after) and st.prev_char not in _QUESTION_PARTICLES:
        acc.lost += 1
        acc.changes.append(Change(i, i + 1, "?", "?", "lost_char", 0.5))
    return _emit(acc, st, "?", (i, i + 1), "?", "")


def _is_cjk(char: str) -> bool:
    return bool(char) and "\u3400" <= char <= "\u9fff"


def _question_out_of_step(text: str, i: int, st: _State) -> list:  # type: ignore[type-arg]
    """'?' = [trail of the pending character][an ASCII byte the decoder swallowed]."""
    lead = st.dangling
    assert lead is not None
    match = _ORPHAN_GROUP.match(text, i + 1)
    options = []
    if match:
        for key, trail in _keys(match.group(1), lead, 0):
            options.append(_aligned_key(text, i, match.end(), st, key))
    if options:
        return options
    guessed = _guess_punctuation(lead, st.prev_char)
    tag = _LEAKED_TAG.match(text, i + 1)
    if tag and "<" not in text:
        # plain text that kept a tag only because its '<' was swallowed: drop the tag
        return [_leaked_tag(i, tag.end(), st, guessed, text)]
    swallowed = "<" if tag else LOST

    def apply(acc: _Acc) -> tuple[int, _State]:
        # losing bytes here is what this decoder does: each loss costs 1, not the usual 3
        acc.score += 2 * ((guessed is None) + (swallowed == LOST))
        new = _emit(acc, st, guessed or LOST, (i, i + 1), "?", "byte_shift")
        if swallowed == LOST:
            return i + 1, _emit(acc, new, LOST, (i + 1, i + 1), "", "lost_char")
        acc.changes.append(Change(i + 1, i + 1, "", swallowed, "byte_shift", 0.9))
        acc.out.append(swallowed)
        return i + 1, _State(None, None, swallowed)

    return [apply]


def _guess_punctuation(lead: int, prev_char: str) -> str | None:
    """The trail of a pending A1 (the punctuation row) before a swallowed ASCII byte: after 。
    it is the closing quote (the 。” signature), otherwise 。 ending a paragraph. Any other
    lead leaves the character lost."""
    if lead != 0xA1:
        return None
    return "”" if prev_char in ("。", "！", "？", "!", "?") else "。"


def _leaked_tag(i: int, end: int, st: _State, guessed: str | None, text: str):  # type: ignore[no-untyped-def]
    def apply(acc: _Acc) -> tuple[int, _State]:
        new = _emit(acc, st, guessed or LOST, (i, i + 1), "?", "byte_shift")
        acc.changes.append(Change(i + 1, end, text[i + 1 : end], "", "leaked_tag", 0.8))
        return end, _State(new.dangling, new.prev_byte, "")

    return apply


def _aligned_key(text: str, i: int, end: int, st: _State, key: str):  # type: ignore[no-untyped-def]
    def apply(acc: _Acc) -> tuple[int, _State]:
        new = _emit(acc, st, key, (i, end), text[i:end], "byte_shift")
        acc.score += 2
        return end, _State(new.dangling, new.prev_byte, "")

    return apply


def _char_out_of_step(text: str, i: int, st: _State) -> list:  # type: ignore[type-arg]
    lead, char = st.dangling, text[i]
    assert lead is not None
    options = []
    code = cp936.encode_char(char)
    if ord(char) >= 0x80 and code is not None:
        if (decoded := _pair(lead, code[0])) is not None:
            rest = code[1] if len(code) == 2 else None
            options.append(_shifted(i, st, decoded, rest, char))
    elif ord(char) < 0x80:
        if 0x40 <= ord(char) < 0x7F and (decoded := _pair(lead, ord(char))) is not None:
            options.append(_shifted(i, st, decoded, None, char))
        if 0x21 <= ord(char) <= 0x7E and (decoded := _pair(lead, 0xA3)) is not None:
            # a full-width character folded after decoding: Ｕ = A3 D5
            options.append(_shifted(i, st, decoded, ord(char) + 0x80, char))
    if not options:
        options.append(lambda acc: (i, _invalid(acc, st, i)))
    return options


def _invalid(acc: _Acc, st: _State, i: int) -> _State:
    acc.score -= 3  # no byte reading fits: this alignment is probably wrong
    return _emit(acc, _State(None, st.prev_byte, st.prev_char), LOST, (i, i), "", "byte_shift")


def _shifted(i: int, st: _State, decoded: str, rest: int | None, before: str):  # type: ignore[no-untyped-def]
    def apply(acc: _Acc) -> tuple[int, _State]:
        new = _emit(acc, st, decoded, (i, i + 1), before, "byte_shift")
        if rest is not None and rest <= 0x80:
            # the second byte stands alone (ASCII, or 0x80 = €): back in step after it
            single = cp936.decode(bytes((rest,)))
            return i + 1, _emit(acc, new, single, (i + 1, i + 1), "", "byte_shift")
        return i + 1, _State(rest, new.prev_byte, new.prev_char) if rest is not None else new

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
