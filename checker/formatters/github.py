"""github: GitHub Actions workflow commands, shown as annotations on the run and the pull request.

One line per new finding, most severe first (GitHub shows at most 10 error and 10 warning
annotations per step, so the ones that fail the run come first)::

    ::error file=examples/phone-calls.json,line=29,col=5,title=phone.answer-within-three-rings::h-call-02: answered after 5 rings; standard: within 3

- ``error`` for findings that count for the gate (new, at or above ``--fail-on``), ``warning``
  for new findings below it; baselined and waived findings get no annotation;
- input errors are ``error`` lines titled ``svccheck input error``; expired and stale waivers
  are ``warning`` lines pointing into the waivers file;
- a final ``notice`` line summarises the run.

Values are escaped as the Actions runner expects: in the message ``%`` ``\\r`` ``\\n`` become
``%25`` ``%0D`` ``%0A``; in properties also ``:`` and ``,`` become ``%3A`` and ``%2C``. Other
control, C1 and bidi characters are shown as escapes (``\\x1b``), as in the text report.
"""

from __future__ import annotations

from typing import TextIO

from ..model import Finding, Report, SourceLocation, Status
from ..words import count
from .text import escape_controls


def escape_data(text: str) -> str:
    # Other control, C1 and bidi characters from the data are shown escaped (\x1b, \u202e), as in
    # the text report: Actions logs render ANSI sequences, which could restyle or hide lines.
    return escape_controls(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, location: SourceLocation | None = None, title: str | None = None) -> str:
    props = []
    if location is not None:
        props.append(f"file={escape_property(location.file)}")
        if location.line is not None:
            props.append(f"line={location.line}")
            if location.column is not None:
                props.append(f"col={location.column}")
    if title is not None:
        props.append(f"title={escape_property(title)}")
    head = f"::{level} {','.join(props)}" if props else f"::{level}"
    return f"{head}::{escape_data(message)}"


def _message(finding: Finding) -> str:
    text = f"{finding.interaction}: {finding.message}"
    if finding.evidence.event is not None:
        text += f" [event {finding.evidence.event}]"
    if finding.evidence.text:
        text += f" “{finding.evidence.text}”"
    return f"{text} ({finding.severity.value})"


def lines(report: Report) -> list[str]:
    out = []
    new = [f for f in report.findings if f.status is Status.NEW]
    ranked = sorted(new, key=lambda f: (-f.severity.rank, f.sort_key()))  # stable: report order within a severity
    for finding in ranked:
        level = "error" if finding.severity.at_least(report.fail_on) else "warning"
        out.append(command(level, _message(finding), finding.location, finding.rule))
    for problem in report.errors:
        out.append(command("error", problem.describe(report.lang), problem.location, "svccheck input error"))
    if report.waivers is not None:
        for use in report.waivers.expired:
            w = use.waiver
            message = f"waiver expired on {w.expires} ({w.scope()}): no longer applies, {count(use.matched, 'finding')} not waived"
            out.append(command("warning", message, w.location, "expired waiver"))
        for w in report.waivers.stale:
            out.append(command("warning", f"stale waiver ({w.scope()}): matches no finding", w.location, "stale waiver"))
    counts = report.by_status()
    failing = len(report.failing())
    summary = (
        f"svccheck: {count(report.summary.interactions, 'interaction')} audited, {count(len(report.findings), 'finding')}"
        f" ({counts['new']} new, {counts['baselined']} baselined, {counts['waived']} waived),"
        f" {failing} failing at or above {report.fail_on.value}, {count(len(report.errors), 'input error')}"
    )
    out.append(command("notice", summary))
    return out


def render(report: Report, out: TextIO) -> None:
    for line in lines(report):
        out.write(line + "\n")
