"""text: status marks, waiver lines, baseline and waiver counts, the gate line."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from svccheck.audit import audit_paths, triage
from svccheck.baseline import parse_baseline
from svccheck.formatters import text
from svccheck.formatters.text import escape_controls
from svccheck.model import Report
from svccheck.rules import Rule
from svccheck.waivers import load_waivers

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def _text(report: Report) -> str:
    out = io.StringIO()
    text.render(report, out)
    return out.getvalue()


def test_plain_report_is_unchanged_by_the_gate_machinery(builtin_rules: list[Rule]) -> None:
    report = audit_paths([Path("examples/promises.json")], builtin_rules)
    lines = _text(report).splitlines()
    failing = len(report.failing())
    assert lines[-1] == f"fail-on major: {failing} finding{'s' if failing != 1 else ''} at or above it"
    assert not any("(baselined)" in line or "(waived)" in line or line.startswith("warning:") for line in lines)


def test_gated_report(builtin_rules: list[Rule], tmp_path: Path) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text(
        "waivers:\n  - interaction: dl-09\n    reason: till broken that week\n    approved-by: ops lead\n"
        "    expires: 2026-03-31\n"
        "  - interaction: dl-99\n    reason: gone\n    approved-by: ops lead\n    expires: 2026-01-31\n",
        encoding="utf-8",
    )
    report = audit_paths([Path("examples/promises.json")], builtin_rules)
    baselined = next(f for f in report.findings if f.interaction == "dl-02")
    gated = triage(report, parse_baseline(Path("b.json"), {"fingerprints": [baselined.fingerprint, "0" * 16]}),
                   load_waivers(waivers), date(2026, 3, 10))
    lines = _text(gated).splitlines()
    assert any(line.startswith("  MAJOR") and "promise.kept" in line and line.endswith("(baselined)") for line in lines)
    waived_index = next(i for i, line in enumerate(lines) if "promise.checkout-three-minutes" in line)
    assert lines[waived_index].endswith("(waived)")
    assert lines[waived_index + 1].strip() == f"waived until 2026-03-31 by ops lead: till broken that week ({waivers}:2:5)"
    failing = len(gated.failing())
    assert lines[-4:] == [
        f"warning: {waivers}:6:5: waiver expired on 2026-01-31 (interaction dl-99; approved by ops lead):"
        " no longer applies, 0 findings not waived",
        "baseline b.json: 1 finding suppressed, 1 of 2 fixed or not seen",
        f"waivers {waivers}: 1 findings waived · 1 expired, 0 stale of 2 waivers (as of 2026-03-10)",
        f"fail-on major: {failing} new finding{'s' if failing != 1 else ''} at or above it",
    ]
    assert failing == len(report.failing()) - 2


def test_cli_output_is_byte_identical_across_runs(run_cli: Callable[..., Any]) -> None:
    first = run_cli("audit", "examples")
    second = run_cli("audit", "examples")
    assert first.exit_code == 3
    assert first.stdout == second.stdout and first.stdout


# --- control characters from the data --------------------------------------------------------------


def test_escape_controls_covers_c0_del_c1_separators_and_bidi_controls() -> None:
    shown = escape_controls("".join(map(chr, [0x00, 0x09, 0x0A, 0x1B, 0x1F, 0x7F, 0x80, 0x9B, 0x9F])))
    assert shown == "\\x00\\x09\\x0a\\x1b\\x1f\\x7f\\x80\\x9b\\x9f"
    assert escape_controls("\u2028\u2029\u202a\u202e\u2066\u2069") == "\\u2028\\u2029\\u202a\\u202e\\u2066\\u2069"
    # Printable text, including Chinese, the report's own · and “”, a backslash and NBSP, is as is.
    kept = "喂？ · “好的” C:\\dir\\x.json \u00a0\u200b\u202f\u2065"
    assert escape_controls(kept) == kept


def test_control_characters_in_the_data_are_shown_escaped(builtin_rules: list[Rule], tmp_path: Path) -> None:
    """A recording cannot clear the screen, retitle the terminal, reorder a line or break the
    layout: ids, site, agent, quoted utterances and input errors (with their file names) print
    their control characters as escapes, and every finding stays on its lines."""
    recording = {
        "id": "bad\x1b[31mid", "channel": "phone", "site": "site\u202e", "agent": "A\x07", "metrics": {"rings": 5},
        "events": [{"type": "answer", "at": 7},
                   {"type": "utterance", "at": 8, "speaker": "agent", "text": "\x1b]0;pwned\x07喂\u2066\tz\n\x9b2J\u2028."}],
    }
    calls = tmp_path / "calls.json"
    calls.write_text("[\n" + json.dumps(recording) + "\n]\n", encoding="utf-8")
    broken = tmp_path / "x\x1b[1m.jsonl"
    broken.write_text('{"id": "x\\u009b"}\n', encoding="utf-8")
    said = "“\\x1b]0;pwned\\x07喂\\u2066\\x09z\\x0a\\x9b2J\\u2028.”"
    assert _text(audit_paths([calls, broken], builtin_rules)).splitlines() == [
        f"bad\\x1b[31mid · site\\u202e · agent A\\x07 ({calls}:2:1)",
        "  MAJOR    phone.answer-within-three-rings  answered after 5 rings; standard: within 3",
        "  MINOR    phone.closing-courtesy           neither of the agent's last two utterances thanks the caller"
        " or says goodbye [event 1, at 8]",
        f"                                            {said}",
        "  MINOR    phone.greeting                   the agent's first words have no greeting [event 1, at 8]",
        f"                                            {said}",
        "",
        "input errors (1):",
        f"  {tmp_path}/x\\x1b[1m.jsonl:1: interaction x\\x9b: 'channel' is a required property",
        "",
        "1 interaction audited, 0 clean · 3 findings (major 1, minor 2) · 1 input error",
        "fail-on major: 1 finding at or above it",
    ]


# --- the report's own words in Chinese (--lang zh) -------------------------------------------------

CALLS = [
    {"id": "c-01", "channel": "phone", "site": "hotel-sh", "agent": "A-7", "metrics": {"rings": 5},
     "events": [{"type": "answer", "at": 7}, {"type": "utterance", "at": 8, "speaker": "agent", "text": "喂？"}]},
    {"id": "c-02", "channel": "phone", "metrics": {"rings": 1},
     "events": [{"type": "answer", "at": 2}, {"type": "utterance", "at": 3, "speaker": "agent", "text": "您好，外滩酒店。"},
                {"type": "utterance", "at": 9, "speaker": "agent", "text": "谢谢，再见。"}]},
]


def _calls(tmp_path: Path) -> list[Path]:
    """Two calls (one with three findings, one clean) and a file with an invalid interaction."""
    calls = tmp_path / "calls.json"
    calls.write_text("[\n" + ",\n".join(json.dumps(c, ensure_ascii=False) for c in CALLS) + "\n]\n", encoding="utf-8")
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "x-1"}\n', encoding="utf-8")
    return [calls, broken]


def test_chinese_report_has_chinese_headings_summary_and_gate_line(builtin_rules: list[Rule], tmp_path: Path) -> None:
    """Agent, evidence pointer, input-error heading, summary and gate line are in Chinese, without
    plural forms; the severity column stays a code; the input problem itself is printed as it is."""
    calls, broken = _calls(tmp_path)
    assert _text(audit_paths([calls, broken], builtin_rules, lang="zh")).splitlines() == [
        f"c-01 · hotel-sh · 员工 A-7 ({calls}:2:1)",
        "  MAJOR    phone.answer-within-three-rings  响铃5声后才接听；标准：3声以内",
        "  MINOR    phone.closing-courtesy           坐席最后两句话既没有致谢也没有道别 [事件 1，时间 8]",
        "                                            “喂？”",
        "  MINOR    phone.greeting                   坐席的第一句话没有问候语 [事件 1，时间 8]",
        "                                            “喂？”",
        "",
        "输入错误（1）：",
        f"  {broken}:1: 交互 x-1: 缺少必填字段 'channel'",
        "",
        "共审核 2 条交互，1 条无问题 · 3 条问题（重要 1、次要 2） · 1 个输入错误",
        "失败门槛为重要级别：1 条问题达到或高于该级别",
    ]


def test_chinese_summary_of_an_empty_run(builtin_rules: list[Rule], tmp_path: Path) -> None:
    empty = tmp_path / "none.json"
    empty.write_text("[]", encoding="utf-8")
    report = replace(audit_paths([empty], builtin_rules, lang="zh"), max_findings=2)
    assert _text(report).splitlines() == [
        "共审核 0 条交互，0 条无问题 · 0 条问题（无） · 0 个输入错误",
        "失败门槛为重要级别：0 条问题达到或高于该级别（--max-findings 2）",
    ]


def test_chinese_gated_report(builtin_rules: list[Rule], tmp_path: Path) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text(
        "waivers:\n  - interaction: dl-09\n    reason: 那周收银机坏了\n    approved-by: 运营主管\n    expires: 2026-03-31\n"
        "  - interaction: dl-99\n    reason: gone\n    approved-by: 运营主管\n    expires: 2026-01-31\n"
        "  - site: nowhere\n    reason: none\n    approved-by: QA\n    expires: 2026-12-31\n",
        encoding="utf-8",
    )
    report = audit_paths([Path("examples/promises.json")], builtin_rules, lang="zh")
    baselined = next(f for f in report.findings if f.interaction == "dl-02")
    gated = triage(report, parse_baseline(Path("b.json"), {"fingerprints": [baselined.fingerprint, "0" * 16]}),
                   load_waivers(waivers), date(2026, 3, 10))
    lines = _text(gated).splitlines()
    assert any(line.startswith("  MAJOR    promise.kept") and line.endswith("（已纳入基线）") for line in lines)
    waived_index = next(i for i, line in enumerate(lines) if "promise.checkout-three-minutes" in line)
    assert lines[waived_index].endswith("（已豁免）")
    assert lines[waived_index + 1].strip() == f"豁免至 2026-03-31，批准人 运营主管：那周收银机坏了（{waivers}:2:5）"
    failing = len(gated.failing())
    assert lines[-5:] == [
        f"警告：{waivers}:6:5：豁免已于 2026-01-31 过期（interaction dl-99；批准人 运营主管）：不再适用，0 条问题未豁免",
        f"警告：{waivers}:10:5：豁免未匹配任何问题（site nowhere）",
        "基线 b.json：1 条问题被抑制，2 个指纹中 1 个已修复或未出现",
        f"豁免 {waivers}：1 条问题已豁免 · 共 3 条豁免，1 条已过期、1 条未匹配（截至 2026-03-10）",
        f"失败门槛为重要级别：{failing} 条新问题达到或高于该级别",
    ]


def test_cli_lang_zh_and_a_chinese_locale_word_the_text_report_in_chinese(
    run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    calls, _ = _calls(tmp_path)
    chosen = run_cli("audit", calls, "--lang", "zh")
    assert chosen.stdout.splitlines()[-2:] == [
        "共审核 2 条交互，1 条无问题 · 3 条问题（重要 1、次要 2） · 0 个输入错误",
        "失败门槛为重要级别：1 条问题达到或高于该级别",
    ]
    assert run_cli("audit", calls, env={"LANG": "zh_CN.UTF-8"}).stdout == chosen.stdout
    assert run_cli("audit", calls).stdout.splitlines()[-2:] == [
        "2 interactions audited, 1 clean · 3 findings (major 1, minor 2) · 0 input errors",
        "fail-on major: 1 finding at or above it",
    ]


def test_the_readme_shows_the_chinese_summary_as_printed(run_cli: Callable[..., Any]) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = next(block for block in readme.split("```text\n")[1:] if block.startswith("共审核")).split("```")[0]
    printed = run_cli("audit", "examples/phone-calls.json", "--lang", "zh").stdout
    assert printed.endswith(shown)
