"""condition: a general condition over metrics, tags and fields, for what other kinds don't cover.

Parameters: exactly one of ``all`` (every clause holds) or ``any`` (at least one holds), a list
of clauses. The rule is violated when the condition holds. A clause is one of:

- ``{metric: NAME, op: OP, value: V}``: OP is one of ``>``, ``>=``, ``<``, ``<=`` (V a number) or
  ``==``, ``!=`` (V a number, string or boolean). Types are never coerced: a number is not equal
  to the string "5", ``true`` is not 1, and comparing a string metric with ``>`` is a data
  problem reported for that interaction. A missing metric makes the clause false.
- ``{field: site|agent|channel|source|wave, op: == | !=, value: STRING}``;
- ``{tag: NAME}`` (the interaction has the tag) or ``{not-tag: NAME}``.

One finding per interaction. Template fields: ``matched`` (how many clauses held), plus
``metric_NAME`` for every metric a clause names.

Passing::

    check: {kind: condition, all: [{metric: outcome, op: "==", value: HANG},
                                  {metric: queue_seconds, op: "<", value: 60}]}
    # {"metrics": {"outcome": "AGENT", "queue_seconds": 30}}

Failing::

    # {"metrics": {"outcome": "HANG", "queue_seconds": 15}}
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..model import Interaction
from ..problems import ProblemMessage
from . import CompileContext, Condition, MeasureError, Measurement, Needs

_ORDER_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}
_FIELDS = ("site", "agent", "channel", "source", "wave")

_CLAUSE = {
    "oneOf": [
        {
            "type": "object",
            "properties": {
                "metric": {"type": "string", "minLength": 1},
                "op": {"enum": [">", ">=", "<", "<=", "==", "!="]},
                "value": {"type": ["number", "string", "boolean"]},
            },
            "required": ["metric", "op", "value"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {
                "field": {"enum": list(_FIELDS)},
                "op": {"enum": ["==", "!="]},
                "value": {"type": "string"},
            },
            "required": ["field", "op", "value"],
            "additionalProperties": False,
        },
        {"type": "object", "properties": {"tag": {"type": "string"}}, "required": ["tag"], "additionalProperties": False},
        {"type": "object", "properties": {"not-tag": {"type": "string"}}, "required": ["not-tag"], "additionalProperties": False},
    ]
}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same_type(a: Any, b: Any) -> bool:
    if _is_number(a) and _is_number(b):
        return True
    return type(a) is type(b)


def _holds(clause: Mapping[str, Any], interaction: Interaction) -> bool:
    if "tag" in clause:
        return clause["tag"] in interaction.tags
    if "not-tag" in clause:
        return clause["not-tag"] not in interaction.tags
    if "field" in clause:
        actual = getattr(interaction, clause["field"])
        equal = actual == clause["value"]
        return equal if clause["op"] == "==" else (actual is not None and not equal)
    name, op, expected = clause["metric"], clause["op"], clause["value"]
    if name not in interaction.metrics:
        return False
    actual = interaction.metrics[name]
    if op in _ORDER_OPS:
        if not _is_number(actual):
            raise MeasureError(ProblemMessage.of(
                "measure.metric_not_comparable", name=repr(name), value=repr(actual), op=str(op), expected=repr(expected)
            ))
        return _ORDER_OPS[op](actual, expected)
    equal = _same_type(actual, expected) and actual == expected
    return equal if op == "==" else not equal


@dataclass(frozen=True)
class ConditionCheck:
    clauses: tuple[Mapping[str, Any], ...]
    mode: str
    condition: Condition
    template_fields: ClassVar[frozenset[str]] = frozenset({"matched"})
    #: Reads no utterance text (see `Check.text_speakers`).
    text_speakers: ClassVar[frozenset[str]] = frozenset()
    #: May measure any interaction (see `Check.needs`).
    needs: ClassVar[Needs | None] = None

    def measure(self, interaction: Interaction) -> list[Measurement]:
        matched = sum(1 for clause in self.clauses if _holds(clause, interaction))
        fields: dict[str, Any] = {"matched": str(matched)}
        for clause in self.clauses:
            if "metric" in clause:
                fields[f"metric_{clause['metric']}"] = str(interaction.metrics.get(clause["metric"], "missing"))
        return [Measurement(0, float(matched), fields=fields)]

    def describe(self, lang: str) -> str:
        words = [_clause_words(c) for c in self.clauses]
        if lang == "zh":
            joiner = " 且 " if self.mode == "all" else " 或 "
            return "满足以下条件即违规：" + joiner.join(words)
        joiner = " and " if self.mode == "all" else " or "
        return "violated when " + joiner.join(words)


def _clause_words(clause: Mapping[str, Any]) -> str:
    if "tag" in clause:
        return f"tagged {clause['tag']}"
    if "not-tag" in clause:
        return f"not tagged {clause['not-tag']}"
    subject = clause.get("metric", clause.get("field"))
    return f"{subject} {clause['op']} {clause['value']!r}"


class ConditionKind:
    name: ClassVar[str] = "condition"
    template_fields: ClassVar[frozenset[str]] = ConditionCheck.template_fields
    #: `{metric_NAME}` is the value of any metric a clause names.
    template_prefixes: ClassVar[tuple[str, ...]] = ("metric_",)
    schema: ClassVar[Mapping[str, Any]] = {
        "type": "object",
        "properties": {
            "kind": {"const": "condition"},
            "all": {"type": "array", "items": _CLAUSE, "minItems": 1},
            "any": {"type": "array", "items": _CLAUSE, "minItems": 1},
        },
        "required": ["kind"],
        "oneOf": [{"required": ["all"]}, {"required": ["any"]}],
        "additionalProperties": False,
    }
    default_message: ClassVar[Mapping[str, str]] = {
        "en": "condition met ({matched} clause(s) held)",
        "zh": "触发条件（{matched} 个子条件成立）",
    }

    @classmethod
    def compile(cls, params: Mapping[str, Any], context: CompileContext) -> ConditionCheck:
        mode = "all" if "all" in params else "any"
        clauses = tuple(params[mode])
        # The engine decides: all -> every clause held; any -> at least one did.
        threshold = float(len(clauses)) if mode == "all" else 1.0
        return ConditionCheck(clauses, mode, Condition(">=", threshold))
