"""forbidden-phrases: utterances must not say any of the listed phrases.

Parameters:

- ``phrases`` (list) and/or ``phrase-files`` (list of files, one phrase a line; relative to the
  rule file, or ``builtin:NAME`` for a built-in list such as ``builtin:forbidden-zh``);
- ``speakers`` (default ``[agent]``): whose utterances are checked;
- ``exceptions`` (list): phrases that excuse a hit they overlap ("不知道您" in a polite request);
- ``ignore-contexts`` (default none): skip hits whose clause is a ``question`` ("不知道您方便提供
  一下订单号吗?"), a ``conditional`` ("如您不知道如何操作…", "If you don't know…"), a
  ``description`` ("在您不知道的情况下…") or a ``restatement`` of the customer's problem
  ("还是没办法打开吗?").

Matching is case-, width- and whitespace-insensitive, treats Traditional and Simplified Chinese
alike and matches English phrases as whole words (see `svccheck.text`).

One finding per offending utterance, quoting it. Template fields: ``phrase`` (the words said
that matched first, normalised: lower case, Simplified Chinese), ``phrases`` (every distinct
match, comma-separated), ``count``.

Passing::

    check: {kind: forbidden-phrases, phrases: [不知道], ignore-contexts: [question]}
    # agent: "不知道您方便提供一下订单号吗?"

Failing::

    # agent: "这个我不知道。"
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from ..model import Evidence, Interaction
from ..text import CONTEXT_KINDS, PhraseHit, PhraseMatcher, hit_context
from . import CompileContext, CompileError, Condition, Measurement, Needs
from ._phrases import (
    SPEAKER_NAMES_ZH,
    PHRASE_FILES_SCHEMA,
    PHRASES_SCHEMA,
    SPEAKERS_SCHEMA,
    CompileErrors,
    compile_matcher,
    matcher_from,
    quote,
    speakers_from,
)


CONTEXT_NAMES_ZH = {"question": "提问", "conditional": "假设", "description": "描述", "restatement": "复述客户问题"}


@dataclass(frozen=True)
class ForbiddenPhrasesCheck:
    matcher: PhraseMatcher
    exceptions: PhraseMatcher | None
    speakers: frozenset[str]
    ignore: frozenset[str]
    condition: Condition = Condition(">", 0)
    template_fields: ClassVar[frozenset[str]] = frozenset({"phrase", "phrases", "count"})

    #: Measures nothing in an interaction without events (see `Check.needs`).
    needs: ClassVar[Needs] = Needs(events=True)

    @property
    def text_speakers(self) -> frozenset[str]:
        return self.speakers

    def _excused(self, text: str, hit: PhraseHit, excuses: list[PhraseHit]) -> bool:
        if any(e.start < hit.end and hit.start < e.end for e in excuses):
            return True
        return bool(self.ignore and self.ignore & hit_context(text, hit))

    def measure(self, interaction: Interaction) -> list[Measurement]:
        out = []
        search = self.matcher.search
        # The speakers' utterances, worked out once per interaction for every rule that reads them.
        for event in interaction.utterances(self.speakers):
            hits = search(event.norm_text)
            if not hits:
                continue
            excuses = self.exceptions.search(event.norm_text) if self.exceptions else []
            kept = [h for h in hits if not self._excused(event.norm_text, h, excuses)]
            # Most utterances with a hit are excused (a question, a condition): their fields are
            # worked out only if the measurement becomes a finding.
            fields = partial(_hit_fields, event.norm_text, kept or hits, len(kept))
            evidence = Evidence(event.index, event.at_raw, quote(event.text))
            out.append(Measurement(event.index, float(len(kept)), evidence, fields))
        return out

    def describe(self, lang: str) -> str:
        if lang == "zh":
            who_zh = "、".join(SPEAKER_NAMES_ZH[s] for s in sorted(self.speakers))
            skip_zh = "；以下语境不计：" + "、".join(CONTEXT_NAMES_ZH[c] for c in sorted(self.ignore)) if self.ignore else ""
            return f"{who_zh}的发言不得使用 {len(self.matcher.phrases)} 条禁用语中的任何一条{skip_zh}"
        who = ", ".join(sorted(self.speakers))
        skip = f"; not counted in a {', '.join(sorted(self.ignore))}" if self.ignore else ""
        return f"{who} utterances must not say any of {len(self.matcher.phrases)} forbidden phrases{skip}"


def _hit_fields(text: str, hits: Sequence[PhraseHit], count: int) -> dict[str, str]:
    # Messages quote what was said (normalised), not the list's pattern syntax.
    said = [text[h.start : h.end] for h in hits]
    return {"phrase": said[0], "phrases": ", ".join(dict.fromkeys(said)), "count": str(count)}


class ForbiddenPhrases:
    name: ClassVar[str] = "forbidden-phrases"
    template_fields: ClassVar[frozenset[str]] = ForbiddenPhrasesCheck.template_fields
    schema: ClassVar[Mapping[str, Any]] = {
        "type": "object",
        "properties": {
            "kind": {"const": "forbidden-phrases"},
            "phrases": PHRASES_SCHEMA,
            "phrase-files": PHRASE_FILES_SCHEMA,
            "speakers": SPEAKERS_SCHEMA,
            "exceptions": PHRASES_SCHEMA,
            "ignore-contexts": {"type": "array", "items": {"enum": list(CONTEXT_KINDS)}, "uniqueItems": True},
        },
        "required": ["kind"],
        "anyOf": [{"required": ["phrases"]}, {"required": ["phrase-files"]}],
        "additionalProperties": False,
    }
    default_message: ClassVar[Mapping[str, str]] = {
        "en": "said a forbidden phrase: {phrase}",
        "zh": "使用了禁用语：{phrase}",
    }

    @classmethod
    def compile(cls, params: Mapping[str, Any], context: CompileContext) -> ForbiddenPhrasesCheck:
        errors: list[CompileError] = []  # the phrases' problems and the exceptions', together
        matcher = exceptions = None
        try:
            matcher = matcher_from(params, context)
        except CompileError as err:
            errors += err.errors if isinstance(err, CompileErrors) else (err,)
        if params.get("exceptions"):
            try:
                exceptions = compile_matcher(params["exceptions"], ["exceptions"], context)
            except CompileError as err:
                errors.append(err)
        if errors or matcher is None:
            raise errors[0] if len(errors) == 1 else CompileErrors(errors)
        return ForbiddenPhrasesCheck(
            matcher=matcher,
            exceptions=exceptions,
            speakers=speakers_from(params),
            ignore=frozenset(params.get("ignore-contexts", ())),
        )
