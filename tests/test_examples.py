"""The shipped examples give exactly the findings their author expects (tests/data/examples-expected.yaml).

The expectations are data: each interaction's rule ids with a count of findings or the texts the
messages must contain. Every shipped interaction must be listed, and every finding accounted for.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from conftest import DATA, EXAMPLES, INVALID
from svccheck.audit import audit_paths, exit_code
from svccheck.errors import ExitCode
from svccheck.model import Report
from svccheck.rules import Rule

EXPECTED: dict[str, dict[str, Any]] = YAML(typ="safe").load((DATA / "examples-expected.yaml").read_text(encoding="utf-8"))
SHIPPED = sorted([*EXAMPLES.glob("*.json"), *EXAMPLES.glob("*.jsonl")])


@pytest.fixture(scope="module")
def report(builtin_rules: list[Rule]) -> Report:
    return audit_paths(SHIPPED, builtin_rules)


@pytest.fixture(scope="module")
def found(report: Report) -> dict[str, dict[str, list[str]]]:
    by_interaction: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for finding in report.findings:
        by_interaction[finding.interaction][finding.rule].append(finding.message)
    return by_interaction


def test_the_shipped_examples_are_valid_and_all_listed(report: Report) -> None:
    assert report.errors == ()
    assert report.summary.interactions == len(EXPECTED)
    assert report.summary.clean == sum(1 for rules in EXPECTED.values() if not rules)
    assert exit_code(report) == ExitCode.FINDINGS


def test_every_example_file_is_audited(report: Report) -> None:
    assert sorted(report.inputs) == sorted(str(p) for p in SHIPPED)
    assert {p.name for p in SHIPPED} >= {"phone-calls.json", "complaint-chats.jsonl", "promises.json", "visits.json"}


@pytest.mark.parametrize("interaction", list(EXPECTED))
def test_example_gives_the_expected_findings(found: dict[str, dict[str, list[str]]], interaction: str) -> None:
    actual = found.get(interaction, {})
    expected = EXPECTED[interaction]
    assert sorted(actual) == sorted(expected)
    for rule, want in expected.items():
        messages = actual[rule]
        if isinstance(want, int):
            assert len(messages) == want, (rule, messages)
        else:
            assert len(messages) == len(want), (rule, messages)
            for message, text in zip(messages, want):
                assert text in message, rule


def test_the_invalid_examples_are_each_one_input_error(builtin_rules: list[Rule]) -> None:
    report = audit_paths([INVALID], builtin_rules)
    assert sorted({Path(e.location.file).name for e in report.errors}) == sorted(p.name for p in INVALID.iterdir())
    assert len(report.errors) == 6
    assert {e.interaction for e in report.errors} == {
        None, "bad-time-01", "dup-01", "order-01", "unknown-key-01", "wf-02",
    }
    # The valid ones beside them are still audited: dup-01 (first), wf-01 and wf-03.
    assert report.summary.interactions == 3
    assert exit_code(report) == ExitCode.INPUT
