"""interval: the time between two points of an interaction must be at most a limit.

Parameters:

- ``from``: ``start`` (the interaction's `started_at`, or time 0 for relative times) or an
  event point ``{event: TYPE, speaker: S?, which: first|last}`` (default ``first``);
- ``to``: an event point (same form);
- ``max-seconds`` or ``max-minutes``: the limit;
- ``if-missing``: ``skip`` (default: not judged when either point is missing) or ``fail``
  (the ``to`` point never happening is itself a violation, e.g. a complaint never acknowledged;
  a missing ``from`` is still not judged).

Only events with a time (`at`) count as points. One finding per interaction, pointing at the
``to`` event. Template fields: ``elapsed`` (in human units, or "never"), ``limit`` (human units),
``from``, ``to``.

Passing::

    check: {kind: interval, from: {event: utterance, speaker: customer},
            to: {event: utterance, speaker: agent}, max-minutes: 30}
    # customer at 10:00, agent replies at 10:12

Failing::

    # customer at 10:00, agent replies at 11:05 -> "after 1 h 5 min; standard: within 30 min"
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from ..model import Event, Evidence, Interaction, Localised
from ..timeutil import format_duration, format_duration_zh
from . import NEVER, CompileContext, Condition, Measurement, Needs

_POINT = {
    "type": "object",
    "properties": {
        "event": {"type": "string", "minLength": 1},
        "speaker": {"enum": ["agent", "customer", "system"]},
        "which": {"enum": ["first", "last"]},
    },
    "required": ["event"],
    "additionalProperties": False,
}


_EVENTS_ZH = {"utterance": "发言", "ring": "响铃", "answer": "接听", "hold": "保留", "transfer": "转接",
              "promise": "承诺", "fulfilled": "兑现", "end": "结束"}
_SPEAKERS_ZH = {"agent": "坐席", "customer": "客户", "system": "系统"}


def _point_words(point: Mapping[str, str] | str) -> Localised:
    if point == "start":
        return Localised("the start", "开始")
    assert isinstance(point, Mapping)
    which = point.get("which", "first")
    who = f" by {point['speaker']}" if "speaker" in point else ""
    who_zh = _SPEAKERS_ZH.get(point.get("speaker", ""), "")
    what_zh = _EVENTS_ZH.get(point["event"], point["event"])
    which_zh = "第一次" if which == "first" else "最后一次"
    return Localised(f"the {which} {point['event']}{who}", f"{who_zh}{which_zh}{what_zh}")


def _human(seconds: float) -> Localised:
    if seconds >= NEVER:
        return Localised("never", "从未发生")
    return Localised(format_duration(seconds), format_duration_zh(seconds))


@dataclass(frozen=True)
class IntervalCheck:
    start_point: Mapping[str, str] | str
    end_point: Mapping[str, str]
    condition: Condition
    fail_if_missing: bool
    template_fields: ClassVar[frozenset[str]] = frozenset({"elapsed", "limit", "from", "to"})
    #: Reads no utterance text (see `Check.text_speakers`).
    text_speakers: ClassVar[frozenset[str]] = frozenset()
    @property
    def needs(self) -> Needs | None:
        """From an event: nothing without events. From the start: a missing end may be a
        finding (`fail-if-missing`) in any interaction (see `Check.needs`)."""
        return None if self.start_point == "start" else Needs(events=True)

    def _find(self, interaction: Interaction, point: Mapping[str, str], after: float) -> Event | None:
        matches = [
            e
            for e in interaction.events
            if e.type == point["event"]
            and e.at is not None
            and e.at >= after
            and ("speaker" not in point or e.speaker == point["speaker"])
        ]
        if not matches:
            return None
        return matches[-1] if point.get("which") == "last" else matches[0]

    def _origin(self, interaction: Interaction) -> float | None:
        if self.start_point == "start":
            if interaction.timeline == "relative":
                return 0.0
            return interaction.start
        assert isinstance(self.start_point, Mapping)
        event = self._find(interaction, self.start_point, float("-inf"))
        return event.at if event is not None else None

    def measure(self, interaction: Interaction) -> list[Measurement]:
        origin = self._origin(interaction)
        if origin is None:
            return []
        end = self._find(interaction, self.end_point, origin)
        if end is None and not self.fail_if_missing:
            return []
        elapsed = NEVER if end is None or end.at is None else end.at - origin
        evidence = Evidence(end.index, end.at_raw) if end is not None else Evidence()
        return [Measurement(0, elapsed, evidence, partial(self._fields, elapsed))]

    def _fields(self, elapsed: float) -> dict[str, Any]:
        """Template fields, built only for a measurement that becomes a finding."""
        return {
            "elapsed": _human(elapsed),
            "limit": _human(self.condition.limit),
            "from": _point_words(self.start_point),
            "to": _point_words(self.end_point),
        }

    def describe(self, lang: str) -> str:
        if lang == "zh":
            start, end = _point_words(self.start_point).zh, _point_words(self.end_point).zh
            return f"从{start}到{end}不得超过{format_duration_zh(self.condition.limit)}"
        return (
            f"from {_point_words(self.start_point).en} to {_point_words(self.end_point).en} must take "
            f"at most {format_duration(self.condition.limit)}"
        )


class Interval:
    name: ClassVar[str] = "interval"
    template_fields: ClassVar[frozenset[str]] = IntervalCheck.template_fields
    schema: ClassVar[Mapping[str, Any]] = {
        "type": "object",
        "properties": {
            "kind": {"const": "interval"},
            "from": {"oneOf": [{"const": "start"}, _POINT]},
            "to": _POINT,
            "max-seconds": {"type": "number", "minimum": 0},
            "max-minutes": {"type": "number", "minimum": 0},
            "if-missing": {"enum": ["skip", "fail"]},
        },
        "required": ["kind", "from", "to"],
        "oneOf": [{"required": ["max-seconds"]}, {"required": ["max-minutes"]}],
        "additionalProperties": False,
    }
    default_message: ClassVar[Mapping[str, str]] = {
        "en": "{to} came {elapsed} after {from}; standard: within {limit}",
        "zh": "从{from}到{to}用时{elapsed}；标准：{limit}以内",
    }

    @classmethod
    def compile(cls, params: Mapping[str, Any], context: CompileContext) -> IntervalCheck:
        limit = params["max-seconds"] if "max-seconds" in params else params["max-minutes"] * 60
        return IntervalCheck(
            start_point=params["from"],
            end_point=params["to"],
            condition=Condition(">", float(limit)),
            fail_if_missing=params.get("if-missing", "skip") == "fail",
        )
