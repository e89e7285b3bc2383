"""Running rules' embedded examples: must-pass interactions give no finding of the rule,
must-fail ones give at least one (or exactly `findings`, or exactly these `messages`, in order).

Each rule is run alone, so an example tests its own rule and nothing else.

Fixture cases (`svccheck test`): an interaction file (``cases/late-callback.json`` or
``.jsonl``) with the findings it must produce beside it (``cases/late-callback.expected.yaml``)::

    - {rule: complaint.callback-promised, event: 0}
    - {rule: speech.forbidden-phrases, event: 3, message: "said a forbidden phrase: 不知道"}

``event`` (0-based index of the event the finding points at), ``message`` (exact text, in the
test language) and ``interaction`` (its id, for files holding several) are optional. The list is
exact: a finding not listed fails the case, and an empty list means "no finding at all". To
compare only some rules' findings, write a mapping instead::

    rules: [complaint.callback-promised]    # only these rules' findings are compared
    findings: []

A case runs against the whole rule set as configured (overrides applied).

A case file that cannot be used is a problem of the case, not a failed case: an expected-findings
file that is malformed, has no interaction file beside it or names a rule not in use, and an
interaction file that is not valid JSON or holds an invalid interaction. `load_cases` reports
them all, located (`svccheck test` and `svccheck lint` exit 2).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .audit import Auditor
from .interactions import build_interaction, read_inputs
from .model import Finding, InputProblem, Interaction
from .rules import EXPECTED_SUFFIXES, Example, Rule, did_you_mean, in_file_order
from .yamlpos import Problem, YamlDoc, YamlLoadError, dotted, load_yaml, schema_problems


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
        for example in rule.examples:
            yield _run(rule, auditor, example, example.name)


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


# --- fixture cases ------------------------------------------------------------------------------

_EXPECTED_ITEM = {
    "type": "object",
    "properties": {
        "rule": {"type": "string", "minLength": 1},
        "event": {"type": "integer", "minimum": 0},
        "message": {"type": "string"},
        "interaction": {"type": "string", "minLength": 1},
    },
    "required": ["rule"],
    "additionalProperties": False,
}
#: An expected-findings file is a list of findings, or a mapping (`rules`, `findings`).
EXPECTED_LIST_SCHEMA: Mapping[str, Any] = {"type": "array", "items": _EXPECTED_ITEM}
EXPECTED_MAPPING_SCHEMA: Mapping[str, Any] = {
    "type": "object",
    "properties": {
        "rules": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
        "findings": EXPECTED_LIST_SCHEMA,
    },
    "required": ["findings"],
    "additionalProperties": False,
}
INPUT_SUFFIXES = (".json", ".jsonl")


@dataclass(frozen=True, slots=True)
class ExpectedFinding:
    rule: str
    event: int | None = None
    message: str | None = None
    interaction: str | None = None

    def matches(self, finding: Finding) -> bool:
        return (
            finding.rule == self.rule
            and (self.event is None or finding.evidence.event == self.event)
            and (self.message is None or finding.message == self.message)
            and (self.interaction is None or finding.interaction == self.interaction)
        )

    def __str__(self) -> str:
        where = f" [{self.interaction}]" if self.interaction is not None else ""
        event = f" (event {self.event})" if self.event is not None else ""
        message = f": {self.message!r}" if self.message is not None else ""
        return f"{self.rule}{where}{event}{message}"


@dataclass(frozen=True)
class FixtureCase:
    input: Path
    expected_file: Path
    expected: tuple[ExpectedFinding, ...]
    only: frozenset[str] | None  # compare only these rules' findings; None: all
    interactions: tuple[Interaction, ...]  # read from `input`, all valid (a case with problems is not made)


def _case_input(expected_file: Path) -> Path | None:
    stem = expected_file.name
    for suffix in EXPECTED_SUFFIXES:
        stem = stem.removesuffix(suffix)
    found = [expected_file.with_name(stem + suffix) for suffix in INPUT_SUFFIXES]
    existing = [path for path in found if path.is_file()]
    return existing[0] if len(existing) == 1 else None


def expected_files(paths: Iterable[Path]) -> list[Path]:
    """Fixture cases' expected-findings files in the given files and directory trees, sorted."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(EXPECTED_SUFFIXES))
        elif path.name.endswith(EXPECTED_SUFFIXES):
            out.append(path)
    return list(dict.fromkeys(out))


def load_cases(
    files: Iterable[Path], known_rules: Collection[str] | None = None
) -> tuple[list[FixtureCase], list[Problem]]:
    """Parse expected-findings files and read their interaction files: located problems (file by
    file, in file order) for bad ones, a missing input, an input that is not valid, or (given
    `known_rules`) a rule that is not in the rule set. A case with any problem is not made."""
    cases, problems = [], []
    for path in files:
        try:
            doc = load_yaml(path)
        except YamlLoadError as err:
            problems.append(err.problem)
            continue
        data = doc.plain() if doc.root is not None else []
        schema = EXPECTED_MAPPING_SCHEMA if isinstance(data, Mapping) else EXPECTED_LIST_SCHEMA
        found = schema_problems(doc, data, schema)
        if known_rules is not None:
            found += _unknown_rules(doc, data, known_rules)
        source = _case_input(path)
        if source is None:
            stem = path.name.split(".expected.")[0]
            found.append(Problem(doc.locate([]), "file", f"no interaction file {stem}.json or {stem}.jsonl beside it (exactly one)"))
        interactions, unusable = _read_case(source) if source is not None else ([], [])
        if found or unusable:
            problems += in_file_order(found, lambda p: p.location) + unusable
            continue
        assert source is not None
        items = data["findings"] if isinstance(data, Mapping) else data
        only = frozenset(data["rules"]) if isinstance(data, Mapping) and "rules" in data else None
        expected = tuple(ExpectedFinding(i["rule"], i.get("event"), i.get("message"), i.get("interaction")) for i in items)
        cases.append(FixtureCase(source, path, expected, only, tuple(interactions)))
    return cases, problems


def _read_case(source: Path) -> tuple[list[Interaction], list[Problem]]:
    """A case's interactions, and a problem for each that cannot be read or is not valid (in
    input order, so in file order)."""
    interactions, problems = [], []
    for item in read_inputs([source]):
        if isinstance(item, InputProblem):
            key = f"interaction {item.interaction}" if item.interaction is not None else "input"
            problems.append(Problem(item.location, key, item.message))
        else:
            interactions.append(item)
    return interactions, problems


def _unknown_rules(doc: YamlDoc, data: Any, known: Collection[str]) -> list[Problem]:
    """The rules named that are not in use; names in a malformed part are left to the schema."""
    base: list[str | int] = ["findings"] if isinstance(data, Mapping) else []
    items = data.get("findings") if isinstance(data, Mapping) else data
    named: list[tuple[list[str | int], Any]] = [
        ([*base, i, "rule"], item.get("rule")) for i, item in enumerate(_list(items)) if isinstance(item, Mapping)
    ]
    if isinstance(data, Mapping):
        named += [(["rules", i], rule) for i, rule in enumerate(_list(data.get("rules")))]
    return [
        Problem(doc.locate(keys), dotted(keys), f"unknown rule {rule!r}{did_you_mean(rule, known)}")
        for keys, rule in named
        if isinstance(rule, str) and rule and rule not in known
    ]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def run_cases(cases: Iterable[FixtureCase], rules: Sequence[Rule], lang: str = "en") -> Iterator[CaseResult]:
    auditor = Auditor(rules, lang)
    for case in cases:
        findings: list[Finding] = []
        broken: list[str] = []
        for interaction in case.interactions:
            outcome = auditor.audit(interaction)
            findings += outcome.findings
            broken += [str(p) for p in outcome.problems]  # data the rules could not measure
        yield _compare(case, findings, broken)


def _compare(case: FixtureCase, findings: list[Finding], broken: list[str]) -> CaseResult:
    name, where = str(case.input), str(case.expected_file)
    if broken:
        return CaseResult("fixture", name, where, False, "input problem: " + "; ".join(broken))
    actual = [f for f in findings if case.only is None or f.rule in case.only]
    unmatched = list(actual)
    missing = []
    for expected in case.expected:
        hit = next((f for f in unmatched if expected.matches(f)), None)
        if hit is None:
            missing.append(expected)
        else:
            unmatched.remove(hit)
    if not missing and not unmatched:
        return CaseResult("fixture", name, where, True, "")
    lines = [f"expected {len(case.expected)} finding(s), got {len(actual)}"]
    lines += [f"missing:    {e}" for e in missing]
    lines += [f"unexpected: {_shown(f)}" for f in unmatched]
    return CaseResult("fixture", name, where, False, "\n".join(lines))


def _shown(finding: Finding) -> str:
    return str(ExpectedFinding(finding.rule, finding.evidence.event, finding.message, finding.interaction))


def render_results(results: Iterable[CaseResult], out: TextIO) -> tuple[int, int]:
    """Each failing case (what, where, expected vs actual), then `N passed, N failed`."""
    passed = failed = 0
    for result in results:
        if result.ok:
            passed += 1
            continue
        failed += 1
        out.write(f"FAILED {result.rule} {result.name} ({result.location})\n")
        for line in result.detail.splitlines():
            out.write(f"    {line}\n")
    out.write(f"{passed} passed, {failed} failed\n")
    return passed, failed
