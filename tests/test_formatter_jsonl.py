"""formatters/jsonl.py: one finding a line, errors, then the summary line."""

from __future__ import annotations

import io
import json
from dataclasses import replace

from click.testing import CliRunner

from svccheck.cli import main
from svccheck.formatters import FORMATTERS
from svccheck.formatters.json_format import error_dict, finding_dict, report_dict
from svccheck.formatters.jsonl import JsonlWriter, render
from svccheck.interactions import build_interaction
from svccheck.model import (
    Dimension,
    Evidence,
    Finding,
    Gap,
    InputProblem,
    Report,
    Severity,
    SourceLocation,
    Status,
    Summary,
)

LOC = SourceLocation("calls.jsonl", 3)
FINDING = Finding(
    rule="phone.greeting", interaction="c-1", severity=Severity.MINOR, dimension=Dimension.ASSURANCE,
    gap=Gap.DELIVERY, message="no greeting", evidence=Evidence(2, 8, "喂"), location=LOC, ordinal=0,
    site="hotel-sh", agent="A-1", standard="phone.greet",
)
ERROR = InputProblem(SourceLocation("calls.jsonl", 9), "'channel' is a required property", interaction="c-9")
SUMMARY = Summary(
    interactions=2, clean=0, findings=1, errors=1, by_severity={"minor": 1}, by_rule={"phone.greeting": 1},
    by_gap={"delivery": 1}, by_dimension={"assurance": 1}, by_site={"hotel-sh": 1},
)


def test_renders_exact_lines() -> None:
    report = Report(findings=(FINDING,), errors=(ERROR,), summary=SUMMARY, rules=(), fail_on=Severity.MINOR,
                    max_findings=3)
    out = io.StringIO()
    render(report, out)
    lines = out.getvalue().splitlines()
    # Finding and error lines carry exactly the fields of --format json, after "type".
    assert lines[0] == json.dumps({"type": "finding", **finding_dict(FINDING)}, ensure_ascii=False)
    assert lines[0].startswith('{"type": "finding", "rule": "phone.greeting", "interaction": "c-1", ')
    assert '"text": "喂"' in lines[0]
    assert lines[1] == json.dumps({"type": "error", **error_dict(ERROR)}, ensure_ascii=False)
    # The summary line is the summary of --format json, in its key order.
    assert lines[2] == json.dumps({"type": "summary", **report_dict(report)["summary"]}, ensure_ascii=False)
    assert lines[2].startswith(
        '{"type": "summary", "interactions": 2, "clean": 0, "findings": 1, "errors": 1, '
        '"by_severity": {"minor": 1}, "by_rule": {"phone.greeting": 1}, "by_gap": {"delivery": 1}, '
        '"by_dimension": {"assurance": 1}, "by_site": {"hotel-sh": 1}, "fail_on": "minor", "failing": 1, '
        '"by_status": {"new": 1, "baselined": 0, "waived": 0}, "max_findings": 3'
    )
    assert len(lines) == 3


def test_writer_writes_findings_at_once_and_errors_before_the_summary() -> None:
    out = io.StringIO()
    writer = JsonlWriter(out, Severity.MAJOR)
    writer.error(ERROR)
    assert out.getvalue() == ""
    writer.finding(FINDING)
    assert json.loads(out.getvalue())["type"] == "finding"
    writer.close(SUMMARY)
    kinds = [json.loads(line)["type"] for line in out.getvalue().splitlines()]
    assert kinds == ["finding", "error", "summary"]
    assert json.loads(out.getvalue().splitlines()[-1])["failing"] == 0


def test_failing_counts_new_findings_at_or_above_the_threshold() -> None:
    findings = [replace(FINDING, severity=s) for s in (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)]
    findings.append(replace(FINDING, severity=Severity.CRITICAL, status=Status.BASELINED))
    failing = []
    for threshold in Severity:
        writer = JsonlWriter(io.StringIO(), threshold)
        for finding in findings:
            writer.finding(finding)
        failing.append(writer.failing)
    assert failing == [1, 2, 3, 3]
    assert writer.by_status == {"new": 3, "baselined": 1, "waived": 0}


def test_registered_and_every_line_is_json(tmp_path: object) -> None:
    assert FORMATTERS["jsonl"] is render
    result = CliRunner().invoke(main, ["audit", "examples/phone-calls.json", "--format", "jsonl"])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[-1]["type"] == "summary"
    assert sum(line["type"] == "finding" for line in lines) == lines[-1]["findings"] > 0
    assert result.exit_code == 1


def _required_channel() -> InputProblem:
    problem = build_interaction({"id": "c-9"}, SourceLocation("calls.jsonl", 9), 0)
    assert isinstance(problem, InputProblem) and problem == ERROR
    return problem


def test_error_lines_follow_the_writers_language() -> None:
    said = {}
    for lang in ("en", "zh"):
        out = io.StringIO()
        writer = JsonlWriter(out, Severity.MAJOR, lang=lang)
        writer.error(_required_channel())
        writer.close(SUMMARY)
        said[lang] = json.loads(out.getvalue().splitlines()[0])
    assert said["en"] == {"type": "error", "file": "calls.jsonl", "line": 9, "interaction": "c-9",
                          "message": "'channel' is a required property"}
    assert said["zh"] == {**said["en"], "message": "缺少必填字段 'channel'"}


def test_a_rendered_report_writes_errors_in_its_language() -> None:
    report = Report(findings=(), errors=(_required_channel(),), summary=SUMMARY, rules=(), fail_on=Severity.MAJOR, lang="zh")
    out = io.StringIO()
    render(report, out)
    assert json.loads(out.getvalue().splitlines()[0])["message"] == "缺少必填字段 'channel'"


def test_the_streamed_report_writes_errors_in_the_run_language() -> None:
    """`--format jsonl` alone streams (cli.audit.stream_findings): the same lines as a rendered report."""
    result = CliRunner().invoke(main, ["audit", "examples/invalid/wrong-field.jsonl", "--format", "jsonl", "--lang", "zh"])
    errors = [json.loads(line) for line in result.stdout.splitlines() if '"type": "error"' in line]
    assert [e["message"] for e in errors] == ["缺少必填字段 'channel'（'chanel' 是否为其误写？）"]
