"""sarif: valid SARIF 2.1.0 (checked against the vendored schemas, see tests/data/ci/README.md),
located by line and logical location, with rule metadata, fingerprints, baseline state and
suppressions."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from svccheck.audit import audit_paths, triage
from svccheck.baseline import parse_baseline
from svccheck.formatters import sarif
from svccheck.model import Report, Severity
from svccheck.rules import Rule
from svccheck.waivers import load_waivers

REPO = Path(__file__).resolve().parents[1]
CI_DATA = Path(__file__).resolve().parent / "data" / "ci"
SCHEMAS = ["sarif-2.1.0-rtm.5.json", "sarif-2.1.0-draft2020.json"]


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def _validate(log: Any, schema_name: str) -> None:
    schema = json.loads((CI_DATA / schema_name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls(schema, format_checker=cls.FORMAT_CHECKER).validate(log)


def _render(report: Report) -> dict[str, Any]:
    out = io.StringIO()
    sarif.render(report, out)
    loaded: dict[str, Any] = json.loads(out.getvalue())
    return loaded


@pytest.fixture
def gated(builtin_rules: list[Rule], tmp_path: Path) -> Report:
    """Phone calls and complaints, with one invalid input, a baseline and a waiver."""
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n  - rule: phone.greeting\n    reason: new greeting script from 1 April\n"
        "    approved-by: QA lead\n    expires: 2026-04-30\n"
        "  - interaction: gone-*\n    reason: old\n    approved-by: QA lead\n    expires: 2026-01-01\n",
        encoding="utf-8",
    )
    report = audit_paths(
        [Path("examples/phone-calls.json"), Path("examples/complaint-chats.jsonl"), Path("examples/invalid/bad-json.json")],
        builtin_rules,
    )
    known = [f.fingerprint for f in report.findings if f.rule == "phone.answer-within-three-rings"]
    baseline = parse_baseline(Path("baseline.json"), {"fingerprints": known})
    return triage(report, baseline=baseline, waivers=load_waivers(waivers), today=date(2026, 3, 15))


@pytest.mark.parametrize("schema_name", SCHEMAS)
def test_valid_against_the_sarif_schema(gated: Report, schema_name: str, builtin_rules: list[Rule]) -> None:
    _validate(_render(gated), schema_name)
    _validate(_render(audit_paths([Path("examples/visits.json")], builtin_rules)), schema_name)


@pytest.mark.parametrize("schema_name", SCHEMAS)
def test_the_schema_catches_what_we_could_get_wrong(gated: Report, schema_name: str) -> None:
    log = _render(gated)
    log["runs"][0]["results"][0]["level"] = "major"
    with pytest.raises(jsonschema.ValidationError):
        _validate(log, schema_name)


def test_result_of_an_event_finding(gated: Report) -> None:
    finding = next(f for f in gated.findings if f.interaction == "h-call-07" and f.rule == "speech.forbidden-phrases")
    run = _render(gated)["runs"][0]
    result = next(r for r in run["results"] if r["partialFingerprints"]["svccheck/v1"] == finding.fingerprint)
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert result == {
        "ruleId": "speech.forbidden-phrases",
        "ruleIndex": rules.index("speech.forbidden-phrases"),
        "level": "error",
        "message": {"text": f"{finding.message} “{finding.evidence.text}”"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "examples/phone-calls.json"},
                    "region": {"startLine": finding.location.line, "startColumn": finding.location.column},
                },
                "logicalLocations": [{"fullyQualifiedName": f"h-call-07/events/{finding.evidence.event}", "kind": "object"}],
            }
        ],
        "partialFingerprints": {"svccheck/v1": finding.fingerprint},
        "baselineState": "new",
        "properties": {
            "interaction": "h-call-07",
            "site": finding.site,
            "agent": finding.agent,
            "severity": "major",
            "dimension": "empathy",
            "gap": "delivery",
            "status": "new",
            "evidence": {"event": finding.evidence.event, "at": finding.evidence.at, "text": finding.evidence.text},
        },
    }
    assert finding.location.line is not None and finding.location.line > 1


def test_levels_baseline_state_and_suppressions(gated: Report) -> None:
    results = _render(gated)["runs"][0]["results"]
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        by_rule.setdefault(result["ruleId"], []).append(result)
    assert {r["level"] for r in by_rule["phone.answer-within-three-rings"]} == {"error"}
    assert {r["baselineState"] for r in by_rule["phone.answer-within-three-rings"]} == {"unchanged"}
    assert {r["level"] for r in by_rule["phone.greeting"]} == {"warning"}
    assert {json.dumps(r["suppressions"]) for r in by_rule["phone.greeting"]} == {
        json.dumps([{
            "kind": "external",
            "status": "accepted",
            "justification": f"new greeting script from 1 April (approved by QA lead, expires 2026-04-30;"
                             f" {gated.waivers.file if gated.waivers else ''}:2:5)",
        }])
    }
    assert all("suppressions" not in r for r in by_rule["speech.forbidden-phrases"])
    interaction_level = by_rule["complaint.apology"][0]["locations"][0]["logicalLocations"][0]
    assert interaction_level["fullyQualifiedName"] == by_rule["complaint.apology"][0]["properties"]["interaction"]
    assert by_rule["complaint.apology"][0]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "examples/complaint-chats.jsonl"},
        "region": {"startLine": 3},
    }


def test_rule_metadata(gated: Report) -> None:
    driver = _render(gated)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "svccheck"
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(r.id for r in gated.rules)
    info = next(r for r in gated.rules if r.id == "phone.answer-within-three-rings")
    meta = driver["rules"][ids.index(info.id)]
    assert meta["shortDescription"] == {"text": info.title.en}
    assert meta["fullDescription"] == {"text": info.description}
    assert meta["help"]["text"] == (
        f"{info.description.rstrip('.')}. Service standard: {info.standard}. Severity major; gap 3 (delivery)."
    )
    assert meta["defaultConfiguration"] == {"level": "error"}
    assert meta["properties"] == {
        "severity": "major", "dimension": "responsiveness", "gap": "delivery", "standard": info.standard,
    }


def test_input_errors_and_waiver_notifications(gated: Report) -> None:
    invocation = _render(gated)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    [error] = invocation["toolExecutionNotifications"]
    assert error["level"] == "error"
    assert error["message"]["text"] == "examples/invalid/bad-json.json:11:5: invalid JSON: Expecting value"
    assert error["locations"][0]["physicalLocation"]["region"] == {"startLine": 11, "startColumn": 5}
    [expired] = invocation["toolConfigurationNotifications"]
    assert expired["level"] == "warning"
    assert expired["message"]["text"] == "waiver expired on 2026-01-01 (interaction gone-*): no longer applies, 0 findings not waived"


def test_artifact_uris(tmp_path: Path) -> None:
    assert sarif.artifact_uri("examples/phone-calls.json") == "examples/phone-calls.json"
    assert sarif.artifact_uri(str(REPO / "examples" / "phone-calls.json")) == "examples/phone-calls.json"
    assert sarif.artifact_uri("./exports/../exports/夜间 导出.jsonl") == "exports/%E5%A4%9C%E9%97%B4%20%E5%AF%BC%E5%87%BA.jsonl"
    assert sarif.artifact_uri("/elsewhere/a b.json") == "file:///elsewhere/a%20b.json"


def test_no_baseline_no_baseline_state(builtin_rules: list[Rule]) -> None:
    report = audit_paths([Path("examples/promises.json")], builtin_rules, Severity.MAJOR)
    results = _render(report)["runs"][0]["results"]
    assert results and all("baselineState" not in r and "suppressions" not in r for r in results)
    assert _render(report)["runs"][0]["invocations"] == [{"executionSuccessful": True}]


def test_cli_output_is_byte_identical_across_runs(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    outputs = []
    for name in ("a.sarif", "b.sarif"):
        result = run_cli("audit", "examples", "--format", "sarif", "--output", tmp_path / name)
        assert result.exit_code == 3
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    _validate(json.loads(outputs[0]), SCHEMAS[1])


def test_input_error_notifications_follow_the_report_language(builtin_rules: list[Rule]) -> None:
    report = audit_paths([Path("examples/invalid/wrong-field.jsonl")], builtin_rules, lang="zh")
    [error] = _render(report)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert error["message"]["text"] == "examples/invalid/wrong-field.jsonl:2: 交互 wf-02: 缺少必填字段 'channel'（'chanel' 是否为其误写？）"
