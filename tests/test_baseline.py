"""Baselines (svccheck.baseline, `svccheck baseline create`, `audit --baseline`) and the gate:
only new findings at or above --fail-on decide the exit code, --max-findings allows N of them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from svccheck.baseline import BaselineError, load_baseline

REPO = Path(__file__).resolve().parents[1]
PHONE = "examples/phone-calls.json"
VISITS = "examples/visits.json"


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # relative example paths, as a CI job gives them


def _audit_json(run_cli: Callable[..., Any], *args: str) -> Any:
    return run_cli("audit", *args, "--format", "json")


def test_create_writes_every_finding_sorted(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "baseline.json"
    created = run_cli("baseline", "create", PHONE, VISITS, "-o", out)
    assert created.exit_code == 0
    report = _audit_json(run_cli, PHONE, VISITS).json()
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["version"] == 1
    expected = sorted(
        (
            {k: f[k] for k in ("fingerprint", "rule", "interaction", "severity", "message")}
            for f in report["findings"]
        ),
        key=lambda e: (e["rule"], e["interaction"], e["fingerprint"]),
    )
    assert data["findings"] == expected
    assert created.stderr == f"svccheck: baseline of {len(expected)} findings from 22 interactions written to {out}\n"


def test_create_counts_in_words_and_follows_the_configuration(
    run_cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    visit = tmp_path / "one.json"
    visit.write_text('{"id": "a", "channel": "visit", "metrics": {"checkout_seconds": 312}}', encoding="utf-8")
    created = run_cli("baseline", "create", visit, "-o", tmp_path / "b.json")
    assert created.stderr == f"svccheck: baseline of 1 finding from 1 interaction written to {tmp_path / 'b.json'}\n"
    # svccheck.yaml is found and used as by `svccheck audit`: a disabled rule leaves no finding.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "svccheck.yaml").write_text('disable: ["promise.*"]\n', encoding="utf-8")
    configured = run_cli("baseline", "create", visit)
    assert json.loads(configured.stdout)["findings"] == []
    assert configured.stderr == (
        "svccheck: configuration: svccheck.yaml\nsvccheck: baseline of 0 findings from 1 interaction\n"
    )


def test_create_to_stdout_and_input_errors_exit_3(run_cli: Callable[..., Any]) -> None:
    result = run_cli("baseline", "create", PHONE, "examples/invalid/duplicate-id.json")
    assert result.exit_code == 3
    assert json.loads(result.stdout)["version"] == 1
    assert "examples/invalid/duplicate-id.json:3:3: interaction dup-01: duplicate id" in result.stderr


def test_create_in_chinese_words_its_messages_not_its_fingerprints(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    english = run_cli("baseline", "create", PHONE, "examples/invalid/duplicate-id.json")
    chinese = run_cli("baseline", "create", PHONE, "examples/invalid/duplicate-id.json", "-o", tmp_path / "b.json",
                      "--lang", "zh")
    assert chinese.exit_code == english.exit_code == 3
    zh, en = json.loads((tmp_path / "b.json").read_text(encoding="utf-8")), json.loads(english.stdout)
    assert [f["fingerprint"] for f in zh["findings"]] == [f["fingerprint"] for f in en["findings"]]
    assert zh["findings"][0]["message"] != en["findings"][0]["message"]
    assert chinese.stderr.splitlines() == [
        "examples/invalid/duplicate-id.json:3:3: 交互 dup-01: id 重复（首次出现在 examples/invalid/duplicate-id.json:2:3）",
        f"svccheck: 基线：13 条交互，{len(zh['findings'])} 条问题，已写入 {tmp_path / 'b.json'}",
    ]
    # The locale's language when --lang is not given, as for every command.
    by_locale = run_cli("baseline", "create", PHONE, "examples/invalid/duplicate-id.json", env={"LANG": "zh_CN.UTF-8"})
    assert by_locale.stdout == (tmp_path / "b.json").read_text(encoding="utf-8")
    assert by_locale.stderr.splitlines()[-1] == f"svccheck: 基线：13 条交互，{len(zh['findings'])} 条问题"


def test_baseline_suppresses_known_findings_and_new_ones_decide(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    run_cli("baseline", "create", PHONE, "-o", baseline)
    clean = _audit_json(run_cli, PHONE, "--baseline", baseline)
    assert clean.exit_code == 0
    data = clean.json()
    total = len(data["findings"])
    assert data["baseline"] == {"file": str(baseline), "fingerprints": total, "suppressed": total, "fixed": 0}
    assert {f["status"] for f in data["findings"]} == {"baselined"}
    assert data["summary"]["failing"] == 0

    # Drop one major finding from the baseline: it is new again and fails the run.
    entries = json.loads(baseline.read_text(encoding="utf-8"))
    dropped = next(e for e in entries["findings"] if e["severity"] == "major")
    entries["findings"].remove(dropped)
    entries["findings"].append({"fingerprint": "0123456789abcdef"})  # gone since: counted as fixed
    baseline.write_text(json.dumps(entries), encoding="utf-8")
    again = _audit_json(run_cli, PHONE, "--baseline", baseline)
    assert again.exit_code == 1
    data = again.json()
    assert [f["fingerprint"] for f in data["findings"] if f["status"] == "new"] == [dropped["fingerprint"]]
    assert data["baseline"] == {"file": str(baseline), "fingerprints": total, "suppressed": total - 1, "fixed": 1}


def test_a_previous_json_report_is_a_baseline(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    previous = tmp_path / "nightly.json"
    run_cli("audit", PHONE, "--format", "json", "--output", previous)
    result = run_cli("audit", PHONE, VISITS, "--baseline", previous)
    assert result.exit_code == 1  # the visits are new
    phone_findings = len(json.loads(previous.read_text(encoding="utf-8"))["findings"])
    assert f"baseline {previous}: {phone_findings} findings suppressed, 0 of {phone_findings} fixed or not seen\n" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{\n  \"version\": 1,\n  \"fingerprints\": [\n", "{path}:4:1: invalid JSON: Expecting value"),
        ("[]", "{path}: not a svccheck baseline (expected a JSON object)"),
        ("[" * 100_000 + "]" * 100_000, "{path}: invalid JSON: nested too deeply"),
        ('{"version": 2, "fingerprints": []}', "{path}: baseline version 2 is not supported (expected 1)"),
        ('{"fingerprints": ["abc"]}', "{path}: fingerprints[0]: 'abc' is not a fingerprint (16 hex digits)"),
        ('{"fingerprints": "abc"}', "{path}: 'fingerprints' must be a list of fingerprints"),
        (
            '{"findings": [{"rule": "phone.greeting"}]}',
            "{path}: findings[0] has no fingerprint (a report from an older svccheck? re-create it with"
            " `svccheck baseline create`)",
        ),
        (
            '{"summary": {}}',
            "{path}: not a svccheck baseline (expected 'findings' from `svccheck baseline create` or"
            " `svccheck audit --format json`, or 'fingerprints')",
        ),
    ],
)
def test_malformed_baseline_is_a_usage_error(
    run_cli: Callable[..., Any], tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(content, encoding="utf-8")
    expected = "baseline " + message.format(path=path)
    with pytest.raises(BaselineError) as caught:
        load_baseline(path)
    assert str(caught.value) == expected
    result = run_cli("audit", PHONE, "--baseline", path)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"svccheck: error: {expected}\n")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{\n  \"version\": 1,\n  \"fingerprints\": [\n", "{path}:4:1：JSON 无效：此处应为一个值"),
        ("[]", "{path}：不是 svccheck 基线文件（应为 JSON 对象）"),
        ('{"version": 2, "fingerprints": []}', "{path}：不支持基线版本 2（应为 1）"),
        ('{"fingerprints": ["abc"]}', "{path}：fingerprints[0]：'abc' 不是指纹（应为 16 位十六进制数字）"),
        ('{"findings": "abc"}', "{path}：'findings' 必须是列表"),
        (
            '{"findings": [{"rule": "phone.greeting"}]}',
            "{path}：findings[0] 没有指纹（是旧版 svccheck 的报告吗？请用 `svccheck baseline create` 重新生成）",
        ),
    ],
)
def test_malformed_baseline_in_chinese(run_cli: Callable[..., Any], tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(content, encoding="utf-8")
    result = run_cli("audit", PHONE, "--baseline", path, "--lang", "zh")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"svccheck: error: 基线文件 {message.format(path=path)}\n"


def test_a_baseline_that_cannot_be_read_in_chinese(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    result = run_cli("audit", PHONE, "--baseline", tmp_path / "nope.json", "--lang", "zh")
    assert result.stderr == f"svccheck: error: 基线文件 {tmp_path / 'nope.json'}：无法读取：文件或目录不存在\n"


def test_missing_baseline_file(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    result = run_cli("audit", PHONE, "--baseline", tmp_path / "nope.json")
    assert result.exit_code == 2
    assert result.stderr == f"svccheck: error: baseline {tmp_path / 'nope.json'}: cannot read: No such file or directory\n"


def test_fail_on_counts_new_findings_only(run_cli: Callable[..., Any]) -> None:
    # visits.json: majors and minors; --fail-on critical: nothing fails.
    assert run_cli("audit", VISITS, "--fail-on", "critical").exit_code == 0
    assert run_cli("audit", VISITS, "--fail-on", "major").exit_code == 1


def test_max_findings_allows_up_to_n_failing_findings(run_cli: Callable[..., Any]) -> None:
    failing = _audit_json(run_cli, PHONE).json()["summary"]["failing"]
    assert failing > 1
    at_limit = _audit_json(run_cli, PHONE, "--max-findings", str(failing))
    assert at_limit.exit_code == 0
    assert at_limit.json()["summary"]["max_findings"] == failing
    assert run_cli("audit", PHONE, "--max-findings", str(failing - 1)).exit_code == 1
    # Minor findings never count with --fail-on major, however many there are.
    minors = sum(1 for f in _audit_json(run_cli, PHONE).json()["findings"] if f["severity"] == "minor")
    assert minors > 0
    text = run_cli("audit", PHONE, "--max-findings", str(failing))
    assert text.stdout.endswith(f"fail-on major: {failing} findings at or above it (--max-findings {failing})\n")


def test_input_errors_win_over_findings_and_max_findings(run_cli: Callable[..., Any]) -> None:
    result = run_cli("audit", PHONE, "examples/invalid/bad-json.json", "--max-findings", "1000")
    assert result.exit_code == 3


def test_max_findings_must_not_be_negative(run_cli: Callable[..., Any]) -> None:
    result = run_cli("audit", PHONE, "--max-findings", "-1")
    assert result.exit_code == 2
    assert result.stderr == "svccheck audit: error: --max-findings: -1 is not in the range x>=0 (see svccheck audit --help)\n"
