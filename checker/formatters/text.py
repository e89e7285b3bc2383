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

The report's own words follow `Report.lang` (see `_labels`): with `--lang zh` the summary reads
"共审核 12 条交互，4 条无问题 · 13 条问题（重要 7、次要 6） · 0 个输入错误". The severity column
(MAJOR) stays a code in every language.

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
from ._labels import Labels, labels


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


def _header(finding: Finding, say: Labels) -> str:
    parts = [finding.interaction]
    if finding.site:
        parts.append(finding.site)
    if finding.agent:
        parts.append(say("agent", agent=finding.agent))
    return " · ".join(parts) + f" ({finding.location})"


def _line(finding: Finding, width: int, say: Labels) -> list[str]:
    where = say.pointer(finding.evidence)
    mark = "" if finding.status is Status.NEW else say("status_mark", status=say.name("status", finding.status.value))
    # Escaped before padding: the column is as wide as the rule id is shown.
    rule = escape_controls(finding.rule)
    # The severity stays a code (MAJOR) in every language: a column to scan and grep, not a sentence.
    lines = [f"  {finding.severity.value.upper():<8} {rule:<{width}}  {finding.message}{where}{mark}"]
    if finding.evidence.text:
        lines.append(f"  {'':<8} {'':<{width}}  “{finding.evidence.text}”")
    if finding.waiver is not None:
        w = finding.waiver
        waived = say("waived_until", expires=w.expires, approved_by=w.approved_by, reason=w.reason, location=w.location)
        lines.append(f"  {'':<8} {'':<{width}}  {waived}")
    return lines


def _gate_lines(report: Report, say: Labels) -> list[str]:
    """Warnings about the waivers file, and the baseline and waiver counts."""
    lines = []
    if report.waivers is not None:
        for use in report.waivers.expired:
            w = use.waiver
            lines.append(say("expired_warning", location=w.location, expires=w.expires, scope=w.scope(),
                             approved_by=w.approved_by, findings=say.count(use.matched, "finding")))
        for w in report.waivers.stale:
            lines.append(say("stale_warning", location=w.location, scope=w.scope()))
    if report.baseline is not None:
        b = report.baseline
        lines.append(say("baseline_line", file=b.file, suppressed=say.count(b.suppressed, "finding"),
                         fixed=b.fixed, fingerprints=b.fingerprints))
    if report.waivers is not None:
        v = report.waivers
        lines.append(say("waivers_line", file=v.file, waived=v.waived, expired=len(v.expired), stale=len(v.stale),
                         total=v.total, today=v.today))
    return lines


def render(report: Report, out: TextIO) -> None:
    for line in _lines(report):
        out.write(escape_controls(line) + "\n")


def _lines(report: Report) -> Iterator[str]:
    """The report's lines, unescaped: every line, not just the data in it, goes through
    `escape_controls` in `render` (the report's own words have no control characters).
    A generator, so that a big report is written as it is formatted."""
    say = labels(report.lang)
    width = max((len(escape_controls(f.rule)) for f in report.findings), default=0)
    for _, group in groupby(report.findings, key=lambda f: f.ordinal):
        items = list(group)
        yield _header(items[0], say)
        for finding in items:
            yield from _line(finding, width, say)
        yield ""
    if report.errors:
        yield say("input_errors", n=len(report.errors))
        for problem in report.errors:
            yield f"  {problem.describe(report.lang)}"
        yield ""
    yield _summary(report, say)
    yield from _gate_lines(report, say)
    yield _fail_on(report, say)


def _summary(report: Report, say: Labels) -> str:
    s = report.summary
    counts = say.join([f"{say.name('severity', k)} {v}" for k, v in s.by_severity.items()]) or say("none")
    return say("summary", interactions=say.count(s.interactions, "interaction"), clean=s.clean,
               findings=say.count(s.findings, "finding"), counts=counts, errors=say.count(s.errors, "input error"))


def _fail_on(report: Report, say: Labels) -> str:
    # With a baseline or waivers, only new findings count, and the line says so.
    noun = "new finding" if report.baseline is not None or report.waivers is not None else "finding"
    allowed = say("allowed", n=report.max_findings) if report.max_findings is not None else ""
    return say("fail_on", level=say.name("severity", report.fail_on.value),
               findings=say.count(len(report.failing()), noun), allowed=allowed)
