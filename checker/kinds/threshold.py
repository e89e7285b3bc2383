"""threshold: a number measured on the interaction must stay within a limit.

The value is taken from the first source in `value` that the interaction has:

- ``metric: NAME``: a number in `metrics` (a boolean or a string is a data error, never coerced);
- ``count: TYPE`` (optionally ``before: TYPE``): how many events of a type, optionally only
  those before the first event of another type (rings before `answer`);
- ``sum: TYPE`` with ``field: NAME``: the total of a numeric field over events of a type
  (total `hold` seconds).

Exactly one of ``max`` (a violation when value > max) or ``min`` (when value < min).
``unit`` (``count``, ``seconds``, ``minutes``; default ``count``) only changes how the value is
written in messages (`{value_human}`, `{limit_human}`).

One finding per interaction. Template fields: ``value``, ``limit``, ``max``, ``min``,
``value_human``, ``limit_human``, ``source`` (what was measured).

Passing::

    check: {kind: threshold, value: [{metric: rings}, {count: ring, before: answer}], max: 3}
    # {"metrics": {"rings": 2}}  -> 2 <= 3

Failing::

    # {"events": [{"type": "ring"}, {"type": "ring"}, {"type": "ring"}, {"type": "ring"},
    #             {"type": "answer"}]}  -> 4 rings before answer > 3
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

from ..model import Interaction, Localised
from ..problems import ProblemMessage
from ..timeutil import format_duration, format_duration_zh
from . import CompileContext, Condition, MeasureError, Measurement, Needs

_SOURCE = {
    "oneOf": [
        {
            "type": "object",
            "properties": {"metric": {"type": "string", "minLength": 1}},
            "required": ["metric"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {
                "count": {"type": "string", "minLength": 1},
                "before": {"type": "string", "minLength": 1},
            },
            "required": ["count"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {
                "sum": {"type": "string", "minLength": 1},
                "field": {"type": "string", "minLength": 1},
            },
            "required": ["sum", "field"],
            "additionalProperties": False,
        },
    ]
}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def human(value: float, unit: str, lang: str) -> str:
    if unit == "seconds":
        return format_duration_zh(value) if lang == "zh" else format_duration(value)
    if unit == "minutes":
        return format_duration_zh(value * 60) if lang == "zh" else format_duration(value * 60)
    return f"{value:g}"


@dataclass(frozen=True)
class ThresholdCheck:
    sources: tuple[Mapping[str, str], ...]
    condition: Condition
    unit: str
    template_fields: ClassVar[frozenset[str]] = frozenset(
        {"value", "limit", "max", "min", "value_human", "limit_human", "source"}
    )
    #: Reads no utterance text (see `Check.text_speakers`).
    text_speakers: ClassVar[frozenset[str]] = frozenset()

    @property
    def needs(self) -> Needs | None:
        """Values that are all metrics measure nothing without one of them; a count or a sum
        of events measures any interaction (see `Check.needs`)."""
        if all("metric" in source for source in self.sources):
            return Needs(metrics=frozenset(source["metric"] for source in self.sources))
        return None

    def _value(self, interaction: Interaction) -> tuple[float, str] | None:
        for source in self.sources:
            if "metric" in source:
                name = source["metric"]
                if name not in interaction.metrics:
                    continue
                value = interaction.metrics[name]
                if not _is_number(value):
                    raise MeasureError(ProblemMessage.of("measure.metric_not_number", name=repr(name), value=repr(value)))
                return float(value), f"metric {name}"
            if "count" in source:
                events = interaction.events
                if "before" in source:
                    stop = next((e.index for e in events if e.type == source["before"]), len(events))
                    events = events[:stop]
                return float(sum(1 for e in events if e.type == source["count"])), f"{source['count']} events"
            if "sum" in source:
                total = 0.0
                for event in interaction.events:
                    if event.type != source["sum"]:
                        continue
                    amount = event.data.get(source["field"], 0)
                    if not _is_number(amount):
                        raise MeasureError(ProblemMessage.of(
                            "measure.field_not_number", index=str(event.index), field=str(source["field"]), value=repr(amount)
                        ))
                    total += amount
                return total, f"total {source['sum']} {source['field']}"
        return None

    def measure(self, interaction: Interaction) -> list[Measurement]:
        found = self._value(interaction)
        if found is None:
            return []
        value, source = found
        return [Measurement(subject=0, value=value, fields=lambda: self._fields(value, source))]

    def _fields(self, value: float, source: str) -> Mapping[str, Any]:
        return {
            "value": f"{value:g}",
            **self._limit_fields,
            "value_human": Localised(human(value, self.unit, "en"), human(value, self.unit, "zh")),
            "source": source,
        }

    @cached_property
    def _limit_fields(self) -> Mapping[str, Any]:
        """The fields that say the limit: the same for every finding of the rule."""
        limit = self.condition.limit
        said = f"{limit:g}"
        human_limit = Localised(human(limit, self.unit, "en"), human(limit, self.unit, "zh"))
        return {"limit": said, "max": said, "min": said, "limit_human": human_limit}

    def describe(self, lang: str) -> str:
        if lang == "zh":
            names_zh = "，否则".join(_source_text_zh(s) for s in self.sources)
            bound_zh = "不得超过" if self.condition.op == ">" else "不得少于"
            return f"{names_zh}{bound_zh}{self.condition.limit:g}"
        names = " else ".join(_source_text(s) for s in self.sources)
        bound = "at most" if self.condition.op == ">" else "at least"
        return f"{names} must be {bound} {self.condition.limit:g}"


def _source_text_zh(source: Mapping[str, str]) -> str:
    if "metric" in source:
        return f"指标 {source['metric']}"
    if "count" in source:
        before = f"（在第一个 {source['before']} 之前）" if "before" in source else ""
        return f"{source['count']} 事件的次数{before}"
    return f"{source['sum']} 事件的 {source['field']} 总和"


def _source_text(source: Mapping[str, str]) -> str:
    if "metric" in source:
        return f"metric {source['metric']}"
    if "count" in source:
        before = f" before the first {source['before']}" if "before" in source else ""
        return f"the number of {source['count']} events{before}"
    return f"the total {source['field']} of {source['sum']} events"


class Threshold:
    name: ClassVar[str] = "threshold"
    template_fields: ClassVar[frozenset[str]] = ThresholdCheck.template_fields
    schema: ClassVar[Mapping[str, Any]] = {
        "type": "object",
        "properties": {
            "kind": {"const": "threshold"},
            "value": {"oneOf": [_SOURCE, {"type": "array", "items": _SOURCE, "minItems": 1}]},
            "max": {"type": "number"},
            "min": {"type": "number"},
            "unit": {"enum": ["count", "seconds", "minutes"]},
        },
        "required": ["kind", "value"],
        "oneOf": [{"required": ["max"]}, {"required": ["min"]}],
        "additionalProperties": False,
    }
    default_message: ClassVar[Mapping[str, str]] = {
        "en": "{source} is {value}; standard: {limit}",
        "zh": "{source} 为 {value}；标准：{limit}",
    }

    @classmethod
    def compile(cls, params: Mapping[str, Any], context: CompileContext) -> ThresholdCheck:
        value = params["value"]
        sources = tuple(value) if isinstance(value, list) else (value,)
        condition = Condition(">", float(params["max"])) if "max" in params else Condition("<", float(params["min"]))
        return ThresholdCheck(sources, condition, params.get("unit", "count"))
