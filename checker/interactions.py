"""Reading interactions (format v1) from files and directories.

`read_inputs` streams: a `.jsonl` file is read a line at a time and a `.json` file is decoded one
interaction at a time from its text (a file of 8 MiB or more from a window of it, read in 1 MiB
chunks), so every interaction keeps the line it starts on (for error messages and SARIF
locations). It yields, in input order, either a valid `Interaction` or an
`InputProblem` naming the file, the line and the interaction id. Nothing valid is dropped and
every input is accounted for: each record yields exactly one item.
"""

from __future__ import annotations

import bisect
import codecs
import difflib
import json
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from functools import cache
from typing import TYPE_CHECKING, Any, TextIO

from . import schema_fast
from .model import Event, InputProblem, Interaction, SourceLocation, Survey
from .problems import ProblemMessage, os_reason, parser_detail
from .schema_messages import schema_message
from .text import normalise
from .timeutil import TimeFormatError, parse_datetime

import orjson  # parses JSON Lines about 3x faster than the standard library

if TYPE_CHECKING:
    import jsonschema

_DecodeError: tuple[type[Exception], ...] = (orjson.JSONDecodeError, UnicodeDecodeError)

INPUT_SUFFIXES = (".json", ".jsonl")

Item = Interaction | InputProblem


def _load_schema() -> dict[str, Any]:
    text = resources.files("svccheck").joinpath("schemas/interaction-v1.schema.json").read_text(
        encoding="utf-8"
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> jsonschema.Draft202012Validator:
    """The interaction schema's validator, made at the first invalid record: valid ones are
    vouched for by `schema_fast`, so a clean run never imports jsonschema for its input."""
    import jsonschema

    return jsonschema.Draft202012Validator(_load_schema())


def is_jsonl(path: Path) -> bool:
    """Whether a file is read as JSON Lines (`.jsonl`, in any case: exports say `.JSONL` too)."""
    return path.suffix.lower() == ".jsonl"


def expand_paths(paths: Iterable[Path]) -> Iterator[Path | InputProblem]:
    """Files as given; directories searched recursively for *.json and *.jsonl (any case), sorted."""
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in INPUT_SUFFIXES and p.is_file()
            )
            if not found:
                yield InputProblem.of(SourceLocation(str(path)), ProblemMessage.of("no_input_files"))
            yield from found
        elif path.exists():
            yield path
        elif str(path) == "-":
            yield InputProblem.of(SourceLocation("-"), ProblemMessage.of("stdin"))
        else:
            yield InputProblem.of(SourceLocation(str(path)), _missing(path))


def _missing(path: Path) -> ProblemMessage:
    """Why a path that does not exist cannot be read (a symbolic link loop is not "no such file")."""
    try:
        path.stat()
    except FileNotFoundError:
        return ProblemMessage.of("missing")
    except OSError as err:
        return cannot_read(err)
    return ProblemMessage.of("missing")


def cannot_read(err: OSError) -> ProblemMessage:
    """"cannot read: Permission denied" ("无法读取：权限不足"): the operating system's reason (`os_reason`)."""
    return ProblemMessage.of("cannot_read", reason=os_reason(err))


def read_inputs(paths: Iterable[Path], text_of: Collection[str] | None = None) -> Iterator[Item]:
    """Every interaction of every input, validated, in input order; problems in their place.
    `text_of`: see `build_interaction`."""
    with closing(ValueLocator()) as locate:
        yield from _read_inputs(paths, text_of, locate)


def _read_inputs(paths: Iterable[Path], text_of: Collection[str] | None, locate: ValueLocator) -> Iterator[Item]:
    seen = SeenIds()
    ordinal = 0
    for entry in expand_paths(paths):
        if isinstance(entry, InputProblem):
            yield entry
            continue
        for location, record in _records(entry):
            if isinstance(record, InputProblem):
                yield record
                continue
            item = build_interaction(record, location, ordinal, text_of)
            if isinstance(item, Interaction):
                first = seen.admit(item.id, location)
                if first is not None:
                    item = InputProblem.of(location, duplicate_id(first), interaction=item.id)
                else:
                    ordinal += 1
            else:
                item = locate(item)
            yield item


class SeenIds:
    """The ids of a batch so far, and where each was first seen (for "duplicate id" errors).

    It holds every id of the input, so the location is packed into one int (file number,
    line, column): a third of the memory of a `SourceLocation`, 60 MB less for 1M ids."""

    def __init__(self) -> None:
        self._first: dict[str, int] = {}
        self._files: list[str] = []
        self._numbers: dict[str, int] = {}

    def admit(self, ident: str, location: SourceLocation) -> SourceLocation | None:
        """None for an id not seen yet (it is now, at `location`), else where it was first seen."""
        first = self._first.get(ident)
        if first is not None:
            return self._location(first)
        self._first[ident] = self._packed(location)
        return None

    def _packed(self, location: SourceLocation) -> int:
        number = self._numbers.get(location.file)
        if number is None:
            number = self._numbers[location.file] = len(self._files)
            self._files.append(location.file)
        line = 0 if location.line is None else location.line + 1
        column = 0 if location.column is None else location.column + 1
        return (number << 64) | (line << 32) | column

    def _location(self, packed: int) -> SourceLocation:
        line, column = (packed >> 32) & 0xFFFFFFFF, packed & 0xFFFFFFFF
        return SourceLocation(self._files[packed >> 64], line - 1 if line else None, column - 1 if column else None)


def duplicate_id(first: SourceLocation) -> ProblemMessage:
    return ProblemMessage.of("duplicate_id", first=str(first))


@dataclass(frozen=True, slots=True)
class RawLine:
    """A JSON Lines record not decoded yet: `input_records(..., decode=False)` hands these on so
    that decoding happens where the record is audited (a worker process, see `svccheck.parallel`)."""

    data: bytes


def input_records(paths: Iterable[Path], decode: bool = True) -> Iterator[InputProblem | tuple[SourceLocation, Any]]:
    """Every record of every input in order, before validation, or a problem in its place.

    With `decode=False`, JSON Lines records come as `RawLine`s, to be passed to `decode_record`."""
    for entry in expand_paths(paths):
        if isinstance(entry, InputProblem):
            yield entry
            continue
        for location, record in _records(entry, decode):
            yield record if isinstance(record, InputProblem) else (location, record)


def decode_record(location: SourceLocation, record: Any) -> Any:
    """A record from `input_records`, decoded if it is a `RawLine` (an `InputProblem` if invalid)."""
    if not isinstance(record, RawLine):
        return record
    try:
        return orjson.loads(record.data)
    except _DecodeError as err:
        return _line_problem(location, err, record.data)


def _records(path: Path, decode: bool = True) -> Iterator[tuple[SourceLocation, Any]]:
    name = str(path)
    try:
        if is_jsonl(path):
            yield from _jsonl_records(path, name, decode)
        else:
            yield from _json_records(path, name)
    except OSError as err:
        yield SourceLocation(name), InputProblem.of(SourceLocation(name), cannot_read(err))


def _jsonl_records(path: Path, name: str, decode: bool = True) -> Iterator[tuple[SourceLocation, Any]]:
    with path.open("rb") as handle:
        yield from jsonl_lines(handle, name, 1, decode)


def jsonl_lines(
    lines: Iterable[bytes], name: str, first: int = 1, decode: bool = True
) -> Iterator[tuple[SourceLocation, Any]]:
    """The records of JSON Lines `lines` (each with its b"\\n", as iterating a binary file gives
    them) of the file `name`, the first being line `first`: what `_jsonl_records` yields for
    them. `svccheck.parallel` hands workers whole blocks of a file this way."""
    for number, line in enumerate(lines, start=first):
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if not line or line.isspace():  # as `not line.strip()`, without copying the line
            continue
        location = SourceLocation(name, number)
        if not decode:
            yield location, RawLine(line)
            continue
        try:
            yield location, orjson.loads(line)
        except _DecodeError as err:
            yield location, _line_problem(location, err, line)


_WITHIN_LINE = re.compile(r": line ([12]) column ([0-9]+) \(char [0-9]+\)$")


def _line_problem(location: SourceLocation, err: Exception, line: bytes) -> InputProblem:
    """A JSON Lines line that does not decode: located at its column (`f.jsonl:2:5: ...`, not
    `f.jsonl:2: ...: line 1 column 5 (char 4)`). The parser is given the line with its line
    end, so a record cut short is "line 2 column 1" to it: that is the end of this line."""
    reason = _decode_reason(err, line)
    if reason is None:
        return InputProblem.of(location, _invalid_json(ProblemMessage.of("not_utf8")))
    within = _WITHIN_LINE.search(reason)
    if within is None:
        return InputProblem.of(location, _invalid_json(parser_detail(reason)))
    if within.group(1) == "1":
        column = int(within.group(2))
    elif within.group(2) == "1" and line.count(b"\n") == 1 and line.endswith(b"\n"):
        column = len(line.decode("utf-8").rstrip("\r\n")) + 1
    else:
        return InputProblem.of(location, _invalid_json(parser_detail(reason)))
    where = SourceLocation(location.file, location.line, column)
    return InputProblem.of(where, _invalid_json(parser_detail(reason[: within.start()])))


def _decode_reason(err: Exception, line: bytes) -> str | None:
    """orjson's reason a line does not decode; None when the line is not UTF-8 (orjson reports
    that as a JSONDecodeError worded in its own terms: it is said plainly instead)."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return str(err).split("\n")[0]


def _invalid_json(reason: ProblemMessage) -> ProblemMessage:
    return ProblemMessage.of("invalid_json", reason=reason)


STREAM_JSON_BYTES = 8 << 20  # .json files at least this large are read in chunks (_StreamScanner)
STREAM_CHUNK = 1 << 20  # characters read at a time by _StreamScanner


def _json_records(path: Path, name: str) -> Iterator[tuple[SourceLocation, Any]]:
    """Decode a .json document one interaction at a time, keeping each one's line."""
    if path.stat().st_size >= STREAM_JSON_BYTES:
        yield from _json_records_streamed(path, name)
        return
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        where = _byte_location(name, err.object, err.start)  # err.object: the bytes after any BOM
        yield where, InputProblem.of(where, ProblemMessage.of("not_utf8"))
        return
    scanner = _Scanner(text, name)
    try:
        yield from scanner.document()
    except json.JSONDecodeError as err:
        location = SourceLocation(name, err.lineno, err.colno)
        yield location, InputProblem.of(location, _invalid_json(parser_detail(err.msg)))


def _json_records_streamed(path: Path, name: str) -> Iterator[tuple[SourceLocation, Any]]:
    """`_json_records` for large files: memory holds about one chunk and one interaction."""
    bad = _first_non_utf8(path, name)  # checked first, so that, as for small files, nothing is yielded
    if bad is not None:
        yield bad, InputProblem.of(bad, ProblemMessage.of("not_utf8"))
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        try:
            yield from _StreamScanner(handle, name).document()
        except json.JSONDecodeError as err:
            location = SourceLocation(name, err.lineno, err.colno)
            yield location, InputProblem.of(location, _invalid_json(parser_detail(err.msg)))


def _byte_location(name: str, data: bytes, offset: int, line: int = 1, line_start: int = 0) -> SourceLocation:
    """The line and column (in bytes) of `offset` in `data`, which starts at `line`."""
    line += data.count(b"\n", 0, offset)
    cut = data.rfind(b"\n", 0, offset)
    start = cut + 1 if cut >= 0 else line_start
    return SourceLocation(name, line, offset - start + 1)


def _first_non_utf8(path: Path, name: str) -> SourceLocation | None:
    """Where the first byte that is not UTF-8 is (line, column in bytes), or None for UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line, column0 = 1, 0  # column0: bytes of the current line before the chunk
    with path.open("rb") as handle:
        while chunk := handle.read(STREAM_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                # err.object is the chunk after up to 3 bytes held from the last one (never a newline).
                held = len(err.object) - len(chunk)
                return _byte_location(name, err.object, err.start, line, held - column0)
            cut = chunk.rfind(b"\n")
            column0 = len(chunk) - cut - 1 if cut >= 0 else column0 + len(chunk)
            line += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return SourceLocation(name, line)
    return None


class _BadValue(ValueError):
    """A JSON value the standard library would decode but JSON Lines (orjson) rejects."""

    def __init__(self, said: ProblemMessage) -> None:
        super().__init__(said.text("en"))
        self.said = said


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (_INF, -_INF):
        raise _BadValue(ProblemMessage.of("json.out_of_range", number=_short(text)))
    return value


def _int64(text: str) -> int:
    value = int(text)
    if not -(1 << 63) <= value < (1 << 64):  # what orjson (and so a .jsonl file) accepts
        raise _BadValue(ProblemMessage.of("json.out_of_range", number=_short(text)))
    return value


def _no_constant(name: str) -> Any:
    raise _BadValue(ProblemMessage.of("json.constant", name=name))


def _short(text: str) -> str:
    return text if len(text) <= 24 else text[:20] + "..."


_INF = float("inf")
# What a .json value may hold is what a .jsonl line may: no NaN/Infinity, finite floats, 64-bit
# integers, no lone surrogates, no runaway nesting (orjson's limits), each a per-record error.
_STRICT = json.JSONDecoder(parse_float=_finite_float, parse_int=_int64, parse_constant=_no_constant)
_LENIENT = json.JSONDecoder()  # only to find where a value _STRICT rejected ends
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_SCALAR_END = re.compile(r"[,\]}\s]")


@dataclass(frozen=True, slots=True)
class _Unreadable:
    """A value decoded no further, and why (becomes the record's `InputProblem`)."""

    reason: ProblemMessage


def _value_end(text: str, pos: int) -> int | None:
    """Where the JSON value starting at `pos` ends (brackets counted outside strings), without
    decoding it: for values too deeply nested to decode. None if `text` ends first."""
    if text[pos] not in "[{":
        m = _SCALAR_END.search(text, pos)
        return m.start() if m else None
    depth = 0
    for m in _STRING_OR_BRACKET.finditer(text, pos):
        token = m.group()
        if token in "[{":
            depth += 1
        elif token in "]}":
            depth -= 1
            if depth == 0:
                return m.end()
    return None


def _problem(err: Exception) -> _Unreadable:
    if isinstance(err, _BadValue):
        return _Unreadable(err.said)
    if isinstance(err, RecursionError):
        return _Unreadable(ProblemMessage.of("json.nested"))
    return _Unreadable(ProblemMessage.verbatim(str(err)))


def _lone_surrogate(value: Any) -> _Unreadable | None:
    """Whether a decoded value holds a string with a lone surrogate (orjson cannot encode it)."""
    try:
        orjson.dumps(value)
    except orjson.JSONEncodeError as err:
        if "surrogates" in str(err):
            return _Unreadable(ProblemMessage.of("json.lone_surrogate"))
        if "Recursion" in str(err):
            return _Unreadable(ProblemMessage.of("json.nested"))
        raise
    return None


class _Scanner:
    """Walks a JSON document's top level with `raw_decode`, recording where each value starts.

    Accepts an array of interactions, `{"interactions": [...]}`, or a single interaction object.
    """

    _decoder = _STRICT

    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name
        self.pos = 0
        self._newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def location(self, offset: int) -> SourceLocation:
        line = bisect.bisect_left(self._newlines, offset) + 1
        start = self._newlines[line - 2] + 1 if line > 1 else 0
        return SourceLocation(self.name, line, offset - start + 1)

    def _skip(self) -> None:
        self.pos = _skip_space(self.text, self.pos)

    def _fail(self, message: str) -> json.JSONDecodeError:
        return json.JSONDecodeError(message, self.text, self.pos)

    def _expect(self, char: str) -> None:
        self._skip()
        if self.text[self.pos : self.pos + 1] != char:
            raise self._fail(f"Expecting '{char}'")
        self.pos += 1

    def _value(self) -> tuple[int, Any]:
        """The next value and where it starts; an `_Unreadable` for one JSON Lines would reject."""
        self._skip()
        start = self.pos
        try:
            value, self.pos = self._decoder.raw_decode(self.text, self.pos)
        except (_BadValue, RecursionError) as err:
            end = self._skip_value(start)
            if end is None:
                raise self._fail("Unterminated value") from None
            self.pos = end
            return start, _problem(err)
        if _SURROGATE_ESCAPE.search(self.text, start, self.pos):
            value = _lone_surrogate(value) or value
        return start, value

    def _lenient(self, start: int) -> Any:
        try:
            return _LENIENT.raw_decode(self.text, start)[0]
        except (json.JSONDecodeError, RecursionError):
            return None

    def _skip_value(self, start: int) -> int | None:
        try:
            return _LENIENT.raw_decode(self.text, start)[1]
        except (json.JSONDecodeError, RecursionError):
            return _value_end(self.text, start)

    def _record(self, start: int, value: Any) -> tuple[SourceLocation, Any]:
        where = self.location(start)
        if isinstance(value, _Unreadable):
            return where, InputProblem.of(where, _invalid_json(value.reason))
        return where, value

    def document(self) -> Iterator[tuple[SourceLocation, Any]]:
        self._skip()
        if self.pos >= len(self.text):
            raise self._fail("Expecting value (the file is empty)")
        if self.text[self.pos] == "[":
            yield from self._array()
        elif self.text[self.pos] == "{":
            yield from self._object()
        else:
            start, value = self._value()
            yield self.location(start), InputProblem.of(self.location(start), ProblemMessage.of("not_a_document"))
        self._skip()
        if self.pos < len(self.text):
            raise self._fail("Extra data after the document")

    def _array(self) -> Iterator[tuple[SourceLocation, Any]]:
        self._expect("[")
        self._skip()
        if self.text.startswith("]", self.pos):
            self.pos += 1
            return
        while True:
            start, value = self._value()
            yield self._record(start, value)
            self._skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            self._expect("]")
            return

    def _object(self) -> Iterator[tuple[SourceLocation, Any]]:
        start = self.pos
        _, whole = self._value()
        # A wrapper with an unreadable value outside "interactions" is still a wrapper.
        shape = self._lenient(start) if isinstance(whole, _Unreadable) else whole
        if isinstance(shape, dict) and isinstance(shape.get("interactions"), list):
            # Re-walk the wrapper to find where each element of "interactions" starts.
            self.pos = start
            yield from self._wrapper()
            others = [key for key in shape if key != "interactions"]
            if others:
                where = self.location(start)
                yield where, InputProblem.of(where, _wrapper_keys(others))
            return
        yield self._record(start, whole)

    def _wrapper(self) -> Iterator[tuple[SourceLocation, Any]]:
        self._expect("{")
        while True:
            self._skip()
            key_start, key = self._value()
            self._expect(":")
            self._skip()
            if key == "interactions":
                yield from self._array()
            else:
                self._value()
            self._skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            self._expect("}")
            return


class ValueLocator:
    """Points a problem at the value it is about: `calls.json:41:18: interaction c7: events[2].at:
    -3 is less than the minimum of 0` instead of the line where interaction c7 starts (a
    pretty-printed interaction spans dozens of lines), and `calls.jsonl:7:412: ...` instead of
    `calls.jsonl:7` (a JSON Lines interaction is one long line).

    The file is read again, forward only, when one of its interactions has such a problem
    (problems come in file order), holding the text from that interaction on and no more, so a
    file of any size is located alike. Lines and columns count as for the interaction's start
    (characters, lines cut at "\n" only). A value that cannot be found (the file changed since,
    say) leaves the problem where it was."""

    _CHUNK = 1 << 16
    _MAX_HELD = 64 << 20  # characters held while looking for one value: give up beyond

    def __init__(self) -> None:
        self._name: str | None = None
        self._handle: TextIO | None = None
        self._text = ""  # from the start of line `_line`, as far as read
        self._line = 1
        self._start = 0  # where line `_line` starts in `_text`

    def __call__(self, problem: InputProblem) -> InputProblem:
        where = problem.location
        if not problem.path or where.line is None or not where.file.lower().endswith((".json", ".jsonl")):
            return problem
        try:
            # A JSON Lines interaction is its line: it starts at column 1.
            found = self._find(where.file, where.line, where.column or 1, problem.path)
        except (OSError, UnicodeDecodeError, RecursionError):
            found = None
        return problem if found is None else replace(problem, location=SourceLocation(where.file, *found))

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
        self._name, self._handle = None, None

    def _open(self, name: str) -> None:
        self.close()
        self._handle = open(name, encoding="utf-8-sig", newline="")
        self._name, self._text, self._line, self._start = name, "", 1, 0

    def _more(self) -> bool:
        chunk = self._handle.read(self._CHUNK) if self._handle is not None else ""
        self._text += chunk
        return bool(chunk)

    def _find(self, name: str, line: int, column: int, path: Sequence[str | int]) -> tuple[int, int] | None:
        if name != self._name or line < self._line:
            self._open(name)
        while self._line < line:  # skip to the interaction's line
            ahead = self._text.count("\n", self._start)
            if self._line + ahead < line:  # not in what was read: skip it all, read on
                self._line += ahead
                self._text, self._start = "", 0
                if not self._more():
                    return None
                continue
            for _ in range(line - self._line):  # the line is in what was read
                self._start = self._text.find("\n", self._start) + 1
            self._line = line
        self._text, self._start = self._text[self._start :], 0
        while True:
            try:
                at = _value_at(self._text, column - 1, path)
                break
            except (IndexError, ValueError):  # the interaction goes on beyond what was read
                if len(self._text) > self._MAX_HELD or not self._more():
                    return None
        if at is None:
            return None
        lines = self._text.count("\n", 0, at)
        column = at - (self._text.rfind("\n", 0, at) + 1) + 1
        return line + lines, column


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _value_at(text: str, pos: int, path: Sequence[str | int]) -> int | None:
    """Where the value at `path` starts, in the JSON value that starts at `pos`; None if it is
    not there. For a key given twice, the last one, which is the one decoding keeps. Raises
    IndexError or ValueError when `text` ends before the answer is known."""
    for part in path:
        found = _member_at(text, _skip_space(text, pos), part)
        if found is None:
            return None
        pos = found
    pos = _skip_space(text, pos)
    if pos >= len(text):
        raise IndexError("the value is beyond the text")
    return pos


def _member_at(text: str, pos: int, part: str | int) -> int | None:
    """Where member `part` (a key of the object, or an index of the array, at `pos`) starts."""
    opening, closing = ("{", "}") if isinstance(part, str) else ("[", "]")
    if text[pos] != opening:
        return None
    pos, index, found = pos + 1, 0, None
    while True:
        pos = _skip_space(text, pos)
        if text[pos] == closing:
            return found
        if isinstance(part, str):
            key, pos = _LENIENT.raw_decode(text, pos)
            pos = _skip_space(text, pos)
            if text[pos] != ":":
                return None
            pos = _skip_space(text, pos + 1)
            if key == part:
                found = pos
        elif index == part:
            return pos
        _, pos = _LENIENT.raw_decode(text, pos)
        index += 1
        pos = _skip_space(text, pos)
        if text[pos] == ",":
            pos += 1
        elif text[pos] != closing:
            # Not JSON as it was read, or a number cut short ("12." of "12.5"): read on.
            raise ValueError(f"expected ',' or '{closing}' at {pos}")


def _wrapper_keys(others: Sequence[str]) -> ProblemMessage:
    if len(others) == 1:
        return ProblemMessage.of("wrapper_keys", key=repr(others[0]))
    return ProblemMessage.of("wrapper_keys_more", key=repr(others[0]), more=str(len(others) - 1), total=str(len(others)))


class _StreamScanner(_Scanner):
    """`_Scanner` over a window of a file read in chunks, for .json files too large to hold.

    The window is cut at the current value whenever more text is read; line numbers are
    counted incrementally as locations are asked for (always at or after the last one, except
    for errors). A value cut by the end of the window is decoded again once more text is in;
    `{"interactions": [...]}` is walked key by key, so its elements stream too. Invalid JSON is
    reported at the same line and column as by `_Scanner`.
    """

    def __init__(self, handle: TextIO, name: str) -> None:
        self.handle = handle
        self.name = name
        self.text = ""
        self.pos = 0
        self.eof = False
        self.dropped = 0  # characters cut off before text[0]
        self._line0, self._start0 = 1, 0  # line number, and absolute offset of its start, at text[0]
        self._cpos, self._cline, self._cstart = 0, 1, 0  # newlines are counted up to text[_cpos]
        self._more()

    def _more(self) -> bool:
        """Read more text (cutting the window at `pos`); False at the end of the file."""
        if self.eof:
            return False
        # A value longer than a chunk doubles the read until it fits.
        chunk = self.handle.read(max(STREAM_CHUNK, len(self.text) - self.pos))
        if not chunk:
            self.eof = True
            return False
        if self.pos:
            self.location(self.pos)
            self._line0, self._start0 = self._cline, self._cstart
            self.dropped += self.pos
            self.text = self.text[self.pos :]
            self._cpos = self.pos = 0
        self.text += chunk
        return True

    def location(self, offset: int) -> SourceLocation:
        text = self.text
        if offset >= self._cpos:
            newlines = text.count("\n", self._cpos, offset)
            if newlines:
                self._cline += newlines
                self._cstart = self.dropped + text.rindex("\n", self._cpos, offset) + 1
            self._cpos = offset
            line, start = self._cline, self._cstart
        else:
            line = self._line0 + text.count("\n", 0, offset)
            cut = text.rfind("\n", 0, offset)
            start = self.dropped + cut + 1 if cut >= 0 else self._start0
        return SourceLocation(self.name, line, self.dropped + offset - start + 1)

    def _error(self, offset: int, message: str) -> json.JSONDecodeError:
        where = self.location(offset)
        error = json.JSONDecodeError(message, "", 0)
        error.lineno, error.colno = where.line or 1, where.column or 1
        return error

    def _fail(self, message: str) -> json.JSONDecodeError:
        return self._error(self.pos, message)

    def _skip(self) -> None:
        while True:
            super()._skip()
            if self.pos < len(self.text) or not self._more():
                return

    def _value(self) -> tuple[int, Any]:
        self._skip()
        while True:
            try:
                value, end = self._decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as err:
                if not self._more():
                    raise self._error(err.pos, err.msg) from None
                continue
            except (_BadValue, RecursionError) as err:
                skipped = self._skip_value(self.pos)
                if skipped is None or (skipped == len(self.text) and not self.eof):
                    if self._more():
                        continue
                    if skipped is None:
                        raise self._fail("Unterminated value") from None
                start, self.pos = self.pos, skipped
                return start, _problem(err)
            # A value that ends the window may be cut short (a number): decode it again.
            if end < len(self.text) or not self._more():
                start, self.pos = self.pos, end
                if _SURROGATE_ESCAPE.search(self.text, start, end):
                    value = _lone_surrogate(value) or value
                return start, value

    def _object(self) -> Iterator[tuple[SourceLocation, Any]]:
        where = self.location(self.pos)
        self._expect("{")
        record: dict[str, Any] = {}
        wrapper = False
        unreadable: _Unreadable | None = None
        others: list[str] = []
        self._skip()
        if self.text.startswith("}", self.pos):
            self.pos += 1
        else:
            while True:
                self._skip()
                _, key = self._value()
                if not isinstance(key, str):
                    raise self._fail("Expecting property name enclosed in double quotes")
                self._expect(":")
                self._skip()
                if key == "interactions" and self.text.startswith("[", self.pos):
                    wrapper = True
                    yield from self._array()
                else:
                    _, value = self._value()
                    others.append(key)
                    if isinstance(value, _Unreadable):
                        unreadable = unreadable or value
                    elif not wrapper:
                        record[key] = value
                self._skip()
                if self.text.startswith(",", self.pos):
                    self.pos += 1
                    continue
                self._expect("}")
                break
        if wrapper:
            if others:
                yield where, InputProblem.of(where, _wrapper_keys(others))
        elif unreadable is not None:
            yield where, InputProblem.of(where, _invalid_json(unreadable.reason))
        else:
            yield where, record


# --- validation and model building -------------------------------------------------------------


_TIME_FIELDS = frozenset({"at", "due", "started_at"})


def schema_problem(record: Any) -> ProblemMessage | None:
    """The most relevant schema violation of a record (`path: message`), or None."""
    found = _schema_error(record)
    return found[1] if found is not None else None


def _schema_error(record: Any) -> tuple[tuple[str | int, ...], ProblemMessage] | None:
    """`schema_problem`, with the path of the value at fault."""
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(record))
    if error is None:
        return None
    path = tuple(error.absolute_path)
    message = _reword(error)
    return (path, ProblemMessage.of("at_path", path=_json_path(path), what=message) if path else message)


def _reword(error: jsonschema.ValidationError) -> ProblemMessage:
    """Say what is wrong in the user's terms where jsonschema's wording is opaque."""
    last = error.absolute_path[-1] if error.absolute_path else None
    if error.validator == "pattern" and last in _TIME_FIELDS:
        return ProblemMessage.of("schema.datetime" if last == "started_at" else "schema.time", value=repr(error.instance))
    if error.validator == "required" and isinstance(error.instance, dict):
        # Only this one error is shown for an interaction (where a rule file lists every problem,
        # the unknown key among them): a key typed wrong is the likeliest reason a required one
        # is missing, so it is said here where one is close ("chanel" for "channel").
        required = error.validator_value if isinstance(error.validator_value, list) else []
        missing = next((n for n in required if n not in error.instance), None)
        keys = [k for k in error.instance if isinstance(k, str)]
        close = difflib.get_close_matches(missing, keys, n=1, cutoff=0.75) if isinstance(missing, str) else []
        if close:
            said = schema_message(error)
            return ProblemMessage.of("schema.required_misspelt", message=said, found=repr(close[0]))
    if error.validator in ("unevaluatedProperties", "additionalProperties") and isinstance(error.instance, dict):
        known = _known_keys(error.schema)
        unknown = sorted(k for k in error.instance if k not in known and not k.startswith("x-"))
        if unknown:
            hint = difflib.get_close_matches(unknown[0], sorted(known), n=1)
            if hint:
                return ProblemMessage.of("schema.unknown_key_hint", key=repr(unknown[0]), hint=repr(hint[0]))
            return ProblemMessage.of("schema.unknown_key", key=repr(unknown[0]))
    return schema_message(error)


def _known_keys(schema: Any) -> set[str]:
    """Property names a schema (or its allOf/if-then parts) declares."""
    if not isinstance(schema, dict):
        return set()
    keys = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        keys |= _known_keys(part)
        keys |= _known_keys(part.get("then") if isinstance(part, dict) else None)
    return keys


def _json_path(parts: Iterable[str | int]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def build_interaction(
    record: Any, location: SourceLocation, ordinal: int, text_of: Collection[str] | None = None
) -> Item:
    """Validate one decoded record and build its `Interaction`, or say what is wrong.

    `text_of`: the speakers whose utterances are normalised (`Event.norm_text`; the others'
    are left ""), None for all: an `Auditor` gives the speakers its rules read (`text_of`)."""
    ident = record.get("id") if isinstance(record, dict) else None
    ident = ident if isinstance(ident, str) else None
    # The fast exact check vouches for valid records; jsonschema decides (and words) the rest.
    problem = None if schema_fast.is_valid(record) else _schema_error(record)
    if problem is not None:
        return InputProblem.of(location, problem[1], interaction=ident, path=problem[0])
    assert isinstance(record, dict) and ident is not None  # guaranteed by the schema
    try:
        return _build(record, location, ordinal, text_of)
    except _Invalid as err:
        return InputProblem.of(location, err.said, interaction=ident, path=err.path)


class _Invalid(ValueError):
    """What is wrong with an interaction that passed the schema; `path`: the value at fault."""

    def __init__(self, said: ProblemMessage, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(said.text("en"))
        self.said = said
        self.path = path


def _build(
    record: Mapping[str, Any], location: SourceLocation, ordinal: int, text_of: Collection[str] | None = None
) -> Interaction:
    raw_events: list[Mapping[str, Any]] = record.get("events", [])
    started_at = record.get("started_at")
    start = _datetime(started_at, ("started_at",)) if started_at is not None else None
    try:
        events, times = _events(raw_events, start, text_of)
    except _Invalid:
        if start is None and _mixed(raw_events):  # said first, whatever else is wrong
            raise _Invalid(_MIXED) from None
        raise
    if start is None and times == _DATETIMES | _SECONDS:
        raise _Invalid(_MIXED)
    absolute = start is not None or bool(times & _DATETIMES)
    survey = record.get("survey")
    get = record.get
    # Positional, in field order (id, channel, location, ordinal, site, agent, source, wave,
    # started_at, start, timeline, tags, metrics, events, checklist, survey, raw): one per
    # interaction, and 18 keywords cost 0.3 us more (measured).
    return Interaction(
        record["id"], record["channel"], location, ordinal, get("site"), get("agent"), get("source"), get("wave"),
        started_at, start, "absolute" if absolute else "relative", frozenset(get("tags", ())), get("metrics", {}),
        events, get("checklist", {}),
        Survey(survey.get("expected", {}), survey.get("perceived", {})) if survey else None,
        record,
    )


_MIXED = ProblemMessage.of("time.mixed")
# What `_events` saw of event times (`at` and `due` of any event): datetimes, numbers of seconds.
_DATETIMES, _SECONDS = 1, 2


def _time_kind(value: Any) -> int:
    if isinstance(value, str):
        return _DATETIMES
    return _SECONDS if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _mixed(raw_events: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the events have both datetimes and numbers of seconds (as `at` or `due`)."""
    seen = 0
    for event in raw_events:
        seen |= _time_kind(event.get("at")) | _time_kind(event.get("due"))
    return seen == _DATETIMES | _SECONDS


def _datetime(value: str, path: tuple[str | int, ...]) -> float:
    try:
        return parse_datetime(value)
    except TimeFormatError as err:
        raise _Invalid(_time_problem(path, err), path) from None


def _time_problem(path: tuple[str | int, ...], err: TimeFormatError) -> ProblemMessage:
    """`events[2].at: '...' has no UTC offset (...)`: `parse_datetime`'s reason at its path."""
    return ProblemMessage.of("at_path", path=_json_path(path), what=err.said)


def resolve_time(value: Any, start: float | None, path: tuple[str | int, ...]) -> float | None:
    """A time field (at `path` in the interaction) on the interaction's timeline (see
    `Interaction.timeline`)."""
    if value is None:
        return None
    if isinstance(value, str):
        return _datetime(value, path)
    seconds = float(value)
    return seconds if start is None else start + seconds


_new_event = tuple.__new__


def _events(
    raw_events: Sequence[Mapping[str, Any]], start: float | None, text_of: Collection[str] | None = None
) -> tuple[tuple[Event, ...], int]:
    """The events, each with its time on the timeline, checked to be in time order; and what
    kinds of times they have (`_DATETIMES` | `_SECONDS`, for the timeline: see `_build`).

    The hot path of building (every event of every interaction): one loop, no call per event
    but normalising, and error text only built on an error (about 1 us an event less than a
    function per event, measured); the kinds of times are noted here rather than in two more
    passes over the events."""
    events: list[Event] = []
    last: Event | None = None  # the latest event with a time
    last_at = float("-inf")
    disorder: ProblemMessage | None = None  # the first event out of order: reported after any bad time
    disordered = 0
    times = 0
    for index, data in enumerate(raw_events):
        at_raw = data.get("at")
        kind = data["type"]
        if at_raw is None:
            at = None
        elif type(at_raw) is str:
            at = _event_datetime(at_raw, index, "at")
            times |= _DATETIMES
        else:  # a number of seconds (the schema allows nothing else)
            at = float(at_raw) if start is None else start + float(at_raw)
            times |= _SECONDS
        due = data.get("due")
        if due is not None:
            times |= _time_kind(due)
            if kind == "promise":
                resolve_time(due, start, ("events", index, "due"))  # validate now, not mid-audit
        speaker = data.get("speaker")
        if type(speaker) is not str:
            speaker = None
        read = kind == "utterance" and (text_of is None or speaker in text_of)
        # tuple.__new__ with every field in order (index, type, at, at_raw, data, norm_text,
        # speaker): a named tuple's own __new__ is a Python function, 0.33 us a call against 0.14.
        event = _new_event(Event, (index, kind, at, at_raw, data, normalise(data["text"]) if read else "", speaker))
        if at is not None:
            if at < last_at and last is not None and disorder is None:
                disordered = index
                disorder = ProblemMessage.of(
                    "time.disorder", index=str(index), at=str(at_raw), earlier=str(last.index), earlier_at=str(last.at_raw)
                )
            last, last_at = event, at
        events.append(event)
    if disorder is not None:
        raise _Invalid(disorder, ("events", disordered, "at"))
    return tuple(events), times


def _event_datetime(value: str, index: int, key: str) -> float:
    try:
        return parse_datetime(value)
    except TimeFormatError as err:
        raise _Invalid(_time_problem(("events", index, key), err), ("events", index, key)) from None
