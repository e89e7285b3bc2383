"""Importing survey exports (CSV, .xlsx) as interactions, driven by a mapping file.

A mapping (YAML, ``checker/schemas/mapping.schema.json``) names the columns of a mystery-shopper
export: the visit ``id`` (required), ``site``, ``agent``, ``date`` (with ``timezone``: ``Z`` or a
UTC offset from -14:00 to +14:00), and ``channel``, ``source`` and ``wave`` as ``{column: NAME}``
or ``{value: CONSTANT}`` (``wave`` also ``{from-date: quarter|month}``; ``channel`` defaults to
``visit``); then ``checklist``, ``metrics`` and ``survey`` map columns to names, and ``comments``
and ``evidence`` list columns copied to the ``x-comments`` and ``x-evidence`` extension keys.
Problems in the mapping, and mapped columns missing from the header, are reported as
``file:line:col: key: message`` and nothing is imported (exit 2).

Values as people type them (full-width forms are folded first, case is ignored):

- yes/no: 是 有 对 达标 通过 Y yes true ✓ ✔ √ ☑ 1 | 否 无 没有 未达标 不通过 N no false ✗ ✘ × ☒ 0;
- not applicable: empty, N/A, NA, 不适用, 无此项, ``-``, ``/`` (a checklist item becomes null,
  a metric, score, comment or wave is left out);
- numbers: ``3``, ``２.５``, ``1,200``;
- dates: ``2026-03-02 18:00``, ``2026/3/2 18:00:05``, ``2026年3月2日 18:00``, ``2026-03-02``
  (midnight), or already with an offset; Excel date cells as they are.

Files: CSV in UTF-8 (with or without BOM) or GB18030 (tried in that order), or .xlsx (first
sheet unless the mapping names ``sheet``). Row numbers are spreadsheet rows: the header is row 1
(or ``header-row``). A bad row is reported as ``FILE:ROW: column NAME: message`` (one line per
bad cell) and does not stop the other rows; every row is either imported or reported; blank
rows are counted and skipped. Each imported record is validated against interaction format v1
and remembers where it came from in ``x-import`` (file name and row).

Every problem is made as a ``ProblemMessage`` (``import.*`` in ``svccheck.problems``), so that the
CLI says it in its ``--lang``; English reads as it always did.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ExitCode, SvccheckError
from .interactions import schema_problem
from .problems import ProblemMessage, all_of, counted, os_reason
from .yamlpos import Problem, YamlDoc, YamlLoadError, load_yaml, schema_problems

_SCHEMA: dict[str, Any] = json.loads(
    resources.files("svccheck").joinpath("schemas/mapping.schema.json").read_text(encoding="utf-8")
)

TRUE_WORDS = frozenset({"是", "有", "对", "達標", "达标", "通过", "通過", "y", "yes", "true", "✓", "✔", "√", "☑", "1"})
FALSE_WORDS = frozenset({"否", "无", "無", "没有", "沒有", "未达标", "未達標", "不通过", "不通過", "n", "no", "false", "✗", "✘", "×", "☒", "0"})
NA_WORDS = frozenset({"", "n/a", "na", "不适用", "不適用", "无此项", "無此項", "-", "/"})
_FLAG_HINT = "是/否, Y/N, yes/no, ✓/✗, 1/0, N/A, 不适用"


class MappingError(SvccheckError):
    """The mapping file is invalid or does not fit the file's header (exit 2)."""


class TableError(SvccheckError):
    """The export cannot be read at all (exit 3)."""

    exit_code = ExitCode.INPUT


class CellError(ValueError):
    """One cell that cannot be converted; the message says what was expected. `str(err)` is
    English; `said` says it in any language."""

    def __init__(self, said: ProblemMessage) -> None:
        super().__init__(said.text("en"))
        self.said = said


# --- values ----------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Full-width forms folded (NFKC), surrounding spaces removed, lower case."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


def is_na(text: str) -> bool:
    return fold(text) in NA_WORDS


def parse_flag(text: str) -> bool | None:
    """A yes/no answer as typed: True, False, or None for not applicable / empty."""
    word = fold(text)
    if word in NA_WORDS:
        return None
    # "1.0" from a spreadsheet's number cell is still 1.
    if word in ("1.0", "0.0"):
        word = word[0]
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(ProblemMessage.of("import.not_yes_no", value=repr(text.strip()), hint=_FLAG_HINT))


def parse_number(text: str) -> int | float | None:
    """A number (full-width digits and thousands separators allowed), or None when N/A/empty."""
    word = fold(text)
    if word in NA_WORDS:
        return None
    plain = word.replace(",", "") if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", word) else word
    try:
        value = float(plain)
    except ValueError:
        value = float("nan")  # said as nan and inf are, below: not a number
    if value != value or value in (float("inf"), float("-inf")):
        raise CellError(ProblemMessage.of("import.not_number", value=repr(text.strip())))
    return int(value) if value.is_integer() else value


_DATE = re.compile(
    r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:[ t]+(\d{1,2})[:时時点點](\d{1,2})(?:[:分](\d{1,2})(?:\.\d+)?秒?)?分?)?"
)


def parse_date(text: str, timezone: str) -> str | None:
    """An ISO 8601 datetime with offset from a typed date (the mapping's timezone), or None."""
    word = fold(text)
    if word in NA_WORDS:
        return None
    if re.search(r"(z|[+-]\d{2}:\d{2})$", word) and "t" in word:
        try:
            moment = datetime.fromisoformat(word.upper().replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return moment.isoformat()
    match = _DATE.fullmatch(word)
    if match is None:
        raise CellError(ProblemMessage.of("import.not_datetime", value=repr(text.strip())))
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        moment = datetime(year, month, day, hour, minute, second)
    except ValueError as err:
        said = ProblemMessage.of("import.invalid_date", value=repr(text.strip()), reason=_date_reason(str(err)))
        raise CellError(said) from None
    offset = "+00:00" if timezone == "Z" else timezone
    return moment.isoformat() + offset


#: Python's reasons a date does not exist (datetime's ValueError), each with its message; any
#: other (a year out of range) is said as Python words it.
_DATE_REASONS = {
    ProblemMessage.of(code).text("en"): ProblemMessage.of(code)
    for code in ("import.date.day", "import.date.month", "import.date.hour", "import.date.minute", "import.date.second")
}


def _date_reason(reason: str) -> ProblemMessage:
    return _DATE_REASONS.get(reason) or ProblemMessage.verbatim(reason)


def wave_of(started_at: str, period: str) -> str:
    """`2026-Q1` (quarter) or `2026-03` (month) of a datetime, in its own offset."""
    year, month = int(started_at[:4]), int(started_at[5:7])
    return f"{year}-Q{(month - 1) // 3 + 1}" if period == "quarter" else f"{year}-{month:02d}"


def split_links(text: str) -> list[str]:
    """Links in one cell, separated by spaces, newlines, ; ； 、 or |."""
    return [part for part in re.split(r"[\s;；、|]+", text.strip()) if part]


# --- the mapping -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Field:
    """A field read from a column, or a constant, or (wave only) derived from the date."""

    column: str | None = None
    value: str | None = None
    from_date: str | None = None


@dataclass(frozen=True)
class ImportMapping:
    path: Path
    doc: YamlDoc
    id: str
    site: str | None
    agent: str | None
    date: str | None
    timezone: str
    channel: Field
    source: Field | None
    wave: Field | None
    checklist: Mapping[str, str]
    metrics: Mapping[str, str]
    survey: Mapping[str, tuple[str, str]]
    comments: tuple[str, ...]
    evidence: tuple[str, ...]
    sheet: str | None = None
    header_row: int = 1

    def columns(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Every column the mapping reads, with the key path that names it (for locating)."""
        out: list[tuple[tuple[str | int, ...], str]] = []
        for key in ("id", "site", "agent", "date"):
            name = getattr(self, key)
            if name is not None:
                out.append(((key,), name))
        for key in ("channel", "source", "wave"):
            spec = getattr(self, key)
            if spec is not None and spec.column is not None:
                out.append(((key, "column"), spec.column))
        for key in ("checklist", "metrics", "survey"):
            out += [((key, column), column) for column in getattr(self, key)]
        for key in ("comments", "evidence"):
            out += [((key, index), column) for index, column in enumerate(getattr(self, key))]
        return out


#: The widest UTC offset in use: Kiribati, +14:00 (the IANA zones span -12:00 to +14:00). Either
#: side is allowed up to it: a typo like +99:99 is what this catches, not an unusual zone.
MAX_OFFSET_MINUTES = 14 * 60


def offset_problem(timezone: str) -> ProblemMessage | None:
    """Why a `timezone` the schema let through (``Z`` or ``±HH:MM``) is no UTC offset, or None.
    Caught here because every date of the export would carry it and every record be rejected."""
    if timezone == "Z":
        return None
    hours, minutes = int(timezone[1:3]), int(timezone[4:6])
    if minutes < 60 and hours * 60 + minutes <= MAX_OFFSET_MINUTES:
        return None
    return ProblemMessage.of("import.not_utc_offset", value=repr(timezone))


def _field(data: Mapping[str, Any] | None) -> Field | None:
    if data is None:
        return None
    return Field(column=data.get("column"), value=data.get("value"), from_date=data.get("from-date"))


def _beyond_schema(doc: YamlDoc, data: Mapping[str, Any]) -> list[Problem]:
    """What the schema cannot say about a mapping of the right shape."""
    problems = []
    if "wave" in data and "from-date" in data["wave"] and "date" not in data:
        problems.append(Problem.of(doc.locate(["wave"]), "wave.from-date", ProblemMessage.of("import.needs_date")))
    bad_offset = offset_problem(data.get("timezone", "Z"))
    if bad_offset is not None:
        problems.append(Problem.of(doc.locate(["timezone"]), "timezone", bad_offset))
    return problems


def load_mapping(path: Path) -> ImportMapping:
    """Read and validate a mapping file; raises MappingError with located problems."""
    invalid = ProblemMessage.of("import.invalid_mapping", path=str(path))
    try:
        doc = load_yaml(path)
    except YamlLoadError as err:
        raise MappingError(invalid, (err.problem,)) from None
    raw = doc.plain() if doc.root is not None else None
    problems = schema_problems(doc, raw, _SCHEMA)
    data: dict[str, Any] = raw if isinstance(raw, dict) else {}
    if not problems:
        problems = _beyond_schema(doc, data)
    if problems:
        raise MappingError(invalid, tuple(problems))
    survey = {column: tuple(target.split(".", 1)) for column, target in data.get("survey", {}).items()}
    return ImportMapping(
        path=path,
        doc=doc,
        id=data["id"],
        site=data.get("site"),
        agent=data.get("agent"),
        date=data.get("date"),
        timezone=data.get("timezone", "Z"),
        channel=_field(data.get("channel")) or Field(value="visit"),
        source=_field(data.get("source")),
        wave=_field(data.get("wave")),
        checklist=dict(data.get("checklist", {})),
        metrics=dict(data.get("metrics", {})),
        survey={k: (v[0], v[1]) for k, v in survey.items()},
        comments=tuple(data.get("comments", ())),
        evidence=tuple(data.get("evidence", ())),
        sheet=data.get("sheet"),
        header_row=data.get("header-row", 1),
    )


# --- tables ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A header and the rows under it, as text cells, with spreadsheet row numbers."""

    path: Path
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    encoding: str


def read_table(path: Path, sheet: str | None = None, header_row: int = 1) -> Table:
    """Read a .csv (UTF-8, UTF-8 with BOM, or GB18030) or .xlsx export."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows, encoding = _xlsx_rows(path, sheet), "xlsx"
    else:
        rows, encoding = _csv_rows(path)
    if len(rows) < header_row:
        raise TableError(ProblemMessage.of("import.no_header", file=str(path), row=str(header_row)))
    header = tuple(unicodedata.normalize("NFKC", cell).strip() for cell in rows[header_row - 1])
    body = tuple((number, row) for number, row in enumerate(rows[header_row:], start=header_row + 1))
    return Table(path, header, body, encoding)


def _csv_rows(path: Path) -> tuple[list[tuple[str, ...]], str]:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise TableError(ProblemMessage.of("import.cannot_read", file=str(path), reason=os_reason(err))) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise TableError(ProblemMessage.of("import.not_text", file=str(path)))
    try:
        return [tuple(row) for row in csv.reader(io.StringIO(text, newline=""), strict=True)], encoding
    except csv.Error as err:
        raise TableError(ProblemMessage.of("import.bad_csv", file=str(path), reason=str(err))) from None


def _xlsx_rows(path: Path, sheet: str | None) -> list[tuple[str, ...]]:
    import zipfile

    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as err:
        raise TableError(ProblemMessage.of("import.bad_xlsx", file=str(path), reason=str(err))) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            sheets = ", ".join(book.sheetnames)
            raise TableError(ProblemMessage.of("import.no_sheet", file=str(path), sheet=repr(sheet), sheets=sheets))
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        return [tuple(_cell_text(v) for v in row) for row in ws.iter_rows(min_row=1, values_only=True)]
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- rows to interactions --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A rejected row: `FILE:ROW: column NAME: message`, or without a column for the row.

    `message` is English, as it always read; `said` is the same message as a catalogue code
    and values, so that `describe` can say it in another language (made with `RowProblem.of`)."""

    file: str
    row: int
    column: str | None
    message: str
    said: ProblemMessage | None = field(default=None, compare=False)

    @classmethod
    def of(cls, file: str, row: int, column: str | None, said: ProblemMessage) -> RowProblem:
        return cls(file, row, column, said.text("en"), said)

    def text(self, lang: str = "en") -> str:
        """The message in `lang`; English is `message` itself, byte for byte."""
        return self.message if lang == "en" or self.said is None else self.said.text(lang)

    def describe(self, lang: str = "en") -> str:
        """`FILE:ROW: column NAME: message` in `lang` (English: `str(self)`); the file name,
        row number and column name are the same in every language."""
        where = f"{self.file}:{self.row}"
        if not self.column:
            return f"{where}: {self.text(lang)}"
        return f"{where}: {ProblemMessage.of('label.column', column=self.column).text(lang)}: {self.text(lang)}"

    def __str__(self) -> str:
        return self.describe("en")


@dataclass(frozen=True, slots=True)
class RowResult:
    """One data row: its record when imported, else its problems (never both); blank rows
    have neither."""

    row: int
    record: dict[str, Any] | None = None
    problems: tuple[RowProblem, ...] = ()


@dataclass
class ImportStats:
    rows: int = 0
    imported: int = 0
    rejected: int = 0
    blank: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    def summary(self, name: str, lang: str = "en") -> str:
        """`NAME: 6 rows, 2 imported, 4 rejected (1 blank row skipped)` in `lang`."""
        counts: dict[str, str | ProblemMessage] = {
            "name": name,
            "rows": counted("import.rows", self.rows),
            "imported": str(self.imported),
            "rejected": str(self.rejected),
        }
        if self.blank:
            return ProblemMessage.of("import.summary_blank", **counts, blank=counted("import.blank_rows", self.blank)).text(lang)
        return ProblemMessage.of("import.summary", **counts).text(lang)


def bind(mapping: ImportMapping, table: Table) -> dict[str, int]:
    """Column name -> index for every mapped column; MappingError naming each missing one."""
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(table.header):
        positions.setdefault(name, []).append(index)
    problems = []
    bound: dict[str, int] = {}
    for keys, column in mapping.columns():
        wanted = unicodedata.normalize("NFKC", column).strip()
        found = positions.get(wanted, [])
        where = mapping.doc.locate(list(keys), at_key=keys[0] in ("checklist", "metrics", "survey"))
        dotted = ".".join(str(k) if not isinstance(k, int) else f"[{k}]" for k in keys).replace(".[", "[")
        if not found:
            said = ProblemMessage.of("import.column_missing", column=repr(column), file=str(table.path))
            problems.append(Problem.of(where, dotted, said))
        elif len(found) > 1:
            numbers = all_of([str(i + 1) for i in found])
            said = ProblemMessage.of("import.column_repeated", column=repr(column), count=str(len(found)), positions=numbers)
            problems.append(Problem.of(where, dotted, said))
        else:
            bound[column] = found[0]
    if problems:
        known = ", ".join(table.header)
        raise MappingError(
            ProblemMessage.of("import.mapping_does_not_fit", file=str(table.path), columns=known), tuple(problems)
        )
    return bound


class RowConverter:
    """Converts data rows to interaction records, remembering ids to refuse duplicates."""

    def __init__(self, mapping: ImportMapping, table: Table) -> None:
        self.mapping = mapping
        self.table = table
        self.index = bind(mapping, table)
        self.name = table.path.name
        self._ids: dict[str, int] = {}

    def convert(self, number: int, cells: Sequence[str]) -> RowResult:
        if not any(cell.strip() for cell in cells):
            return RowResult(number)
        width = len(self.table.header)
        if len(cells) > width and any(cell.strip() for cell in cells[width:]):
            said = ProblemMessage.of("import.too_many_cells", cells=str(len(cells)), width=str(width))
            problem = RowProblem.of(str(self.table.path), number, None, said)
            return RowResult(number, problems=(problem,))
        errors: list[RowProblem] = []
        record = self._record(number, cells, errors)
        if not errors:
            invalid = schema_problem(record)
            if invalid is not None:
                said = ProblemMessage.of("import.not_interaction", message=invalid)
                errors.append(RowProblem.of(str(self.table.path), number, None, said))
        if errors:
            # Report a row's cells left to right, as the user sees them in the spreadsheet.
            errors.sort(key=lambda p: -1 if p.column is None else self.index[p.column])
            return RowResult(number, problems=tuple(errors))
        self._ids[record["id"]] = number
        return RowResult(number, record=record)

    def _cell(self, cells: Sequence[str], column: str) -> str:
        position = self.index[column]
        return cells[position] if position < len(cells) else ""

    def _record(self, number: int, cells: Sequence[str], errors: list[RowProblem]) -> dict[str, Any]:
        m = self.mapping

        def read(column: str, parse: Any) -> Any:
            try:
                return parse(self._cell(cells, column))
            except CellError as err:
                errors.append(RowProblem.of(str(self.table.path), number, column, err.said))
                return None

        record: dict[str, Any] = {}
        ident = self._cell(cells, m.id).strip()
        if not ident:
            errors.append(RowProblem.of(str(self.table.path), number, m.id, ProblemMessage.of("import.empty_id")))
        elif ident in self._ids:
            said = ProblemMessage.of("import.duplicate_id", id=repr(ident), first=str(self._ids[ident]))
            errors.append(RowProblem.of(str(self.table.path), number, m.id, said))
        record["id"] = ident
        record["channel"] = self._field(m.channel, cells) or "visit"
        for key in ("site", "agent"):
            column = getattr(m, key)
            value = self._cell(cells, column).strip() if column else ""
            if value and not is_na(value):
                record[key] = value
        source = self._field(m.source, cells) if m.source else None
        if source:
            record["source"] = source
        started_at = read(m.date, lambda text: parse_date(text, m.timezone)) if m.date else None
        if started_at:
            record["started_at"] = started_at
        if m.wave is not None:
            wave = wave_of(started_at, m.wave.from_date) if m.wave.from_date and started_at else self._field(m.wave, cells)
            if wave:
                record["wave"] = wave
        metrics = {name: read(column, parse_number) for column, name in m.metrics.items()}
        if any(v is not None for v in metrics.values()):
            record["metrics"] = {k: v for k, v in metrics.items() if v is not None}
        if m.checklist:
            record["checklist"] = {name: read(column, parse_flag) for column, name in m.checklist.items()}
        survey: dict[str, dict[str, int | float]] = {}
        for column, (part, dimension) in m.survey.items():
            score = read(column, parse_number)
            if score is not None:
                survey.setdefault(part, {})[dimension] = score
        if survey:
            record["survey"] = {part: survey[part] for part in ("expected", "perceived") if part in survey}
        comments = {c: self._cell(cells, c).strip() for c in m.comments}
        comments = {c: text for c, text in comments.items() if text and not is_na(text)}
        if comments:
            record["x-comments"] = comments
        evidence = {c: split_links(self._cell(cells, c)) for c in m.evidence if not is_na(self._cell(cells, c))}
        evidence = {c: links for c, links in evidence.items() if links}
        if evidence:
            record["x-evidence"] = evidence
        record["x-import"] = {"file": self.name, "row": number}
        return record

    def _field(self, spec: Field | None, cells: Sequence[str]) -> str | None:
        if spec is None:
            return None
        if spec.value is not None:
            return spec.value
        if spec.column is not None:
            text = self._cell(cells, spec.column).strip()
            return None if is_na(text) else unicodedata.normalize("NFKC", text)
        return None


def import_rows(table: Table, mapping: ImportMapping) -> Iterator[RowResult]:
    """Every data row of `table`, converted or rejected, in order (blank rows included)."""
    converter = RowConverter(mapping, table)
    for number, cells in table.rows:
        yield converter.convert(number, cells)


def tally(results: Iterator[RowResult], stats: ImportStats) -> Iterator[dict[str, Any]]:
    """Pass records through while counting rows, imports, rejections and blank rows."""
    for result in results:
        if result.record is not None:
            stats.rows += 1
            stats.imported += 1
            yield result.record
        elif result.problems:
            stats.rows += 1
            stats.rejected += 1
            stats.problems.extend(result.problems)
        else:
            stats.blank += 1


def dump_record(record: Mapping[str, Any]) -> str:
    """One JSON Lines line: keys in the order built, non-ASCII kept, no spaces."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))

