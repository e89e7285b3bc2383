"""Rule files: loading, validation and compilation into `Rule`s.

A rule file is YAML with one rule (see docs/writing-rules.md). Loading validates it against
`schemas/rule.schema.json`, then the check block against its kind's own schema, then compiles
the check, the message template and the examples. Every problem is collected and reported as
`file:line:col: key: message`; a rule set with any problem refuses to run. A bad rule is never
skipped.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, TypeVar

from .errors import RuleError
from .kinds import COMMON_FIELDS, KINDS, Check, CompileContext, CompileError
from .kinds._phrases import CompileErrors
from .model import Dimension, Gap, Interaction, Localised, RuleInfo, Severity, SourceLocation
from .paths import builtin_rules_dir
from .problems import ProblemMessage, hinted
from .yamlpos import TOP_LEVEL, Problem, YamlDoc, YamlLoadError, dotted, load_yaml, schema_problems

RULE_SUFFIXES = (".yaml", ".yml")
EXPECTED_SUFFIXES = (".expected.yaml", ".expected.yml")


def _schema(name: str) -> dict[str, Any]:
    text = resources.files("svccheck").joinpath(f"schemas/{name}").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


RULE_SCHEMA = _schema("rule.schema.json")
_T = TypeVar("_T")


def in_file_order(items: Iterable[_T], location: Callable[[_T], SourceLocation]) -> list[_T]:
    """Problems grouped by file (in the order the files were first reported), each file's in
    line and column order; problems at the same place keep the order they were found in."""
    listed = list(items)
    rank: dict[str, int] = {}
    for item in listed:
        rank.setdefault(location(item).file, len(rank))

    def place(item: _T) -> tuple[int, int, int]:
        where = location(item)
        return rank[where.file], where.line or 0, where.column or 0

    return sorted(listed, key=place)


@dataclass(frozen=True, slots=True)
class AppliesTo:
    channels: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    not_tags: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()
    sites: frozenset[str] = frozenset()

    def matches(self, interaction: Interaction) -> bool:
        return (
            (not self.channels or interaction.channel in self.channels)
            and self.tags <= interaction.tags
            and not (self.not_tags & interaction.tags)
            and (not self.sources or interaction.source in self.sources)
            and (not self.sites or interaction.site in self.sites)
        )

    def describe(self) -> str:
        parts = []
        if self.channels:
            parts.append("channel " + "|".join(sorted(self.channels)))
        if self.tags:
            parts.append("tagged " + ", ".join(sorted(self.tags)))
        if self.not_tags:
            parts.append("not tagged " + ", ".join(sorted(self.not_tags)))
        if self.sources:
            parts.append("source " + "|".join(sorted(self.sources)))
        if self.sites:
            parts.append("site " + "|".join(sorted(self.sites)))
        return "; ".join(parts) or "all interactions"


@dataclass(frozen=True, slots=True)
class Example:
    """An interaction embedded in a rule that must pass, or fail (optionally exactly so)."""

    expect_fail: bool
    record: Mapping[str, Any]
    location: SourceLocation
    name: str  # "pass[0]", "fail[2]": its place in the rule's `examples`
    findings: int | None = None
    messages: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    title: Localised
    standard: str
    severity: Severity
    dimension: Dimension | None  # None: the check gives each finding its dimension
    gap: Gap
    applies_to: AppliesTo
    kind: str
    params: Mapping[str, Any]
    check: Check
    message: Localised
    description: str
    examples: tuple[Example, ...]
    location: SourceLocation

    def info(self) -> RuleInfo:
        return RuleInfo(
            id=self.id,
            title=self.title,
            standard=self.standard,
            severity=self.severity,
            dimension=self.dimension,
            gap=self.gap,
            description=self.description or self.check.describe("en"),
            location=self.location,
        )


def _localised(value: Any) -> Localised:
    if isinstance(value, str):
        return Localised(value, value)
    return Localised(value.get("en", ""), value.get("zh", ""))


def _set(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    return frozenset([value] if isinstance(value, str) else value)


def template_names(template: str) -> list[str]:
    """Field names a message template uses; raises ValueError for a malformed template."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def _check_template(
    doc: YamlDoc, data: Mapping[str, Any], allowed: frozenset[str], prefixes: tuple[str, ...] = ()
) -> list[Problem]:
    message = data.get("message")
    if message is None:
        return []
    texts = {"": message} if isinstance(message, str) else dict(message)
    problems = []
    for lang, text in texts.items():
        keys = ["message", lang] if lang else ["message"]
        try:
            names = template_names(text)
        except ValueError as err:  # Python's words for what is wrong
            said = ProblemMessage.of("rule.bad_template", reason=str(err))
            problems.append(Problem.of(doc.locate(keys), dotted(keys), said))
            continue
        for name in names:
            if name == "" or not name.isidentifier():
                said = ProblemMessage.of("rule.bad_template_field", field="{" + name + "}")
                problems.append(Problem.of(doc.locate(keys), dotted(keys), said))
            elif name not in allowed and not any(name.startswith(p) for p in prefixes):
                known = ", ".join(sorted(allowed))
                said = ProblemMessage.of("rule.unknown_template_field", field="{" + name + "}", known=known)
                problems.append(Problem.of(doc.locate(keys), dotted(keys), said))
    return problems


def examples_of(doc: YamlDoc) -> list[Example]:
    """The examples a rule document gives, also when the rule has other problems (lint checks
    them all in one run); an item the rule schema refuses (not a mapping, say) is left out, the
    schema problem says what is wrong with it."""
    data = doc.plain() if isinstance(doc.root, Mapping) else {}
    block = data.get("examples")
    if not isinstance(block, Mapping):
        return []
    out = []
    for outcome in ("pass", "fail"):
        items = block.get(outcome)
        for index, item in enumerate(items if isinstance(items, list) else ()):
            example = _example(doc, data, outcome, index, item)
            if example is not None:
                out.append(example)
    return out


def _example(doc: YamlDoc, data: Mapping[str, Any], outcome: str, index: int, item: Any) -> Example | None:
    keys: list[str | int] = ["examples", outcome, index]
    wrapped = isinstance(item, Mapping) and "interaction" in item
    record = item["interaction"] if wrapped else item
    if not isinstance(record, Mapping):
        return None
    record = dict(record)
    record.setdefault("id", f"{outcome}-example-{index + 1}")
    record.setdefault("channel", _default_channel(data))
    findings = item.get("findings") if wrapped else None
    messages = item.get("messages") if wrapped else None
    return Example(
        expect_fail=outcome == "fail",
        record=record,
        location=doc.locate([*keys, "interaction"] if wrapped else keys),
        name=f"{outcome}[{index}]",
        findings=findings if isinstance(findings, int) else None,
        messages=tuple(messages) if isinstance(messages, list) else None,
    )


def _default_channel(data: Mapping[str, Any]) -> str:
    """An example's channel when it names none: the first the rule applies to, else chat."""
    applies = data.get("applies-to")
    channel = applies.get("channel") if isinstance(applies, Mapping) else None
    channels = [channel] if isinstance(channel, str) else channel if isinstance(channel, list) else []
    names = [c for c in channels if isinstance(c, str)]
    return min(names) if names else "chat"


class RulePatch(Protocol):
    """Changes a configuration makes to one rule (see `svccheck.config`), applied to the rule's
    plain data BEFORE it is validated and compiled, so an override is checked exactly like the
    rule itself and a bad value is reported where the override wrote it."""

    @property
    def rule(self) -> str: ...

    @property
    def origin(self) -> SourceLocation:
        """Where the override is declared."""
        ...

    def apply(self, data: Mapping[str, Any], rule_file: Path) -> tuple[Any, list[Problem]]:
        """The patched rule data, and the problems of the override itself."""
        ...

    def locate(self, keys: Sequence[str | int], at_key: bool) -> SourceLocation | None:
        """Where the override wrote the value at `keys` of the rule, or None when it did not."""
        ...


@dataclass(frozen=True)
class _PatchedDoc(YamlDoc):
    """A rule document seen through an override: patched values, located in the configuration."""

    patched: Any = None
    patch: RulePatch | None = None

    def locate(self, keys: Sequence[str | int], at_key: bool = False) -> SourceLocation:
        found = self.patch.locate(keys, at_key) if self.patch is not None else None
        return found if found is not None else super().locate(keys, at_key)

    def plain(self, keys: Sequence[str | int] = ()) -> Any:
        node = self.patched
        for key in keys:
            node = node[key]
        return json.loads(json.dumps(node, default=str))


def parse_rule(
    doc: YamlDoc, known_standards: Mapping[str, Any] | None, patch: RulePatch | None = None
) -> tuple[Rule | None, list[Problem]]:
    """Validate and compile one rule document; the rule is None when there are problems, which
    come in file order.

    `patch` (a configuration's override of this rule) changes the data before validation; the
    problems of the override itself come with those of the patched rule."""
    problems: list[Problem] = []
    if patch is not None and isinstance(doc.root, Mapping):
        patched, problems = patch.apply(doc.plain(), doc.path)
        doc = _PatchedDoc(doc.path, doc.root, patched, patch)
    rule, found = _parse(doc, known_standards)
    problems += found
    if problems:
        return None, in_file_order(problems, lambda p: p.location)
    return rule, []


def _parse(doc: YamlDoc, known_standards: Mapping[str, Any] | None) -> tuple[Rule | None, list[Problem]]:
    data = doc.root
    if data is None:
        return None, [Problem.of(doc.locate([]), TOP_LEVEL, ProblemMessage.of("rule.empty_file"))]
    problems = schema_problems(doc, doc.plain(), RULE_SCHEMA)
    if problems:
        return None, problems + _check_block_problems(doc, problems)
    data = doc.plain()
    check_params = data["check"]
    kind_name = check_params["kind"]
    kind = KINDS.get(kind_name)
    if kind is None:
        said = ProblemMessage.of("rule.unknown_kind", kind=repr(kind_name), known=", ".join(sorted(KINDS)))
        return None, [Problem.of(doc.locate(["check", "kind"]), "check.kind", said)]
    found = schema_problems(doc, check_params, kind.schema, ["check"])
    problems = _contradictions(doc, check_params, kind.schema, found)
    if kind_name != "survey-gap" and "dimension" not in data:
        # As jsonschema says a missing key (the rule schema cannot: survey-gap rules have none).
        message = "'dimension' is a required property"
        required = ProblemMessage.of("schema.required", message=message, property="'dimension'")
        problems.append(Problem.of(doc.locate([], at_key=True), "dimension", required))
    problems += _check_template(
        doc, data, COMMON_FIELDS | kind.template_fields, getattr(kind, "template_prefixes", ())
    )
    if known_standards is not None and data["standard"] not in known_standards:
        said = ProblemMessage.of("rule.unknown_standard", standard=repr(data["standard"]))
        problems.append(Problem.of(doc.locate(["standard"]), "standard", said))
    if problems:
        return None, problems
    context = CompileContext(rule_file=doc.path, rule_id=data["id"])
    try:
        check = kind.compile(check_params, context)
    except CompileError as err:
        return None, _compile_problems(doc, err)
    applies = data.get("applies-to", {})
    channels = _set(applies.get("channel"))
    rule = Rule(
        id=data["id"],
        title=_localised(data["title"]),
        standard=data["standard"],
        severity=Severity(data["severity"]),
        dimension=Dimension(data["dimension"]) if "dimension" in data else None,
        gap=Gap(data["gap"]),
        applies_to=AppliesTo(
            channels=channels,
            tags=_set(applies.get("tags")),
            not_tags=_set(applies.get("not-tags")),
            sources=_set(applies.get("source")),
            sites=_set(applies.get("site")),
        ),
        kind=kind_name,
        params=check_params,
        check=check,
        message=_localised(data.get("message", kind.default_message)),
        description=data.get("description", ""),
        examples=(),
        location=doc.locate(["id"], at_key=True),
    )
    return _with_examples(rule, examples_of(doc)), []


def _compile_problems(doc: YamlDoc, err: CompileError) -> list[Problem]:
    """A compile error, or each of those it groups, located in the `check` block."""
    errors = err.errors if isinstance(err, CompileErrors) else (err,)
    return [Problem.of(doc.locate(["check", *e.path]), dotted(["check", *e.path]), e.said) for e in errors]


def _check_block_problems(doc: YamlDoc, found: Sequence[Problem]) -> list[Problem]:
    """The `check` block's own problems in a rule that has others elsewhere, so that one run
    reports them all (a wrong severity does not hide an unbalanced phrase)."""
    if any(p.key == "check" or p.key.startswith("check.") for p in found):
        return []
    data = doc.plain()
    params = data.get("check") if isinstance(data, Mapping) else None
    if not isinstance(params, Mapping) or not isinstance(params.get("kind"), str) or params["kind"] not in KINDS:
        return []
    kind = KINDS[params["kind"]]
    problems = _contradictions(doc, params, kind.schema, schema_problems(doc, params, kind.schema, ["check"]))
    if problems:
        return problems
    ident = data.get("id")
    try:
        kind.compile(params, CompileContext(rule_file=doc.path, rule_id=ident if isinstance(ident, str) else ""))
    except CompileError as err:
        return _compile_problems(doc, err)
    return []


def exclusive_params(schema: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """Parameters of which a kind allows only one (`oneOf` of single `required`s, or `not` of a
    `required` pair), e.g. threshold's max and min."""
    groups = []
    alternatives = schema.get("oneOf", [])
    if alternatives and all(set(a) == {"required"} and len(a["required"]) == 1 for a in alternatives):
        groups.append(tuple(a["required"][0] for a in alternatives))
    forbidden = schema.get("not", {})
    if set(forbidden) == {"required"}:
        groups.append(tuple(forbidden["required"]))
    return groups


def _contradictions(
    doc: YamlDoc, params: Mapping[str, Any], schema: Mapping[str, Any], problems: list[Problem]
) -> list[Problem]:
    """Replace jsonschema's wording for contradictory limits ("is valid under each of ...") with
    one that names them, located at the second one. A threshold has one limit: a range is two
    rules, so `max` with `min` is refused even when min <= max."""
    found = []
    for group in exclusive_params(schema):
        given = [name for name in group if name in params]
        if len(given) > 1:
            keys = ["check", given[-1]]
            said = ProblemMessage.of("rule.contradictory_limits", given=", ".join(given))
            found.append(Problem.of(doc.locate(keys, at_key=True), dotted(keys), said))
    if not found:
        return problems
    return [p for p in problems if p.key != "check" or "valid under" not in p.message] + found


def _with_examples(rule: Rule, examples: Sequence[Example]) -> Rule:
    return replace(rule, examples=tuple(examples))


# --- rule sets -----------------------------------------------------------------------------------


def rule_files(directory: Path) -> list[Path]:
    """Rule files in a directory tree, sorted; `phrases/` and `fixtures/` hold no rules."""
    return sorted(
        p
        for p in directory.rglob("*")
        if p.suffix.lower() in RULE_SUFFIXES and p.is_file() and not {"phrases", "fixtures"} & set(p.relative_to(directory).parts[:-1])
        and not p.name.endswith(EXPECTED_SUFFIXES)  # a fixture case's expected findings (svccheck test)
    )


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """A located problem, with the id of the rule it belongs to when that is known."""

    problem: Problem
    rule: str | None = None

    def describe(self, lang: str = "en") -> str:
        return self.problem.describe(lang)

    def __str__(self) -> str:
        return str(self.problem)


def _raw_id(doc: YamlDoc) -> str | None:
    value = doc.root.get("id") if isinstance(doc.root, Mapping) else None
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class RuleScan:
    """What `scan_rules` found: the rules (sorted by id), every problem (those of each rule in
    file order), and the examples of every rule file, loaded or not, with its rule id."""

    rules: list[Rule]
    problems: list[RuleProblem]
    examples: list[tuple[str | None, Example]]


def scan_rules(
    sources: Iterable[Path],
    known_standards: Mapping[str, Any] | None = None,
    patches: Mapping[str, RulePatch] | None = None,
) -> RuleScan:
    """Every rule in the given directories (or single rule files), and every problem found.

    `patches` maps rule ids to a configuration's overrides; an override naming no rule is a
    problem located at the override. Nothing is skipped: a file with problems yields no rule and
    its problems."""
    patches = patches or {}
    problems: list[RuleProblem] = []
    rules: list[Rule] = []
    examples: list[tuple[str | None, Example]] = []
    seen: dict[str, SourceLocation] = {}
    for source in sources:
        if source.is_file() and source.suffix.lower() in RULE_SUFFIXES:
            files = [source]
        elif source.is_dir():
            files = rule_files(source)
        else:
            said = ProblemMessage.of("rule.not_a_directory")
            problems.append(RuleProblem(Problem.of(SourceLocation(str(source)), ProblemMessage.of("label.rules"), said)))
            continue
        for path in files:
            try:
                doc = load_yaml(path)
            except YamlLoadError as err:
                problems.append(RuleProblem(err.problem))
                continue
            if isinstance(doc.root, Mapping) and "standards" in doc.root and "check" not in doc.root:
                continue  # a standards catalogue file kept beside the rules
            ident = _raw_id(doc)
            rule, found = parse_rule(doc, known_standards, patches.get(ident) if ident else None)
            problems += [RuleProblem(p, ident) for p in found]
            examples += [(ident, e) for e in (rule.examples if rule is not None else examples_of(doc))]
            if rule is None:
                continue
            first = seen.get(rule.id)
            if first is not None:
                said = ProblemMessage.of("rule.duplicate_id", id=repr(rule.id), first=str(first))
                problem = Problem.of(doc.locate(["id"]), "id", said)
                problems.append(RuleProblem(problem, rule.id))
                continue
            seen[rule.id] = rule.location
            rules.append(rule)
    for ident in sorted(set(patches) - set(seen) - {p.rule for p in problems if p.rule}):
        where = patches[ident].origin
        said = hinted(ProblemMessage.of("rule.no_rule_to_override", rule=repr(ident)), ident, seen)
        problems.append(RuleProblem(Problem.of(where, "overrides", said), ident))
    return RuleScan(sorted(rules, key=lambda r: r.id), problems, examples)




def load_rules(
    directories: Iterable[Path],
    known_standards: Mapping[str, Any] | None = None,
    builtin: bool = True,
    patches: Mapping[str, RulePatch] | None = None,
    disabled: Collection[str] = (),
) -> list[Rule]:
    """All rules from the built-in set (unless `builtin` is False) and the given directories,
    with `patches` applied and the `disabled` ids left out (they are still validated).

    Raises RuleError listing every problem in every file when anything is wrong.
    """
    sources = ([builtin_rules_dir()] if builtin else []) + list(directories)
    scan = scan_rules(sources, known_standards, patches)
    if scan.problems:
        raise RuleError(ProblemMessage.of("rule.problems", count=str(len(scan.problems))), scan.problems)
    return [rule for rule in scan.rules if rule.id not in disabled]
