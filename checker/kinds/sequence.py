"""sequence: steps that must happen in order (e.g. apologise → propose a solution → confirm).

Parameters:

- ``steps`` (list, at least 2): each step has a ``name`` and either ``phrases`` /
  ``phrase-files`` (an utterance of the step's ``speakers``, default ``[agent]``, saying one of
  them) or ``event: TYPE`` (an event of that type).

Steps are matched greedily in order: each step is looked for after the event that matched the
previous one. An interaction with no events is not judged. One finding per interaction.

Template fields: ``missing`` (the first step not found in order), ``found`` (how many steps were
found in order), ``steps`` (how many there are).

Passing::

    check:
      kind: sequence
      steps:
        - {name: apologise, phrase-files: [builtin:apology]}
        - {name: promise a fix, event: promise}
    # agent: "非常抱歉给您带来不便" ... then a promise event

Failing::

    # a promise event first, the apology only afterwards
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..model import Event, Evidence, Interaction
from ..problems import ProblemMessage
from ..text import PhraseMatcher
from . import CompileContext, CompileError, Condition, Measurement, Needs
from ._phrases import PHRASE_FILES_SCHEMA, PHRASES_SCHEMA, SPEAKERS_SCHEMA, CompileErrors, matcher_from

_STEP = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "phrases": PHRASES_SCHEMA,
        "phrase-files": PHRASE_FILES_SCHEMA,
        "speakers": SPEAKERS_SCHEMA,
        "event": {"type": "string", "minLength": 1},
    },
    "required": ["name"],
    "oneOf": [
        {"required": ["event"], "not": {"anyOf": [{"required": ["phrases"]}, {"required": ["phrase-files"]}]}},
        {"anyOf": [{"required": ["phrases"]}, {"required": ["phrase-files"]}], "not": {"required": ["event"]}},
    ],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Step:
    name: str
    event: str | None
    matcher: PhraseMatcher | None
    speakers: frozenset[str]

    def matches(self, event: Event) -> bool:
        if self.event is not None:
            return event.type == self.event
        assert self.matcher is not None
        return (
            event.type == "utterance"
            and event.speaker in self.speakers
            and self.matcher.first(event.norm_text) is not None
        )


@dataclass(frozen=True)
class SequenceCheck:
    steps: tuple[Step, ...]
    condition: Condition
    template_fields: ClassVar[frozenset[str]] = frozenset({"missing", "found", "steps"})

    #: Measures nothing in an interaction without events (see `Check.needs`).
    needs: ClassVar[Needs] = Needs(events=True)

    @property
    def text_speakers(self) -> frozenset[str]:
        return frozenset().union(*(step.speakers for step in self.steps if step.matcher is not None))

    def measure(self, interaction: Interaction) -> list[Measurement]:
        if not interaction.events:
            return []
        found = 0
        last: Event | None = None
        position = 0
        events = interaction.events
        for step in self.steps:
            hit = next((e for e in events[position:] if step.matches(e)), None)
            if hit is None:
                break
            found += 1
            last = hit
            position = hit.index + 1
        missing = self.steps[found].name if found < len(self.steps) else ""
        evidence = Evidence(last.index, last.at_raw) if last is not None else Evidence()
        fields = {"missing": missing, "found": str(found), "steps": str(len(self.steps))}
        return [Measurement(0, float(found), evidence, fields)]

    def describe(self, lang: str) -> str:
        if lang == "zh":
            return "须按此顺序：" + " → ".join(s.name for s in self.steps)
        return "in this order: " + " → ".join(s.name for s in self.steps)


class Sequence_:
    name: ClassVar[str] = "sequence"
    template_fields: ClassVar[frozenset[str]] = SequenceCheck.template_fields
    schema: ClassVar[Mapping[str, Any]] = {
        "type": "object",
        "properties": {
            "kind": {"const": "sequence"},
            "steps": {"type": "array", "items": _STEP, "minItems": 2},
        },
        "required": ["kind", "steps"],
        "additionalProperties": False,
    }
    default_message: ClassVar[Mapping[str, str]] = {
        "en": "step '{missing}' missing or out of order ({found} of {steps} steps in order)",
        "zh": "缺少步骤“{missing}”或顺序不对（按顺序完成 {found}/{steps} 步）",
    }

    @classmethod
    def compile(cls, params: Mapping[str, Any], context: CompileContext) -> SequenceCheck:
        steps = []
        names: set[str] = set()
        errors: list[CompileError] = []  # every problem of every step, each at its own key
        for index, raw in enumerate(params["steps"]):
            if raw["name"] in names:
                said = ProblemMessage.of("check.duplicate_step", name=repr(raw["name"]))
                errors.append(CompileError(["steps", index, "name"], said))
            names.add(raw["name"])
            matcher = None
            if "event" not in raw:
                try:
                    matcher = matcher_from(raw, context)
                except CompileError as err:
                    found = err.errors if isinstance(err, CompileErrors) else (err,)
                    errors += [CompileError(["steps", index, *e.path], e.said) for e in found]
                    continue
            steps.append(Step(raw["name"], raw.get("event"), matcher, frozenset(raw.get("speakers", ("agent",)))))
        if errors:
            raise errors[0] if len(errors) == 1 else CompileErrors(errors)
        return SequenceCheck(tuple(steps), Condition("<", float(len(steps))))
