"""YAML files with the line and column of every node, and schema errors located in them.

QA staff edit rule files by hand; every problem is reported as `file:line:col: key: message`
(1-based line and column), the form editors and CI annotations understand.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .model import SourceLocation


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in a YAML file: where, which key (dotted path), what."""

    location: SourceLocation
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.key}: {self.message}"


@dataclass(frozen=True)
class YamlDoc:
    """A parsed YAML document that can say where any key path is."""

    path: Path
    root: Any

    def locate(self, keys: Sequence[str | int], at_key: bool = False) -> SourceLocation:
        """Line and column of the value at `keys` (or of its key, with `at_key`); the nearest
        existing ancestor when the path does not exist."""
        node = self.root
        line, col = 0, 0
        for position, key in enumerate(keys):
            last = position == len(keys) - 1
            if isinstance(node, CommentedMap) and key in node:
                key_line, key_col, value_line, value_col = node.lc.data[key]
                line, col = (key_line, key_col) if (at_key and last) else (value_line, value_col)
                node = node[key]
            elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
                line, col = node.lc.data[key]
                node = node[key]
            else:
                break
        return SourceLocation(str(self.path), line + 1, col + 1)

    def plain(self, keys: Sequence[str | int] = ()) -> Any:
        """The value at `keys` as plain JSON types (dict, list, str, int, float, bool, None)."""
        node = self.root
        for key in keys:
            node = node[key]
        return json.loads(json.dumps(node, default=str))


class YamlLoadError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def load_yaml(path: Path) -> YamlDoc:
    """Parse a YAML file keeping positions; a syntax error becomes one located `Problem`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as err:
        raise YamlLoadError(Problem(SourceLocation(str(path)), "file", f"cannot read: {err.strerror or err}")) from None
    except UnicodeDecodeError:
        raise YamlLoadError(Problem(SourceLocation(str(path)), "file", "not UTF-8 text")) from None
    yaml = YAML(typ="rt")
    try:
        root = yaml.load(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        reason = " ".join(str(err.problem or err.context or "invalid YAML").split())
        raise YamlLoadError(Problem(SourceLocation(str(path), line, col), "yaml", reason)) from None
    except YAMLError as err:
        reason = " ".join(str(err).split())
        raise YamlLoadError(Problem(SourceLocation(str(path)), "yaml", reason)) from None
    return YamlDoc(path, root)


def dotted(keys: Iterable[str | int]) -> str:
    out = ""
    for key in keys:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out or "(top level)"


def schema_problems(
    doc: YamlDoc, instance: Any, schema: Mapping[str, Any], prefix: Sequence[str | int] = ()
) -> list[Problem]:
    """Every schema violation of `instance` (found at `prefix` in `doc`), located and worded."""
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))):
        problems.append(_problem(doc, error, prefix))
    return problems


def _problem(doc: YamlDoc, error: jsonschema.ValidationError, prefix: Sequence[str | int]) -> Problem:
    error = _deepest(error)
    keys = [*prefix, *error.absolute_path]
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        allowed = schema.get("properties", {})
        extras = [k for k in error.instance if k not in allowed]
        if extras:
            known = ", ".join(sorted(allowed))
            key = [*keys, extras[0]]
            return Problem(doc.locate(key, at_key=True), dotted(key), f"unknown key (expected one of: {known})")
    if error.validator == "required" and isinstance(error.instance, Mapping):
        return Problem(doc.locate(keys, at_key=True), dotted(keys), error.message)
    if error.validator in ("enum", "const"):
        value: Any = error.validator_value
        options = list(value) if error.validator == "enum" else [value]
        listed = ", ".join(str(o) for o in options)
        return Problem(doc.locate(keys), dotted(keys), f"{error.instance!r} is not one of: {listed}")
    return Problem(doc.locate(keys), dotted(keys), error.message)


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For oneOf/anyOf failures, the most specific sub-error says more than "is not valid under".

    Branches that expected another type ("is not of type 'array'") say least about a typo in an
    object, so they are set aside while any other branch has something to say; of the rest, the
    ones that got deepest into the value win, and among those an unknown key is the likeliest
    explanation.
    """
    if not error.context:
        return error
    candidates = [e for e in error.context if e.validator != "type"] or list(error.context)
    # The branch that got furthest into the value is the one the author meant.
    depth = max(len(e.absolute_path) for e in candidates)
    candidates = [e for e in candidates if len(e.absolute_path) == depth]
    unknown = [e for e in candidates if e.validator in ("additionalProperties", "unevaluatedProperties")]
    best = jsonschema.exceptions.best_match(unknown or candidates)
    if best is not None and len(best.absolute_path) >= len(error.absolute_path):
        return _deepest(best)
    return error
