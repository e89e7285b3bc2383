"""The project configuration, `svccheck.yaml`: adapting the built-in standards without copying them.

svccheck looks for ``svccheck.yaml`` (or ``svccheck.yml``) in the working directory; ``--config
FILE`` names another one. Every key is optional::

    extends: [phone.*, complaint.*]   # built-in rules to use: all (default), none, or id patterns
    rules: [svccheck-rules]           # extra rule directories, relative to this file
    overrides:                        # per-rule changes, keyed by rule id
      phone.answer-within-three-rings: {max: 4}
      speech.forbidden-phrases:
        severity: critical
        phrases-add: [你自己看着办]
        phrases-remove: [没办法]
      complaint.apology:
        applies-to: {channel: [chat, email]}
    disable: [visit.helped-with-luggage]   # rule ids or patterns not to run (still validated)
    fail-on: minor                    # default for `svccheck audit --fail-on`

An override may change:

- ``severity``;
- ``applies-to``: each key given (channel, tags, not-tags, source, site) replaces the rule's;
- ``phrases-add`` / ``phrases-remove``: phrases added to or removed from the phrase list of a
  forbidden-phrases or required-phrases check (removal also reaches phrases that come from
  phrase files; a phrase is found by its normalised form, so 沒辦法 removes 没办法);
- any parameter of the rule's check, e.g. ``max`` of a threshold or ``max-minutes`` of an
  interval. Setting one of two exclusive limits (max/min, max-seconds/max-minutes,
  grace-seconds/grace-minutes, all/any) replaces the other.

Overrides are applied to the rule's data before it is validated and compiled, so a bad value
goes through the same checks as a rule file and is reported at its line in svccheck.yaml.
Overriding or disabling a rule that does not exist, an ``extends`` pattern that matches no
built-in rule and a rule directory that does not exist are errors. Rules left out by ``extends``
or ``disable`` are still loaded and validated; they just do not run.

Embedded rule examples describe the rule as its file writes it, so ``svccheck test`` runs them
on the rules without overrides; fixture cases run on the rule set as configured.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import RuleError
from .kinds import KINDS, CompileContext
from .kinds._phrases import resolve_phrase_file
from .model import Severity, SourceLocation
from .paths import builtin_rules_dir
from .problems import ProblemMessage, hinted
from .rules import (
    Example,
    Rule,
    RuleProblem,
    exclusive_params,
    in_file_order,
    scan_rules,
)
from .standards import Standard, load_standards
from .text import PhraseError, PhraseMatcher, load_phrase_file, normalise
from .yamlpos import Problem, YamlDoc, YamlLoadError, dotted, load_yaml, schema_problems

CONFIG_NAMES = ("svccheck.yaml", "svccheck.yml")
SCHEMA: dict[str, Any] = json.loads(
    resources.files("svccheck").joinpath("schemas/config.schema.json").read_text(encoding="utf-8")
)
#: Override keys that change the rule itself rather than its check's parameters.
RULE_KEYS = ("severity", "applies-to")
PHRASE_KEYS = ("phrases-add", "phrases-remove")
#: Rule keys an override may not change: a different rule is a new rule file.
FIXED_KEYS = ("id", "title", "standard", "dimension", "gap", "message", "description", "examples", "check", "kind")


@dataclass(frozen=True)
class Override:
    """One rule's override: a `svccheck.rules.RulePatch`."""

    rule: str
    changes: Mapping[str, Any]
    doc: YamlDoc
    keys: tuple[str | int, ...]  # where the override is in the configuration document

    @property
    def origin(self) -> SourceLocation:
        return self.doc.locate(self.keys, at_key=True)

    def _problem(self, keys: Sequence[str | int], said: ProblemMessage, at_key: bool = False) -> Problem:
        path = [*self.keys, *keys]
        return Problem.of(self.doc.locate(path, at_key), dotted(path), said)

    def apply(self, data: Mapping[str, Any], rule_file: Path) -> tuple[Any, list[Problem]]:
        """The rule data with the changes made, and the override's own problems. The changes
        hold only keys that passed the configuration schema (`load_config` leaves out the
        others), so the patched rule is still checked for every other mistake."""
        check = data.get("check")
        if not isinstance(check, Mapping) or not isinstance(check.get("kind"), str):
            return data, []  # the rule's own schema problems say what is wrong
        problems = []
        patched = dict(data)
        params = dict(check)
        for key in RULE_KEYS:
            if key in self.changes:
                patched[key] = self._rule_value(key, data.get(key))
        ignored: set[str] = set()
        for group in exclusive_params(KINDS[params["kind"]].schema) if params["kind"] in KINDS else []:
            given = [name for name in group if name in self.changes]
            if len(given) > 1:
                said = ProblemMessage.of("rule.contradictory_limits", given=", ".join(given))
                problems.append(self._problem([given[-1]], said, True))
                ignored.update(given[1:])  # the rest of the rule is checked as if only the first were given
            if given:
                params = {k: v for k, v in params.items() if k not in group}
        for key, value in self.changes.items():
            if key not in RULE_KEYS and key not in PHRASE_KEYS and key not in ignored:
                params[key] = value
        if any(key in self.changes for key in PHRASE_KEYS):
            problems += self._phrases(params, rule_file)
        patched["check"] = params
        return patched, problems

    def _rule_value(self, key: str, current: Any) -> Any:
        if key == "applies-to" and isinstance(current, Mapping):
            return {**current, **self.changes[key]}
        return self.changes[key]

    def _phrases(self, params: dict[str, Any], rule_file: Path) -> list[Problem]:
        kind = params["kind"]
        if kind not in KINDS or "phrases" not in KINDS[kind].schema.get("properties", {}):
            key = next(k for k in PHRASE_KEYS if k in self.changes)
            return [self._problem([key], ProblemMessage.of("config.no_phrase_list", kind=str(kind)), at_key=True)]
        problems = []
        added = []
        for index, phrase in enumerate(self.changes.get("phrases-add", ())):
            try:
                PhraseMatcher([phrase])
                added.append(phrase)
            except PhraseError as err:
                # Reported here, at the override, and kept out of the rule, which would report it again.
                problems.append(self._problem(["phrases-add", index], err.said))
        removed = self.changes.get("phrases-remove", ())
        if removed:
            phrases = _expanded(params, rule_file)
            if phrases is None:
                return problems  # an unreadable phrase file: the compiler reports it at the rule
            present = {normalise(p) for p in phrases}
            for index, phrase in enumerate(removed):
                if normalise(phrase) not in present:
                    problems.append(self._problem(["phrases-remove", index], _not_listed(phrase, phrases)))
            gone = {normalise(p) for p in removed}
            params.pop("phrase-files", None)
            params["phrases"] = [p for p in phrases if normalise(p) not in gone]
        params["phrases"] = [*params.get("phrases", ()), *added]
        return problems

    def locate(self, keys: Sequence[str | int], at_key: bool) -> SourceLocation | None:
        if not keys:
            return None
        if keys[0] in RULE_KEYS and keys[0] in self.changes:
            return self.doc.locate([*self.keys, *keys], at_key)
        if keys[0] == "check" and len(keys) > 1:
            name = keys[1]
            if name in self.changes and name not in RULE_KEYS:
                return self.doc.locate([*self.keys, *keys[1:]], at_key)
            if name == "phrases" and "phrases-remove" in self.changes:
                return self.doc.locate([*self.keys, "phrases-remove"], at_key)
        return None


def _not_listed(phrase: str, entries: Sequence[str]) -> ProblemMessage:
    """Why a phrase cannot be removed, naming the entries that match it (entries are patterns:
    没办法 is matched by the entry 没[有]办法, which must be removed as written)."""
    text = normalise(phrase)
    matching = []
    for entry in entries:
        hits = PhraseMatcher([entry]).search(text)
        if any(hit.start == 0 and hit.end == len(text) for hit in hits):
            matching.append(entry)
    if matching:
        listed = ", ".join(repr(e) for e in matching)
        return ProblemMessage.of("config.phrase_matched_by", phrase=repr(phrase), entries=listed)
    return ProblemMessage.of("config.phrase_not_listed", phrase=repr(phrase))


def _expanded(params: Mapping[str, Any], rule_file: Path) -> list[str] | None:
    """The check's whole phrase list (inline and from its files), or None if a file is unreadable."""
    phrases = list(params.get("phrases", ()))
    context = CompileContext(rule_file=rule_file, rule_id="")
    for name in params.get("phrase-files", ()):
        try:
            phrases += load_phrase_file(resolve_phrase_file(name, context))
        except (OSError, PhraseError):
            return None
    return phrases


@dataclass(frozen=True)
class Config:
    """A loaded configuration; `Config.default()` when there is no svccheck.yaml."""

    path: Path | None = None
    extends: tuple[str, ...] = ("*",)
    rule_dirs: tuple[Path, ...] = ()
    overrides: Mapping[str, Override] = field(default_factory=dict)
    disable: tuple[str, ...] = ()
    fail_on: Severity | None = None
    doc: YamlDoc | None = None
    problems: tuple[Problem, ...] = ()

    @classmethod
    def default(cls) -> Config:
        return cls()

    def describe(self) -> str:
        """Which configuration this is, for reports: the file, or "(none: built-in defaults)"."""
        return str(self.path) if self.path is not None else "(none: built-in defaults)"


def find_config(explicit: Path | None = None, directory: Path = Path(".")) -> Path | None:
    """`explicit`, else svccheck.yaml (or .yml) in `directory`, else None."""
    if explicit is not None:
        return explicit
    for name in CONFIG_NAMES:
        candidate = directory / name
        if candidate.is_file():
            return Path(name) if directory == Path(".") else candidate
    return None


def load_config(path: Path | None) -> Config:
    """Read and validate a configuration. Its problems are kept in `Config.problems` (so `lint`
    reports them with the rest); `require_valid` raises them.

    Every key is checked on its own and every override change too, and what is valid is kept:
    a mistake in one place never hides another (a rule directory that does not exist, an
    override's value that the rule refuses), though nothing runs while there is any."""
    if path is None:
        return Config.default()
    try:
        doc = load_yaml(path)
    except YamlLoadError as err:
        return Config(path=path, problems=(err.problem,))
    data = doc.plain() if doc.root is not None else {}
    if not isinstance(data, Mapping):
        return Config(path=path, doc=doc, problems=tuple(schema_problems(doc, data, SCHEMA)))
    problems: list[Problem] = []
    overrides: dict[str, Override] = {}
    for key, value in data.items():
        if key == "overrides" and isinstance(value, Mapping):
            for rule, changes in value.items():
                overrides[rule] = _override(doc, rule, changes, problems)
        else:
            problems += schema_problems(doc, {key: value}, SCHEMA)
    extends = data.get("extends", "all")
    fail_on = data.get("fail-on")
    return Config(
        path=path,
        extends=() if extends == "none" else _strings(extends) if isinstance(extends, list) else ("*",),
        rule_dirs=_rule_dirs(doc, path.parent, data.get("rules"), problems),
        overrides=overrides,
        disable=_strings(data.get("disable")),
        fail_on=Severity(fail_on) if fail_on in {s.value for s in Severity} else None,
        doc=doc,
        problems=tuple(in_file_order(problems, lambda p: p.location)),
    )


def _strings(value: Any) -> tuple[str, ...]:
    """The usable patterns of a list that may have problems (reported by the schema)."""
    return tuple(item for item in value if isinstance(item, str) and item) if isinstance(value, list) else ()


def _rule_dirs(doc: YamlDoc, base: Path, names: Any, problems: list[Problem]) -> tuple[Path, ...]:
    directories = []
    for index, name in enumerate(names if isinstance(names, list) else ()):
        if not isinstance(name, str) or not name:
            continue  # the schema says what is wrong with it
        directory = base / name
        if not directory.exists():
            said = ProblemMessage.of("config.no_directory", directory=str(directory))
            problems.append(Problem.of(doc.locate(["rules", index]), f"rules[{index}]", said))
        directories.append(directory)
    return tuple(directories)


def _override(doc: YamlDoc, rule: str, changes: Any, problems: list[Problem]) -> Override:
    """One rule's override with the changes that can be made; the others are reported and left
    out, so the rule is still checked with the rest (and still checked for existing)."""
    keys: tuple[str | int, ...] = ("overrides", rule)
    if not isinstance(changes, Mapping) or not changes:
        problems += schema_problems(doc, {"overrides": {rule: changes}}, SCHEMA)
        return Override(rule, {}, doc, keys)
    kept = {}
    for key, value in changes.items():
        if key in FIXED_KEYS:
            where = [*keys, key]
            said = ProblemMessage.of("config.fixed_key", key=repr(key))
            problems.append(Problem.of(doc.locate(where, at_key=True), dotted(where), said))
            continue
        found = schema_problems(doc, {"overrides": {rule: {key: value}}}, SCHEMA)
        problems += found
        if not found:
            kept[key] = value
    return Override(rule, kept, doc, keys)


# --- the configured rule set --------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSet:
    """The rules a configuration selects (`rules`), every rule loaded (`loaded`, including those
    left out by extends/disable), the standards catalogue, and every problem found."""

    rules: tuple[Rule, ...]
    loaded: tuple[Rule, ...]
    standards: Mapping[str, Standard]
    problems: tuple[RuleProblem, ...]  # file by file, each file's in line order
    config: Config
    #: The examples of every rule file read, loaded or not, with the rule's id (lint checks them).
    examples: tuple[tuple[str | None, Example], ...] = ()

    def require_valid(self) -> RuleSet:
        if self.problems:
            code = "config.problems" if self.config.problems else "rule.problems"
            raise RuleError(ProblemMessage.of(code, count=str(len(self.problems))), self.problems)
        return self


_LOCATED = re.compile(r"^(?P<file>.+?)(?::(?P<line>\d+)(?::(?P<col>\d+))?)?: (?P<key>[^:]+): (?P<message>.*)$")


def _parsed(text: str) -> Problem:
    """A `file:line:col: key: message` line back into a Problem (the standards loader's problems
    are Problems: this is for an error that has only its text)."""
    match = _LOCATED.match(text)
    if match is None:
        return Problem(SourceLocation("(standards)"), "standards", text)
    line, col = match["line"], match["col"]
    location = SourceLocation(match["file"], int(line) if line else None, int(col) if col else None)
    return Problem(location, match["key"], match["message"])


def resolve_rules(
    config: Config, extra: Sequence[Path] = (), *, builtin: bool = True, overrides: bool = True
) -> RuleSet:
    """Load the built-in rules, the configuration's rule directories and `extra` paths, apply the
    overrides (unless `overrides` is False) and select what the configuration enables. Never
    raises for a problem in the rules or the configuration: they are all in `RuleSet.problems`."""
    # The configuration's valid parts are used even when other parts are wrong, so that lint
    # reports the problems of the rules they reach too; `require_valid` stops anything running.
    problems = [RuleProblem(p, _override_id(config, p)) for p in config.problems]
    directories = _distinct([*config.rule_dirs, *extra])
    try:
        standards: Mapping[str, Standard] = load_standards([d if d.is_dir() else d.parent for d in directories if d.exists()])
    except RuleError as err:
        problems += [RuleProblem(p if isinstance(p, Problem) else _parsed(str(p))) for p in err.located]
        standards = {}
    # A missing configured directory is reported at its line in svccheck.yaml; a missing path
    # given on the command line by the rule loader ("not a directory").
    sources = ([builtin_rules_dir()] if builtin else []) + [d for d in directories if d.exists() or d in extra]
    patches = dict(config.overrides) if overrides else {}
    scan = scan_rules(sources, standards or None, patches)
    loaded = scan.rules
    problems += scan.problems
    if not overrides:
        # Overrides are still checked for rules that do not exist.
        known = {rule.id for rule in loaded} | {p.rule for p in scan.problems if p.rule}
        problems += [_no_rule(o, known) for rule, o in sorted(config.overrides.items()) if rule not in known]
    selected = _select(config, loaded, problems)
    ordered = in_file_order(problems, lambda p: p.problem.location)
    return RuleSet(tuple(selected), tuple(loaded), standards, tuple(ordered), config, tuple(scan.examples))


def _distinct(paths: Sequence[Path]) -> list[Path]:
    """The paths without repeats and without those inside another one (a rule file given on the
    command line that the configuration's rule directory already holds is loaded once)."""
    resolved = [p.resolve() for p in paths]
    kept = []
    for index, path in enumerate(paths):
        others = resolved[:index] + resolved[index + 1:]
        inside = any(resolved[index] != o and resolved[index].is_relative_to(o) for o in others)
        if not inside and resolved[index] not in resolved[:index]:
            kept.append(path)
    return kept


def _no_rule(override: Override, known: set[str]) -> RuleProblem:
    said = hinted(ProblemMessage.of("rule.no_rule_to_override", rule=repr(override.rule)), override.rule, known)
    return RuleProblem(Problem.of(override.origin, "overrides", said), override.rule)


def _override_id(config: Config, problem: Problem) -> str | None:
    """The rule a configuration problem is about: `overrides.RULE`, `overrides.RULE.KEY`... (the
    longest id that fits, so `a.b` is not taken for `a.bc`)."""
    fits = [
        rule for rule in config.overrides
        if problem.key == f"overrides.{rule}" or problem.key.startswith((f"overrides.{rule}.", f"overrides.{rule}["))
    ]
    return max(fits, key=len) if fits else None


def _is_builtin(rule: Rule) -> bool:
    return Path(rule.location.file).resolve().is_relative_to(builtin_rules_dir().resolve())


def _select(config: Config, loaded: Sequence[Rule], problems: list[RuleProblem]) -> list[Rule]:
    assert config.doc is not None or (config.extends == ("*",) and not config.disable)
    # A rule with problems is not loaded, but its id still counts as existing.
    broken = sorted({p.rule for p in problems if p.rule and p.problem.key != "overrides"})
    builtin_ids = [r.id for r in loaded if _is_builtin(r)] + broken
    all_ids = [r.id for r in loaded] + broken
    for key, patterns, pool, code in (
        ("extends", config.extends, builtin_ids, "config.matches_no_builtin_rule"),
        ("disable", config.disable, all_ids, "config.matches_no_rule"),
    ):
        if config.doc is None or not pool:
            continue
        for index, pattern in enumerate(patterns):
            if not any(fnmatch.fnmatchcase(ident, pattern) for ident in pool):
                where = config.doc.locate([key, index])
                said = hinted(ProblemMessage.of(code, pattern=repr(pattern)), pattern, pool)
                problems.append(RuleProblem(Problem.of(where, f"{key}[{index}]", said)))
    enabled = []
    for rule in loaded:
        if _is_builtin(rule) and not any(fnmatch.fnmatchcase(rule.id, p) for p in config.extends):
            continue
        if any(fnmatch.fnmatchcase(rule.id, p) for p in config.disable):
            continue
        enabled.append(rule)
    return enabled


def load_rule_set(config: Config, extra: Sequence[Path] = (), *, overrides: bool = True) -> RuleSet:
    """`resolve_rules`, raising RuleError (exit 2) when anything is wrong: nothing runs on a
    broken rule or configuration."""
    return resolve_rules(config, extra, overrides=overrides).require_valid()
