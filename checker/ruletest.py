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

What a failing example or case says (expected vs actual), and the `N passed, N failed` line, are
in the test language too; the findings' messages are quoted as the rules word them.

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
from .problems import Param, ProblemMessage, hinted
from .rules import EXPECTED_SUFFIXES, Example, Rule, in_file_order
from .yamlpos import FILE, Problem, YamlDoc, YamlLoadError, dotted, load_yaml, schema_problems


@dataclass(frozen=True, slots=True)
class CaseResult:
    rule: str  # a rule id, or "fixture" for a fixture case (no rule id is one word)
    name: str  # e.g. "fail[2]"
    location: str
    ok: bool
    detail: str  # why it failed: expected vs actual, in the test language


def _say(lang: str, code: str, **params: Param) -> str:
    return ProblemMessage.of(code, **params).text(lang)


def run_examples(rules: Iterable[Rule], lang: str = "en") -> Iterator[CaseResult]:
    for rule in rules:
        auditor = Auditor([rule], lang)
        for example in rule.examples:
            yield _run(rule, auditor, example, example.name, lang)


def _run(rule: Rule, auditor: Auditor, example: Example, name: str, lang: str = "en") -> CaseResult:
    where = str(example.location)
    item = build_interaction(example.record, example.location, 0)
    if isinstance(item, InputProblem):
        return CaseResult(rule.id, name, where, False, _say(lang, "test.example_invalid", message=item.text(lang)))
    outcome = auditor.audit(item)
    if outcome.problems:
        detail = _say(lang, "test.example_unmeasured", message=outcome.problems[0].text(lang))
        return CaseResult(rule.id, name, where, False, detail)
    messages = [f.message for f in outcome.findings]
    if not example.expect_fail:
        ok = not messages
        detail = _say(lang, "test.expected_none", got=_listed(messages, lang))
        return CaseResult(rule.id, name, where, ok, "" if ok else detail)
    if example.messages is not None:
        ok = messages == list(example.messages)
        expected = _listed(list(example.messages), lang)
        detail = _say(lang, "test.expected_messages", expected=expected, got=_listed(messages, lang))
        return CaseResult(rule.id, name, where, ok, "" if ok else detail)
    if example.findings is not None:
        ok = len(messages) == example.findings
        detail = _say(lang, "test.expected_count_listed", count=str(example.findings), actual=str(len(messages)),
                      got=_listed(messages, lang))
        return CaseResult(rule.id, name, where, ok, "" if ok else detail)
    ok = bool(messages)
    return CaseResult(rule.id, name, where, ok, "" if ok else _say(lang, "test.expected_some"))


def _listed(messages: list[str], lang: str = "en") -> str:
    return "[" + "; ".join(repr(m) for m in messages) + "]" if messages else _say(lang, "test.no_findings")


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

    def describe(self, lang: str = "en") -> str:
        where = f" [{self.interaction}]" if self.interaction is not None else ""
        event = _say(lang, "test.event", event=str(self.event)) if self.event is not None else ""
        message = _say(lang, "test.message", message=repr(self.message)) if self.message is not None else ""
        return f"{self.rule}{where}{event}{message}"

    def __str__(self) -> str:
        return self.describe("en")


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
            found.append(Problem.of(doc.locate([]), FILE, ProblemMessage.of("cases.no_input", stem=stem)))
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
            key = (
                ProblemMessage.of("label.interaction", id=item.interaction)
                if item.interaction is not None
                else ProblemMessage.of("label.input")
            )
            problems.append(Problem.of(item.location, key, item.said or ProblemMessage.verbatim(item.message)))
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
        Problem.of(doc.locate(keys), dotted(keys), _unknown_rule(rule, known))
        for keys, rule in named
        if isinstance(rule, str) and rule and rule not in known
    ]


def _unknown_rule(rule: str, known: Collection[str]) -> ProblemMessage:
    return hinted(ProblemMessage.of("cases.unknown_rule", rule=repr(rule)), rule, known)


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
            broken += [p.describe(lang) for p in outcome.problems]  # data the rules could not measure
        yield _compare(case, findings, broken, lang)


def _compare(case: FixtureCase, findings: list[Finding], broken: list[str], lang: str = "en") -> CaseResult:
    name, where = str(case.input), str(case.expected_file)
    if broken:
        problems = ("；" if lang == "zh" else "; ").join(broken)
        return CaseResult("fixture", name, where, False, _say(lang, "test.input_problem", problems=problems))
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
    lines = [_say(lang, "test.expected_count", count=str(len(case.expected)), actual=str(len(actual)))]
    lines += [_say(lang, "test.missing", finding=e.describe(lang)) for e in missing]
    lines += [_say(lang, "test.unexpected", finding=_shown(f, lang)) for f in unmatched]
    return CaseResult("fixture", name, where, False, "\n".join(lines))


def _shown(finding: Finding, lang: str = "en") -> str:
    return ExpectedFinding(finding.rule, finding.evidence.event, finding.message, finding.interaction).describe(lang)


def render_results(results: Iterable[CaseResult], out: TextIO, lang: str = "en") -> tuple[int, int]:
    """Each failing case (what, where, expected vs actual), then `N passed, N failed`, in `lang`."""
    passed = failed = 0
    for result in results:
        if result.ok:
            passed += 1
            continue
        failed += 1
        rule = _say(lang, "test.fixture") if result.rule == "fixture" else result.rule
        out.write(_say(lang, "test.failed", rule=rule, name=result.name, location=result.location) + "\n")
        for line in result.detail.splitlines():
            out.write(f"    {line}\n")
    out.write(_say(lang, "test.totals", passed=str(passed), failed=str(failed)) + "\n")
    return passed, failed
