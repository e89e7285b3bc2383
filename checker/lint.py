"""`svccheck lint`: every problem in the rule files and the configuration, at once.

Lint loads exactly what an audit would load (the built-in rules, the configuration's rule
directories, the given paths, the overrides) and reports every problem, one a line::

    FILE:LINE:COL: RULE-ID: KEY: MESSAGE

``RULE-ID`` is left out when the problem belongs to no rule (unparsable YAML, a bad
configuration key): ``FILE:LINE:COL: KEY: MESSAGE``, the form the audit uses. ``KEY`` is the
dotted path of the offending value (``check.max``, ``examples.fail[0]``, ``overrides.X.max``).

Beyond what the audit refuses to run on (schema errors, unknown kinds, parameters and template
fields, duplicate ids, phrases that cannot compile, missing phrase files, unknown standards,
contradictory limits, bad overrides), lint also checks that every embedded example is a valid
interaction (format v1), also in a rule that has other problems, that a ``condition`` check's
``all`` clauses can hold together (``rings > 5`` with ``rings < 3``, or ``tag: x`` with
``not-tag: x``, would never fire), and that the fixture cases (see `svccheck.ruletest`) in the
given paths (default: the configuration's rule directories) are usable: expected-findings files
(``NAME.expected.yaml``) well formed, naming rules that are in use, with their interaction file
beside them, and that file valid JSON holding valid interactions (``KEY`` is ``input``, or
``interaction ID`` once the interaction's id is known).

``--format json`` prints a list of ``{file, line, column, rule, key, message}`` for editors.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

from .config import Config, resolve_rules
from .interactions import build_interaction
from .model import InputProblem, SourceLocation
from .rules import Example, Rule, did_you_mean
from .ruletest import expected_files, load_cases
from .yamlpos import YamlLoadError, load_yaml


@dataclass(frozen=True, slots=True)
class LintProblem:
    file: str
    line: int | None
    column: int | None
    rule: str | None
    key: str
    message: str

    def __str__(self) -> str:
        where = str(SourceLocation(self.file, self.line, self.column))
        rule = f" {self.rule}:" if self.rule else ""
        return f"{where}:{rule} {self.key}: {self.message}"

    def sort_key(self) -> tuple[str, int, int]:
        return (self.file, self.line or 0, self.column or 0)


@dataclass(frozen=True)
class LintResult:
    problems: tuple[LintProblem, ...]
    rules: int  # rule files that loaded cleanly

    @property
    def ok(self) -> bool:
        return not self.problems


def lint(config: Config, paths: Sequence[Path] = ()) -> LintResult:
    rule_set = resolve_rules(config, paths)
    found = [_pinpointed(p.problem.location, p.rule, p.problem.key, p.problem.message) for p in rule_set.problems]
    found += [problem for rule, example in rule_set.examples for problem in _example_problems(rule, example)]
    for rule in rule_set.loaded:
        found += _clause_problems(rule)
    _, case_problems = load_cases(expected_files(paths or config.rule_dirs), [r.id for r in rule_set.rules])
    found += [_pinpointed(p.location, None, p.key, p.message) for p in case_problems]
    unique = sorted(dict.fromkeys(found), key=LintProblem.sort_key)
    return LintResult(tuple(unique), len(rule_set.loaded))


def _from_rule_problem(location: SourceLocation, rule: str | None, key: str, message: str) -> LintProblem:
    return LintProblem(location.file, location.line, location.column, rule, key, message)


_UNKNOWN_KEY = re.compile(r"^unknown key \(expected one of: (?P<known>[^)]*)\)$")


def _pinpointed(location: SourceLocation, rule: str | None, key: str, message: str) -> LintProblem:
    """The problem made more precise for the person fixing it: an unknown key gets the closest
    known one suggested (`aplies-to` -> `applies-to`), and a problem about one phrase of a list
    (`check.phrases: phrase "x": ...`) moves from the list to that phrase's line and column."""
    unknown = _UNKNOWN_KEY.match(message)
    if unknown is not None:
        message += did_you_mean(key.rsplit(".", 1)[-1], unknown["known"].split(", "))
    if key.endswith("phrases") and message.startswith('phrase "'):
        try:
            doc = load_yaml(Path(location.file))
        except YamlLoadError:
            return _from_rule_problem(location, rule, key, message)
        keys: list[str | int] = [part for part in key.split(".")]
        node: Any = doc.root
        for part in keys:
            node = node.get(part) if isinstance(node, Mapping) else None
        for index, item in enumerate(node if isinstance(node, list) else ()):
            if isinstance(item, str) and message.startswith(f'phrase "{item}"'):
                return _from_rule_problem(doc.locate([*keys, index]), rule, f"{key}[{index}]", message)
    return _from_rule_problem(location, rule, key, message)


def _example_problems(rule: str | None, example: Example) -> Iterator[LintProblem]:
    item = build_interaction(example.record, example.location, 0)
    if isinstance(item, InputProblem):
        message = f"not a valid interaction: {item.message}"
        yield _from_rule_problem(example.location, rule, f"examples.{example.name}", message)


# --- condition clauses that can never hold together ---------------------------------------------


def _clause_problems(rule: Rule) -> Iterator[LintProblem]:
    if rule.kind != "condition" or "all" not in rule.params:
        return
    clauses: list[Mapping[str, Any]] = rule.params["all"]
    reason = _contradiction(clauses)
    if reason is None:
        return
    try:
        where = load_yaml(Path(rule.location.file)).locate(["check", "all"])
    except YamlLoadError:
        where = rule.location
    yield _from_rule_problem(where, rule.id, "check.all", f"contradictory limits: {reason}; the rule can never fire")


def _contradiction(clauses: Sequence[Mapping[str, Any]]) -> str | None:
    tags = {c["tag"] for c in clauses if "tag" in c}
    for clause in clauses:
        if clause.get("not-tag") in tags:
            return f"tag {clause['not-tag']} and not-tag {clause['not-tag']}"
    bounds: dict[str, list[Mapping[str, Any]]] = {}
    for clause in clauses:
        if "metric" in clause and _is_number(clause["value"]) and clause["op"] != "!=":
            bounds.setdefault(clause["metric"], []).append(clause)
    for metric, group in bounds.items():
        low, low_open, high, high_open = -math.inf, False, math.inf, False
        for clause in group:
            op, value = clause["op"], float(clause["value"])
            if op in (">", ">=", "==") and (value > low or (value == low and op == ">")):
                low, low_open = value, op == ">"
            if op in ("<", "<=", "==") and (value < high or (value == high and op == "<")):
                high, high_open = value, op == "<"
        if low > high or (low == high and (low_open or high_open)):
            shown = " and ".join(f"{metric} {c['op']} {c['value']:g}" for c in group)
            return shown
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# --- output -------------------------------------------------------------------------------------


def render_text(result: LintResult, out: TextIO) -> None:
    for problem in result.problems:
        out.write(f"{problem}\n")


def render_json(result: LintResult, out: TextIO) -> None:
    json.dump([asdict(p) for p in result.problems], out, ensure_ascii=False, indent=2)
    out.write("\n")


def summary(result: LintResult) -> str:
    files = len({p.file for p in result.problems})
    if result.ok:
        return f"{result.rules} rule(s) checked, no problems"
    return f"{len(result.problems)} problem(s) in {files} file(s)"

