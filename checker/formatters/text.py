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

Everything printed that comes from the data (ids, file names, messages, quoted utterances, waiver
fields, input errors) passes through `escape_controls`: a control character in a recording cannot
move the cursor, retitle the terminal or reorder the line; it shows as `\\x1b` or `\\u202e`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import groupby
from typing import TextIO

from ..model import Finding, Report, Status
from ..words import count


#: What a terminal acts on instead of showing: C0 controls (ESC starts ANSI sequences, CR and BS
#: overwrite what was printed, LF and TAB break the one-line-per-finding layout), DEL, C1 controls
#: (CSI U+009B is ESC [ on some terminals), the line and paragraph separators, and the bidi
#: embeddings, overrides and isolates that reorder a line as displayed ("Trojan Source").
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """`text` with every character of `_CONTROLS` shown as a Python escape (`\\x1b`, `\\u202e`).
    A backslash is left alone, so a Windows path reads as written; a literal `\\x1b` in the data
    then looks like an escaped ESC, which is harmless."""
    return _CONTROLS.sub(_escape, text)


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
    # Escaped before padding: the column is as wide as the rule id is shown.
    rule = escape_controls(finding.rule)
    lines = [f"  {finding.severity.value.upper():<8} {rule:<{width}}  {finding.message}{where}{mark}"]
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
    for line in _lines(report):
        out.write(escape_controls(line) + "\n")


def _lines(report: Report) -> Iterator[str]:
    """The report's lines, unescaped: every line, not just the data in it, goes through
    `escape_controls` in `render` (the report's own words have no control characters).
    A generator, so that a big report is written as it is formatted."""
    width = max((len(escape_controls(f.rule)) for f in report.findings), default=0)
    for _, group in groupby(report.findings, key=lambda f: f.ordinal):
        items = list(group)
        yield _header(items[0])
        for finding in items:
            yield from _line(finding, width)
        yield ""
    if report.errors:
        yield f"input errors ({len(report.errors)}):"
        for problem in report.errors:
            yield f"  {problem}"
        yield ""
    s = report.summary
    counts = ", ".join(f"{k} {v}" for k, v in s.by_severity.items()) or "none"
    yield (
        f"{count(s.interactions, 'interaction')} audited, {s.clean} clean · {count(s.findings, 'finding')}"
        f" ({counts}) · {count(s.errors, 'input error')}"
    )
    yield from _gate_lines(report)
    failing = len(report.failing())
    new = "new " if report.baseline is not None or report.waivers is not None else ""
    allowed = f" (--max-findings {report.max_findings})" if report.max_findings is not None else ""
    yield f"fail-on {report.fail_on.value}: {failing} {new}finding{'s' if failing != 1 else ''} at or above it{allowed}"
