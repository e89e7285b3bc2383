"""github: workflow-command annotations, escaped per the Actions runner's rules."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from svccheck.audit import audit_paths, triage
from svccheck.formatters import github
from svccheck.model import Report, SourceLocation, Status
from svccheck.rules import Rule
from svccheck.waivers import load_waivers

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def _lines(report: Report) -> list[str]:
    out = io.StringIO()
    github.render(report, out)
    return out.getvalue().splitlines()


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        ("100% done", "100%25 done", "100%25 done"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("x: y, z", "x: y, z", "x%3A y%2C z"),
        ("%0A", "%250A", "%250A"),
        ("red \x1b[31mX\x1b[0m, \u202eevil", "red \\x1b[31mX\\x1b[0m, \\u202eevil", "red \\x1b[31mX\\x1b[0m%2C \\u202eevil"),
    ],
)
def test_escaping(text: str, data: str, prop: str) -> None:
    assert github.escape_data(text) == data
    assert github.escape_property(text) == prop


def test_command_shape() -> None:
    where = SourceLocation("exports/a,b.json", 12, 3)
    assert github.command("error", "m", where, "rule:x") == "::error file=exports/a%2Cb.json,line=12,col=3,title=rule%3Ax::m"
    assert github.command("notice", "done") == "::notice::done"
    assert github.command("warning", "m", SourceLocation("f.jsonl", 4)) == "::warning file=f.jsonl,line=4::m"


def test_new_findings_most_severe_first(builtin_rules: list[Rule]) -> None:
    report = audit_paths([Path("examples/phone-calls.json")], builtin_rules)
    lines = _lines(report)
    errors = [line for line in lines if line.startswith("::error ")]
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert len(errors) == len(report.failing())
    assert len(warnings) == len(report.findings) - len(report.failing())
    assert lines[: len(errors)] == errors  # errors first: GitHub shows only the first 10 per kind
    finding = next(f for f in report.findings if f.interaction == "h-call-07" and f.rule == "speech.forbidden-phrases")
    assert (
        f"::error file=examples/phone-calls.json,line={finding.location.line},col={finding.location.column},"
        f"title=speech.forbidden-phrases::h-call-07: {finding.message} [event {finding.evidence.event}]"
        f" “{finding.evidence.text}” (major)"
    ) in lines
    assert lines[-1] == (
        f"::notice::svccheck: 12 interactions audited, {len(report.findings)} findings ({len(report.findings)} new,"
        f" 0 baselined, 0 waived), {len(report.failing())} failing at or above major, 0 input errors"
    )


def test_waived_and_baselined_are_not_annotated_and_waivers_are(builtin_rules: list[Rule], tmp_path: Path) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text(
        "waivers:\n  - rule: phone.*\n    reason: r\n    approved-by: a\n    expires: 2026-12-31\n"
        "  - rule: visit.*\n    reason: r\n    approved-by: a\n    expires: 2026-12-31\n",
        encoding="utf-8",
    )
    report = audit_paths([Path("examples/phone-calls.json"), Path("examples/invalid/bad-json.json")], builtin_rules)
    gated = triage(report, waivers=load_waivers(waivers), today=date(2026, 1, 1))
    lines = _lines(gated)
    assert not any("title=phone." in line for line in lines)
    assert f"::warning file={waivers},line=6,col=5,title=stale waiver::stale waiver (rule visit.*): matches no finding" in lines
    assert (
        "::error file=examples/invalid/bad-json.json,line=11,col=5,title=svccheck input error::"
        "examples/invalid/bad-json.json:11:5: invalid JSON: Expecting value"
    ) in lines
    waived = sum(1 for f in gated.findings if f.status is Status.WAIVED)
    assert f"0 baselined, {waived} waived)" in lines[-1]


def test_multiline_message_stays_one_line(builtin_rules: list[Rule]) -> None:
    report = audit_paths([Path("examples/phone-calls.json")], builtin_rules)
    finding = replace(report.failing()[0], message="line one\nline two 100%")
    lines = _lines(replace(report, findings=(finding,)))
    assert lines[0].endswith("line one%0Aline two 100%25 (major)")


def test_cli_output_is_byte_identical_across_runs(run_cli: Callable[..., Any]) -> None:
    first = run_cli("audit", "examples", "--format", "github")
    second = run_cli("audit", "examples", "--format", "github")
    assert first.exit_code == 3
    assert first.stdout == second.stdout and first.stdout


def test_the_summary_and_the_waiver_warning_count_in_words(builtin_rules: list[Rule], tmp_path: Path) -> None:
    # Once "1 interactions audited, 1 findings ... 1 input errors".
    visit = tmp_path / "one.json"
    visit.write_text('{"id": "a", "channel": "visit", "metrics": {"checkout_seconds": 312}}', encoding="utf-8")
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "b"}\n', encoding="utf-8")
    waivers = tmp_path / "w.yaml"
    waivers.write_text(
        "waivers:\n  - rule: promise.*\n    reason: r\n    approved-by: a\n    expires: 2025-12-31\n", encoding="utf-8"
    )
    report = audit_paths([visit, broken], builtin_rules)
    lines = _lines(triage(report, waivers=load_waivers(waivers), today=date(2026, 1, 1)))
    assert lines[-2] == (
        f"::warning file={waivers},line=2,col=5,title=expired waiver::"
        "waiver expired on 2025-12-31 (rule promise.*): no longer applies, 1 finding not waived"
    )
    assert lines[-1] == (
        "::notice::svccheck: 1 interaction audited, 1 finding (1 new, 0 baselined, 0 waived),"
        " 1 failing at or above major, 1 input error"
    )


def test_input_errors_follow_the_report_language(builtin_rules: list[Rule]) -> None:
    report = audit_paths([Path("examples/invalid/wrong-field.jsonl")], builtin_rules, lang="zh")
    errors = [line for line in _lines(report) if "title=svccheck input error" in line]
    assert errors == [
        "::error file=examples/invalid/wrong-field.jsonl,line=2,title=svccheck input error::"
        "examples/invalid/wrong-field.jsonl:2: 交互 wf-02: 缺少必填字段 'channel'（'chanel' 是否为其误写？）"
    ]
