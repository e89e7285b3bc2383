"""YAML files with the line and column of every node, and schema errors located in them.

QA staff edit rule files by hand; every problem is reported as `file:line:col: key: message`
(1-based line and column), the form editors and CI annotations understand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from .problems import ProblemMessage, hinted, os_reason
from .schema_messages import schema_message

if TYPE_CHECKING:
    import jsonschema

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
    """One problem in a YAML file: where, which key (dotted path), what.

    `key` and `message` are English, as they always read (`str(problem)`, JSON for editors);
    `said` is the message as a catalogue code and values (`svccheck.problems`), and `key_said`
    the key when it is a label rather than a path ("(top level)", "file", "yaml"...), so that
    `text` and `describe` can say them in another language. Made with `Problem.of`; a problem
    made with an English message alone is said in English in every language. Neither is part of
    a problem's identity."""

    location: SourceLocation
    key: str
    message: str
    said: ProblemMessage | None = field(default=None, compare=False)
    key_said: ProblemMessage | None = field(default=None, compare=False)

    @classmethod
    def of(cls, location: SourceLocation, key: str | ProblemMessage, said: ProblemMessage) -> Problem:
        """A problem worded from `said`; `key` is a key path, or a label said in each language."""
        if isinstance(key, ProblemMessage):
            return cls(location, key.text("en"), said.text("en"), said, key)
        return cls(location, key, said.text("en"), said)

    def text(self, lang: str = "en") -> str:
        """The message in `lang`; English is `message` itself, byte for byte."""
        return self.message if lang == "en" or self.said is None else self.said.text(lang)

    def key_text(self, lang: str = "en") -> str:
        """The key in `lang`: a key path is the same in every language, a label is not."""
        return self.key if lang == "en" or self.key_said is None else self.key_said.text(lang)

    def describe(self, lang: str = "en") -> str:
        """`file:line:col: key: message` in `lang` (English: `str(self)`)."""
        return f"{self.location}: {self.key_text(lang)}: {self.text(lang)}"

    def __str__(self) -> str:
        return f"{self.location}: {self.key}: {self.message}"


#: Problem keys that are labels, not key paths.
TOP_LEVEL = ProblemMessage.of("label.top_level")
FILE = ProblemMessage.of("label.file")
YAML_LABEL = ProblemMessage.of("label.yaml")


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
        raise YamlLoadError(_at(path, err.mark, err.said)) from None
    except MaxDepthExceededError as err:
        too_deep = ProblemMessage.of("yaml.too_deep", depth=str(MAX_DEPTH))
        raise YamlLoadError(_at(path, err.problem_mark, too_deep)) from None
    except MarkedYAMLError as err:
        reason = " ".join(str(err.problem or err.context or "invalid YAML").split())
        raise YamlLoadError(_at(path, err.problem_mark or err.context_mark, _syntax(reason))) from None
    except YAMLError as err:
        raise YamlLoadError(_at(path, None, _syntax(" ".join(str(err).split())))) from None
    except Exception as err:
        # ruamel builds values with plain Python (datetime.date, int(), a dict lookup for
        # booleans...), whose ValueError, KeyError, ... say nothing about where they came from.
        raise YamlLoadError(_construction_problem(path, yaml.constructor, err)) from None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as err:
        said = ProblemMessage.of("cannot_read", reason=os_reason(err))
        raise YamlLoadError(Problem.of(SourceLocation(str(path)), FILE, said)) from None
    except UnicodeDecodeError:
        raise YamlLoadError(Problem.of(SourceLocation(str(path)), FILE, ProblemMessage.of("not_utf8"))) from None


def _syntax(reason: str) -> ProblemMessage:
    """ruamel's words for what is wrong, which stay its English (after a translated prefix)."""
    return ProblemMessage.of("yaml.syntax", reason=reason)


def _at(path: Path, mark: StreamMark | None, said: ProblemMessage) -> Problem:
    if mark is None:
        return Problem.of(SourceLocation(str(path)), YAML_LABEL, said)
    return Problem.of(SourceLocation(str(path), mark.line + 1, mark.column + 1), YAML_LABEL, said)


class _Refused(Exception):
    """A composed document that is refused before its values are built."""

    def __init__(self, mark: StreamMark, said: ProblemMessage) -> None:
        super().__init__(said.text("en"))
        self.mark = mark
        self.said = said


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
        return _at(path, None, ProblemMessage.of("yaml.cannot_build", reason=reason or type(err).__name__))
    what = repr(node.value) if isinstance(node, ScalarNode) else ProblemMessage.of("yaml.this", kind=_kind(node))
    said = ProblemMessage.of("yaml.cannot_read_value", what=what, tag=_short(node.tag))
    if reason:  # Python's words (a date's "day is out of range for month"), as it says them
        said = ProblemMessage.of("detail", message=said, detail=reason)
    if isinstance(node, ScalarNode) and node.ctag.handle is None:
        # No tag was written: the author most likely meant text that happens to look like a date.
        said = ProblemMessage.of("yaml.quote_if_text", message=said)
    return _at(path, node.start_mark, said)


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
                budget, kind = str(ALIAS_BUDGET), _kind(node)
                raise _Refused(
                    node.start_mark,
                    ProblemMessage.of("yaml.alias_bomb_named", alias=counts.alias, kind=kind, budget=budget)
                    if counts.alias
                    else ProblemMessage.of("yaml.alias_bomb", kind=kind, budget=budget),
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
            raise _Refused(node.start_mark, ProblemMessage.of("yaml.recursive", anchor=str(node.anchor)))
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
            raise _Refused(node.start_mark, ProblemMessage.of("yaml.surrogate", codepoint=f"{ord(bad.group()):04x}"))
    if isinstance(node, MappingNode):
        for key, _ in node.value:
            if not isinstance(key, ScalarNode):
                raise _Refused(key.start_mark, ProblemMessage.of("yaml.key_kind", kind=_kind(key)))
            if key.tag not in _KEY_TAGS:
                raise _Refused(key.start_mark, ProblemMessage.of("yaml.key_tag", tag=_short(key.tag)))


def _kind(node: Node) -> ProblemMessage:
    """What a node is, as the messages name it: a mapping, a list or a value."""
    name = "mapping" if isinstance(node, MappingNode) else "list" if isinstance(node, SequenceNode) else "value"
    return ProblemMessage(f"yaml.kind.{name}")


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


def key_of(keys: Sequence[str | int]) -> str | ProblemMessage:
    """A problem's key for `Problem.of`: the dotted path, or the top level's label."""
    return dotted(keys) if keys else TOP_LEVEL


def schema_problems(
    doc: YamlDoc, instance: Any, schema: Mapping[str, Any], prefix: Sequence[str | int] = ()
) -> list[Problem]:
    """Every schema violation of `instance` (found at `prefix` in `doc`), located and worded.

    An instance found valid before against the same schema is not validated again (see
    `yamlcache.known_valid`): with the rules unchanged, a command then never imports jsonschema
    (50 ms) nor runs it over thirty files (50 ms)."""
    return yamlcache.known_valid(instance, schema, lambda: _validate(doc, instance, schema, prefix))


def _validate(doc: YamlDoc, instance: Any, schema: Mapping[str, Any], prefix: Sequence[str | int]) -> list[Problem]:
    import jsonschema

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
            # Each with the closest known keys suggested (`aplies-to` -> `applies-to`).
            unknown = ProblemMessage.of("yaml.unknown_key", known=", ".join(sorted(allowed)))
            return [
                Problem.of(doc.locate([*keys, k], at_key=True), dotted([*keys, k]), hinted(unknown, str(k), allowed))
                for k in extras
            ]
    if error.validator == "required" and isinstance(error.instance, Mapping):
        return [Problem.of(doc.locate(keys, at_key=True), key_of(keys), schema_message(error))]
    if error.validator in ("enum", "const"):
        value: Any = error.validator_value
        options = list(value) if error.validator == "enum" else [value]
        listed = ", ".join(str(o) for o in options)
        said = ProblemMessage.of("yaml.not_one_of", value=repr(error.instance), listed=listed)
        return [Problem.of(doc.locate(keys), key_of(keys), said)]
    return [Problem.of(doc.locate(keys), key_of(keys), schema_message(error))]


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
    from jsonschema.exceptions import best_match

    best = best_match(unknown or candidates)
    if best is not None and len(best.absolute_path) >= len(error.absolute_path):
        return _deepest(best)
    return error
