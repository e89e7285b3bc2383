"""markdown: a summary for a CI step summary (``$GITHUB_STEP_SUMMARY``) or a merge-request note.

Sections, in this order:

1. a headline: ``FAIL`` with how many findings fail the run (new, at or above ``--fail-on``,
   beyond ``--max-findings``), or ``PASS``; then the counts of interactions, findings by status
   and input errors;
2. tables by severity (new / baselined / waived / total), by rule (severity, title, findings,
   new), by gap (numbered 1-5) and by dimension;
3. the first ``LIMIT`` findings (new ones first, most severe first, then report order), with
   where each interaction is and the quoted evidence;
4. input errors, expired and stale waivers, and the baseline comparison, when there are any.

Table cells are escaped (``|``, ``<``, ``>``, line breaks; control and bidi characters shown as
``\\x1b``, ``\\u202e``), so quoted speech cannot break or reorder the table. GitHub caps a step
summary at 1 MiB; ``LIMIT`` keeps this far below it.
"""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from ..model import DIMENSIONS, GAPS, SEVERITIES, Finding, Gap, Report, Status
from ..words import count
from .text import escape_controls

LIMIT = 50


def cell(text: str) -> str:
    # Control, C1 and bidi characters are shown as escapes (\\x1b, \\u202e), as in the text report:
    # a bidi override in quoted speech would otherwise reorder the rendered table.
    flat = escape_controls(" ".join(text.split()))
    return flat.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _table(header: list[str], align: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out + [""]


def _headline(report: Report) -> list[str]:
    failing = len(report.failing())
    allowed = f" (--max-findings {report.max_findings})" if report.max_findings is not None else ""
    if report.gate_failed():
        verdict = f"FAIL: {failing} new finding{'s' if failing != 1 else ''} at or above {report.fail_on.value}{allowed}"
    else:
        verdict = f"PASS: {failing} new findings at or above {report.fail_on.value}{allowed}"
    s = report.summary
    counts = report.by_status()
    return [
        f"## svccheck {verdict}",
        "",
        f"{count(s.interactions, 'interaction')} audited, {s.clean} clean · {count(len(report.findings), 'finding')}"
        f" ({counts['new']} new, {counts['baselined']} baselined, {counts['waived']} waived)"
        f" · {count(len(report.errors), 'input error')}",
        "",
    ]


def _by_severity(report: Report) -> list[str]:
    counts: Counter[tuple[str, str]] = Counter((f.severity.value, f.status.value) for f in report.findings)
    rows = []
    for severity in SEVERITIES:
        per = [counts[(severity, s.value)] for s in Status]
        if sum(per):
            rows.append([severity, *map(str, per), str(sum(per))])
    return ["### By severity", "", *_table(["severity", "new", "baselined", "waived", "total"], ["---", "--:", "--:", "--:", "--:"], rows)]


def _by_rule(report: Report) -> list[str]:
    titles = {r.id: r.title.get(report.lang) for r in report.rules}
    total: Counter[str] = Counter(f.rule for f in report.findings)
    new: Counter[str] = Counter(f.rule for f in report.findings if f.status is Status.NEW)
    severity = {f.rule: f.severity.value for f in report.findings}
    rows = [
        [f"`{cell(rule)}`", severity[rule], cell(titles.get(rule, "")), str(total[rule]), str(new[rule])]
        for rule in sorted(total)
    ]
    return ["### By rule", "", *_table(["rule", "severity", "title", "findings", "new"], ["---", "---", "---", "--:", "--:"], rows)]


def _by_key(title: str, counts: Counter[str], order: tuple[str, ...], label: dict[str, str]) -> list[str]:
    rows = [[label.get(k, k), str(counts[k])] for k in order if counts[k]]
    return [f"### By {title}", "", *_table([title, "findings"], ["---", "--:"], rows)]


def _finding_row(finding: Finding) -> list[str]:
    message = finding.message
    if finding.evidence.text:
        message += f" “{finding.evidence.text}”"
    where = f"{finding.location}"
    if finding.evidence.event is not None:
        where += f" event {finding.evidence.event}"
    return [
        finding.severity.value,
        f"`{cell(finding.rule)}`",
        cell(finding.interaction),
        cell(where),
        cell(message),
        finding.status.value,
    ]


def _findings(report: Report) -> list[str]:
    if not report.findings:
        return []
    ranked = sorted(
        report.findings, key=lambda f: (f.status is not Status.NEW, -f.severity.rank, f.sort_key())
    )
    shown = ranked[:LIMIT]
    title = f"### Findings (first {len(shown)} of {len(ranked)})" if len(ranked) > LIMIT else "### Findings"
    header = ["severity", "rule", "interaction", "where", "message", "status"]
    return [title, "", *_table(header, ["---"] * len(header), [_finding_row(f) for f in shown])]


def _notes(report: Report) -> list[str]:
    out: list[str] = []
    if report.errors:
        out += [f"### Input errors ({len(report.errors)})", ""]
        out += [f"- {cell(str(p))}" for p in report.errors] + [""]
    if report.waivers is not None:
        v = report.waivers
        out += ["### Waivers", "", f"{v.waived} findings waived by {v.total} waivers in `{cell(v.file)}` (as of {v.today}).", ""]
        for use in v.expired:
            w = use.waiver
            out.append(
                f"- **expired** {w.expires}: {cell(w.scope())} ({cell(str(w.location))}, approved by"
                f" {cell(w.approved_by)}): no longer applies, {use.matched} findings not waived"
            )
        for w in v.stale:
            out.append(f"- **stale**: {cell(w.scope())} ({cell(str(w.location))}): matches no finding")
        if v.expired or v.stale:
            out.append("")
    if report.baseline is not None:
        b = report.baseline
        out += [
            "### Baseline",
            "",
            f"`{cell(b.file)}`: {b.suppressed} findings suppressed; {b.fixed} of its {b.fingerprints}"
            " fingerprints not seen in this run (fixed).",
            "",
        ]
    return out


def render(report: Report, out: TextIO) -> None:
    gaps = {g.value: f"{g.number} {g.value}" for g in Gap}
    parts = _headline(report)
    if report.findings:
        parts += _by_severity(report)
        parts += _by_rule(report)
        parts += _by_key("gap", Counter(f.gap.value for f in report.findings), GAPS, gaps)
        parts += _by_key("dimension", Counter(f.dimension.value for f in report.findings), DIMENSIONS, {})
        parts += _findings(report)
    parts += _notes(report)
    while parts and parts[-1] == "":
        parts.pop()
    out.write("\n".join(parts) + "\n")
