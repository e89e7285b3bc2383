"""survey-gap: perceived service must not fall below expected service (SERVQUAL gap 5).

Parameters: ``dimensions`` (default: all five), ``tolerance`` (default 0: any shortfall counts;
0.5 tolerates half a point).

For each listed dimension scored in both `survey.expected` and `survey.perceived`, the gap is
expected minus perceived. One finding per dimension whose gap exceeds the tolerance, carrying
that dimension (a survey-gap rule may omit `dimension`). Template fields: ``dimension``,
``expected``, ``perceived``, ``gap``.

Passing::

    check: {kind: survey-gap}
    # "survey": {"expected": {"empathy": 6}, "perceived": {"empathy": 6.5}}

Failing::

    # "survey": {"expected": {"empathy": 6}, "perceived": {"empathy": 4}} -> gap 2 on empathy
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from ..model import DIMENSION_NAMES_ZH, DIMENSIONS, Dimension, Interaction, Localised
from . import CompileContext, Condition, Measurement, Needs


def _fields(name: str, expected: float, perceived: float, gap: float) -> dict[str, Any]:
    """Template fields, built only for a dimension that becomes a finding."""
    return {
        "dimension": Localised(name, DIMENSION_NAMES_ZH[name]),
        "expected": f"{expected:g}",
        "perceived": f"{perceived:g}",
        "gap": f"{gap:g}",
    }


@dataclass(frozen=True)
class SurveyGapCheck:
    dimensions: tuple[str, ...]
    condition: Condition
    template_fields: ClassVar[frozenset[str]] = frozenset({"dimension", "expected", "perceived", "gap"})
    #: Reads no utterance text (see `Check.text_speakers`).
    text_speakers: ClassVar[frozenset[str]] = frozenset()
    #: Measures nothing without a survey (see `Check.needs`).
    needs: ClassVar[Needs] = Needs(survey=True)

    def measure(self, interaction: Interaction) -> list[Measurement]:
        survey = interaction.survey
        if survey is None:
            return []
        out = []
        for position, name in enumerate(self.dimensions):
            if name not in survey.expected or name not in survey.perceived:
                continue
            expected, perceived = survey.expected[name], survey.perceived[name]
            gap = float(expected) - float(perceived)
            fields = partial(_fields, name, expected, perceived, gap)
            out.append(Measurement(position, gap, fields=fields, dimension=Dimension(name)))
        return out

    def describe(self, lang: str) -> str:
        if lang == "zh":
            tolerance_zh = f"超过{self.condition.limit:g}分" if self.condition.limit else ""
            names = "、".join(DIMENSION_NAMES_ZH[d] for d in self.dimensions)
            return f"以下维度的感知得分不得低于期望{tolerance_zh}：{names}"
        tolerance = f" by more than {self.condition.limit:g}" if self.condition.limit else ""
        return f"perceived score must not fall below expected{tolerance} on: " + ", ".join(self.dimensions)


class SurveyGap:
    name: ClassVar[str] = "survey-gap"
    template_fields: ClassVar[frozenset[str]] = SurveyGapCheck.template_fields
    schema: ClassVar[Mapping[str, Any]] = {
        "type": "object",
        "properties": {
            "kind": {"const": "survey-gap"},
            "dimensions": {"type": "array", "items": {"enum": list(DIMENSIONS)}, "minItems": 1, "uniqueItems": True},
            "tolerance": {"type": "number", "minimum": 0},
        },
        "required": ["kind"],
        "additionalProperties": False,
    }
    default_message: ClassVar[Mapping[str, str]] = {
        "en": "{dimension}: perceived {perceived} below expected {expected} (gap {gap})",
        "zh": "{dimension}：感知 {perceived} 低于期望 {expected}（差距 {gap}）",
    }

    @classmethod
    def compile(cls, params: Mapping[str, Any], context: CompileContext) -> SurveyGapCheck:
        return SurveyGapCheck(
            tuple(params.get("dimensions", DIMENSIONS)), Condition(">", float(params.get("tolerance", 0)))
        )
