"""jsonl: JSON Lines, one object a line, for pipelines and very large audits.

Each line has a ``type`` first: one ``finding`` line per finding (the same fields as a finding
of ``--format json``), then one ``error`` line per input error (the fields of an error of
``--format json``), then one closing ``summary`` line (the ``summary`` of ``--format json``)::

    {"type": "finding", "rule": "phone.greeting", "interaction": "h-call-03", ...}
    {"type": "error", "file": "calls.jsonl", "line": 7, "column": 41, "message": "..."}
    {"type": "summary", "interactions": 12, "clean": 5, ..., "fail_on": "major", "failing": 6}

`svccheck audit --format jsonl` streams: each finding is written as soon as its interaction is
audited and then dropped, so memory stays flat however many findings there are (input errors,
usually few, are kept until the end so that the lines come in the same order, and the same
bytes, as when a finished report is rendered). Lines are compact, keys in a fixed order, no
timestamps: the same audit gives the same bytes.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from ..model import Finding, InputProblem, Report, Severity, Status, Summary
from .json_format import error_dict, finding_dict, report_dict


def _line(kind: str, fields: dict[str, Any]) -> str:
    return json.dumps({"type": kind, **fields}, ensure_ascii=False) + "\n"


class JsonlWriter:
    """Writes findings as they come, counting what the summary line needs beyond `Summary`
    (failing findings, findings per status); errors are written, in order, before the summary."""

    def __init__(self, out: TextIO, fail_on: Severity, max_findings: int | None = None, config: str | None = None,
                 lang: str = "en") -> None:
        self.out = out
        self.lang = lang  # of the errors' messages (findings come already worded)
        self.fail_on = fail_on
        self.max_findings = max_findings
        self.config = config
        self.errors: list[InputProblem] = []
        self.failing = 0
        self.by_status = {status.value: 0 for status in Status}

    def finding(self, finding: Finding) -> None:
        # The same test as Report.failing(): new findings at or above fail-on.
        if finding.status is Status.NEW and finding.severity.at_least(self.fail_on):
            self.failing += 1
        self.by_status[finding.status.value] += 1
        self.out.write(_line("finding", finding_dict(finding)))

    def error(self, problem: InputProblem) -> None:
        self.errors.append(problem)

    def close(self, summary: Summary) -> None:
        for problem in self.errors:
            self.out.write(_line("error", error_dict(problem, self.lang)))
        self.errors.clear()
        # The summary of --format json, field for field, with the counts this writer kept for
        # the findings it did not hold.
        shell = Report(findings=(), errors=(), summary=summary, rules=(), fail_on=self.fail_on,
                       max_findings=self.max_findings, config=self.config)
        fields = report_dict(shell)["summary"]
        fields["failing"] = self.failing
        fields["by_status"] = dict(self.by_status)
        self.out.write(_line("summary", fields))


def render(report: Report, out: TextIO) -> None:
    writer = JsonlWriter(out, report.fail_on, report.max_findings, report.config, report.lang)
    for finding in report.findings:
        writer.finding(finding)
    for problem in report.errors:
        writer.error(problem)
    writer.close(report.summary)
