"""markdown: the step-summary tables and the first findings, escaped."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from svccheck.audit import audit_paths, triage
from svccheck.baseline import parse_baseline
from svccheck.formatters import markdown
from svccheck.model import Dimension, Gap, Report
from svccheck.rules import Rule
from svccheck.waivers import load_waivers

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def _md(report: Report) -> str:
    out = io.StringIO()
    markdown.render(report, out)
    return out.getvalue()


def _section(text: str, title: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(title) + 2
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    return lines[start:end]


@pytest.fixture
def visits(builtin_rules: list[Rule]) -> Report:
    return audit_paths([Path("examples/visits.json")], builtin_rules)


def test_headline_and_counts(visits: Report) -> None:
    text = _md(visits)
    failing = len(visits.failing())
    lines = text.splitlines()
    assert lines[0] == f"## svccheck FAIL: {failing} new findings at or above major"
    s = visits.summary
    assert lines[2] == (
        f"{s.interactions} interactions audited, {s.clean} clean · {len(visits.findings)} findings"
        f" ({len(visits.findings)} new, 0 baselined, 0 waived) · 0 input errors"
    )
    allowed = replace(visits, max_findings=failing)
    assert _md(allowed).splitlines()[0] == f"## svccheck PASS: {failing} new findings at or above major (--max-findings {failing})"


def test_tables(visits: Report) -> None:
    text = _md(visits)
    severity = Counter(f.severity.value for f in visits.findings)
    assert _section(text, "### By severity")[2:] == [
        f"| {name} | {severity[name]} | 0 | 0 | {severity[name]} |" for name in ("critical", "major", "minor", "info") if severity[name]
    ]
    rules = _section(text, "### By rule")
    per_rule = Counter(f.rule for f in visits.findings)
    assert [row.split(" | ")[0] for row in rules[2:]] == [f"| `{r}`" for r in sorted(per_rule)]
    assert rules[2].endswith(f"| {per_rule[sorted(per_rule)[0]]} | {per_rule[sorted(per_rule)[0]]} |")
    gaps = Counter(f.gap for f in visits.findings)
    assert _section(text, "### By gap")[2:] == [f"| {g.number} {g.value} | {gaps[g]} |" for g in Gap if gaps[g]]
    dimensions = Counter(f.dimension for f in visits.findings)
    assert _section(text, "### By dimension")[2:] == [f"| {d.value} | {dimensions[d]} |" for d in Dimension if dimensions[d]]


def test_findings_list_new_and_severe_first_and_capped(visits: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(markdown, "LIMIT", 3)
    text = _md(visits)
    rows = _section(text, f"### Findings (first 3 of {len(visits.findings)})")[2:]
    assert len(rows) == 3
    assert all(row.startswith("| major |") for row in rows[: min(3, len(visits.failing()))])


def test_cells_are_escaped(visits: Report) -> None:
    finding = replace(visits.findings[0], message="a | b <script>\nnext \x1b[31mred \u202eevil")
    text = _md(replace(visits, findings=(finding,)))
    assert "a \\| b &lt;script&gt; next \\\\x1b[31mred \\\\u202eevil" in text


def test_waivers_baseline_and_errors_sections(builtin_rules: list[Rule], tmp_path: Path) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text(
        "waivers:\n  - rule: survey.*\n    reason: survey vendor change\n    approved-by: QA\n    expires: 2026-02-01\n",
        encoding="utf-8",
    )
    report = audit_paths([Path("examples/visits.json"), Path("examples/invalid/bad-json.json")], builtin_rules)
    known = [f.fingerprint for f in report.findings][:2]
    gated = triage(report, parse_baseline(Path("b.json"), {"fingerprints": [*known, "0000000000000000"]}),
                   load_waivers(waivers), date(2026, 3, 1))
    text = _md(gated)
    surveys = sum(1 for f in report.findings if f.rule == "survey.servqual-gap")
    assert _section(text, "### Input errors (1)") == ["- examples/invalid/bad-json.json:11:5: invalid JSON: Expecting value"]
    assert (
        f"- **expired** 2026-02-01: rule survey.* ({waivers}:2:5, approved by QA): no longer applies,"
        f" {surveys} findings not waived"
    ) in text
    assert text.endswith("`b.json`: 2 findings suppressed; 1 of its 3 fingerprints not seen in this run (fixed).\n")


def test_clean_run(builtin_rules: list[Rule], tmp_path: Path) -> None:
    empty = tmp_path / "none.json"
    empty.write_text("[]", encoding="utf-8")
    assert _md(audit_paths([empty], builtin_rules)) == (
        "## svccheck PASS: 0 new findings at or above major\n\n"
        "0 interactions audited, 0 clean · 0 findings (0 new, 0 baselined, 0 waived) · 0 input errors\n"
    )


def test_cli_output_is_byte_identical_across_runs(run_cli: Callable[..., Any]) -> None:
    first = run_cli("audit", "examples", "--format", "markdown")
    second = run_cli("audit", "examples", "--format", "markdown")
    assert first.exit_code == 3
    assert first.stdout == second.stdout and first.stdout.startswith("## svccheck FAIL")


# --- the summary's own words in Chinese (--lang zh) ------------------------------------------------


def test_chinese_summary_in_full(builtin_rules: list[Rule], tmp_path: Path) -> None:
    """Headline, counts, headings, column headers and named values (severity, gap, dimension,
    status) are in Chinese; rule ids and titles in their language; the input problem in Chinese too."""
    calls = tmp_path / "calls.json"
    calls.write_text(
        '[{"id": "c-01", "channel": "phone", "site": "hotel-sh", "metrics": {"rings": 5}, "events": ['
        '{"type": "answer", "at": 7}, {"type": "utterance", "at": 8, "speaker": "agent", "text": "喂？"}]}]',
        encoding="utf-8",
    )
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "x-1"}\n', encoding="utf-8")
    assert _md(audit_paths([calls, broken], builtin_rules, lang="zh")).splitlines() == [
        "## svccheck 不通过：1 条新问题达到或高于重要级别",
        "",
        "共审核 1 条交互，0 条无问题 · 3 条问题（新增 3、已纳入基线 0、已豁免 0） · 1 个输入错误",
        "",
        "### 按严重程度统计",
        "",
        "| 严重程度 | 新增 | 已纳入基线 | 已豁免 | 合计 |",
        "|---|--:|--:|--:|--:|",
        "| 重要 | 1 | 0 | 0 | 1 |",
        "| 次要 | 2 | 0 | 0 | 2 |",
        "",
        "### 按规则统计",
        "",
        "| 规则 | 严重程度 | 标题 | 问题数 | 新增 |",
        "|---|---|---|--:|--:|",
        "| `phone.answer-within-three-rings` | 重要 | 电话三声内接起 | 1 | 1 |",
        "| `phone.closing-courtesy` | 次要 | 挂电话前致谢道别 | 1 | 1 |",
        "| `phone.greeting` | 次要 | 接听电话先问候 | 1 | 1 |",
        "",
        "### 按差距统计",
        "",
        "| 差距 | 问题数 |",
        "|---|--:|",
        "| 3 服务交付差距 | 3 |",
        "",
        "### 按维度统计",
        "",
        "| 维度 | 问题数 |",
        "|---|--:|",
        "| 反应性 | 1 |",
        "| 保证性 | 2 |",
        "",
        "### 问题列表",
        "",
        "| 严重程度 | 规则 | 交互 | 位置 | 说明 | 状态 |",
        "|---|---|---|---|---|---|",
        f"| 重要 | `phone.answer-within-three-rings` | c-01 | {calls}:1:2 | 响铃5声后才接听；标准：3声以内 | 新增 |",
        f"| 次要 | `phone.closing-courtesy` | c-01 | {calls}:1:2 事件 1 | 坐席最后两句话既没有致谢也没有道别 “喂？” | 新增 |",
        f"| 次要 | `phone.greeting` | c-01 | {calls}:1:2 事件 1 | 坐席的第一句话没有问候语 “喂？” | 新增 |",
        "",
        "### 输入错误（1）",
        "",
        f"- {broken}:1: 交互 x-1: 缺少必填字段 'channel'",
    ]


def test_chinese_waivers_baseline_and_capped_findings(
    builtin_rules: list[Rule], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text(
        "waivers:\n  - rule: survey.*\n    reason: 问卷供应商更换\n    approved-by: 质检部\n    expires: 2026-02-01\n"
        "  - site: nowhere\n    reason: none\n    approved-by: QA\n    expires: 2026-12-31\n",
        encoding="utf-8",
    )
    report = audit_paths([Path("examples/visits.json")], builtin_rules, lang="zh")
    known = [f.fingerprint for f in report.findings][:2]
    gated = triage(report, parse_baseline(Path("b.json"), {"fingerprints": [*known, "0000000000000000"]}),
                   load_waivers(waivers), date(2026, 3, 1))
    monkeypatch.setattr(markdown, "LIMIT", 3)
    text = _md(replace(gated, max_findings=len(gated.failing())))
    surveys = sum(1 for f in report.findings if f.rule == "survey.servqual-gap")
    failing = len(gated.failing())
    assert text.splitlines()[0] == f"## svccheck 通过：{failing} 条新问题达到或高于重要级别（--max-findings {failing}）"
    assert f"### 问题列表（共 {len(report.findings)} 条，显示前 3 条）" in text.splitlines()
    assert _section(text, "### 豁免") == [f"`{waivers}` 中的 2 条豁免共豁免 0 条问题（截至 2026-03-01）。"]
    assert text.endswith(
        f"- **已过期** 2026-02-01：rule survey.*（{waivers}:2:5，批准人 质检部）：不再适用，{surveys} 条问题未豁免\n"
        f"- **未匹配**：site nowhere（{waivers}:6:5）：没有匹配的问题\n"
        "\n### 基线\n\n"
        "`b.json`：2 条问题被基线抑制；基线的 3 个指纹中有 1 个本次未出现（已修复）。\n"
    )


def test_chinese_clean_run(builtin_rules: list[Rule], tmp_path: Path) -> None:
    empty = tmp_path / "none.json"
    empty.write_text("[]", encoding="utf-8")
    assert _md(audit_paths([empty], builtin_rules, lang="zh")) == (
        "## svccheck 通过：0 条新问题达到或高于重要级别\n\n"
        "共审核 0 条交互，0 条无问题 · 0 条问题（新增 0、已纳入基线 0、已豁免 0） · 0 个输入错误\n"
    )
