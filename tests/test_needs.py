"""Check.needs: a rule is not asked to measure an interaction that lacks all it needs (a metric
rule and a call without the metric, a checklist rule and a call, a phrase rule and a record
without events). That must change nothing:
every built-in rule measures nothing, and raises nothing, on such an interaction, and audits
give the same outcomes with and without skipping."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from svccheck.audit import Auditor, Outcome
from svccheck.interactions import read_inputs
from svccheck.kinds import Needs
from svccheck.model import Interaction
from svccheck.rules import Rule

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def interactions(generate: Any, tmp_path_factory: pytest.TempPathFactory) -> list[Interaction]:
    source = tmp_path_factory.mktemp("needs") / "g.jsonl"
    with source.open("w", encoding="utf-8") as out:
        generate.write(generate.interactions(3000, 23, 0.05), out, "jsonl")
    # Values a rule cannot measure: present, so asked, and its problem reported either way.
    odd = tmp_path_factory.mktemp("needs") / "odd.jsonl"
    odd.write_text(
        '{"id": "m1", "channel": "visit", "metrics": {"checkout_seconds": "slow"}}\n'
        '{"id": "m2", "channel": "phone", "metrics": {"burger_held_minutes": true}}\n'
        '{"id": "m3", "channel": "chat", "metrics": {"coffee_held_minutes": "cold"}}\n'
        # No events: a call-centre queue log's record, a complaint known only by its tags.
        '{"id": "q1", "channel": "phone", "started_at": "1999-01-01T00:00:31+02:00", "metrics": {"queue_seconds": 5}}\n'
        '{"id": "q2", "channel": "chat", "tags": ["complaint"], "events": []}\n',
        encoding="utf-8",
    )
    found = [*read_inputs([source]), *read_inputs([ROOT / "examples"]), *read_inputs([odd])]
    return [i for i in found if isinstance(i, Interaction)]


def _present(need: Needs, interaction: Interaction) -> bool:
    return need.met_by(
        frozenset(interaction.metrics), frozenset(interaction.checklist), interaction.survey is not None,
        bool(interaction.events),
    )


def test_a_rule_measures_nothing_in_an_interaction_without_what_it_needs(
    builtin_rules: list[Rule], interactions: list[Interaction]
) -> None:
    needing = [rule for rule in builtin_rules if rule.check.needs is not None]
    # thresholds on metrics, checklist items, the survey, the scorecard; phrases and promises
    assert len(needing) >= 20
    assert {r.id for r in needing if r.check.needs == Needs(events=True)} >= {
        "speech.forbidden-phrases", "phone.greeting", "phone.hold-permission", "complaint.apology",
        "promise.kept", "complaint.acknowledged-in-time",
    }
    lacking = 0
    for rule in needing:
        need = rule.check.needs
        assert need is not None
        for interaction in interactions:
            if not _present(need, interaction):
                lacking += 1
                assert rule.check.measure(interaction) == [], (rule.id, interaction.id)
    assert lacking > 10_000


def test_audits_give_the_same_outcomes_with_and_without_skipping(
    builtin_rules: list[Rule], interactions: list[Interaction], monkeypatch: pytest.MonkeyPatch
) -> None:
    def key(outcome: Outcome) -> tuple[Any, ...]:
        return (outcome.id, outcome.findings, [p.describe("en") for p in outcome.problems], outcome.applied)

    skipping = Auditor(builtin_rules)
    skipped = [key(o) for o in skipping.audit_batch(interactions)]
    asked = 0
    to_measure = Auditor._to_measure

    def everything(self: Auditor, interaction: Interaction, applicable: tuple[Any, ...]) -> tuple[Any, ...]:
        nonlocal asked
        pairs: tuple[Any, ...] = applicable[0]
        asked += len(pairs) - len(to_measure(skipping, interaction, skipping._applicable(interaction)))
        return pairs

    monkeypatch.setattr(Auditor, "_to_measure", everything, raising=True)
    every = [key(o) for o in Auditor(builtin_rules).audit_batch(interactions)]
    assert skipped == every
    assert sum(bool(k[1]) for k in every) > 1000  # findings
    assert sum(len(k[2]) for k in every) == 3  # problems: one for each odd value
    assert asked > 10_000  # the skipping did skip


def test_what_a_kind_needs() -> None:
    from svccheck.kinds.threshold import ThresholdCheck
    from svccheck.kinds import Condition

    metric = ThresholdCheck(({"metric": "rings"}, {"metric": "rings_total"}), Condition(">", 3), "count")
    assert metric.needs == Needs(metrics=frozenset({"rings", "rings_total"}))
    counted = ThresholdCheck(({"metric": "rings"}, {"count": "ring"}), Condition(">", 3), "count")
    assert counted.needs is None  # a count of events measures any interaction
    need = Needs(metrics=frozenset({"a"}), checklist=frozenset({"b"}), survey=True)
    assert need.met_by(frozenset({"a"}), frozenset(), False, False)
    assert need.met_by(frozenset(), frozenset({"b"}), False, False)
    assert need.met_by(frozenset(), frozenset(), True, False)
    assert not need.met_by(frozenset({"x"}), frozenset({"y"}), False, True)
    assert not Needs(metrics=frozenset({"a"})).met_by(frozenset(), frozenset(), True, True)
    assert Needs(events=True).met_by(frozenset(), frozenset(), False, True)
    assert not Needs(events=True).met_by(frozenset({"a"}), frozenset({"b"}), True, False)


def test_an_interval_from_the_start_may_find_a_missing_end_without_events() -> None:
    from svccheck.kinds import Condition
    from svccheck.kinds.interval import NEVER, IntervalCheck
    from svccheck.model import SourceLocation

    reply = {"event": "utterance", "speaker": "agent"}
    from_start = IntervalCheck("start", reply, Condition(">", 60), fail_if_missing=True)
    from_event = IntervalCheck({"event": "utterance", "speaker": "customer"}, reply, Condition(">", 60), True)
    assert from_start.needs is None
    assert from_event.needs == Needs(events=True)
    silent = Interaction("s", "chat", SourceLocation("x"), 0, events=(), timeline="relative")
    assert [m.value for m in from_start.measure(silent)] == [NEVER]  # never answered: a finding
    assert from_event.measure(silent) == []
