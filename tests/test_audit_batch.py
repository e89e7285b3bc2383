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


def test_outcomes_hold_their_own_findings_in_order_and_build_report_keeps_it(
    builtin_rules: list[object], generate: object, tmp_path: Path
) -> None:
    # build_report sorts the findings only when outcomes come out of input order: an outcome's
    # findings carry its ordinal and are in sort_key order, however the outcomes were made.
    from svccheck import parallel
    from svccheck.audit import Outcome, build_report
    from svccheck.model import Finding, Severity

    source = tmp_path / "g.jsonl"
    with source.open("w", encoding="utf-8") as out:
        generate.write(generate.interactions(3000, 11, 0.02), out, "jsonl")  # type: ignore[attr-defined]
    ways = {
        "one process": list(parallel.outcomes([source], builtin_rules, "en", 1)),  # type: ignore[arg-type]
        "workers": list(parallel.outcomes([source], builtin_rules, "en", 2, min_bytes=0)),  # type: ignore[arg-type]
    }
    for way, found in ways.items():
        outcomes = [o for o in found if isinstance(o, Outcome)]
        assert sum(len(o.findings) > 1 for o in outcomes) > 100, way  # many outcomes to order
        for outcome in outcomes:
            assert all(f.ordinal == outcome.ordinal for f in outcome.findings), way
            assert outcome.findings == sorted(outcome.findings, key=Finding.sort_key), way
    in_order = build_report(ways["workers"], builtin_rules, Severity.MAJOR, "en")  # type: ignore[arg-type]
    assert list(in_order.findings) == sorted(in_order.findings, key=Finding.sort_key)
    backwards = build_report(reversed(ways["one process"]), builtin_rules, Severity.MAJOR, "en")  # type: ignore[arg-type]
    assert backwards.findings == in_order.findings
