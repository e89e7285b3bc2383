"""required-phrases: within a scope, some utterance must say one of the listed phrases.

Parameters:

- ``phrases`` and/or ``phrase-files`` (as in forbidden-phrases);
- ``speakers`` (default ``[agent]``);
- ``scope`` (default ``whole``):

  - ``whole``: any utterance of the speakers, anywhere in the interaction;
  - ``{first: N}`` / ``{last: N}``: one of the speakers' first / last N utterances;
  - ``{before: TYPE}``: for EACH event of that type (e.g. ``hold``), the speakers' nearest
    utterance before it. One finding per such event, pointing at it; an event with no
    utterance before it fails.

For ``whole``, ``first`` and ``last`` an interaction in which the speakers say nothing at all is
not judged (a queue-log record with no transcript has no greeting to check). One finding per
interaction, pointing at the utterance that should have said it.

Template fields: ``scope`` (the scope in words), ``n``, ``event`` (the event type for ``before``).

Passing::

    check: {kind: required-phrases, phrase-files: [builtin:greeting], scope: {first: 1}}
    # agent: "您好，欢迎致电锦江酒店。"

Failing::

    # agent: "喂，什么事？"
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any, ClassVar, cast

from ..model import Event, Evidence, Interaction, Localised
from ..text import PhraseMatcher
from . import CompileContext, Condition, Measurement, Needs
from ._phrases import SPEAKER_NAMES_ZH, PHRASE_FILES_SCHEMA, PHRASES_SCHEMA, SPEAKERS_SCHEMA, matcher_from, quote, speakers_from

SCOPE_SCHEMA: Mapping[str, Any] = {
    "oneOf": [
        {"const": "whole"},
        {
            "type": "object",
            "properties": {"first": {"type": "integer", "minimum": 1}},
            "required": ["first"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"last": {"type": "integer", "minimum": 1}},
            "required": ["last"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"before": {"type": "string", "minLength": 1}},
            "required": ["before"],
            "additionalProperties": False,
        },
    ]
}


def _evidence(event: Event | None) -> Evidence:
    if event is None:
        return Evidence()
    return Evidence(event.index, event.at_raw, quote(event.text) if event.type == "utterance" else None)


@dataclass(frozen=True)
class RequiredPhrasesCheck:
    matcher: PhraseMatcher
    speakers: frozenset[str]
    scope: str | Mapping[str, Any]
    condition: Condition = Condition("<", 1)
    template_fields: ClassVar[frozenset[str]] = frozenset({"scope", "n", "event"})

    #: Measures nothing in an interaction without events (see `Check.needs`).
    needs: ClassVar[Needs] = Needs(events=True)

    @property
    def text_speakers(self) -> frozenset[str]:
        return self.speakers

    def _says(self, event: Event) -> bool:
        return self.matcher.first(event.norm_text) is not None

    def measure(self, interaction: Interaction) -> list[Measurement]:
        # The scope is "whole" or a mapping of one key (the schema's oneOf). `type(...) is str`,
        # not isinstance(..., Mapping): an ABC check per call was 2% of an audit (measured).
        bounds = None if type(self.scope) is str else cast(Mapping[str, Any], self.scope)
        if bounds is not None and "before" in bounds:
            return self._before(interaction, bounds["before"])
        said = interaction.utterances(self.speakers)
        if not said:
            return []
        if bounds is None:
            window, pointer = said, None
        elif "first" in bounds:
            window, pointer = said[: bounds["first"]], said[0]
        else:
            window, pointer = said[-bounds["last"] :], said[-1]
        found = next((e for e in window if self._says(e)), None)
        fields = partial(self._fields, str(len(window)), "")
        return [Measurement(0, 1.0 if found else 0.0, _evidence(found or pointer), fields)]

    def _before(self, interaction: Interaction, event_type: str) -> list[Measurement]:
        out = []
        last_said: Event | None = None
        for event in interaction.events:
            if event.type == "utterance" and event.speaker in self.speakers:
                last_said = event
            elif event.type == event_type:
                ok = last_said is not None and self._says(last_said)
                evidence = Evidence(event.index, event.at_raw, quote(last_said.text) if last_said else None)
                fields = partial(self._fields, "1", event_type)
                out.append(Measurement(event.index, 1.0 if ok else 0.0, evidence, fields))
        return out

    def _fields(self, n: str, event: str) -> Mapping[str, Any]:
        return {"scope": self._scope_words, "n": n, "event": event}

    @cached_property
    def _scope_words(self) -> Localised:
        scope = self.scope
        if isinstance(scope, Mapping):
            if "first" in scope:
                return Localised(f"the first {scope['first']} utterance(s)", f"前{scope['first']}句话")
            if "last" in scope:
                return Localised(f"the last {scope['last']} utterance(s)", f"最后{scope['last']}句话")
            return Localised(f"the utterance before each {scope['before']}", f"每次{scope['before']}前的那句话")
        return Localised("the whole interaction", "整个对话")

    def describe(self, lang: str) -> str:
        if lang == "zh":
            who_zh = "、".join(SPEAKER_NAMES_ZH[s] for s in sorted(self.speakers))
            return f"{who_zh}在{self._scope_words.zh}中须说出 {len(self.matcher.phrases)} 条规定用语之一"
        who = ", ".join(sorted(self.speakers))
        return f"in {self._scope_words.en} of {who}, one of {len(self.matcher.phrases)} phrases must be said"


class RequiredPhrases:
    name: ClassVar[str] = "required-phrases"
    template_fields: ClassVar[frozenset[str]] = RequiredPhrasesCheck.template_fields
    schema: ClassVar[Mapping[str, Any]] = {
        "type": "object",
        "properties": {
            "kind": {"const": "required-phrases"},
            "phrases": PHRASES_SCHEMA,
            "phrase-files": PHRASE_FILES_SCHEMA,
            "speakers": SPEAKERS_SCHEMA,
            "scope": SCOPE_SCHEMA,
        },
        "required": ["kind"],
        "anyOf": [{"required": ["phrases"]}, {"required": ["phrase-files"]}],
        "additionalProperties": False,
    }
    default_message: ClassVar[Mapping[str, str]] = {
        "en": "no required phrase in {scope}",
        "zh": "{scope}中缺少规定用语",
    }

    @classmethod
    def compile(cls, params: Mapping[str, Any], context: CompileContext) -> RequiredPhrasesCheck:
        return RequiredPhrasesCheck(
            matcher=matcher_from(params, context),
            speakers=speakers_from(params),
            scope=params.get("scope", "whole"),
        )
