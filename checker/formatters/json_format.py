"""json: the whole report as one JSON document, `{"findings": [...], "errors": [...], "summary": {...}}`.

Each finding carries its `fingerprint` (see `svccheck.fingerprint`) and `status` (new, baselined,
waived; a waived one also its `waiver`); `summary.failing` counts the new findings at or above
`fail_on`, `summary.by_status` all findings per status. With `--baseline` a top-level `baseline`
object says how many findings it suppressed and how many of its fingerprints are fixed; with
`--waivers` a `waivers` object lists the `expired` and `stale` waivers. A report written by this
format is also a valid `--baseline` file.

Keys are in a fixed order and no timestamps are added, so the same audit gives the same bytes.

`svccheck audit --format json` with no other report, baseline, waivers or --max-findings writes
the report while it audits (`JsonWriter`): the same bytes, but no finding is held, so memory
stays flat however many there are (51 MB peak for 100,000 interactions, against 198 MB for the
finished report).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TextIO

import orjson

from ..model import BaselineStats, Finding, InputProblem, Report, Severity, Status, Summary, Waiver, WaiverStats


def finding_dict(finding: Finding) -> dict[str, Any]:
    # Built for every finding of a report (68,000 in the 100k benchmark): the members' `_value_`
    # (their value, as an attribute) rather than `.value`, a Python-level property in 3.11
    # (0.08 us against 0.006, four times a finding).
    out: dict[str, Any] = {
        "rule": finding.rule,
        "interaction": finding.interaction,
        "severity": finding.severity._value_,
        "dimension": finding.dimension._value_,
        "gap": finding.gap._value_,
        "message": finding.message,
        "evidence": finding.evidence.as_dict(),
    }
    if finding.site is not None:
        out["site"] = finding.site
    if finding.agent is not None:
        out["agent"] = finding.agent
    if finding.standard is not None:
        out["standard"] = finding.standard
    location = finding.location
    out["location"] = {"file": location.file, "line": location.line}
    out["fingerprint"] = finding.fingerprint
    out["status"] = finding.status._value_
    if finding.waiver is not None:
        out["waiver"] = waiver_dict(finding.waiver)
    return out


def waiver_dict(waiver: Waiver) -> dict[str, Any]:
    out: dict[str, Any] = {"file": waiver.location.file, "line": waiver.location.line}
    for name in ("interaction", "rule", "site", "agent"):
        value = getattr(waiver, name)
        if value is not None:
            out[name] = value
    out["reason"] = waiver.reason
    out["approved_by"] = waiver.approved_by
    out["expires"] = waiver.expires
    return out


def waivers_dict(stats: WaiverStats) -> dict[str, Any]:
    return {
        "file": stats.file,
        "today": stats.today,
        "total": stats.total,
        "waived": stats.waived,
        "expired": [{**waiver_dict(use.waiver), "matched": use.matched} for use in stats.expired],
        "stale": [waiver_dict(w) for w in stats.stale],
    }


def baseline_dict(stats: BaselineStats) -> dict[str, Any]:
    return {
        "file": stats.file,
        "fingerprints": stats.fingerprints,
        "suppressed": stats.suppressed,
        "fixed": stats.fixed,
    }


def error_dict(problem: InputProblem, lang: str = "en") -> dict[str, Any]:
    """An input error; its `message` in `lang`, as findings' messages are in the report's language."""
    out: dict[str, Any] = {"file": problem.location.file, "line": problem.location.line}
    if problem.location.column is not None:  # of the value at fault, or where the interaction starts
        out["column"] = problem.location.column
    if problem.interaction is not None:
        out["interaction"] = problem.interaction
    if problem.rule is not None:
        out["rule"] = problem.rule
    out["message"] = problem.text(lang)
    return out


def report_dict(report: Report) -> dict[str, Any]:
    summary = report.summary.as_dict()
    summary["fail_on"] = report.fail_on.value
    summary["failing"] = len(report.failing())
    summary["by_status"] = report.by_status()
    summary["max_findings"] = report.max_findings
    summary["config"] = report.config
    out: dict[str, Any] = {
        "findings": [finding_dict(f) for f in report.findings],
        "errors": [error_dict(e, report.lang) for e in report.errors],
        "summary": summary,
    }
    if report.baseline is not None:
        out["baseline"] = baseline_dict(report.baseline)
    if report.waivers is not None:
        out["waivers"] = waivers_dict(report.waivers)
    return out


_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE


def dumps(value: Any, option: int) -> bytes:
    """orjson's bytes for `value`. A file name that is not UTF-8 (its bytes as lone surrogates,
    as Python reads them) cannot be JSON text: it is shown with U+FFFD for each such byte, on
    the second try only, so that the usual report pays nothing for it."""
    try:
        return orjson.dumps(value, option=option)
    except orjson.JSONEncodeError:
        return orjson.dumps(shown(value), option=option)


def shown(value: Any) -> Any:
    """`value` (strings, lists and dicts of them) with each lone surrogate replaced by U+FFFD."""
    if isinstance(value, str):
        try:
            raw = value.encode("utf-8", "surrogateescape")  # a file name's undecodable bytes back
        except UnicodeEncodeError:
            raw = value.encode("utf-8", "surrogatepass")
        return raw.decode("utf-8", "replace")
    if isinstance(value, dict):
        return {shown(k): shown(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shown(v) for v in value]
    return value
_FIRST = b'{\n  "findings": [\n    '  # what comes before the first finding, indented as in `render`
_NEXT = b",\n    "


class StreamedReport:
    """What a report written while the audit runs keeps: the input errors (written after the
    findings; usually few) and the counts its summary needs beyond `Summary` (failing findings,
    findings per status). The base of `JsonWriter` and `jsonl.JsonlWriter`."""

    def __init__(self, fail_on: Severity, max_findings: int | None = None, config: str | None = None,
                 lang: str = "en") -> None:
        self.lang = lang  # of the errors' messages (findings come already worded)
        self.fail_on = fail_on
        self.max_findings = max_findings
        self.config = config
        self.errors: list[InputProblem] = []
        self.failing = 0
        self.by_status = {status.value: 0 for status in Status}

    def count(self, finding: Finding) -> None:
        # The same test as Report.failing(): new findings at or above fail-on.
        if finding.status is Status.NEW and finding.severity.at_least(self.fail_on):
            self.failing += 1
        self.by_status[finding.status._value_] += 1

    def error(self, problem: InputProblem) -> None:
        self.errors.append(problem)

    def document(self, summary: Summary) -> dict[str, Any]:
        """`report_dict` of the report, with no findings: the errors kept, and the summary of
        --format json field for field, with the counts kept for the findings not held."""
        shell = Report(findings=(), errors=tuple(self.errors), summary=summary, rules=(), fail_on=self.fail_on,
                       lang=self.lang, max_findings=self.max_findings, config=self.config)
        self.errors.clear()
        document = report_dict(shell)
        document["summary"]["failing"] = self.failing
        document["summary"]["by_status"] = dict(self.by_status)
        return document


class JsonWriter(StreamedReport):
    """`render`'s bytes, written while the audit runs: each finding as soon as it comes, then
    the errors and the summary. `svccheck audit --format json` without a baseline, waivers or
    --max-findings never holds the report's findings this way; tests/test_formatter_json.py
    checks the bytes are `render`'s."""

    def __init__(self, out: TextIO, fail_on: Severity, max_findings: int | None = None, config: str | None = None,
                 lang: str = "en") -> None:
        super().__init__(fail_on, max_findings, config, lang)
        self._write = _binary_writer(out)
        self.written = 0

    def finding(self, finding: Finding) -> None:
        self.count(finding)
        # A finding as `render` indents it, two levels in: JSON text has no raw line end inside a
        # string, so every line end is one of orjson's own.
        data = dumps(finding_dict(finding), orjson.OPT_INDENT_2).replace(b"\n", b"\n    ")
        self._write((_NEXT if self.written else _FIRST) + data)
        self.written += 1

    def close(self, summary: Summary) -> None:
        document = self.document(summary)
        if not self.written:
            self._write(dumps(document, _OPTIONS), last=True)
            return
        del document["findings"]
        # The rest of the document after the findings: `{\n  "errors": ...` without its "{\n".
        self._write(b"\n  ],\n" + dumps(document, _OPTIONS)[2:], last=True)


def _binary_writer(out: TextIO) -> Callable[..., None]:
    """A function writing UTF-8 bytes to `out`: to its binary stream when it has one (what is
    buffered in the text layer flushed first), else decoded; `last=True` flushes."""
    binary = getattr(out, "buffer", None)
    if binary is None:
        def write_text(data: bytes, last: bool = False) -> None:
            out.write(data.decode("utf-8"))

        return write_text
    out.flush()

    def write(data: bytes, last: bool = False) -> None:
        binary.write(data)
        if last:
            binary.flush()

    return write


def render(report: Report, out: TextIO) -> None:
    # orjson writes the same text as json.dump(indent=2, ensure_ascii=False) (keys in insertion
    # order, UTF-8 unescaped), about 10x faster: the standard library falls back to its pure-Python
    # encoder whenever `indent` is set. Its UTF-8 bytes go straight to the underlying binary
    # stream when there is one, so a large report is not held twice (bytes and str).
    _binary_writer(out)(dumps(report_dict(report), _OPTIONS), last=True)
