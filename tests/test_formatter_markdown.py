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
