"""Text normalisation and phrase matching for service speech (Chinese and English).

This module docstring is the reference page for phrase lists.

Normalisation
=============
Every utterance is normalised once with :func:`normalise`, and every phrase is
normalised the same way when a :class:`PhraseMatcher` is built, so matching is

* case-insensitive (``casefold``), and insensitive to full-width/half-width
  forms (Unicode NFKC: ``ＡＢＣ１２３，？`` is ``abc123,?``);
* insensitive to Traditional vs Simplified Chinese (OpenCC ``t2s``:
  ``沒辦法`` is ``没办法``, ``不歸我管`` is ``不归我管``);
* insensitive to curly vs straight quotes (``don’t`` is ``don't``);
* insensitive to whitespace: runs of whitespace become one space, and a
  phrase matches with or without spaces between its Chinese characters
  (``不 知道`` matches ``不知道``); between English words the space is
  optional too (``thankyou`` matches ``thank you``).

English (Latin letters and digits) phrases match whole words only: ``know``
does not match ``knowledge`` or ``know-how`` (a hyphen or an apostrophe
joined to a letter counts as part of the word), ``i don't know`` does not match
``i don't knowledge``; punctuation and Chinese characters are boundaries, so
``i don't know.`` and ``好的i don't know`` match. Chinese phrases match
anywhere. The ``n't`` of a contraction may be written without its apostrophe
in the text: ``i don't know`` also matches ``i dont know``.

Phrase syntax
=============
One phrase per line in a phrase file. A phrase is plain text, plus:

``[…]``
    an optional part: ``请[您]稍等`` matches 请稍等 and 请您稍等.
``(…|…)``
    exactly one of the alternatives: ``不归(我|我们)管``.
``[…|…]``
    optionally one of the alternatives: ``不[太|是很|大]清楚`` matches
    不清楚, 不太清楚, 不是很清楚 and 不大清楚.

Groups may be nested: ``(请[您]稍等|稍等一下)``. Full-width brackets ``（）［］｜``
work as well. ``\\`` makes the next character literal: ``\\(`` is a bracket,
``\\[`` and ``\\|`` likewise. Everything else (``?``, ``!``, ``.``, ``'`` …) is
literal text. These are errors (:class:`PhraseError`): an empty phrase, a
phrase that can match nothing (``[您]``), unbalanced or mismatched brackets,
an empty group or alternative (``(a|)`` — write ``[a]``), ``|`` outside a
group (put alternatives in ``(a|b)`` or on separate lines), and ``?`` right
after a group (``(太|大)?`` — write ``[太|大]`` for an optional part).

Phrase files are UTF-8 (with or without BOM); blank lines and lines whose
first non-blank character is ``#`` are ignored, and so is a ``#`` that follows
a space or tab and everything after it (``谢谢  # thanks``); write ``\\#`` for a
literal ``#``.

When several phrases match at the same place, the longest match wins (on a
tie, the phrase with less optional text: a plain ``不知道`` line is reported
rather than ``不[太]知道``); hits do not overlap and are reported left to right.

Contexts
========
:func:`hit_context` tells whether a hit sits in a clause that is *not* the
agent's own refusal. The text is cut into clauses at ``, ; : 、`` and sentence
ends (``。 . ! ? ~``; a ``.`` or ``,`` between digits or letters, as in
``3.0.1`` or ``1,000``, does not cut), and at a space between two Chinese
characters. The kinds are:

``question``
    the phrase opens its clause, asks the customer for information, and the
    clause is a question: ``不知道您方便提供一下订单号吗?``,
    ``不知道是在哪些程序里卡顿呢?``, ``不知道您是否…``,
    ``i don't know which app you use, could you tell me?`` is *not* one (the
    comma ends the clause), ``i do not know what app you use?`` is.
``restatement``
    the agent echoes the customer's problem back: the clause is a question
    that does not open with the phrase (``还是没办法打开吗?``,
    ``是不是一直没办法登录?``), or the phrase comes right after "what you said"
    (``您反映的没办法登录的问题``, ``you said there is nothing we can do?``),
    or the phrase is in quotation marks.
``conditional``
    a condition word comes before the phrase in its clause (如, 如果, 若, 假如,
    万一, 要是, 一旦, 否则, if, in case, should you, whether, unless,
    otherwise), or the clause starts with 就/则/那/那么/否则 after a clause
    of the same sentence that opens with one (``如果…隐藏,就没有办法找到``).
``description``
    the phrase describes a situation or someone else rather than the
    speaker's stance: ``在您不知道的情况下``, ``…不清楚的时候``, ``在…不知道时``,
    ``when/while … don't know``; a third party right before it (``他也不太清楚``,
    ``客服也搞不清楚``; only when no other context applies); idioms
    ``不知道多少次``, ``不知道第几次``, ``不知道什么时候又好了``.

Also: reported speech (``客服答复不知道``, ``告知没办法安装``) and a phrase
that opens a quotation are ``restatement``; ``不查不知道`` is ``conditional``;
``不知道`` opening a clause that asks whether (``不知道能不能…``,
``不知道是否…``) is a ``question`` even without a question mark.

Question and restatement only apply to phrases about knowing or being able
(不知道, 不清楚, 没办法, 解决不了, i don't know, no idea, nothing i can do,
can't help …) that do not themselves address the customer; rude phrases such
as ``你问我我问谁?`` or ``你听不懂吗?`` stay refusals whatever the punctuation. A hit with no context is a refusal.

Implementation notes
====================
Traditional→Simplified uses the official OpenCC binding (``opencc`` on PyPI,
C++). Measured on the STC-3 helpdesk dialogues it costs about 1.5 µs per
utterance (50 Chinese characters) and is skipped for pure-ASCII text, so it is
called directly rather than through a precomputed ``str.translate`` table;
this also keeps OpenCC's phrase-level conversions (乾淨→干净 but 乾隆 stays).
All phrases of a matcher are compiled into one regular expression, longest
alternative first, with whole-word assertions at both ends.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Sequence

import opencc

from .problems import ProblemMessage

__all__ = [
    "CONTEXT_KINDS",
    "ContextKind",
    "PhraseError",
    "PhraseHit",
    "PhraseMatcher",
    "hit_context",
    "load_phrase_file",
    "normalise",
]

# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

_T2S = opencc.OpenCC("t2s")

_FULLWIDTH = tuple(
    (c, unicodedata.normalize("NFKC", c)) for c in "，？！：；（）～\u3000"
)
_REPLACE: dict[str, str] = {
    # curly and other apostrophe-like marks -> '
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u02bc": "'", "`": "'", "\u00b4": "'",
    # curly double quotes -> "
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    # invisible characters
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "", "\u00ad": "",
}
_REPLACE_RE = re.compile("[" + "".join(_REPLACE) + "]")
# Whitespace that is not a lone ASCII space: needs collapsing.
_ODD_SPACE = re.compile(r"[^\S ]|  ")


def normalise(text: str) -> str:
    """NFKC, casefold, Traditional→Simplified, curly quotes/apostrophes → straight,
    all whitespace runs → single space, stripped. Used once per utterance.

    About 3.5 µs for a 50-character Chinese utterance (of which OpenCC 1.5 µs)
    and 2–3 µs for a 180-character English one (OpenCC is skipped for ASCII)."""
    s = text
    if not s.isascii():
        # Replacing the commonest full-width punctuation first lets NFKC's quick
        # check pass for most Chinese text (0.7 µs instead of 2.7 µs); the result
        # is the same as plain NFKC.
        for full, half in _FULLWIDTH:
            if full in s:
                s = s.replace(full, half)
        if not unicodedata.is_normalized("NFKC", s):
            s = unicodedata.normalize("NFKC", s)
        s = _T2S.convert(s.casefold())
    else:
        s = s.casefold()
    if _REPLACE_RE.search(s) is not None:
        s = _REPLACE_RE.sub(_replace_char, s)
    if _ODD_SPACE.search(s) is not None:
        return " ".join(s.split())
    return s.strip(" ")


def _replace_char(m: re.Match[str]) -> str:
    return _REPLACE[m.group()]


# --------------------------------------------------------------------------
# Phrases
# --------------------------------------------------------------------------


class PhraseError(ValueError):
    """A phrase that cannot be compiled. ``str(e)`` is a one-line reason naming it.

    ``reason`` and ``str(e)`` are English; ``said_reason`` and ``said`` are the same as messages
    of `svccheck.problems`, to say them in another language (`PhraseError.about_file` makes
    one about a phrase file rather than a phrase: ``str(e)`` is then the reason alone)."""

    phrase: str
    reason: str
    said_reason: ProblemMessage
    said: ProblemMessage

    def __init__(self, phrase: str, reason: str | ProblemMessage) -> None:
        self.said_reason = reason if isinstance(reason, ProblemMessage) else ProblemMessage.verbatim(reason)
        self.reason = self.said_reason.text("en")
        shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in phrase)
        self.said = ProblemMessage.of("phrase.error", phrase=shown, reason=self.said_reason)
        super().__init__(self.said.text("en"))
        self.phrase = phrase

    @classmethod
    def about_file(cls, reason: ProblemMessage) -> PhraseError:
        """An error about a phrase file as a whole (not UTF-8): no phrase named."""
        error = cls("", reason)
        error.args = (error.reason,)
        error.said = reason
        return error


@dataclass(frozen=True)
class PhraseHit:
    phrase: str  # the phrase as written in the rule/list (not normalised)
    start: int  # offsets into the NORMALISED text
    end: int


# Characters that form English-like words: Latin (with accents), Greek,
# Cyrillic letters and digits.  After casefold there are no capitals.
_WORD = r"a-z0-9\u00b5\u00df-\u024f\u0370-\u03ff\u0400-\u04ff"
_WORD_RE = re.compile(f"[{_WORD}]")
_WORD_JOIN = "'-"  # joins words when between two word characters
# A phrase starts and ends at word boundaries: not inside a word, nor inside words joined by a
# joiner (don't, e-mail). Each phrase's own pattern ends with _END (compiled the first time the
# phrase is hit, in every worker process); its big character class is what costs in compiling,
# so it is written with it twice, not three times: (?![J]?[W]) is (?![W])(?![J][W]). _START is
# what every hit satisfies (test_text checks the matcher against patterns made with it).
_START = f"(?:(?![{_WORD}])|(?<![{_WORD}])(?<![{_WORD}][{_WORD_JOIN}]))"
_END = f"(?:(?<![{_WORD}])|(?![{_WORD_JOIN}]?[{_WORD}]))"
# The same check as _START, made right after the first character is consumed. The combined
# pattern of a PhraseMatcher makes it, so a phrase's own pattern, tried only where the
# combined one matched, need not (see PhraseMatcher._hits).
_START_AFTER_FIRST = f"(?<![{_WORD}].)(?<![{_WORD}][{_WORD_JOIN}].)"
_SEP = " ?"


@dataclass(frozen=True)
class _Lit:
    text: str  # one unit: a run of word characters (with ' -) or one other char


@dataclass(frozen=True)
class _Group:
    alts: tuple[tuple[_Node, ...], ...]
    optional: bool


_Node = _Lit | _Group


def _is_word_char(c: str) -> bool:
    return _WORD_RE.match(c) is not None


class _Parser:
    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.text = text
        self.pos = 0

    def error(self, code: str, **params: str) -> PhraseError:
        return PhraseError(self.source, ProblemMessage.of(code, **params))

    def parse(self) -> tuple[_Node, ...]:
        seq = self.sequence(closer=None)
        return seq

    def sequence(self, closer: str | None) -> tuple[_Node, ...]:
        """Parse alternatives-free items until ``|``, a closer or the end."""
        items: list[_Node] = []
        buf: list[str] = []  # pending characters with a flag: escaped or not

        def flush() -> None:
            if buf:
                items.extend(_units("".join(buf)))
                buf.clear()

        t = self.text
        while self.pos < len(t):
            c = t[self.pos]
            if c == "\\":
                if self.pos + 1 >= len(t):
                    raise self.error("phrase.trailing_backslash")
                buf.append(t[self.pos + 1])
                self.pos += 2
                continue
            if c in "([":
                flush()
                self.pos += 1
                items.append(self.group(c))
                if self.pos < len(t) and t[self.pos] == "?":
                    raise self.error("phrase.optional_group", group="(…)" if c == "(" else "[…]")
                continue
            if c in ")]":
                if closer is None:
                    raise self.error("phrase.unopened", char=c, opener="(" if c == ")" else "[")
                if c != closer:
                    opener = "(" if closer == ")" else "["
                    raise self.error("phrase.wrong_closer", char=c, opener=opener, closer=closer)
                break
            if c == "|":
                if closer is None:
                    raise self.error("phrase.bar_outside")
                break
            buf.append(c)
            self.pos += 1
        flush()
        return tuple(items)

    def group(self, opener: str) -> _Group:
        closer = ")" if opener == "(" else "]"
        start = self.pos - 1
        alts: list[tuple[_Node, ...]] = []
        while True:
            seq = self.sequence(closer)
            if self.pos >= len(self.text):
                raise self.error("phrase.unclosed", char=opener, closer=closer)
            if not seq:
                if self.text[self.pos] == closer and not alts:
                    raise self.error("phrase.empty_group", group=opener + closer)
                shown = self.text[start:self.pos + 1] + ("" if self.text[self.pos] == closer else "…")
                raise self.error("phrase.empty_alternative", group=shown)
            alts.append(seq)
            c = self.text[self.pos]
            self.pos += 1
            if c == closer:
                break
        return _Group(tuple(alts), optional=opener == "[")


def _units(s: str) -> list[_Node]:
    """Split literal text into units: word runs (letters, digits, joined by ' or -)
    and single other characters; spaces only separate units."""
    out: list[_Node] = []
    word: list[str] = []
    for i, c in enumerate(s):
        if _is_word_char(c) or (
            c in _WORD_JOIN and word and i + 1 < len(s) and _is_word_char(s[i + 1])
        ):
            word.append(c)
            continue
        if word:
            out.append(_Lit("".join(word)))
            word.clear()
        if not c.isspace():
            out.append(_Lit(c))
    if word:
        out.append(_Lit("".join(word)))
    return out


def _lit_regex(text: str) -> str:
    parts = []
    i = 0
    while i < len(text):
        if text.startswith("n't", i):
            parts.append("n'?t")
            i += 3
            continue
        parts.append(re.escape(text[i]))
        i += 1
    return "".join(parts)


def _seq_regex(seq: Sequence[_Node]) -> str:
    """Regex for a sequence; an optional space may separate any two units and
    is folded into optional groups so a match never ends or starts with a space."""
    out: list[str] = []
    n = len(seq)
    for i, node in enumerate(seq):
        if isinstance(node, _Lit):
            body = _lit_regex(node.text)
            out.append((_SEP if i > 0 else "") + body)
            continue
        inner = "|".join(_seq_regex(a) for a in sorted(node.alts, key=_max_len, reverse=True))
        if not node.optional:
            out.append((_SEP if i > 0 else "") + f"(?:{inner})")
        elif i > 0:
            out.append(f"(?:{_SEP}(?:{inner}))?")
        elif n > 1:
            out.append(f"(?:(?:{inner}){_SEP})?")
        else:
            out.append(f"(?:{inner})?")
    return "".join(out)


def _min_len(seq: Sequence[_Node]) -> int:
    total = 0
    for node in seq:
        if isinstance(node, _Lit):
            total += len(node.text)
        elif not node.optional:
            total += min(_min_len(a) for a in node.alts)
    return total


def _max_len(seq: Sequence[_Node]) -> int:
    total = 0
    for node in seq:
        if isinstance(node, _Lit):
            total += len(node.text)
        else:
            total += max(_max_len(a) for a in node.alts)
    return total


@dataclass(frozen=True)
class _Compiled:
    source: str
    seq: tuple[_Node, ...]
    regex: str
    max_len: int


_MAX_NESTING = 20  # brackets inside brackets; a phrase needs two or three


def _compile_phrase(source: str) -> _Compiled:
    if not source.strip():
        raise PhraseError(source, ProblemMessage.of("phrase.empty"))
    if _nesting(source) > _MAX_NESTING:
        # The parser and the regex builder recurse per level (a thousand levels was a traceback).
        raise PhraseError(source, ProblemMessage.of("phrase.too_deep", depth=str(_MAX_NESTING)))
    seq = _Parser(source, normalise(source)).parse()
    if _min_len(seq) == 0:
        raise PhraseError(source, ProblemMessage.of("phrase.matches_empty"))
    return _Compiled(source, seq, _seq_regex(seq), _max_len(seq))


def _nesting(source: str) -> int:
    """The deepest bracket nesting, ignoring escaped brackets (an upper bound is enough)."""
    depth = deepest = 0
    escaped = False
    for c in source:
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif c in "([":
            depth += 1
            deepest = max(deepest, depth)
        elif c in ")]":
            depth -= 1
    return deepest


def _expand_first(seq: tuple[_Node, ...]) -> list[tuple[_Node, ...]]:
    """Equivalent sequences that each start with a literal (groups at the start
    are multiplied out), so the combined regex can dispatch on the first character."""
    if not seq:
        return []
    head = seq[0]
    if isinstance(head, _Lit):
        return [seq]
    out: list[tuple[_Node, ...]] = []
    for alt in head.alts:
        out.extend(_expand_first(alt + seq[1:]))
    if head.optional:
        out.extend(_expand_first(seq[1:]))
    return out


class PhraseMatcher:
    """Finds phrases (see the module docstring for their syntax) in normalised text.

    All phrases are compiled into one regular expression whose top level is an
    alternation keyed by the first character (so the regex engine skips
    positions where no phrase can start); within a key the alternatives are
    longest first. At a match, the phrases that can start with that character
    are tried one by one and the longest match wins.
    """

    def __init__(self, phrases: Sequence[str]) -> None:
        compiled: list[_Compiled] = []
        seen: set[str] = set()
        for p in phrases:
            c = _compile_phrase(p)
            if c.regex not in seen:
                seen.add(c.regex)
                compiled.append(c)
        compiled.sort(key=lambda c: c.max_len, reverse=True)  # stable: ties keep list order
        self._phrases = tuple(compiled)
        # Per-phrase patterns, compiled when first needed (at a hit).
        self._singles: list[re.Pattern[str] | None] = [None] * len(compiled)
        branches: dict[str, list[tuple[int, str]]] = {}
        by_first: dict[str, list[int]] = {}
        for idx, c in enumerate(compiled):
            for seq in _expand_first(c.seq):
                rx = _seq_regex(seq)
                first = seq[0].text[0] if isinstance(seq[0], _Lit) else ""
                head = re.escape(first)
                assert rx.startswith(head)
                branches.setdefault(first, []).append((_max_len(seq), rx[len(head):]))
                ids = by_first.setdefault(first, [])
                if idx not in ids:
                    ids.append(idx)
        self._by_first = {k: tuple(v) for k, v in by_first.items()}
        tops = []
        for first, rems in branches.items():
            rems.sort(key=lambda r: r[0], reverse=True)
            look = _START_AFTER_FIRST if _is_word_char(first) else ""
            alts = "|".join(dict.fromkeys(r for _, r in rems))
            tops.append(f"{re.escape(first)}{look}(?:{alts})")
        self._re: re.Pattern[str] | None = (
            re.compile(f"(?:{'|'.join(tops)}){_END}") if tops else None
        )

    @property
    def phrases(self) -> tuple[str, ...]:
        """The distinct phrases, as written, longest first."""
        return tuple(c.source for c in self._phrases)

    def _hits(self, norm_text: str, limit: int | None) -> list[PhraseHit]:
        hits: list[PhraseHit] = []
        if self._re is None:
            return hits
        pos = 0
        search = self._re.search
        while limit is None or len(hits) < limit:
            m = search(norm_text, pos)
            if m is None:
                break
            start = m.start()
            best, end = -1, -1
            for j in self._by_first.get(norm_text[start], ()):
                single = self._singles[j]
                if single is None:
                    # No _START: it depends only on the text around `start`, where the combined
                    # pattern just matched, and that checks it (_START_AFTER_FIRST; before a
                    # character that is not a word's it always holds). Leaving it out halves the
                    # compile time; test_text pins the hits against patterns that have it.
                    single = re.compile(f"(?:{self._phrases[j].regex}){_END}")
                    self._singles[j] = single
                m2 = single.match(norm_text, start)
                # ties go to the later, i.e. shorter/plainer, phrase (不知道 over 不[太]知道)
                if m2 is not None and m2.end() >= end:
                    best, end = j, m2.end()
            if best < 0:  # cannot happen: the combined regex matched one of them
                best, end = 0, m.end()
            hits.append(PhraseHit(self._phrases[best].source, start, end))
            pos = end
        return hits

    def search(self, norm_text: str) -> list[PhraseHit]:
        """All non-overlapping hits, left to right; the longest phrase wins at one position."""
        return self._hits(norm_text, None)

    def first(self, norm_text: str) -> PhraseHit | None:
        hits = self._hits(norm_text, 1)
        return hits[0] if hits else None


def load_phrase_file(path: Path) -> list[str]:
    """Phrases of a phrase file: one a line; blank lines and ``#`` comments ignored.

    Raises OSError if the file cannot be read, PhraseError if it is not UTF-8
    (``str(e)`` is then ``path: not UTF-8 text (byte N)``) or a phrase is
    malformed (``e.reason`` then starts with ``path:line:``).
    """
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        # About the file, not a phrase: without the `phrase "": ` that PhraseError starts with.
        said = ProblemMessage.of("phrase.file_not_utf8", file=str(path), byte=str(e.start))
        raise PhraseError.about_file(said) from None
    phrases: list[str] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = _strip_comment(raw).strip()
        if not line:
            continue
        try:
            _compile_phrase(line)
        except PhraseError as e:
            said = ProblemMessage.of("phrase.in_file", file=str(path), line=str(lineno), reason=e.said_reason)
            raise PhraseError(line, said) from None
        phrases.append(line.replace("\\#", "#"))
    return phrases


def _strip_comment(line: str) -> str:
    if line.lstrip().startswith("#"):
        return ""
    m = re.search(r"(?<!\\)[ \t]#", line)
    return line[: m.start()] if m else line


# --------------------------------------------------------------------------
# Contexts
# --------------------------------------------------------------------------

ContextKind = Literal["question", "conditional", "description", "restatement"]
CONTEXT_KINDS: tuple[ContextKind, ...] = ("question", "conditional", "description", "restatement")

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
# Sentence ends: 。 ! ? ~ and '.' unless it sits between letters/digits (3.0.1,
# www.10010.com).  Clause cuts inside a sentence: , ; : 、 (not ',' between
# digits: 1,000) and a space between two Chinese characters.
_SENT_END = re.compile(r"[。!?~]+(?:[ .。!?~]*[。!?~])?|\.+(?![a-z0-9])|(?<![a-z0-9])\.+")
_CLAUSE_CUT = re.compile(rf"[;:、]|(?<![0-9]),|,(?![0-9])|(?<=[{_CJK}]) (?=[{_CJK}])")

# Phrases about knowing or being able: only these can be questions/restatements.
_NEUTRAL = re.compile(
    r"知道|清楚|晓得|了解|懂|明白|办法|没法|不了|无能为力|确定|"
    r"know|idea|sure|certain|help|can ?do|able"
)
# ...and that do not address the customer (你听不懂吗? 你问我我问谁? stay refusals).
_ADDRESSES = re.compile(r"你|您|\byou")
_KNOWLEDGE = re.compile(r"知道|清楚|晓得|了解|know|idea|sure|certain")

# Trailing decoration after the last word of a clause: emoticons like [呵呵],
# tildes, dots, quotes, signatures in brackets.
_TAIL = re.compile(r"(?:\[[^\[\]]{1,8}\]|\([^()]{1,12}\)|[~\s.。…\"'])+$")
# Words that may stand before a clause-initial phrase.
_OPENERS = re.compile(
    r"^(?:(?:但是|但|不过|只是|那么|那|请问|另外|还有|也|所以|然后|"
    r"亲|您好|你好|嗯|恩|哦|噢|额|呃|好的|想问一下|想问下|冒昧问一下|"
    r"but|so|and|also|well|however|then|hi|hello|hmm|um|ok|okay|dear|"
    r"besides|actually|may i ask|excuse me) ?)*$"
)
# 不知道 followed by these asks politely even without a question mark.
_POLITE_Q = re.compile(r"^ ?(?:您|你(?!们)|是否|能否|可否|方便|能不能|可不可以|有没有|是不是)")
_COND_BEFORE = re.compile(
    r"如果|假如|假若|假使|倘若|倘使|若是|要是|要不是|万一|一旦|如若|否则|不然|只要|"
    r"(?<![例比不诸譬正宛犹恰])如(?![何此下今实期同意])|(?<![倘假])若(?!干)|"
    r"\b(?:if|in case|should (?:you|i|we|it|there)|whether|unless|otherwise|provided that)\b"
)
_COND_OPEN = re.compile(
    r"^(?:如果|假如|假若|假使|倘若|若是|要是|万一|一旦|如若|只要|如(?![何此下今实期同意])|若(?!干)|"
    r"if\b|in case\b|should (?:you|i|we)\b|unless\b)"
)
_COND_FOLLOW = re.compile(r"^(?:就|则|那么|那|便|否则|不然|也就|then\b|otherwise\b)")
_DESC_AFTER = re.compile(r"^[^,]*?(?:的情况|情况下|的时候|(?<!什么)时候|之时|的前提)")
_DESC_ZAI_AFTER = re.compile(r"^[^,]*?时(?!间|效|长|段|候|刻|限)")
_DESC_EN = re.compile(r"\b(?:when|while|whenever)\b")
_REPORTED = re.compile(
    r"(?:您|你|客户|用户)[^,]{0,6}(?:说|提到|反映|反馈|遇到|描述|所说|表示|讲)的?(?:是|这个|这种)?$|"
    r"\byou (?:said|mentioned|say|were told|are saying|told us|reported)(?: that)? [^,]{0,12}$"
)
# Someone other than the speaker knows/can't: 他也不清楚, 客服也解决不了, 你们根本不知道.
_ADVERBS = r"(?:也|都|还|根本|并|完全|可能|是|就|真的|确实|什么都|一直|自己|本身|说)*(?:搞|弄|查|听|看|讲|解释的?)?"
_THIRD_PARTY = re.compile(
    rf"(?:他|她|它|他们|她们|它们|你|您|你们|客服|工作人员|对方|人家|别人|员工|师傅){_ADVERBS}$"
)
# Reported speech: 客服说不知道, 答复不知道哪有, 告知没办法安装.
_REPORTED_SPEECH = re.compile(
    rf"(?:说|答|答复|回答|回复|告诉我|告知|称|声称)[:\"']?"
    rf"(?:他|她|他们|她们|这边|那边|对方)?{_ADVERBS}$"
)
# Idioms: 不知道多少次 (countless times), 不知道第几次; 不查不知道 (had I not checked…).
_IDIOM_AFTER = re.compile(
    r"^(?:多少|第几|几)(?:次|遍|回)|^什么时候(?:已经|又|就|自己|突然|竟然|居然)"  # …不知道什么时候又好了
)
_IDIOM_BEFORE = re.compile(r"(?<!不)不[查看问试听算比]$")
# 不知道 opening a clause that asks an A-not-A or whether-question: 不知道能不能…
_A_NOT_A = re.compile(r"(.)不\1|是否|能否|可否|有没有")
_QUOTES_OPEN = "\"'“‘「『《"
_QUOTES_CLOSE = "\"'”’」』》"


# A clause ending in 吗, or 么 that is not part of 什么/怎么/这么/那么/多么.
_ASKS = re.compile(r"(?:(?<!干)吗|(?<![什怎这那多要])么)$")


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    delim: str  # the separator that ends the span ('' at the end of the text)


def _spans(text: str, cut: re.Pattern[str], lo: int, hi: int) -> list[_Span]:
    out: list[_Span] = []
    pos = lo
    for m in cut.finditer(text, lo, hi):
        out.append(_Span(pos, m.start(), m.group()))
        pos = m.end()
    out.append(_Span(pos, hi, ""))
    return out


def _index_of(spans: list[_Span], offset: int, ends: list[int] | None = None) -> int:
    """The span holding `offset`: the first that ends after it (the last one also at its end)."""
    i = bisect.bisect_right(ends if ends is not None else [s.end for s in spans], offset)
    if i > 0 and spans[i - 1].end == offset and spans[i - 1].delim == "":
        return i - 1
    return min(i, len(spans) - 1)


# The sentences of the last text asked about: an utterance with many hits is split into
# sentences once, not once a hit (which made a long utterance with many hits quadratic).
_last_sentences: tuple[str, list[_Span], list[int]] = ("", [_Span(0, 0, "")], [0])


def _sentences(text: str) -> tuple[list[_Span], list[int]]:
    global _last_sentences
    cached = _last_sentences
    if cached[0] is not text:
        spans = _spans(text, _SENT_END, 0, len(text))
        cached = _last_sentences = (text, spans, [s.end for s in spans])
    return cached[1], cached[2]


def hit_context(norm_text: str, hit: PhraseHit) -> frozenset[ContextKind]:
    """Which non-refusal contexts the clause around the hit is in (empty: a refusal)."""
    text = norm_text
    kinds: set[ContextKind] = set()
    matched = text[hit.start:hit.end]
    sentences, ends = _sentences(text)
    sent = sentences[_index_of(sentences, hit.start, ends)]
    clauses = _spans(text, _CLAUSE_CUT, sent.start, sent.end)
    ci = _index_of(clauses, hit.start)
    clause = clauses[ci]
    before = text[clause.start:hit.start]
    after = text[hit.end:clause.end]

    # quoted: “不知道” / 'i don't know' / 客服告诉我:"不知道!没接到通知!"
    if hit.start > 0 and text[hit.start - 1] in _QUOTES_OPEN:
        closer = _QUOTES_CLOSE[_QUOTES_OPEN.index(text[hit.start - 1])]
        if closer in text[hit.end:hit.end + 40]:
            kinds.add("restatement")

    # conditional
    if _COND_BEFORE.search(before):
        kinds.add("conditional")
    elif ci > 0 and _COND_FOLLOW.match(before.strip()):
        if any(_COND_OPEN.match(_strip_openers(text[c.start:c.end])) for c in clauses[:ci]):
            kinds.add("conditional")

    # description
    third_party = _THIRD_PARTY.search(before) is not None
    if _KNOWLEDGE.search(matched) and _IDIOM_AFTER.match(after):
        kinds.add("description")
    if _DESC_AFTER.match(after):
        kinds.add("description")
    elif "在" in before and _DESC_ZAI_AFTER.match(after):
        kinds.add("description")
    elif _DESC_EN.search(before):
        kinds.add("description")

    if _NEUTRAL.search(matched) is None or _ADDRESSES.search(matched) is not None:
        return frozenset(kinds)
    if third_party and not kinds:
        kinds.add("description")  # 他也不清楚, 客服也搞不清楚: not the speaker's own stance

    if _REPORTED.search(before) or _REPORTED_SPEECH.search(before):
        kinds.add("restatement")
    if _IDIOM_BEFORE.search(before) and matched.startswith("不知道"):
        kinds.add("conditional")
    knowledge = _KNOWLEDGE.search(matched) is not None
    opens = _OPENERS.match(before.strip()) is not None
    if _is_question(text, clauses, ci, sent):
        if opens and knowledge:
            kinds.add("question")
        else:
            kinds.add("restatement")
    elif opens and knowledge and not re.match(r"(?:i|we)\b", matched) and (
        _POLITE_Q.match(after) or _A_NOT_A.search(after)
    ):
        kinds.add("question")  # 不知道您是否方便… / 不知道能不能… without a question mark
    return frozenset(kinds)


def _is_question(text: str, clauses: list[_Span], ci: int, sent: _Span) -> bool:
    """Does the clause ask something?  It does when it ends the sentence and the
    sentence ends in '?', or it ends in 吗/么; it does when it ends in 呢/嘛/吧/呀/啊
    and the sentence ends in '?' with only a short tag (亲, 谢谢) after the clause."""
    clause = clauses[ci]
    sent_q = "?" in sent.delim
    body = _TAIL.sub("", text[clause.start:clause.end])
    if _ASKS.search(body):
        return True
    if ci == len(clauses) - 1:
        return sent_q
    last = body[-1:]
    if last and last in "呢嘛吧呀啊" and sent_q:
        rest = text[clause.end:sent.end]
        return len(re.sub(rf"[^a-z0-9{_CJK}]", "", rest)) <= 4
    return False


def _strip_openers(s: str) -> str:
    s = s.strip()
    m = re.match(r"^(?:(?:但是|但|不过|而且|并且|另外|所以|因此|因为|and|but|so) ?)+", s)
    return s[m.end():] if m else s
