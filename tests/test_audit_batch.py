"""The audit hot path: batched engine sessions and cached applicable rules give what the plain
per-interaction path gives."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from svccheck import audit as audit_module
from svccheck.audit import Auditor
from svccheck.durable_adapter import CompiledConditions, Fact
from svccheck.interactions import read_inputs
from svccheck.kinds import Condition
from svccheck.model import Interaction, SourceLocation
from svccheck.rules import load_rules
from svccheck.standards import load_standards

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def rules() -> list[object]:
    return load_rules([], load_standards([]))


def test_batches_give_the_outcomes_of_one_interaction_at_a_time(rules: list[object]) -> None:
    items = [i for i in read_inputs([ROOT / "examples"]) if isinstance(i, Interaction)]
    auditor = Auditor(rules)  # type: ignore[arg-type]
    one = [auditor.audit(i) for i in items]
    batched = auditor.audit_batch(items)
    assert [(o.findings, o.problems, o.applied) for o in batched] == [(o.findings, o.problems, o.applied) for o in one]
    assert sum(len(o.findings) for o in one) > 20


def test_violations_batch_keeps_groups_apart() -> None:
    compiled = CompiledConditions([Condition(">", 3.0), Condition("<", 1.0)])
    groups = [[Fact(0, 0, 5.0), Fact(1, 0, 2.0)], [], [Fact(0, 0, 5.0), Fact(1, 7, 0.0)], [Fact(0, 1, 3.0)]]
    assert compiled.violations_batch(groups) == [{(0, 0)}, set(), {(0, 0), (1, 7)}, set()]
    assert compiled.violations_batch([[], []]) == [set(), set()]
    assert [compiled.violations(g) for g in groups] == compiled.violations_batch(groups)


def test_applicable_rules_are_cached_per_channel_tags_source_and_site(rules: list[object]) -> None:
    auditor = Auditor(rules)  # type: ignore[arg-type]

    def applied(**kw: object) -> tuple[str, ...]:
        return auditor._applicable(Interaction(id="x", location=SourceLocation("f"), ordinal=0, **kw))[1]  # type: ignore[arg-type]

    plain = applied(channel="chat")
    complaint = applied(channel="chat", tags=frozenset({"complaint"}))
    assert "complaint.apology" in complaint and "complaint.apology" not in plain
    assert applied(channel="chat") is plain  # served from the cache
    assert "phone.greeting" in applied(channel="phone") and "phone.greeting" not in plain
    assert len(auditor._applicable_cache) == 3


def test_the_cache_is_off_when_applies_to_reads_more_than_it_knows(rules: list[object], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_module, "_APPLIES_TO_FIELDS", {"channels"})
    auditor = Auditor(rules)  # type: ignore[arg-type]
    auditor._applicable(Interaction(id="x", channel="chat", location=SourceLocation("f"), ordinal=0))
    assert not auditor._cacheable and auditor._applicable_cache == {}
    assert {f.name for f in dataclasses.fields(audit_module.AppliesTo)} == {
        "channels", "tags", "not_tags", "sources", "sites"
    }
