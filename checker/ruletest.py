"""Running rules' embedded examples: must-pass interactions give no finding of the rule,
must-fail ones give at least one (or exactly `findings`, or exactly these `messages`, in order).

Each rule is run alone, so an example tests its own rule and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .audit import Auditor
from .interactions import build_interaction
from .model import InputProblem
from .rules import Example, Rule


@dataclass(frozen=True, slots=True)
class CaseResult:
    rule: str
    name: str  # e.g. "fail[2]"
    location: str
    ok: bool
    detail: str  # why it failed: expected vs actual


def run_examples(rules: Iterable[Rule], lang: str = "en") -> Iterator[CaseResult]:
    for rule in rules:
        auditor = Auditor([rule], lang)
        counters = {True: 0, False: 0}
        for example in rule.examples:
            counters[example.expect_fail] += 1
            name = f"{'fail' if example.expect_fail else 'pass'}[{counters[example.expect_fail] - 1}]"
            yield _run(rule, auditor, example, name)


def _run(rule: Rule, auditor: Auditor, example: Example, name: str) -> CaseResult:
    where = str(example.location)
    item = build_interaction(example.record, example.location, 0)
    if isinstance(item, InputProblem):
        return CaseResult(rule.id, name, where, False, f"example is not a valid interaction: {item.message}")
    outcome = auditor.audit(item)
    if outcome.problems:
        return CaseResult(rule.id, name, where, False, f"example could not be measured: {outcome.problems[0].message}")
    messages = [f.message for f in outcome.findings]
    if not example.expect_fail:
        ok = not messages
        return CaseResult(rule.id, name, where, ok, "" if ok else f"expected no finding, got {_listed(messages)}")
    if example.messages is not None:
        ok = messages == list(example.messages)
        detail = f"expected {_listed(list(example.messages))}, got {_listed(messages)}"
        return CaseResult(rule.id, name, where, ok, "" if ok else detail)
    if example.findings is not None:
        ok = len(messages) == example.findings
        detail = f"expected {example.findings} finding(s), got {len(messages)}: {_listed(messages)}"
        return CaseResult(rule.id, name, where, ok, "" if ok else detail)
    ok = bool(messages)
    return CaseResult(rule.id, name, where, ok, "" if ok else "expected at least one finding, got none")


def _listed(messages: list[str]) -> str:
    return "[" + "; ".join(repr(m) for m in messages) + "]" if messages else "no findings"
