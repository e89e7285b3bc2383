"""text: status marks, waiver lines, baseline and waiver counts, the gate line."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from svccheck.audit import audit_paths, triage
from svccheck.baseline import parse_baseline
from svccheck.formatters import text
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
