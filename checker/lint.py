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

``--lang zh`` says the problems (and the summary line) in Chinese: file names, lines and
columns, rule ids, keys and the values quoted stay as they are, and so does the JSON's shape
(its ``key`` too: only ``message`` is said in the language).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .config import Config, resolve_rules
from .interactions import build_interaction
from .model import InputProblem, SourceLocation
from .problems import ProblemMessage, joined
from .rules import Example, Rule
from .ruletest import expected_files, load_cases
from .yamlpos import Problem, YamlLoadError, load_yaml


@dataclass(frozen=True, slots=True)
class LintProblem:
    """One problem as lint reports it. `key` and `message` are English; `said` and `key_said`
    say them in another language (as `svccheck.yamlpos.Problem`'s; not part of the identity)."""

    file: str
    line: int | None
    column: int | None
    rule: str | None
    key: str
    message: str
    said: ProblemMessage | None = field(default=None, compare=False)
    key_said: ProblemMessage | None = field(default=None, compare=False)

    def text(self, lang: str = "en") -> str:
        return self.message if lang == "en" or self.said is None else self.said.text(lang)

    def describe(self, lang: str = "en") -> str:
        """`FILE:LINE:COL: RULE: KEY: MESSAGE` in `lang` (English: `str(self)`)."""
        where = str(SourceLocation(self.file, self.line, self.column))
        rule = f" {self.rule}:" if self.rule else ""
        key = self.key if lang == "en" or self.key_said is None else self.key_said.text(lang)
        return f"{where}:{rule} {key}: {self.text(lang)}"

    def __str__(self) -> str:
        return self.describe("en")

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
    found = [_pinpointed(p.problem, p.rule) for p in rule_set.problems]
    found += [problem for rule, example in rule_set.examples for problem in _example_problems(rule, example)]
    for rule in rule_set.loaded:
        found += _clause_problems(rule)
    _, case_problems = load_cases(expected_files(paths or config.rule_dirs), [r.id for r in rule_set.rules])
    found += [_pinpointed(p, None) for p in case_problems]
    unique = sorted(dict.fromkeys(found), key=LintProblem.sort_key)
    return LintResult(tuple(unique), len(rule_set.loaded))


def _from_rule_problem(problem: Problem, rule: str | None) -> LintProblem:
    where = problem.location
    return LintProblem(
        where.file, where.line, where.column, rule, problem.key, problem.message, problem.said, problem.key_said
    )


def _pinpointed(problem: Problem, rule: str | None) -> LintProblem:
    """The problem made more precise for the person fixing it: a problem about one phrase of a
    list (`check.phrases: phrase "x": ...`) moves from the list to that phrase's line and column."""
    key = problem.key
    message = problem.message
    if key.endswith("phrases") and message.startswith('phrase "'):
        try:
            doc = load_yaml(Path(problem.location.file))
        except YamlLoadError:
            return _from_rule_problem(problem, rule)
        keys: list[str | int] = [part for part in key.split(".")]
        node: Any = doc.root
        for part in keys:
            node = node.get(part) if isinstance(node, Mapping) else None
        for index, item in enumerate(node if isinstance(node, list) else ()):
            if isinstance(item, str) and message.startswith(f'phrase "{item}"'):
                moved = Problem(doc.locate([*keys, index]), f"{key}[{index}]", message, problem.said, problem.key_said)
                return _from_rule_problem(moved, rule)
    return _from_rule_problem(problem, rule)


def _example_problems(rule: str | None, example: Example) -> Iterator[LintProblem]:
    item = build_interaction(example.record, example.location, 0)
    if isinstance(item, InputProblem):
        said = ProblemMessage.of("rule.example_invalid", message=item.said or ProblemMessage.verbatim(item.message))
        yield _from_rule_problem(Problem.of(example.location, f"examples.{example.name}", said), rule)


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
    problem = Problem.of(where, "check.all", ProblemMessage.of("rule.never_fires", reason=reason))
    yield _from_rule_problem(problem, rule.id)


def _contradiction(clauses: Sequence[Mapping[str, Any]]) -> ProblemMessage | None:
    """The clauses that cannot hold together, joined by "and" in the problem's language."""
    tags = {c["tag"] for c in clauses if "tag" in c}
    for clause in clauses:
        if clause.get("not-tag") in tags:
            return joined("and", [f"tag {clause['not-tag']}", f"not-tag {clause['not-tag']}"])
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
            return joined("and", [f"{metric} {c['op']} {c['value']:g}" for c in group])
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# --- output -------------------------------------------------------------------------------------


def render_text(result: LintResult, out: TextIO, lang: str = "en") -> None:
    for problem in result.problems:
        out.write(f"{problem.describe(lang)}\n")


def render_json(result: LintResult, out: TextIO, lang: str = "en") -> None:
    """The problems for editors: the same fields in every language, `message` said in `lang`."""
    listed = [
        {"file": p.file, "line": p.line, "column": p.column, "rule": p.rule, "key": p.key, "message": p.text(lang)}
        for p in result.problems
    ]
    json.dump(listed, out, ensure_ascii=False, indent=2)
    out.write("\n")


def summary(result: LintResult, lang: str = "en") -> str:
    files = len({p.file for p in result.problems})
    if result.ok:
        return ProblemMessage.of("lint.clean", rules=str(result.rules)).text(lang)
    return ProblemMessage.of("lint.problems", count=str(len(result.problems)), files=str(files)).text(lang)

