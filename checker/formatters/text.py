"""text: the default report for people, grouped by interaction, with a closing summary line.

    h-call-02 · phone · hotel-shanghai-bund · agent A-017 (examples/phone-calls.json:41)
      MAJOR  phone.answer-within-three-rings  answered after 5 rings; standard: within 3
      MAJOR  phone.hold-permission  put on hold without asking the caller first [event 7, at 52]
             "好的。"

    12 interactions audited, 5 clean · 9 findings (major 6, minor 3) · 0 input errors
    fail-on major: 6 findings at or above it
"""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from ..model import Finding, Report


def _header(finding: Finding) -> str:
    parts = [finding.interaction]
    if finding.site:
        parts.append(finding.site)
    if finding.agent:
        parts.append(f"agent {finding.agent}")
    return " · ".join(parts) + f" ({finding.location})"


def _line(finding: Finding, width: int) -> list[str]:
    where = ""
    if finding.evidence.event is not None:
        at = f", at {finding.evidence.at}" if finding.evidence.at is not None else ""
        where = f" [event {finding.evidence.event}{at}]"
    lines = [f"  {finding.severity.value.upper():<8} {finding.rule:<{width}}  {finding.message}{where}"]
    if finding.evidence.text:
        lines.append(f"  {'':<8} {'':<{width}}  “{finding.evidence.text}”")
    return lines


def render(report: Report, out: TextIO) -> None:
    width = max((len(f.rule) for f in report.findings), default=0)
    for _, group in groupby(report.findings, key=lambda f: f.ordinal):
        items = list(group)
        out.write(_header(items[0]) + "\n")
        for finding in items:
            out.write("\n".join(_line(finding, width)) + "\n")
        out.write("\n")
    if report.errors:
        out.write(f"input errors ({len(report.errors)}):\n")
        for problem in report.errors:
            out.write(f"  {problem}\n")
        out.write("\n")
    s = report.summary
    counts = ", ".join(f"{k} {v}" for k, v in s.by_severity.items()) or "none"
    out.write(
        f"{s.interactions} interactions audited, {s.clean} clean · {s.findings} findings ({counts})"
        f" · {s.errors} input errors\n"
    )
    failing = len(report.failing())
    out.write(f"fail-on {report.fail_on.value}: {failing} finding{'s' if failing != 1 else ''} at or above it\n")
