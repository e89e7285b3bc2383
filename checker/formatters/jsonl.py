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

from ..model import Finding, Report, Severity, Summary
from .json_format import StreamedReport, finding_dict


def _line(kind: str, fields: dict[str, Any]) -> str:
    return json.dumps({"type": kind, **fields}, ensure_ascii=False) + "\n"


class JsonlWriter(StreamedReport):
    """Writes findings as they come; the errors, in order, and the summary line at the end."""

    def __init__(self, out: TextIO, fail_on: Severity, max_findings: int | None = None, config: str | None = None,
                 lang: str = "en") -> None:
        super().__init__(fail_on, max_findings, config, lang)
        self.out = out

    def finding(self, finding: Finding) -> None:
        self.count(finding)
        self.out.write(_line("finding", finding_dict(finding)))

    def close(self, summary: Summary) -> None:
        document = self.document(summary)
        for error in document["errors"]:
            self.out.write(_line("error", error))
        self.out.write(_line("summary", document["summary"]))


def render(report: Report, out: TextIO) -> None:
    writer = JsonlWriter(out, report.fail_on, report.max_findings, report.config, report.lang)
    for finding in report.findings:
        writer.finding(finding)
    for problem in report.errors:
        writer.error(problem)
    writer.close(report.summary)
