"""Scorecards: weighted sections, N/A, auto-fail and pass marks, checked against hand-computed
scores; the scorecard check kind in an audit; the built-in hotel scorecard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from svccheck.audit import Auditor
from svccheck.errors import RuleError
from svccheck.interactions import build_interaction
from svccheck.model import Dimension, Interaction, Localised, SourceLocation
from svccheck.rules import load_rules
from svccheck.ruletest import run_examples
from svccheck.scorecard import ScorecardError, ScoreError, build_scorecard, score_visit
from svccheck.standards import load_standards

# Section A (weight 60): a1 = 2 points, a2 = 1 point.
# Section B (weight 40): b1 = 1 point, crit = 1 point (auto-fail), rings <= 3 = 2 points.
CARD_PARAMS: dict[str, Any] = {
    "kind": "scorecard",
    "pass-mark": 75,
    "sections": [
        {"id": "a", "weight": 60, "dimension": "empathy", "items": [{"item": "a1", "points": 2}, {"item": "a2"}]},
        {
            "id": "b",
            "weight": 40,
            "dimension": "tangibles",
            "items": [{"item": "b1"}, {"item": "crit", "auto-fail": True}, {"metric": "rings", "max": 3, "points": 2}],
        },
    ],
}
CARD = build_scorecard("scorecard.test", Localised("t", "t"), CARD_PARAMS)


def visit(checklist: dict[str, Any], metrics: dict[str, Any] | None = None) -> Interaction:
    record: dict[str, Any] = {"id": "v1", "channel": "visit", "checklist": checklist}
    if metrics is not None:
        record["metrics"] = metrics
    item = build_interaction(record, SourceLocation("t.json", 1), 0)
    assert isinstance(item, Interaction), item
    return item


@pytest.mark.parametrize(
    ("checklist", "metrics", "score", "passed"),
    [
        # everything met
        ({"a1": True, "a2": True, "b1": True, "crit": True}, {"rings": 2}, 100.0, True),
        # A = 2/3, B = (1 + 1 + 0)/4: (60 * 2/3 + 40 * 1/2) / 100 = 60
        ({"a1": True, "a2": False, "b1": True, "crit": True}, {"rings": 5}, 60.0, False),
        # A = 1/3, B = (0 + 1 + 2)/4: (60 * 1/3 + 40 * 3/4) / 100 = 50
        ({"a1": False, "a2": True, "b1": False, "crit": True}, {"rings": 3}, 50.0, False),
        # N/A: a2 null leaves A = 2/2; all of B N/A drops B and its weight: 100
        ({"a1": True, "a2": None, "b1": None}, None, 100.0, True),
        # A = 2/3 alone: 66.666... rounded to 66.67
        ({"a1": True, "a2": False}, None, 66.67, False),
        # A = 1/3 (20 of 60), B = 4/4 (40 of 40): 60, below the pass mark of 75
        ({"a1": False, "a2": True, "b1": True, "crit": True}, {"rings": 1}, 60.0, False),
    ],
)
def test_weighted_sections_and_na_hand_computed(
    checklist: dict[str, Any], metrics: dict[str, Any] | None, score: float, passed: bool
) -> None:
    result = score_visit(CARD, visit(checklist, metrics))
    assert result is not None
    assert result.score == score
    assert result.raw_score == score
    assert result.passed is passed
    assert result.auto_failed == ()


def test_section_fractions_leave_na_out_of_the_denominator() -> None:
    result = score_visit(CARD, visit({"a1": True, "a2": None, "b1": False, "crit": None}, {"rings": 2}))
    assert result is not None
    assert [(s.id, s.earned, s.possible) for s in result.sections] == [("a", 2.0, 2.0), ("b", 2.0, 3.0)]
    # (60 * 1 + 40 * 2/3) / 100 = 86.666... -> 86.67
    assert result.score == 86.67
    assert result.not_met == ("b1",)


def test_auto_fail_item_fails_the_visit_and_zeroes_its_score() -> None:
    # raw: A = 3/3, B = (1 + 0 + 2)/4 -> (60 + 30) / 100 = 90, above the pass mark
    result = score_visit(CARD, visit({"a1": True, "a2": True, "b1": True, "crit": False}, {"rings": 1}))
    assert result is not None
    assert (result.raw_score, result.score, result.passed) == (90.0, 0.0, False)
    assert result.auto_failed == ("crit",)
    assert result.dimension is Dimension.TANGIBLES


def test_pass_mark_is_inclusive() -> None:
    card = build_scorecard("scorecard.sixty", Localised("t", "t"), {**CARD_PARAMS, "pass-mark": 60})
    result = score_visit(card, visit({"a1": True, "a2": False, "b1": True, "crit": True}, {"rings": 5}))
    assert result is not None
    assert (result.score, result.passed) == (60.0, True)


def test_nothing_applicable_is_not_scored() -> None:
    assert score_visit(CARD, visit({"a1": None, "other": False})) is None


def test_weakest_dimension_is_the_section_that_lost_most() -> None:
    # A lost 60 * 2/3 = 40 points of 100, B lost 40 * 1/4 = 10: empathy
    result = score_visit(CARD, visit({"a1": False, "a2": True, "b1": False, "crit": True}, {"rings": 3}))
    assert result is not None
    assert result.dimension is Dimension.EMPATHY


@pytest.mark.parametrize(
    ("checklist", "metrics", "message"),
    [
        ({"a1": 3}, None, "checklist item 'a1' is 3, not true, false or null"),
        ({"a1": True}, {"rings": "fast"}, "metric 'rings' is 'fast', not a number"),
        ({"a1": True}, {"rings": True}, "metric 'rings' is True, not a number"),
    ],
)
def test_values_an_item_cannot_score(checklist: dict[str, Any], metrics: dict[str, Any] | None, message: str) -> None:
    with pytest.raises(ScoreError) as err:
        score_visit(CARD, visit(checklist, metrics))
    assert str(err.value) == message


def test_an_item_scored_twice_is_refused() -> None:
    params = {**CARD_PARAMS, "sections": [CARD_PARAMS["sections"][0], {"id": "c", "weight": 1, "items": [{"item": "a2"}]}]}
    with pytest.raises(ScorecardError) as err:
        build_scorecard("scorecard.dup", Localised("t", "t"), params)
    assert str(err.value) == "'a2' is scored twice (first at sections[0].items[1])"
    assert err.value.path == ("sections", 1, "items", 0, "item")


# --- the scorecard check kind in an audit -----------------------------------------------------------

RULE_YAML = """\
id: scorecard.test
title: Test scorecard
standard: cs.consistent-service
severity: major
dimension: reliability
gap: delivery
applies-to: {channel: visit}
check:
  kind: scorecard
  pass-mark: 75
  sections:
    - id: a
      weight: 60
      dimension: empathy
      items: [{item: a1, points: 2}, {item: a2}]
    - id: b
      weight: 40
      dimension: tangibles
      items: [{item: b1}, {item: crit, auto-fail: true}, {metric: rings, max: 3, points: 2}]
"""


def rules_from(tmp_path: Path, text: str) -> list[Any]:
    (tmp_path / "card.yaml").write_text(text, encoding="utf-8")
    return load_rules([tmp_path], load_standards(), builtin=False)


def test_audit_reports_one_finding_per_failed_visit(tmp_path: Path) -> None:
    auditor = Auditor(rules_from(tmp_path, RULE_YAML), "en")
    failed = auditor.audit(visit({"a1": False, "a2": True, "b1": False, "crit": True}, {"rings": 3}))
    assert [(f.rule, f.dimension, f.message) for f in failed.findings] == [
        ("scorecard.test", Dimension.EMPATHY, "scorecard: scored 50% (pass mark 75%); not met: a1, b1")
    ]
    auto = auditor.audit(visit({"a1": True, "a2": True, "b1": True, "crit": False}, {"rings": 1}))
    assert [f.message for f in auto.findings] == [
        "scorecard: auto-fail item not met: crit (score 0; 90% before auto-fail; pass mark 75%); not met: crit"
    ]
    assert auditor.audit(visit({"a1": True, "a2": True})).findings == []


def test_audit_reports_a_bad_value_as_an_input_problem(tmp_path: Path) -> None:
    outcome = Auditor(rules_from(tmp_path, RULE_YAML), "en").audit(visit({"a1": 2}))
    assert [str(p) for p in outcome.problems] == [
        "t.json:1: interaction v1: rule scorecard.test: checklist item 'a1' is 2, not true, false or null"
    ]


def test_schema_errors_are_located(tmp_path: Path) -> None:
    bad = RULE_YAML.replace("{metric: rings, max: 3, points: 2}", "{metric: rings, points: 2}")
    with pytest.raises(RuleError) as err:
        rules_from(tmp_path, bad)
    assert len(err.value.problems) == 1
    assert err.value.problems[0].startswith(f"{tmp_path / 'card.yaml'}:19:")
    assert "check.sections[1].items[2]" in err.value.problems[0]


def test_duplicate_items_are_located(tmp_path: Path) -> None:
    bad = RULE_YAML.replace("{item: b1}", "{item: a1}")
    with pytest.raises(RuleError) as err:
        rules_from(tmp_path, bad)
    assert err.value.problems == (
        f"{tmp_path / 'card.yaml'}:19:22: check.sections[1].items[0].item: 'a1' is scored twice (first at sections[0].items[0])",
    )


# --- the built-in scorecard ------------------------------------------------------------------------


def builtin_card() -> Any:
    (rule,) = [r for r in load_rules([], load_standards()) if r.kind == "scorecard"]
    return rule


def test_builtin_scorecard_covers_the_hotels_24_requirements() -> None:
    standards = load_standards()
    card = builtin_card().check.card
    named = [item.standard for _, item in card.items()]
    assert all(s in standards for s in named)
    assert sorted(standards[s].number for s in named) == list(range(1, 25))
    # each section is one SERVQUAL dimension and holds that dimension's requirements
    for section in card.sections:
        assert {standards[item.standard].dimension for item in section.items} == {section.dimension}
    assert [item.name for _, item in card.items() if item.auto_fail] == [
        "items_intact", "found_property_returned", "safe_environment"
    ]


def test_builtin_scorecard_examples_pass() -> None:
    results = list(run_examples([builtin_card()]))
    assert len(results) == 5
    assert [r.detail for r in results if not r.ok] == []


def test_builtin_scorecard_hand_computed() -> None:
    card = builtin_card().check.card
    # tangibles (20): groomed 2/2 + clean 0/2 -> 1/2; responsiveness (20): greeted 2/2, rings 5 > 3 -> 2/4;
    # empathy (20): smile 2/2, luggage N/A, accompanied 0/2 -> 2/4; others N/A.
    # (20 * 0.5 + 20 * 0.5 + 20 * 0.5) / 60 = 50
    result = score_visit(
        card,
        visit(
            {"staff_groomed": True, "environment_clean": False, "greeted_promptly": True,
             "smile_eye_contact": True, "helped_with_luggage": None, "accompanied_guest": False},
            {"rings": 5},
        ),
    )
    assert result is not None
    assert (result.score, result.passed) == (50.0, False)
    assert result.not_met == ("environment_clean", "rings", "accompanied_guest")
