"""Check kinds: what a rule's `check:` block can ask for.

Each kind is one module in this package whose docstring is its reference page (parameters,
defaults, a passing and a failing example). A kind is a class implementing `CheckKind`:

- `name`: the value of `check.kind` in a rule file;
- `schema`: the JSON Schema of the `check` block's parameters (validated with file:line:col);
- `compile(params, context)`: turn validated parameters into a `Check`.

A `Check` measures an interaction and returns `Measurement`s: one per subject (the whole
interaction, or one event, or one checklist item, or one survey dimension). It never decides
whether a measurement is a violation: that is the rule's `Condition`, evaluated by durable-rules
(see `svccheck.durable_adapter`). Python computes the facts; the engine decides.

The registry below is a plain static mapping: an unknown kind is an error, never skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar, Literal, NamedTuple, Protocol

from ..model import Dimension, Evidence, Interaction
from ..problems import ProblemMessage

Operator = Literal[">", ">=", "<", "<="]

# Stands for "never happened" (a promise never fulfilled, an event that never came) in a
# measured duration: far beyond any real limit, and still a plain number for the engine.
NEVER = 1.0e15


@dataclass(frozen=True, slots=True)
class Condition:
    """`value <op> limit` is a violation. Compiled into a durable-rules condition."""

    op: Operator
    limit: float

    def holds(self, value: float) -> bool:
        """Python's reading of the condition; used only to cross-check the engine in tests."""
        match self.op:
            case ">":
                return value > self.limit
            case ">=":
                return value >= self.limit
            case "<":
                return value < self.limit
            case "<=":
                return value <= self.limit


_NO_FIELDS: Mapping[str, Any] = MappingProxyType({})


class Measurement(NamedTuple):
    """One measured subject. `fields` fill the rule's message template.

    Most measurements do not violate anything, so a kind may pass `fields` as a function that
    builds them: it is called only for the measurements that become findings. A named tuple
    rather than a frozen dataclass: four or so are made per interaction, and a named tuple is
    built in a third of the time. The default `fields` is one shared empty mapping, read-only.
    """

    subject: int
    value: float
    evidence: Evidence = Evidence()
    fields: Mapping[str, Any] | Callable[[], Mapping[str, Any]] = _NO_FIELDS
    dimension: Dimension | None = None  # only kinds whose findings carry their own dimension

    def template_fields(self) -> Mapping[str, Any]:
        return self.fields() if callable(self.fields) else self.fields


class MeasureError(ValueError):
    """An interaction's data cannot be measured by this check (e.g. a metric of the wrong type).

    Reported as an input problem for that interaction and rule; the other rules still run. Raised
    with a `ProblemMessage` (`said`), so the problem is said in the report's language; a plain
    string (a message from elsewhere, e.g. a scorecard's `ScoreError`) is said in English only.
    """

    def __init__(self, said: ProblemMessage | str) -> None:
        self.said = said if isinstance(said, ProblemMessage) else ProblemMessage.verbatim(said)
        super().__init__(self.said.text("en"))


@dataclass(frozen=True, slots=True)
class CompileContext:
    """What a kind may need while compiling: where the rule file is (for phrase files)."""

    rule_file: Path
    rule_id: str


class CompileError(ValueError):
    """A parameter that passed the schema but cannot be compiled (bad phrase, missing file).

    `path` is the key path inside the `check` block, for file:line:col reporting. `str(err)` is
    English; `said` is the same message to say in another language (see `svccheck.problems`);
    an error raised with a plain string is said in English only.
    """

    def __init__(self, path: Sequence[str | int], said: ProblemMessage | str) -> None:
        self.said = said if isinstance(said, ProblemMessage) else ProblemMessage.verbatim(said)
        super().__init__(self.said.text("en"))
        self.path = tuple(path)


@dataclass(frozen=True, slots=True)
class Needs:
    """What an interaction must hold for a check to measure anything: one of these metrics or
    checklist items present (as a key, whatever its value), a survey, or (`events`) any event
    at all. A check that has `needs` measures nothing, and raises nothing, for an interaction
    with none of them, so the Auditor does not ask it (a dozen calls an interaction in the
    benchmark; the phrase rules for every record of a call-centre queue log, which has no
    events; tests/test_needs.py checks every built-in rule both ways)."""

    metrics: frozenset[str] = frozenset()
    checklist: frozenset[str] = frozenset()
    survey: bool = False
    events: bool = False

    def met_by(self, metrics: frozenset[str], checklist: frozenset[str], survey: bool, events: bool) -> bool:
        """Whether an interaction with these metrics, checklist items, survey (or not) and
        events (or none) may give a measurement."""
        return bool(self.metrics & metrics or self.checklist & checklist or (self.survey and survey) or (self.events and events))


class Check(Protocol):
    @property
    def condition(self) -> Condition:
        """`measurement.value <op> limit` is a violation (frozen: read-only)."""
        ...

    #: Names the message template may use, besides the common ones.
    template_fields: ClassVar[frozenset[str]]

    @property
    def text_speakers(self) -> frozenset[str]:
        """The speakers whose utterances' normalised text (`Event.norm_text`) `measure` reads.

        An audit normalises only the utterances of speakers some rule reads (customers' words
        are 40% of an utterance's text and most rules read only the agent's): a check that read
        `norm_text` of another speaker would see "" (tests/test_text_speakers.py audits every
        rule both ways)."""
        ...

    @property
    def needs(self) -> Needs | None:
        """What an interaction must hold for `measure` to find anything (see `Needs`); None: it
        may find something in any interaction."""
        ...

    def measure(self, interaction: Interaction) -> list[Measurement]: ...

    def describe(self, lang: str) -> str:
        """What the check tests, in plain words, with its current parameter values."""
        ...


class CheckKind(Protocol):
    name: ClassVar[str]
    schema: ClassVar[Mapping[str, Any]]
    #: Names the message template may use, besides COMMON_FIELDS.
    template_fields: ClassVar[frozenset[str]]
    #: Message template used when a rule gives none.
    default_message: ClassVar[Mapping[str, str]]

    @classmethod
    def compile(cls, params: Mapping[str, Any], context: CompileContext) -> Check: ...


#: Fields every message template may use.
COMMON_FIELDS = frozenset({"rule", "interaction", "site", "agent", "channel"})


def _registry() -> dict[str, type[CheckKind]]:
    from . import (
        checklist,
        condition,
        forbidden_phrases,
        interval,
        promise,
        required_phrases,
        scorecard,
        sequence,
        survey_gap,
        threshold,
    )

    kinds: list[type[CheckKind]] = [
        threshold.Threshold,
        forbidden_phrases.ForbiddenPhrases,
        required_phrases.RequiredPhrases,
        sequence.Sequence_,
        interval.Interval,
        promise.Promise,
        checklist.Checklist,
        survey_gap.SurveyGap,
        condition.ConditionKind,
        scorecard.ScorecardKind,
    ]
    return {kind.name: kind for kind in kinds}


KINDS: Mapping[str, type[CheckKind]] = _registry()


def get_kind(name: str) -> type[CheckKind]:
    try:
        return KINDS[name]
    except KeyError:
        known = ", ".join(sorted(KINDS))
        raise KeyError(f"unknown check kind {name!r} (known kinds: {known})") from None
