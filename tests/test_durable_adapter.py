"""The durable-rules adapter (svccheck.durable_adapter): each guard against the engine's sharp edges.

The raw engine's behaviours are pinned in test_durable_engine_pins.py; these tests pin what the
adapter does about them. Anything that could crash or hang the interpreter runs in a subprocess.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import EXAMPLES
from svccheck import durable_adapter
from svccheck.durable_adapter import (
    MARKER, SENTINEL, SENTINEL_RULE, CompiledConditions, Fact, ruleset_definition, shared_conditions,
)
from svccheck.errors import EngineError, EngineUnavailable, ExitCode, SvccheckError
from svccheck.kinds import Condition
from svccheck.rules import Rule

SUBPROCESS_TIMEOUT = 120  # seconds; a hang or a crash fails the test instead of the suite


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT
    )


class SpyEngine:
    """The real engine, with every call recorded."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._real, name)

        def call(*args: Any) -> Any:
            self.calls.append((name, args))
            return target(*args)

        return call

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


def _spied(conditions: list[Condition]) -> tuple[CompiledConditions, SpyEngine]:
    compiled = CompiledConditions(conditions)
    spy = SpyEngine(compiled._engine)
    compiled._engine = spy  # type: ignore[assignment]
    return compiled, spy


def _nodes(value: Any) -> Iterator[Any]:
    yield value
    if isinstance(value, dict):
        for key, child in value.items():
            yield key
            yield from _nodes(child)
    elif isinstance(value, list):
        for child in value:
            yield from _nodes(child)


# --- the ruleset ---------------------------------------------------------------------------------


def test_the_definition_is_a_sentinel_plus_one_marked_rule_per_distinct_condition() -> None:
    conditions = [Condition(">", 3), Condition("<", 1), Condition(">=", 2.5), Condition("<", 1.0), Condition("<=", 0),
                  Condition(">", 3)]
    definition = ruleset_definition(conditions)
    assert definition == {
        "sentinel": {"all": [{"m": {"svck": 2}}]},
        "c0": {"all": [{"m": {"$and": [{"svck": 1}, {"c": 0}, {"$gt": {"v": 3}}]}}]},
        "c1": {"all": [{"m": {"$and": [{"svck": 1}, {"c": 1}, {"$lt": {"v": 1}}]}}]},
        "c2": {"all": [{"m": {"$and": [{"svck": 1}, {"c": 2}, {"$gte": {"v": 2.5}}]}}]},
        "c3": {"all": [{"m": {"$and": [{"svck": 1}, {"c": 3}, {"$lte": {"v": 0}}]}}]},
    }
    assert shared_conditions(conditions) == (
        (Condition(">", 3), Condition("<", 1), Condition(">=", 2.5), Condition("<=", 0)), (0, 1, 2, 1, 3, 0)
    )
    assert (MARKER, SENTINEL, SENTINEL_RULE) == ("svck", 2, "sentinel")


def test_rules_sharing_a_condition_are_still_told_apart() -> None:
    # Rules 0 and 2 share `> 3` (one engine rule); each violation is still its own rule's.
    compiled = CompiledConditions([Condition(">", 3), Condition("<", 1), Condition(">", 3)])
    facts = [Fact(0, 0, 5.0), Fact(1, 0, 0.0), Fact(2, 0, 2.0), Fact(2, 1, 4.0), Fact(1, 1, 1.0)]
    assert compiled.violations(facts) == {(0, 0), (1, 0), (2, 1)}


def test_builtin_conditions_are_marked_and_never_use_or_or_regexes(builtin_rules: list[Rule]) -> None:
    conditions = [rule.check.condition for rule in builtin_rules]
    definition = ruleset_definition(conditions)
    assert len(definition) == len({(c.op, c.limit) for c in conditions}) + 1 < len(builtin_rules)
    assert definition.pop(SENTINEL_RULE) == {"all": [{"m": {MARKER: SENTINEL}}]}
    for name, rule in definition.items():
        (clause,) = rule["all"]
        assert clause["m"]["$and"][0] == {MARKER: 1}, name
    keys = {node for node in _nodes(definition) if isinstance(node, str) and node.startswith("$")}
    assert keys <= {"$and", "$gt", "$gte", "$lt", "$lte"}
    assert "$or" not in keys and "$mt" not in keys


@pytest.mark.parametrize("limit", [math.inf, -math.inf, math.nan])
def test_a_non_finite_limit_is_refused(limit: float) -> None:
    with pytest.raises(EngineError) as caught:
        ruleset_definition([Condition(">", 1), Condition(">", limit)])
    assert str(caught.value) == f"rule 1: limit {limit} is not a finite number"


def test_one_ruleset_per_definition_is_created_and_cached() -> None:
    conditions = [Condition(">", 7.125), Condition("<", 0.5)]
    first = CompiledConditions(conditions)
    created = len(durable_adapter._RULESETS)
    again = CompiledConditions(list(conditions))
    assert again._handle == first._handle
    assert len(durable_adapter._RULESETS) == created
    other = CompiledConditions([Condition(">", 7.25), Condition("<", 0.5)])
    assert other._handle != first._handle
    assert len(durable_adapter._RULESETS) == created + 1


def test_no_conditions_need_no_ruleset() -> None:
    compiled = CompiledConditions([])
    assert compiled._handle is None
    assert compiled.violations([]) == set()


# --- one session per interaction ------------------------------------------------------------------------


def test_each_session_asserts_facts_with_a_sentinel_drains_and_is_deleted() -> None:
    compiled, spy = _spied([Condition(">", 3), Condition("<", 1)])
    facts = [Fact(0, 0, 5.0), Fact(0, 1, 2.0), Fact(1, 0, 0.0), Fact(1, 4, 1.0)]
    assert compiled.violations(facts) == {(0, 0), (1, 0)}
    names = spy.names()
    assert names[:2] == ["assert_facts", "start_action_for_state"]
    assert names[-1] == "delete_state"
    assert set(names[2:-1]) == {"complete_and_start_action"}
    assert "assert_event" not in names and "assert_fact" not in names  # facts, not events: every rule fires
    payload = json.loads(spy.calls[0][1][1])
    sid = payload[0]["sid"]
    assert payload[0] == {"sid": sid, MARKER: SENTINEL}
    assert payload[1:] == [
        {"sid": sid, MARKER: 1, "c": 0, "r": 0, "s": 0, "g": 0, "v": 5.0},
        {"sid": sid, MARKER: 1, "c": 0, "r": 0, "s": 1, "g": 0, "v": 2.0},
        {"sid": sid, MARKER: 1, "c": 1, "r": 1, "s": 0, "g": 0, "v": 0.0},
        {"sid": sid, MARKER: 1, "c": 1, "r": 1, "s": 4, "g": 0, "v": 1.0},
        {"sid": sid, MARKER: SENTINEL, "last": 1},  # its firing proves the engine read every fact
    ]
    assert spy.calls[-1][1][1] == sid


def test_a_session_where_nothing_violates_still_starts_an_action_before_deletion() -> None:
    compiled, spy = _spied([Condition(">", 3)])
    assert compiled.violations([Fact(0, 0, 1.0)]) == set()
    # Two actions: the first and the last sentinel.
    assert spy.names() == [
        "assert_facts", "start_action_for_state", "complete_and_start_action", "complete_and_start_action", "delete_state"
    ]


def test_every_session_has_its_own_id() -> None:
    compiled, spy = _spied([Condition(">", 3)])
    compiled.violations([Fact(0, 0, 5.0)])
    compiled.violations([Fact(0, 0, 5.0)])
    sids = [json.loads(args[1])[0]["sid"] for name, args in spy.calls if name == "assert_facts"]
    assert len(set(sids)) == 2


def test_no_facts_open_no_session() -> None:
    compiled, spy = _spied([Condition(">", 3)])
    assert compiled.violations([]) == set()
    assert spy.calls == []


@pytest.mark.parametrize("value", [1e16, 5e16, 1e-7, 1e-300, 0.000001, -1e5, 123456.0], ids=repr)
def test_numbers_json_writes_with_an_exponent_are_decided_by_their_value(value: float) -> None:
    # json and orjson write these as 1e+16, 1e-07...: durable-rules drops such a fact and every
    # fact after it. The adapter writes 1.0e+16, which the engine reads.
    compiled = CompiledConditions([Condition(">", value / 2 if value > 0 else value * 2), Condition("<", 3)])
    facts = [Fact(0, 0, value), Fact(1, 0, 5.0), Fact(1, 1, 1.0)]
    assert compiled.violations(facts) == {(0, 0), (1, 1)}


@pytest.mark.parametrize("limit", [1e16, 1e-7, -1e20])
def test_limits_json_writes_with_an_exponent_build_a_ruleset(limit: float) -> None:
    compiled = CompiledConditions([Condition(">", limit)])
    assert compiled.violations([Fact(0, 0, limit * 1.5 if limit > 0 else limit / 2), Fact(0, 1, limit)]) == {(0, 0)}


def test_engine_json_adds_a_point_to_bare_exponents_only() -> None:
    text = durable_adapter.engine_json(b'[{"sid":"i1e5","v":1e+16},{"v":-1e-7},{"v":2.5e+16},{"v":5.0}]')
    assert text == '[{"sid":"i1e5","v":1.0e+16},{"v":-1.0e-7},{"v":2.5e+16},{"v":5.0}]'


def test_a_session_the_engine_did_not_read_to_the_end_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the fix the engine stops at 1e+16 and says nothing: the last sentinel never fires.
    monkeypatch.setattr(durable_adapter, "engine_json", bytes.decode)
    compiled = CompiledConditions([Condition(">", 3)])
    with pytest.raises(EngineError) as caught:
        compiled.violations([Fact(0, 0, 1e16), Fact(0, 1, 5.0)])
    assert str(caught.value) == "durable-rules did not read every fact of a session"


@pytest.mark.parametrize("value", [1, True, "1", None, math.inf, -math.inf, math.nan], ids=repr)
def test_only_finite_floats_reach_the_engine(value: Any) -> None:
    compiled, spy = _spied([Condition(">", 3)])
    with pytest.raises(EngineError) as caught:
        compiled.violations([Fact(0, 0, 1.0), Fact(0, 1, value)])
    assert str(caught.value) == f"fact value {value!r} for rule 0 is not a finite float"
    assert spy.calls == []  # refused before any session exists


def test_the_engine_decides_not_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compile a ruleset whose limit differs from the Condition: the engine's limit wins."""
    condition = Condition(">", 3)
    real_definition = durable_adapter.ruleset_definition

    def loosened(conditions: list[Condition]) -> dict[str, Any]:
        definition = real_definition(conditions)
        definition["c0"]["all"][0]["m"]["$and"][2] = {"$gt": {"v": 10.0}}
        return definition

    facts = [Fact(0, 0, 5.0), Fact(0, 1, 11.0)]
    assert CompiledConditions([condition]).violations(facts) == {(0, 0), (0, 1)}
    monkeypatch.setattr(durable_adapter, "ruleset_definition", loosened)
    assert condition.holds(5.0)
    assert CompiledConditions([condition]).violations(facts) == {(0, 1)}


# --- guards that protect the process: in a subprocess ------------------------------------------------


def test_three_thousand_interactions_through_one_auditor() -> None:
    """delete_state crashes the process for a session in which no action started; the sentinel
    makes sure one always does. 3,000 sessions of facts that violate nothing, in one process."""
    proc = _python(
        """
        import json, sys, threading
        from pathlib import Path
        from svccheck.audit import Auditor
        from svccheck.interactions import build_interaction
        from svccheck.model import SourceLocation
        from svccheck.rules import load_rules
        from svccheck.standards import load_standards

        auditor = Auditor(load_rules([], load_standards()))
        findings = facts = 0
        for n in range(3000):
            record = {
                "id": f"v{n}", "channel": "visit",
                "metrics": {"checkout_seconds": n % 180, "first_dish_minutes": 5, "rings": 1},
                "checklist": {k: True for k in ("greeted_promptly", "staff_groomed", "environment_clean",
                                                "accompanied_guest", "helped_with_luggage", "smile_eye_contact")},
                "survey": {"expected": {"empathy": 5, "tangibles": 5}, "perceived": {"empathy": 6, "tangibles": 5}},
            }
            item = build_interaction(record, SourceLocation("gen", n + 1), n)
            findings += len(auditor.audit(item).findings)
        print(json.dumps({"findings": findings, "lang": "durable.lang" in sys.modules,
                          "threads": threading.active_count()}))
        """
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout) == {"findings": 0, "lang": False, "threads": 1}


def test_the_drain_cap_and_the_marker_check_stop_an_unguarded_ruleset() -> None:
    proc = _python(
        """
        import json
        from svccheck.durable_adapter import CompiledConditions, Fact, _ruleset_handle, ruleset_definition
        from svccheck.errors import EngineError
        from svccheck.kinds import Condition

        def run(extra):
            compiled = CompiledConditions([Condition(">", 0.0)])
            definition = ruleset_definition(compiled.conditions)
            definition.update(extra)
            compiled._handle = _ruleset_handle(definition)
            try:
                return sorted(compiled.violations([Fact(0, 0, 1.0)]))
            except EngineError as err:
                return str(err)

        twice = {"r0": {"all": [{"m": {"$and": [{"svck": 1}, {"r": 0}]}}]},
                 "r0_again": {"all": [{"m": {"$and": [{"svck": 1}, {"r": 0}]}}]},
                 "r0_thrice": {"all": [{"m": {"$and": [{"svck": 1}, {"r": 0}]}}]}}
        state_document = {"r0": {"all": [{"m": {"$ex": {"id": 1}}}]}}
        print(json.dumps([run(twice), run(state_document), run({})]))
        """
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout) == [
        "durable-rules fired more actions than the 3 facts asserted",  # 2 sentinels and 1 fact
        "durable-rules fired r0 on a document that is not a measured fact",
        [[0, 0]],
    ]


def test_an_engine_that_cannot_be_imported_is_one_clear_line() -> None:
    proc = _python(
        f"""
        import sys
        sys.modules["durable_rules_engine"] = None  # what Python 3.13 amounts to: the import fails
        from svccheck.durable_adapter import CompiledConditions
        from svccheck.errors import EngineUnavailable
        from svccheck.kinds import Condition
        try:
            CompiledConditions([Condition(">", 1)])
        except EngineUnavailable as err:
            print(int(err.exit_code), err)
        from svccheck.cli import main
        sys.argv = ["svccheck", "audit", {str(EXAMPLES / "promises.json")!r}]
        main()
        """
    )
    message = (
        "the rules engine (durable-rules) cannot be imported on this Python: import of durable_rules_engine "
        "halted; None in sys.modules; svccheck needs Python 3.11 or 3.12"
    )
    assert proc.stdout == f"{int(ExitCode.USAGE)} {message}\n"
    assert proc.stderr == f"svccheck: error: {message}\n"
    assert proc.returncode == ExitCode.USAGE
    assert issubclass(EngineUnavailable, SvccheckError)  # a user error, never a traceback
