"""junit: valid against junit-10.xsd (tests/data/ci/README.md), one suite per rule, one case per
interaction the rule applied to; failures agree with the exit code."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import xmlschema

from svccheck.audit import audit_paths, triage
from svccheck.baseline import parse_baseline
from svccheck.formatters import junit
from svccheck.model import Evidence, Report, Severity
from svccheck.rules import Rule
from svccheck.waivers import load_waivers

REPO = Path(__file__).resolve().parents[1]
XSD = Path(__file__).resolve().parent / "data" / "ci" / "junit-10.xsd"


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def _xml(report: Report) -> str:
    out = io.StringIO()
    junit.render(report, out)
    return out.getvalue()


def _suite(root: ET.Element, name: str) -> ET.Element:
    found = root.find(f"testsuite[@name='{name}']")
    assert found is not None, name
    return found


def _case(root: ET.Element, rule: str, interaction: str) -> ET.Element:
    found = _suite(root, rule).find(f"testcase[@name='{interaction}']")
    assert found is not None, (rule, interaction)
    return found


@pytest.fixture
def phone(builtin_rules: list[Rule]) -> Report:
    return audit_paths([Path("examples/phone-calls.json")], builtin_rules)


def test_valid_against_the_junit_schema(schema: xmlschema.XMLSchema, phone: Report, builtin_rules: list[Rule]) -> None:
    schema.validate(_xml(phone))
    everything = audit_paths([Path("examples")], builtin_rules)  # with input errors of every kind
    schema.validate(_xml(everything))


def test_the_schema_catches_what_we_could_get_wrong(schema: xmlschema.XMLSchema, phone: Report) -> None:
    broken = _xml(phone).replace("<testcase classname", "<testcase file='x' classname", 1)
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema.validate(broken)


def test_one_suite_per_rule_one_case_per_applied_interaction(phone: Report) -> None:
    root = ET.fromstring(_xml(phone))
    suites = [s.get("name") for s in root.findall("testsuite")]
    applied = sorted({rule for c in phone.coverage for rule in c.rules})
    assert suites == applied
    for coverage in phone.coverage:
        for rule in coverage.rules:
            assert _case(root, rule, coverage.interaction).get("classname") == rule
    total = sum(len(c.rules) for c in phone.coverage)
    assert root.get("tests") == str(total)
    assert sum(int(s.get("tests", "0")) for s in root.findall("testsuite")) == total


def test_failures_are_the_failing_findings(phone: Report) -> None:
    root = ET.fromstring(_xml(phone))
    failing_cases = {(f.rule, f.interaction) for f in phone.failing()}
    failed = {
        (s.get("name"), c.get("name"))
        for s in root.findall("testsuite")
        for c in s.findall("testcase")
        if c.find("failure") is not None
    }
    assert failed == failing_cases
    assert root.get("failures") == str(len(failing_cases))

    case = _case(root, "speech.forbidden-phrases", "h-call-11")
    [failure] = case.findall("failure")
    findings = [f for f in phone.findings if f.rule == "speech.forbidden-phrases" and f.interaction == "h-call-11"]
    assert len(findings) == 2
    assert failure.get("type") == "major"
    assert failure.get("message") == f"{findings[0].message} (+1 more)"
    lines = (failure.text or "").splitlines()
    assert lines[0] == f"interaction h-call-11 ({findings[0].location})"
    assert lines[1] == f"MAJOR {findings[0].message} [event {findings[0].evidence.event}, at {findings[0].evidence.at}]"
    assert lines[2] == f"  “{findings[0].evidence.text}”"
    assert len(lines) == 5


def test_below_fail_on_passes_with_system_out(phone: Report) -> None:
    root = ET.fromstring(_xml(phone))
    case = _case(root, "phone.greeting", "h-call-03")
    assert case.find("failure") is None and case.find("skipped") is None
    out = case.find("system-out")
    assert out is not None and "MINOR the agent's first words have no greeting" in (out.text or "")
    clean = _case(root, "phone.greeting", "h-call-01")
    assert list(clean) == []


def test_waived_and_baselined_are_skipped(phone: Report, tmp_path: Path) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text(
        "waivers:\n  - interaction: h-call-11\n    rule: speech.*\n    reason: misattributed speaker\n"
        "    approved-by: QA\n    expires: 2026-12-31\n",
        encoding="utf-8",
    )
    known = [f.fingerprint for f in phone.findings if f.interaction == "h-call-02"]
    gated = triage(phone, parse_baseline(Path("b.json"), {"fingerprints": known}), load_waivers(waivers), date(2026, 3, 1))
    root = ET.fromstring(_xml(gated))
    skipped = _case(root, "speech.forbidden-phrases", "h-call-11").find("skipped")
    assert skipped is not None and skipped.get("message") == "waived: misattributed speaker"
    baselined = _case(root, "phone.answer-within-three-rings", "h-call-02").find("skipped")
    assert baselined is not None and baselined.get("message") == "baselined: in the baseline"
    assert _suite(root, "speech.forbidden-phrases").get("skipped") == "1"
    assert root.get("failures") == str(len({(f.rule, f.interaction) for f in gated.failing()}))


def test_input_errors(builtin_rules: list[Rule], schema: xmlschema.XMLSchema) -> None:
    report = audit_paths([Path("examples/invalid/bad-json.json"), Path("examples/invalid/wrong-field.jsonl")], builtin_rules)
    root = ET.fromstring(_xml(report))
    inputs = _suite(root, junit.INPUTS_SUITE)
    names = [c.get("name") for c in inputs.findall("testcase")]
    assert names == ["examples/invalid/bad-json.json:11", "wf-02"]
    error = inputs.find("testcase/error")
    assert error is not None and error.get("type") == "input" and error.get("message") == "invalid JSON: Expecting value"
    assert inputs.get("errors") == "2" and root.get("errors") == "2"


def test_control_characters_are_replaced(phone: Report, schema: xmlschema.XMLSchema) -> None:
    finding = phone.failing()[0]
    dirty = replace(finding, message="bad\x00byte", evidence=Evidence(1, 2, "x\x1by"), severity=Severity.CRITICAL)
    report = replace(phone, findings=(dirty, *phone.findings[1:]))
    xml = _xml(report)
    schema.validate(xml)
    assert "bad\ufffdbyte" in xml and "x\ufffdy" in xml


def test_cli_output_is_byte_identical_across_runs(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    outputs = []
    for name in ("a.xml", "b.xml"):
        result = run_cli("audit", "examples/phone-calls.json", "--format", "junit", "--output", tmp_path / name)
        assert result.exit_code == 1
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="svccheck" tests=')


def test_input_errors_follow_the_report_language(builtin_rules: list[Rule], schema: xmlschema.XMLSchema, tmp_path: Path) -> None:
    """Input errors, and a rule that could not measure an interaction, in the report's language."""
    calls = tmp_path / "calls.json"
    calls.write_text('[{"id": "c1", "channel": "phone", "metrics": {"rings": "five"}}]', encoding="utf-8")
    report = audit_paths([Path("examples/invalid/wrong-field.jsonl"), calls], builtin_rules, lang="zh")
    xml = _xml(report)
    schema.validate(xml)
    root = ET.fromstring(xml)
    error = _suite(root, junit.INPUTS_SUITE).find("testcase/error")
    assert error is not None and error.get("message") == "缺少必填字段 'channel'（'chanel' 是否为其误写？）"
    assert error.text == "examples/invalid/wrong-field.jsonl:2: 交互 wf-02: 缺少必填字段 'channel'（'chanel' 是否为其误写？）\n"
    measured = _case(root, "phone.answer-within-three-rings", "c1").find("error")
    assert measured is not None and measured.get("message") == "指标 'rings' 的值 'five' 不是数字"
    assert measured.text == f"{calls}:1:2: 交互 c1: 规则 phone.answer-within-three-rings: 指标 'rings' 的值 'five' 不是数字\n"
