"""scorecard: a mystery-shopper scorecard; a visit that scores below the pass mark fails.

Parameters (schema: ``checker/schemas/scorecard.schema.json``): ``pass-mark`` (percent) and
``sections``, each with an ``id``, a ``weight``, an optional ``title`` and ``dimension``, and
``items``. An item is ``item: NAME`` (a checklist item) or ``metric: NAME`` with ``max`` or
``min``, with optional ``points`` (default 1), ``auto-fail`` (default false), ``standard`` and
``title``. How a visit is scored (weights, N/A, auto-fail) is `svccheck.scorecard`'s reference.

One finding per visit that fails (score below the pass mark, or an auto-fail item not met);
a visit with no applicable item is not scored and gives no finding. The finding carries the
dimension of the auto-failed item's section, else of the section that lost the most weighted
points, else the rule's own. Template fields: ``score``, ``raw_score``, ``pass_mark``,
``not_met``, ``auto_failed``, ``verdict`` (a sentence with all of them).

Passing::

    check:
      kind: scorecard
      pass-mark: 80
      sections:
        - {id: welcome, weight: 1, items: [{item: greeted_promptly}, {item: smile_eye_contact}]}
    # "checklist": {"greeted_promptly": true, "smile_eye_contact": null}  -> 100%

Failing::

    # "checklist": {"greeted_promptly": true, "smile_eye_contact": false}  -> 50% < 80%
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from importlib import resources
from typing import Any, ClassVar

from ..model import Interaction, Localised
from ..scorecard import Scorecard, ScorecardError, ScoreError, VisitScore, build_scorecard, score_visit
from . import CompileContext, CompileError, Condition, MeasureError, Measurement, Needs


def _schema() -> dict[str, Any]:
    text = resources.files("svccheck").joinpath("schemas/scorecard.schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _pct(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def verdict(result: VisitScore) -> Localised:
    """One sentence saying why a visit failed (or passed), in both languages."""
    not_met = ", ".join(result.not_met) or "-"
    if result.auto_failed:
        failed = ", ".join(result.auto_failed)
        return Localised(
            f"auto-fail item not met: {failed} (score 0; {_pct(result.raw_score)}% before auto-fail; "
            f"pass mark {_pct(result.pass_mark)}%); not met: {not_met}",
            f"一票否决项未达标：{failed}（得分 0；否决前 {_pct(result.raw_score)}%；"
            f"合格线 {_pct(result.pass_mark)}%）；未达标项：{not_met}",
        )
    return Localised(
        f"scored {_pct(result.score)}% (pass mark {_pct(result.pass_mark)}%); not met: {not_met}",
        f"得分 {_pct(result.score)}%（合格线 {_pct(result.pass_mark)}%）；未达标项：{not_met}",
    )


def _fields(result: VisitScore) -> dict[str, Any]:
    """Template fields, built only for a visit that becomes a finding."""
    return {
        "score": _pct(result.score),
        "raw_score": _pct(result.raw_score),
        "pass_mark": _pct(result.pass_mark),
        "not_met": ", ".join(result.not_met) or "-",
        "auto_failed": ", ".join(result.auto_failed) or "-",
        "verdict": verdict(result),
    }


@dataclass(frozen=True)
class ScorecardCheck:
    card: Scorecard
    condition: Condition
    template_fields: ClassVar[frozenset[str]] = frozenset(
        {"score", "raw_score", "pass_mark", "not_met", "auto_failed", "verdict"}
    )
    #: Reads no utterance text (see `Check.text_speakers`).
    text_speakers: ClassVar[frozenset[str]] = frozenset()

    @property
    def needs(self) -> Needs:
        """A visit with none of the card's items scores nothing (see `Check.needs`)."""
        items = [item for _, item in self.card.items()]
        return Needs(
            metrics=frozenset(i.name for i in items if i.source == "metric"),
            checklist=frozenset(i.name for i in items if i.source == "item"),
        )

    def measure(self, interaction: Interaction) -> list[Measurement]:
        try:
            result = score_visit(self.card, interaction)
        except ScoreError as err:
            raise MeasureError(err.said) from None
        if result is None:
            return []
        # An auto-failed visit measures -1, below any pass mark (even 0): the engine still decides.
        value = -1.0 if result.auto_failed else result.score
        return [Measurement(0, value, fields=partial(_fields, result), dimension=result.dimension)]

    def describe(self, lang: str) -> str:
        items = sum(len(s.items) for s in self.card.sections)
        auto = [item.name for _, item in self.card.items() if item.auto_fail]
        text = (
            f"scorecard of {len(self.card.sections)} weighted sections and {items} items "
            f"must score at least {_pct(self.card.pass_mark)}%"
        )
        return text + (f"; auto-fail items: {', '.join(auto)}" if auto else "")


class ScorecardKind:
    name: ClassVar[str] = "scorecard"
    template_fields: ClassVar[frozenset[str]] = ScorecardCheck.template_fields
    schema: ClassVar[Mapping[str, Any]] = _schema()
    default_message: ClassVar[Mapping[str, str]] = {
        "en": "scorecard: {verdict}",
        "zh": "评分表：{verdict}",
    }

    @classmethod
    def compile(cls, params: Mapping[str, Any], context: CompileContext) -> ScorecardCheck:
        try:
            card = build_scorecard(context.rule_id, Localised(context.rule_id, context.rule_id), params)
        except ScorecardError as err:
            raise CompileError(err.path, err.said) from None
        return ScorecardCheck(card, Condition("<", card.pass_mark))
