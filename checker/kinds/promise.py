"""promise: every promise made is fulfilled by its due time (plus an optional grace).

A ``promise`` event (``id``, ``what``, ``due``) is kept when a ``fulfilled`` event naming its id
comes at or before ``due`` + grace. Late and never-fulfilled promises are both violations; the
message says how late, or "never fulfilled". A ``fulfilled`` event without a time cannot show
the promise was kept on time and is reported as a data problem.

Parameters: ``grace-seconds`` or ``grace-minutes`` (default 0).

One finding per broken promise, pointing at the promise event. Template fields: ``what``,
``promise`` (its id), ``due`` (as written), ``late`` (human units, or "never fulfilled"),
``grace``.

Passing::

    check: {kind: promise}
    # promise p1 due 18:00+08:00, fulfilled at 09:55Z (17:55+08:00)

Failing::

    # promise p1 due 18:00+08:00, fulfilled at 10:30Z -> "fulfilled 30 min late"
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from ..interactions import resolve_time
from ..model import Evidence, Interaction, Localised
from ..problems import ProblemMessage
from ..timeutil import format_duration, format_duration_zh
from . import NEVER, CompileContext, Condition, MeasureError, Measurement, Needs


def _late_words(late: float) -> Localised:
    if late >= NEVER:
        return Localised("never fulfilled", "始终未兑现")
    return Localised(f"fulfilled {format_duration(late)} late", f"迟了{format_duration_zh(late)}才兑现")


@dataclass(frozen=True)
class PromiseCheck:
    condition: Condition
    template_fields: ClassVar[frozenset[str]] = frozenset({"what", "promise", "due", "late", "grace"})
    #: Reads no utterance text (see `Check.text_speakers`).
    text_speakers: ClassVar[frozenset[str]] = frozenset()
    #: Measures nothing in an interaction without events (see `Check.needs`).
    needs: ClassVar[Needs] = Needs(events=True)

    def measure(self, interaction: Interaction) -> list[Measurement]:
        fulfilled: dict[str, float] = {}
        for event in interaction.events:
            if event.type != "fulfilled":
                continue
            if event.at is None:
                raise MeasureError(ProblemMessage.of(
                    "measure.fulfilled_without_time", index=str(event.index), promise=repr(event.data.get("promise"))
                ))
            fulfilled.setdefault(str(event.data.get("promise")), event.at)
        start = interaction.start if interaction.timeline == "absolute" else None
        out = []
        for event in interaction.events:
            if event.type != "promise":
                continue
            ident = str(event.data.get("id"))
            due = resolve_time(event.data.get("due"), start, ("events", event.index, "due"))
            assert due is not None  # required by the schema
            done = fulfilled.get(ident)
            late = NEVER if done is None else max(0.0, done - due)
            evidence = Evidence(event.index, event.at_raw, str(event.data.get("what", ident)))
            out.append(Measurement(event.index, late, evidence, partial(self._fields, event.data, ident, late)))
        return out

    def _fields(self, data: Mapping[str, Any], ident: str, late: float) -> dict[str, Any]:
        """Template fields, built only for a promise that becomes a finding."""
        return {
            "what": str(data.get("what", ident)),
            "promise": ident,
            "due": str(data.get("due")),
            "late": _late_words(late),
            "grace": Localised(format_duration(self.condition.limit), format_duration_zh(self.condition.limit)),
        }

    def describe(self, lang: str) -> str:
        if lang == "zh":
            grace_zh = f"（宽限{format_duration_zh(self.condition.limit)}）" if self.condition.limit else ""
            return f"每项承诺都须在期限前兑现{grace_zh}"
        grace = f" (grace {format_duration(self.condition.limit)})" if self.condition.limit else ""
        return f"every promise must be fulfilled by its due time{grace}"


class Promise:
    name: ClassVar[str] = "promise"
    template_fields: ClassVar[frozenset[str]] = PromiseCheck.template_fields
    schema: ClassVar[Mapping[str, Any]] = {
        "type": "object",
        "properties": {
            "kind": {"const": "promise"},
            "grace-seconds": {"type": "number", "minimum": 0},
            "grace-minutes": {"type": "number", "minimum": 0},
        },
        "required": ["kind"],
        "not": {"required": ["grace-seconds", "grace-minutes"]},
        "additionalProperties": False,
    }
    default_message: ClassVar[Mapping[str, str]] = {
        "en": "promise '{what}' (due {due}) {late}",
        "zh": "承诺“{what}”（期限 {due}）{late}",
    }

    @classmethod
    def compile(cls, params: Mapping[str, Any], context: CompileContext) -> PromiseCheck:
        grace = params.get("grace-seconds", params.get("grace-minutes", 0) * 60)
        return PromiseCheck(Condition(">", float(grace)))
