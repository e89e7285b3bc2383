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

Headings, column headers, sentences and the names of severities, gaps, dimensions and statuses
follow `Report.lang` (see `_labels`): ``## svccheck 不通过：7 条新问题达到或高于重要级别``.

Table cells are escaped (``|``, ``<``, ``>``, line breaks; control and bidi characters shown as
``\\x1b``, ``\\u202e``), so quoted speech cannot break or reorder the table. GitHub caps a step
summary at 1 MiB; ``LIMIT`` keeps this far below it.
"""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from ..model import DIMENSIONS, GAPS, SEVERITIES, Finding, Gap, Report, Status, WaiverStats
from ._labels import Labels, labels
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


def _headline(report: Report, say: Labels) -> list[str]:
    failing = len(report.failing())
    allowed = say("allowed", n=report.max_findings) if report.max_findings is not None else ""
    level = say.name("severity", report.fail_on.value)
    if report.gate_failed():
        verdict = say("fail", findings=say.count(failing, "new finding"), level=level, allowed=allowed)
    else:
        verdict = say("pass", n=failing, level=level, allowed=allowed)
    s = report.summary
    statuses = say.join([say("status_count", n=n, status=say.name("status", status))
                         for status, n in report.by_status().items()])
    summary = say("md_summary", interactions=say.count(s.interactions, "interaction"), clean=s.clean,
                  findings=say.count(len(report.findings), "finding"), statuses=statuses,
                  errors=say.count(len(report.errors), "input error"))
    return [f"## svccheck {verdict}", "", summary, ""]


def _heading(say: Labels, what: str) -> list[str]:
    """"### By severity" / "### 按严重程度统计" and the blank line after it."""
    return [f"### {say('by', what=say.column(what))}", ""]


def _header(say: Labels, *columns: str) -> list[str]:
    return [say.column(c) for c in columns]


def _by_severity(report: Report, say: Labels) -> list[str]:
    counts: Counter[tuple[str, str]] = Counter((f.severity.value, f.status.value) for f in report.findings)
    rows = []
    for severity in SEVERITIES:
        per = [counts[(severity, s.value)] for s in Status]
        if sum(per):
            rows.append([say.name("severity", severity), *map(str, per), str(sum(per))])
    header = _header(say, "severity", "new", "baselined", "waived", "total")
    return [*_heading(say, "severity"), *_table(header, ["---", "--:", "--:", "--:", "--:"], rows)]


def _by_rule(report: Report, say: Labels) -> list[str]:
    titles = {r.id: r.title.get(report.lang) for r in report.rules}
    total: Counter[str] = Counter(f.rule for f in report.findings)
    new: Counter[str] = Counter(f.rule for f in report.findings if f.status is Status.NEW)
    severity = {f.rule: f.severity.value for f in report.findings}
    rows = [
        [f"`{cell(rule)}`", say.name("severity", severity[rule]), cell(titles.get(rule, "")), str(total[rule]),
         str(new[rule])]
        for rule in sorted(total)
    ]
    header = _header(say, "rule", "severity", "title", "findings", "new")
    return [*_heading(say, "rule"), *_table(header, ["---", "---", "---", "--:", "--:"], rows)]


def _by_key(kind: str, counts: Counter[str], order: tuple[str, ...], label: dict[str, str], say: Labels) -> list[str]:
    rows = [[label.get(k, k), str(counts[k])] for k in order if counts[k]]
    return [*_heading(say, kind), *_table(_header(say, kind, "findings"), ["---", "--:"], rows)]


def _finding_row(finding: Finding, say: Labels) -> list[str]:
    message = finding.message
    if finding.evidence.text:
        message += f" “{finding.evidence.text}”"
    where = f"{finding.location}"
    if finding.evidence.event is not None:
        where = say("where_event", location=where, event=finding.evidence.event)
    return [
        say.name("severity", finding.severity.value),
        f"`{cell(finding.rule)}`",
        cell(finding.interaction),
        cell(where),
        cell(message),
        say.name("status", finding.status.value),
    ]


def _findings(report: Report, say: Labels) -> list[str]:
    if not report.findings:
        return []
    ranked = sorted(
        report.findings, key=lambda f: (f.status is not Status.NEW, -f.severity.rank, f.sort_key())
    )
    shown = ranked[:LIMIT]
    title = say("findings_first", shown=len(shown), total=len(ranked)) if len(ranked) > LIMIT else say("findings_heading")
    header = _header(say, "severity", "rule", "interaction", "where", "message", "status")
    return [f"### {title}", "", *_table(header, ["---"] * len(header), [_finding_row(f, say) for f in shown])]


def _notes(report: Report, say: Labels) -> list[str]:
    out: list[str] = []
    if report.errors:
        out += [f"### {say('input_errors_heading', n=len(report.errors))}", ""]
        out += [f"- {cell(p.describe(report.lang))}" for p in report.errors] + [""]
    if report.waivers is not None:
        out += _waivers(report.waivers, say)
    if report.baseline is not None:
        b = report.baseline
        sentence = say("baseline_sentence", file=f"`{cell(b.file)}`", suppressed=b.suppressed, fixed=b.fixed,
                       fingerprints=b.fingerprints)
        out += [f"### {say('baseline_heading')}", "", sentence, ""]
    return out


def _waivers(v: WaiverStats, say: Labels) -> list[str]:
    sentence = say("waivers_sentence", waived=v.waived, total=v.total, file=f"`{cell(v.file)}`", today=v.today)
    out = [f"### {say('waivers_heading')}", "", sentence, ""]
    for use in v.expired:
        w = use.waiver
        out.append(say("expired_item", expires=w.expires, scope=cell(w.scope()), location=cell(str(w.location)),
                       approved_by=cell(w.approved_by), n=use.matched))
    for w in v.stale:
        out.append(say("stale_item", scope=cell(w.scope()), location=cell(str(w.location))))
    if v.expired or v.stale:
        out.append("")
    return out


def render(report: Report, out: TextIO) -> None:
    say = labels(report.lang)
    gaps = {g.value: say("gap_name", number=g.number, name=say.name("gap", g.value)) for g in Gap}
    dimensions = {d: say.name("dimension", d) for d in DIMENSIONS}
    parts = _headline(report, say)
    if report.findings:
        parts += _by_severity(report, say)
        parts += _by_rule(report, say)
        parts += _by_key("gap", Counter(f.gap.value for f in report.findings), GAPS, gaps, say)
        parts += _by_key("dimension", Counter(f.dimension.value for f in report.findings), DIMENSIONS, dimensions, say)
        parts += _findings(report, say)
    parts += _notes(report, say)
    while parts and parts[-1] == "":
        parts.pop()
    out.write("\n".join(parts) + "\n")
