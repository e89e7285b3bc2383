"""checklist: mystery-shopper checklist items that must be true.

Parameters: ``items`` (list of item names). Each listed item present in the interaction's
``checklist`` must be ``true``; ``false`` is a violation; ``null`` (not applicable) and an item
the visit did not record are never violations. A number or a string for an item is a data
problem (scored items belong in scorecards).

One finding per failed item. Template fields: ``item``.

Passing::

    check: {kind: checklist, items: [staff_groomed]}
    # "checklist": {"staff_groomed": true}   (or null, or absent)

Failing::

    # "checklist": {"staff_groomed": false}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..model import Interaction
from ..problems import ProblemMessage
from . import CompileContext, Condition, MeasureError, Measurement, Needs


@dataclass(frozen=True)
class ChecklistCheck:
    items: tuple[str, ...]
    condition: Condition = Condition("<", 1)
    template_fields: ClassVar[frozenset[str]] = frozenset({"item"})
    #: Reads no utterance text (see `Check.text_speakers`).
    text_speakers: ClassVar[frozenset[str]] = frozenset()

    @property
    def needs(self) -> Needs:
        """Measures nothing without one of its items (see `Check.needs`)."""
        return Needs(checklist=frozenset(self.items))

    def measure(self, interaction: Interaction) -> list[Measurement]:
        out = []
        for position, item in enumerate(self.items):
            value = interaction.checklist.get(item)
            if value is None:
                continue
            if not isinstance(value, bool):
                raise MeasureError(ProblemMessage.of("measure.checklist_not_bool", item=repr(item), value=repr(value)))
            out.append(Measurement(position, 1.0 if value else 0.0, fields={"item": item}))
        return out

    def describe(self, lang: str) -> str:
        if lang == "zh":
            return "检查项须为“是”（null 表示不适用）：" + "、".join(self.items)
        return "checklist items must be true (null = not applicable): " + ", ".join(self.items)


class Checklist:
    name: ClassVar[str] = "checklist"
    template_fields: ClassVar[frozenset[str]] = ChecklistCheck.template_fields
    schema: ClassVar[Mapping[str, Any]] = {
        "type": "object",
        "properties": {
            "kind": {"const": "checklist"},
            "items": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1, "uniqueItems": True},
        },
        "required": ["kind", "items"],
        "additionalProperties": False,
    }
    default_message: ClassVar[Mapping[str, str]] = {
        "en": "checklist item {item} failed",
        "zh": "检查项 {item} 未达标",
    }

    @classmethod
    def compile(cls, params: Mapping[str, Any], context: CompileContext) -> ChecklistCheck:
        return ChecklistCheck(tuple(params["items"]))
