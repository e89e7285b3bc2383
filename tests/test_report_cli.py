"""`svccheck report` on the command line: the rules it audits with (the same configuration,
--config, --rules and errors as `svccheck audit`), a results file that does not belong to the
inputs, the inputs it names, and the stderr line when the report goes to a file.

Every test runs in an empty working directory (`here`), so only the svccheck.yaml a test writes
is picked up.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import CliRun

Run = Callable[..., CliRun]

# Two findings each (promise.checkout-three-minutes, promise.first-dish-ten-minutes).
SLOW_VISIT = {"channel": "visit", "site": "s1", "metrics": {"checkout_seconds": 312, "first_dish_minutes": 14}}
# The hotel scorecard and visit.smile-eye-contact fail it: rules that a configuration can disable.
FROWNING_VISIT = {"channel": "visit", "site": "s1", "checklist": {"greeted_promptly": True, "smile_eye_contact": False}}


def _jsonl(path: Path, *records: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _slow(path: Path, *ids: str) -> Path:
    return _jsonl(path, *({"id": i, **SLOW_VISIT} for i in ids))


def _results(run_cli: Run, path: Path, source: Path) -> Path:
    audited = run_cli("audit", source, "--format", "json", "--output", path, "--lang", "en")
    assert audited.exit_code == 1, audited.stderr
    return path


def _summary_row(markdown: str) -> str:
    """The row of the Summary table (visits, scored, mean, pass rate, findings, ...)."""
    lines = markdown.splitlines()
    return lines[lines.index("## Summary") + 4]


# --- the rules: exactly those of `svccheck audit` ---------------------------------------------------


def test_report_audits_with_the_rules_svccheck_yaml_selects(run_cli: Run, here: Path) -> None:
    source = _jsonl(here / "v.jsonl", {"id": "f", **FROWNING_VISIT}, {"id": "s", **SLOW_VISIT})
    unconfigured = run_cli("report", source, "--lang", "en")
    (here / "svccheck.yaml").write_text('disable: ["scorecard.*", "visit.*"]\n', encoding="utf-8")
    audited = run_cli("audit", source, "--format", "json", "--lang", "en")
    configured = run_cli("report", source, "--lang", "en")
    assert (unconfigured.exit_code, configured.exit_code) == (0, 0)
    # Only the two promise findings of the slow visit are left, as in the audit; no scorecard either.
    assert [f["rule"] for f in audited.json()["findings"]] == ["promise.checkout-three-minutes", "promise.first-dish-ten-minutes"]
    assert _summary_row(configured.stdout) == "| 2 | 0 | – | – | 2 | 1.00 | major 2 |"
    assert _summary_row(unconfigured.stdout) != _summary_row(configured.stdout)
    assert "Scorecard:" not in configured.stdout
    assert configured.stderr == audited.stderr == "svccheck: configuration: svccheck.yaml\n"


def test_report_takes_config_like_audit(run_cli: Run, here: Path) -> None:
    source = _jsonl(here / "v.jsonl", {"id": "f", **FROWNING_VISIT}, {"id": "s", **SLOW_VISIT})
    config = here / "elsewhere.yaml"
    config.write_text('disable: ["scorecard.*", "visit.*"]\n', encoding="utf-8")
    result = run_cli("report", source, "--config", config, "--lang", "en")
    assert result.exit_code == 0
    assert _summary_row(result.stdout) == "| 2 | 0 | – | – | 2 | 1.00 | major 2 |"
    assert result.stderr == f"svccheck: configuration: {config}\n"


def test_a_broken_configuration_stops_report_as_it_stops_audit(run_cli: Run, here: Path) -> None:
    source = _slow(here / "v.jsonl", "a")
    (here / "svccheck.yaml").write_text('disable: ["nothing-like-this.*"]\n', encoding="utf-8")
    audited = run_cli("audit", source)
    reported = run_cli("report", source)
    assert (reported.exit_code, reported.stdout) == (audited.exit_code, audited.stdout) == (2, "")
    assert reported.stderr == audited.stderr
    assert "svccheck.yaml:1:11: disable[0]: 'nothing-like-this.*' matches no rule\n" in reported.stderr


def test_an_unparsable_configuration_is_exit_2(run_cli: Run, here: Path) -> None:
    source = _slow(here / "v.jsonl", "a")
    (here / "svccheck.yaml").write_text("disable: [\n", encoding="utf-8")
    reported = run_cli("report", source)
    assert (reported.exit_code, reported.stdout) == (2, "")
    assert reported.stderr == run_cli("audit", source).stderr
    assert reported.stderr.splitlines()[-1] == "svccheck: error: 1 problem(s) in rule files or configuration"


# --- a results file must belong to the inputs --------------------------------------------------------


def test_results_from_other_inputs_are_an_error_naming_the_first_stranger(run_cli: Run, here: Path) -> None:
    results = _results(run_cli, here / "results.json", _slow(here / "audited.jsonl", "a", "b"))
    other = _slow(here / "other.jsonl", "x")
    result = run_cli("report", results, other)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"svccheck: error: {results}: findings about 2 interactions not in the inputs (first: a);"
        " give the inputs that audit report was made from\n"
    )


def test_one_missing_interaction_is_enough_and_is_counted_once(run_cli: Run, here: Path) -> None:
    results = _results(run_cli, here / "results.json", _slow(here / "audited.jsonl", "a", "b"))
    partial = _slow(here / "partial.jsonl", "a")  # b's two findings name the same stranger
    result = run_cli("report", results, partial)
    assert result.exit_code == 2
    assert result.stderr == (
        f"svccheck: error: {results}: findings about 1 interaction not in the inputs (first: b);"
        " give the inputs that audit report was made from\n"
    )


def test_the_inputs_own_problems_come_before_the_mismatch(run_cli: Run, here: Path) -> None:
    audited = _slow(here / "audited.jsonl", "a")
    results = _results(run_cli, here / "results.json", audited)
    audited.unlink()  # the inputs moved since the audit: that is why the findings match nothing
    result = run_cli("report", results, audited)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{audited}: no such file or directory",
        f"svccheck: error: {results}: findings about 1 interaction not in the inputs (first: a);"
        " give the inputs that audit report was made from",
    ]


def test_the_inputs_line_names_the_inputs_and_not_the_results_file(run_cli: Run, here: Path) -> None:
    source = _slow(here / "v.jsonl", "a")
    results = _results(run_cli, here / "results.json", source)
    direct = run_cli("report", source, "--lang", "en")
    via_results = run_cli("report", results, source, "--lang", "en")
    assert (direct.exit_code, via_results.exit_code) == (0, 0)
    assert f"Inputs: `{source}`" in via_results.stdout.splitlines()
    assert via_results.stdout == direct.stdout


# --- stderr when the report goes to a file ------------------------------------------------------------


def test_a_report_written_to_a_file_ends_with_one_line_on_stderr(run_cli: Run, here: Path) -> None:
    source = _slow(here / "v.jsonl", "a", "b")
    with source.open("a", encoding="utf-8") as handle:
        handle.write('{"id": "broken"}\n')
    out = here / "report.md"
    result = run_cli("report", source, "-o", out, "--lang", "en")
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == f"svccheck: 2 visits, 4 findings, 1 input error -> {out}\n"
    assert out.read_text(encoding="utf-8") == run_cli("report", source, "--lang", "en").stdout


def test_a_report_on_standard_output_adds_nothing_to_stderr(run_cli: Run, here: Path) -> None:
    result = run_cli("report", _slow(here / "v.jsonl", "a"), "--lang", "en")
    assert (result.exit_code, result.stderr) == (0, "")


def test_input_errors_are_listed_once_in_the_report_language(run_cli: Run, here: Path) -> None:
    source = _jsonl(
        here / "v.jsonl",
        {"id": "a", **SLOW_VISIT},
        {"id": "broken"},
        {"id": "c", "channel": "visit", "site": "s1", "metrics": {"checkout_seconds": "slow"}},
    )
    unmeasured = "interaction c: rule promise.checkout-three-minutes: metric 'checkout_seconds' is 'slow', not a number"
    en = run_cli("report", source, "--lang", "en")
    assert en.exit_code == 3
    assert [line for line in en.stdout.splitlines() if line.startswith(f"- {source}")] == [
        f"- {source}:2: interaction broken: 'channel' is a required property",
        f"- {source}:3: {unmeasured}",
    ]
    zh = run_cli("report", source, "--lang", "zh")
    assert [line for line in zh.stdout.splitlines() if line.startswith(f"- {source}")] == [
        f"- {source}:2: 交互 broken: 缺少必填字段 'channel'",
        f"- {source}:3: 交互 c: 规则 promise.checkout-three-minutes: 指标 'checkout_seconds' 的值 'slow' 不是数字",
    ]
    # From an English audit report: the inputs are read again, so their problems are said in
    # --lang, and not listed a second time from the report; what only auditing found (a rule
    # that could not measure) is taken from the report, as it was worded there.
    results = here / "results.json"
    assert run_cli("audit", source, "--format", "json", "--output", results, "--lang", "en").exit_code == 3
    again = run_cli("report", results, source, "--lang", "zh")
    assert again.exit_code == 3, again.stderr
    assert [line for line in again.stdout.splitlines() if line.startswith(f"- {source}")] == [
        f"- {source}:2: 交互 broken: 缺少必填字段 'channel'",
        f"- {source}:3: 交互 c: 规则 promise.checkout-three-minutes: metric 'checkout_seconds' is 'slow', not a number",
    ]


# --- in Chinese ------------------------------------------------------------------------------------------


def test_the_reports_errors_and_stderr_line_in_chinese(run_cli: Run, here: Path) -> None:
    results = _results(run_cli, here / "results.json", _slow(here / "audited.jsonl", "a", "b"))
    stranger = run_cli("report", results, _slow(here / "other.jsonl", "x"), "--lang", "zh")
    assert stranger.stderr == (
        f"svccheck: error: {results}：其中的问题涉及 2 条交互，但它们不在这些输入中（第一条：a）；"
        "请给出生成该审核报告时所用的输入\n"
    )
    alone = run_cli("report", results, "--lang", "zh")
    assert alone.stderr == "svccheck: error: 请在 RESULTS.json 之后给出该审核报告所审核的交互文件\n"
    broken = here / "broken.json"
    broken.write_text('{"findings": [{"rule": "x"}], "summary": {}}', encoding="utf-8")
    unreadable = run_cli("report", broken, here / "audited.jsonl", "--lang", "zh")
    assert unreadable.stderr == f"svccheck: error: {broken}：无法读取的审核报告（KeyError: 'interaction'）\n"
    unknown = run_cli("report", here / "audited.jsonl", "--scorecard", "scorecard.nope", "--lang", "zh")
    assert unknown.stderr == "svccheck: error: 没有评分卡 'scorecard.nope'（已有的评分卡：scorecard.hotel-mystery-shopper）\n"
    out = here / "report.md"
    written = run_cli("report", here / "audited.jsonl", "-o", out, "--lang", "zh")
    assert (written.exit_code, written.stderr) == (0, f"svccheck: 2 次访问，4 条问题，0 个输入错误 -> {out}\n")


def test_no_scorecard_at_all_is_said_in_each_language(run_cli: Run, here: Path) -> None:
    (here / "svccheck.yaml").write_text("disable: [scorecard.*]\n", encoding="utf-8")
    source = _slow(here / "v.jsonl", "a")
    en = run_cli("report", source, "--scorecard", "scorecard.x", "--lang", "en")
    zh = run_cli("report", source, "--scorecard", "scorecard.x", "--lang", "zh")
    assert en.stderr.endswith("svccheck: error: no scorecard 'scorecard.x' (scorecards: none)\n")
    assert zh.stderr.endswith("svccheck: error: 没有评分卡 'scorecard.x'（已有的评分卡：无）\n")
