"""YAML files with the line and column of every node, and schema errors located in them.

QA staff edit rule files by hand; every problem is reported as `file:line:col: key: message`
(1-based line and column), the form editors and CI annotations understand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import MaxDepthExceededError
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, StreamMark, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.parser import Parser
from ruamel.yaml.scanner import Scanner

from . import yamlcache
from .model import SourceLocation

# Deeper nesting is refused while parsing: ruamel builds values recursively and would die of a
# RecursionError a few hundred levels down, and no svccheck file needs more than a dozen levels.
MAX_DEPTH = 100
# The most nodes that aliases may add to a document by repeating what an anchor names. A few
# nested anchors can otherwise stand for billions of nodes ("billion laughs"), which turning the
# document into plain data would expand; a hand-written file re-uses a handful of anchors.
ALIAS_BUDGET = 100_000
# Keys that have a JSON form: rules, waivers and configuration are validated as JSON.
_KEY_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "merge"))
# A lone surrogate cannot be encoded: it must not reach `explain` or a report as "text".
_SURROGATE = re.compile(r"[\ud800-\udfff]")


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
    """Parse a YAML file keeping positions; anything wrong with it becomes one located `Problem`.

    The document is composed (parsed into nodes that know their line) and checked before it is
    turned into values, so that an alias bomb is refused before anything expands it and a value
    that cannot be built is reported at its node. A document parsed before is read back from
    the cache (`svccheck.yamlcache`); problems are always found anew.
    """
    text = _read(path)
    return YamlDoc(path, yamlcache.cached(text, lambda text: _parse(path, text)))


def _parse(path: Path, text: str) -> Any:
    """The document's value (None for an empty one); YamlLoadError for anything wrong."""
    yaml = YAML(typ="rt")
    # The round-trip scanner and parser keep comments, which nothing here reads: the plain ones
    # give the same nodes, positions and values (checked on every YAML file in the repository)
    # a quarter faster, and every command loads thirty rule and standards files at start.
    yaml.Scanner, yaml.Parser = Scanner, Parser
    yaml.Constructor = _LocatingConstructor
    yaml.max_depth = MAX_DEPTH
    try:
        node = yaml.compose(text)
        if node is None:
            return None
        _check_tree(node)
        return yaml.constructor.construct_document(node)
    except _Refused as err:
        raise YamlLoadError(_at(path, err.mark, err.message)) from None
    except MaxDepthExceededError as err:
        raise YamlLoadError(_at(path, err.problem_mark, f"nested more than {MAX_DEPTH} levels deep")) from None
    except MarkedYAMLError as err:
        reason = " ".join(str(err.problem or err.context or "invalid YAML").split())
        raise YamlLoadError(_at(path, err.problem_mark or err.context_mark, reason)) from None
    except YAMLError as err:
        raise YamlLoadError(_at(path, None, " ".join(str(err).split()))) from None
    except Exception as err:
        # ruamel builds values with plain Python (datetime.date, int(), a dict lookup for
        # booleans...), whose ValueError, KeyError, ... say nothing about where they came from.
        raise YamlLoadError(_construction_problem(path, yaml.constructor, err)) from None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as err:
        raise YamlLoadError(Problem(SourceLocation(str(path)), "file", f"cannot read: {err.strerror or err}")) from None
    except UnicodeDecodeError:
        raise YamlLoadError(Problem(SourceLocation(str(path)), "file", "not UTF-8 text")) from None


def _at(path: Path, mark: StreamMark | None, message: str) -> Problem:
    if mark is None:
        return Problem(SourceLocation(str(path)), "yaml", message)
    return Problem(SourceLocation(str(path), mark.line + 1, mark.column + 1), "yaml", message)


class _Refused(Exception):
    """A composed document that is refused before its values are built."""

    def __init__(self, mark: StreamMark, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


class _LocatingConstructor(RoundTripConstructor):
    """Remembers the innermost node whose value could not be built, to say where it is."""

    failed: Node | None = None

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except Exception:
            # The innermost call sees the error first; its callers must not overwrite it.
            if self.failed is None:
                self.failed = node
            raise


def _construction_problem(path: Path, constructor: Any, err: Exception) -> Problem:
    reason = "" if isinstance(err, KeyError) else " ".join(str(err).split())  # a KeyError says only the key
    node = constructor.failed if isinstance(constructor, _LocatingConstructor) else None
    if node is None:
        return _at(path, None, f"cannot read YAML: {reason or type(err).__name__}")
    what = repr(node.value) if isinstance(node, ScalarNode) else f"this {_kind(node)}"
    message = f"cannot read {what} as {_short(node.tag)}" + (f": {reason}" if reason else "")
    if isinstance(node, ScalarNode) and node.ctag.handle is None:
        # No tag was written: the author most likely meant text that happens to look like a date.
        message += " (quote it if it is meant as text)"
    return _at(path, node.start_mark, message)


@dataclass(slots=True)
class _Counts:
    """Nodes that one node of the document stands for once aliases are expanded."""

    size: int = 1  # itself and everything under it
    extra: int = 0  # of those, the ones that repeat an anchored node
    biggest: int = 0  # the largest repeat directly under it...
    alias: str | None = None  # ...and its anchor, to name it

    def add_repeat(self, node: Node, size: int) -> None:
        self.size += size
        self.extra += size
        if size > self.biggest:
            self.biggest, self.alias = size, node.anchor


def _check_tree(root: Node) -> None:
    """Refuse a composed document that is not plain data, or that aliases make too big.

    An alias is the very node its anchor names, so the document is a graph: one iterative
    depth-first walk (no recursion limit) visits each node once and adds up its `_Counts`. A
    node met again is a repeat of its whole size, so the walk costs the size of the file however
    far the aliases would expand; a node met again on the current path is a cycle. Only an
    anchored node can be met again, and scalars (most nodes) are counted by their parent.
    """
    done: dict[int, int] = {}  # id(anchored node) -> its expanded size
    on_path: dict[int, _Counts] = {}
    stack: list[tuple[Node, Node | None, bool]] = [(root, None, False)]
    while stack:
        node, parent, finished = stack.pop()
        if finished:
            counts = on_path.pop(id(node))
            if counts.extra > ALIAS_BUDGET:
                named = f"alias *{counts.alias} makes" if counts.alias else "aliases make"
                raise _Refused(
                    node.start_mark,
                    f"{named} this {_kind(node)} stand for more than {ALIAS_BUDGET} nodes: refusing a possible alias bomb",
                )
            if node.anchor is not None:
                done[id(node)] = counts.size
            if parent is not None:
                above = on_path[id(parent)]
                above.size += counts.size
                above.extra += counts.extra
        elif id(node) in done:
            assert parent is not None  # only a child can be met twice
            on_path[id(parent)].add_repeat(node, done[id(node)])
        elif id(node) in on_path:
            raise _Refused(node.start_mark, f"&{node.anchor} contains its own alias *{node.anchor}: recursive data is not supported")
        else:
            _check_node(node)
            counts = on_path[id(node)] = _Counts()
            stack.append((node, parent, True))
            for child in reversed(_children(node)):
                if not isinstance(child, ScalarNode):
                    stack.append((child, node, False))
                elif id(child) in done:
                    counts.add_repeat(child, 1)
                else:
                    _check_node(child)
                    counts.size += 1
                    if child.anchor is not None:
                        done[id(child)] = 1


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [item for pair in node.value for item in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _check_node(node: Node) -> None:
    """Refuse a string that is not valid Unicode, or a mapping key with no JSON form."""
    if isinstance(node, ScalarNode) and isinstance(node.value, str):
        bad = _SURROGATE.search(node.value)
        if bad:
            raise _Refused(node.start_mark, f"lone surrogate \\u{ord(bad.group()):04x} in a string: not valid Unicode text")
    if isinstance(node, MappingNode):
        for key, _ in node.value:
            if not isinstance(key, ScalarNode):
                raise _Refused(key.start_mark, f"a mapping key must be text or a number, not a {_kind(key)}")
            if key.tag not in _KEY_TAGS:
                raise _Refused(key.start_mark, f"a mapping key must be text or a number, not {_short(key.tag)} (quote it)")


def _kind(node: Node) -> str:
    return "mapping" if isinstance(node, MappingNode) else "list" if isinstance(node, SequenceNode) else "value"


def _short(tag: str | None) -> str:
    """`tag:yaml.org,2002:int` as YAML authors write it: `!!int`."""
    if tag and tag.startswith("tag:yaml.org,2002:"):
        return "!!" + tag.removeprefix("tag:yaml.org,2002:")
    return str(tag)


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
        problems += _problems(doc, error, prefix)
    return problems


def _problems(doc: YamlDoc, error: jsonschema.ValidationError, prefix: Sequence[str | int]) -> list[Problem]:
    error = _deepest(error)
    keys = [*prefix, *error.absolute_path]
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        allowed = schema.get("properties", {})
        extras = [k for k in error.instance if k not in allowed]
        if extras:
            # jsonschema gives one error for all the extra keys of a mapping: one problem each, so
            # that `bogus: 1` does not hide `fail_on: minor` until the next run.
            known = ", ".join(sorted(allowed))
            return [
                Problem(doc.locate([*keys, k], at_key=True), dotted([*keys, k]), f"unknown key (expected one of: {known})")
                for k in extras
            ]
    if error.validator == "required" and isinstance(error.instance, Mapping):
        return [Problem(doc.locate(keys, at_key=True), dotted(keys), error.message)]
    if error.validator in ("enum", "const"):
        value: Any = error.validator_value
        options = list(value) if error.validator == "enum" else [value]
        listed = ", ".join(str(o) for o in options)
        return [Problem(doc.locate(keys), dotted(keys), f"{error.instance!r} is not one of: {listed}")]
    return [Problem(doc.locate(keys), dotted(keys), error.message)]


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
