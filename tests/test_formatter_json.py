"""json: fingerprints, statuses, waiver and baseline objects, deterministic bytes."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from svccheck.audit import audit_paths, triage
from svccheck.baseline import parse_baseline
from svccheck.formatters import json_format
from svccheck.model import Report
from svccheck.rules import Rule
from svccheck.waivers import load_waivers

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def _data(report: Report) -> Any:
    out = io.StringIO()
    json_format.render(report, out)
    return json.loads(out.getvalue())


def test_plain_report_has_fingerprints_and_no_gate_objects(builtin_rules: list[Rule]) -> None:
    report = audit_paths([Path("examples/phone-calls.json")], builtin_rules)
    data = _data(report)
    assert [f["fingerprint"] for f in data["findings"]] == [f.fingerprint for f in report.findings]
    assert {f["status"] for f in data["findings"]} == {"new"}
    assert list(data["findings"][0])[-3:] == ["location", "fingerprint", "status"]
    assert "baseline" not in data and "waivers" not in data
    assert data["summary"]["by_status"] == {"new": len(report.findings), "baselined": 0, "waived": 0}
    assert data["summary"]["max_findings"] is None
    assert data["summary"]["failing"] == len(report.failing())


def test_gated_report(builtin_rules: list[Rule], tmp_path: Path) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text(
        "waivers:\n  - rule: phone.greeting\n    site: hotel-*\n    reason: new script\n    approved-by: QA\n"
        "    expires: 2026-05-01\n",
        encoding="utf-8",
    )
    report = audit_paths([Path("examples/phone-calls.json")], builtin_rules)
    first = report.findings[0]
    gated = triage(report, parse_baseline(Path("b.json"), {"fingerprints": [first.fingerprint]}),
                   load_waivers(waivers), date(2026, 4, 1), max_findings=2)
    data = _data(gated)
    assert data["findings"][0]["status"] == "baselined"
    waived = [f for f in data["findings"] if f["status"] == "waived"]
    assert [w["interaction"] for w in waived] == ["h-call-03"]
    assert waived[0]["waiver"] == {
        "file": str(waivers), "line": 2, "rule": "phone.greeting", "site": "hotel-*",
        "reason": "new script", "approved_by": "QA", "expires": "2026-05-01",
    }
    assert data["baseline"] == {"file": "b.json", "fingerprints": 1, "suppressed": 1, "fixed": 0}
    assert data["waivers"] == {
        "file": str(waivers), "today": "2026-04-01", "total": 1, "waived": 1, "expired": [], "stale": [],
    }
    assert data["summary"]["max_findings"] == 2
    assert data["summary"]["by_status"] == {"new": len(report.findings) - 2, "baselined": 1, "waived": 1}


def test_a_json_report_round_trips_as_a_baseline(builtin_rules: list[Rule]) -> None:
    report = audit_paths([Path("examples/promises.json")], builtin_rules)
    baseline = parse_baseline(Path("r.json"), _data(report))
    assert baseline.fingerprints == {f.fingerprint for f in report.findings}


def test_cli_output_is_byte_identical_across_runs(run_cli: Callable[..., Any]) -> None:
    first = run_cli("audit", "examples", "--format", "json")
    second = run_cli("audit", "examples", "--format", "json")
    assert first.exit_code == 3
    assert first.stdout == second.stdout
    assert len(first.json()["errors"]) == 6


def test_input_error_messages_follow_the_report_language(builtin_rules: list[Rule]) -> None:
    """As findings' messages do: an English report keeps the English message, a Chinese one says it in Chinese."""
    paths = [Path("examples/invalid/bad-json.json"), Path("examples/invalid/wrong-field.jsonl")]
    english = _data(audit_paths(paths, builtin_rules, lang="en"))["errors"]
    chinese = _data(audit_paths(paths, builtin_rules, lang="zh"))["errors"]
    assert [e["message"] for e in english] == ["invalid JSON: Expecting value", "'channel' is a required property (is 'chanel' a misspelling of it?)"]
    assert [e["message"] for e in chinese] == ["JSON 无效：此处应为一个值", "缺少必填字段 'channel'（'chanel' 是否为其误写？）"]
    assert [{k: v for k, v in e.items() if k != "message"} for e in chinese] == [
        {k: v for k, v in e.items() if k != "message"} for e in english
    ]


# --- JsonWriter: the report written while the audit runs ----------------------------------------


def _rendered(report: Report, binary: bool) -> bytes:
    """`render`'s output, through a text stream over bytes (as a file or standard output) or a
    plain text stream."""
    if binary:
        raw = io.BytesIO()
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n", write_through=True)
        json_format.render(report, text)
        text.flush()
        return raw.getvalue()
    out = io.StringIO()
    json_format.render(report, out)
    return out.getvalue().encode("utf-8")


def _streamed(report: Report, binary: bool) -> bytes:
    """The same report fed to a `JsonWriter` finding by finding, error by error."""
    raw = io.BytesIO()
    text: Any = io.TextIOWrapper(raw, encoding="utf-8", newline="\n", write_through=True) if binary else io.StringIO()
    writer = json_format.JsonWriter(text, report.fail_on, report.max_findings, report.config, report.lang)
    for finding in report.findings:
        writer.finding(finding)
    for problem in report.errors:
        writer.error(problem)
    writer.close(report.summary)
    if binary:
        text.flush()
        return raw.getvalue()
    return str(text.getvalue()).encode("utf-8")


@pytest.mark.parametrize("binary", [True, False])
@pytest.mark.parametrize(
    ("inputs", "lang", "config"),
    [
        (["examples"], "en", None),  # findings and errors
        (["examples"], "zh", "svccheck.yaml"),
        (["examples/phone-calls.json"], "en", None),  # findings, no errors
        (["examples/invalid"], "zh", None),  # errors, no findings
        ([], "en", None),  # nothing at all
    ],
)
def test_the_streamed_json_report_is_the_rendered_one_byte_for_byte(
    builtin_rules: list[Rule], inputs: list[str], lang: str, config: str | None, binary: bool
) -> None:
    report = dataclasses.replace(audit_paths([Path(p) for p in inputs], builtin_rules, lang=lang), config=config)
    expected = _rendered(report, binary)
    assert _streamed(report, binary) == expected
    assert expected.endswith(b"}\n") and (b'"findings": []' in expected) is (not report.findings)
