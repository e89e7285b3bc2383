"""text: the default report for people, grouped by interaction, with a closing summary line.

    h-call-02 · phone · hotel-shanghai-bund · agent A-017 (examples/phone-calls.json:41)
      MAJOR  phone.answer-within-three-rings  answered after 5 rings; standard: within 3
      MAJOR  phone.hold-permission  put on hold without asking the caller first [event 7, at 52]
             "好的。"

    12 interactions audited, 5 clean · 9 findings (major 6, minor 3) · 0 input errors
    fail-on major: 6 findings at or above it

With `--baseline` / `--waivers`, findings that do not count are marked `(baselined)` or
`(waived)` (with the waiver's reason, approver and expiry), expired and stale waivers become
`warning:` lines naming their place in the waivers file, and the closing lines say how many
findings the baseline suppressed and the waivers waived; the last line then counts new findings.
"""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from ..model import Finding, Report, Status
from ..words import count


def _header(finding: Finding) -> str:
    parts = [finding.interaction]
    if finding.site:
        parts.append(finding.site)
    if finding.agent:
        parts.append(f"agent {finding.agent}")
    return " · ".join(parts) + f" ({finding.location})"


def _line(finding: Finding, width: int) -> list[str]:
    where = finding.evidence.pointer()
    mark = "" if finding.status is Status.NEW else f" ({finding.status.value})"
    lines = [f"  {finding.severity.value.upper():<8} {finding.rule:<{width}}  {finding.message}{where}{mark}"]
    if finding.evidence.text:
        lines.append(f"  {'':<8} {'':<{width}}  “{finding.evidence.text}”")
    if finding.waiver is not None:
        w = finding.waiver
        lines.append(
            f"  {'':<8} {'':<{width}}  waived until {w.expires} by {w.approved_by}: {w.reason} ({w.location})"
        )
    return lines


def _gate_lines(report: Report) -> list[str]:
    """Warnings about the waivers file, and the baseline and waiver counts."""
    lines = []
    if report.waivers is not None:
        for use in report.waivers.expired:
            w = use.waiver
            lines.append(
                f"warning: {w.location}: waiver expired on {w.expires} ({w.scope()}; approved by {w.approved_by}):"
                f" no longer applies, {use.matched} finding{'s' if use.matched != 1 else ''} not waived"
            )
        for w in report.waivers.stale:
            lines.append(f"warning: {w.location}: stale waiver ({w.scope()}): matches no finding")
    if report.baseline is not None:
        b = report.baseline
        lines.append(
            f"baseline {b.file}: {count(b.suppressed, 'finding')} suppressed, {b.fixed} of {b.fingerprints} fixed or not seen"
        )
    if report.waivers is not None:
        v = report.waivers
        lines.append(
            f"waivers {v.file}: {v.waived} findings waived · {len(v.expired)} expired, {len(v.stale)} stale"
            f" of {v.total} waivers (as of {v.today})"
        )
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
        f"{count(s.interactions, 'interaction')} audited, {s.clean} clean · {count(s.findings, 'finding')}"
        f" ({counts}) · {count(s.errors, 'input error')}\n"
    )
    for line in _gate_lines(report):
        out.write(line + "\n")
    failing = len(report.failing())
    new = "new " if report.baseline is not None or report.waivers is not None else ""
    allowed = f" (--max-findings {report.max_findings})" if report.max_findings is not None else ""
    out.write(
        f"fail-on {report.fail_on.value}: {failing} {new}finding{'s' if failing != 1 else ''} at or above it{allowed}\n"
    )
