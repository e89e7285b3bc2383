"""json: the whole report as one JSON document, `{"findings": [...], "errors": [...], "summary": {...}}`.

Keys are in a fixed order and no timestamps are added, so the same audit gives the same bytes.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from ..model import Finding, InputProblem, Report


def finding_dict(finding: Finding) -> dict[str, Any]:
    evidence: dict[str, Any] = {}
    if finding.evidence.event is not None:
        evidence["event"] = finding.evidence.event
    if finding.evidence.at is not None:
        evidence["at"] = finding.evidence.at
    if finding.evidence.text is not None:
        evidence["text"] = finding.evidence.text
    out: dict[str, Any] = {
        "rule": finding.rule,
        "interaction": finding.interaction,
        "severity": finding.severity.value,
        "dimension": finding.dimension.value,
        "gap": finding.gap.value,
        "message": finding.message,
        "evidence": evidence,
    }
    if finding.site is not None:
        out["site"] = finding.site
    if finding.agent is not None:
        out["agent"] = finding.agent
    if finding.standard is not None:
        out["standard"] = finding.standard
    out["location"] = {"file": finding.location.file, "line": finding.location.line}
    return out


def error_dict(problem: InputProblem) -> dict[str, Any]:
    out: dict[str, Any] = {"file": problem.location.file, "line": problem.location.line}
    if problem.interaction is not None:
        out["interaction"] = problem.interaction
    if problem.rule is not None:
        out["rule"] = problem.rule
    out["message"] = problem.message
    return out


def report_dict(report: Report) -> dict[str, Any]:
    summary = report.summary.as_dict()
    summary["fail_on"] = report.fail_on.value
    summary["failing"] = len(report.failing())
    return {
        "findings": [finding_dict(f) for f in report.findings],
        "errors": [error_dict(e) for e in report.errors],
        "summary": summary,
    }


def render(report: Report, out: TextIO) -> None:
    json.dump(report_dict(report), out, ensure_ascii=False, indent=2)
    out.write("\n")
