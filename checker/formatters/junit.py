"""junit: JUnit XML (the Ant/Surefire dialect Jenkins, GitLab, Azure DevOps and the GitHub
test-report actions read; valid against the Jenkins xUnit ``junit-10.xsd``).

Layout: one ``<testsuite>`` per rule (named by its id, rules sorted by id; its ``<properties>``
give the title, standard, severity, dimension and gap), one ``<testcase classname="RULE"
name="INTERACTION">`` per interaction the rule applied to, in input order. A rule that applied
to nothing has no suite. Test identity is rule + interaction, so CI history follows an
interaction across runs even when the export moves it to another line.

A test case

- fails (one ``<failure type="SEVERITY" message="...">``, the highest severity, the first
  message plus "(+N more)") when it has findings that count for the gate: new, at or above
  ``--fail-on``. The failure text lists every finding of the case with its evidence and where
  the interaction is (file:line:col), so the JUnit verdict agrees with the exit code;
- is ``<skipped>`` when all its findings are waived or baselined (the text says which, and why);
- passes, with the findings in ``<system-out>``, when its findings are new but below
  ``--fail-on``; passes empty when the rule found nothing;
- has an ``<error type="input">`` when the rule could not measure the interaction.

Inputs that could not be audited at all (unreadable files, invalid interactions) are error test
cases in a final suite ``svccheck.inputs``, named by interaction id or by file:line.
No timestamps or host names: the same audit gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Sequence
from typing import TextIO

from ..model import Finding, InputProblem, Report, RuleInfo, Status

INPUTS_SUITE = "svccheck.inputs"
# Characters XML 1.0 cannot carry at all (C0 controls but tab/newline/CR, surrogates, U+FFFE/F).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _ILLEGAL.sub("\ufffd", text)


def _finding_text(finding: Finding) -> str:
    where = finding.evidence.pointer()
    status = "" if finding.status is Status.NEW else f" ({finding.status.value})"
    lines = [f"{finding.severity.value.upper()} {finding.message}{where}{status}"]
    if finding.evidence.text:
        lines.append(f"  “{finding.evidence.text}”")
    if finding.waiver is not None:
        w = finding.waiver
        lines.append(f"  waived until {w.expires} by {w.approved_by}: {w.reason} ({w.location})")
    return "\n".join(lines)


def _details(findings: Sequence[Finding]) -> str:
    head = f"interaction {findings[0].interaction} ({findings[0].location})"
    return _clean("\n".join([head, *(_finding_text(f) for f in findings)]) + "\n")


class _Counts:
    def __init__(self) -> None:
        self.tests = self.failures = self.errors = self.skipped = 0


def _case(
    suite: ET.Element,
    rule: str,
    interaction: str,
    findings: Sequence[Finding],
    problems: Sequence[InputProblem],
    report: Report,
    counts: _Counts,
) -> None:
    case = ET.SubElement(suite, "testcase", classname=rule, name=_clean(interaction))
    counts.tests += 1
    for problem in problems:
        counts.errors += 1
        message, text = problem.text(report.lang), problem.describe(report.lang)
        ET.SubElement(case, "error", type="input", message=_clean(message)).text = _clean(text) + "\n"
    if not findings:
        return
    failing = [f for f in findings if f.status is Status.NEW and f.severity.at_least(report.fail_on)]
    if failing:
        counts.failures += 1
        worst = max(failing, key=lambda f: f.severity.rank)
        more = f" (+{len(findings) - 1} more)" if len(findings) > 1 else ""
        attrs = {"type": worst.severity.value, "message": _clean(failing[0].message + more)}
        ET.SubElement(case, "failure", attrs).text = _details(findings)
    elif all(f.status is not Status.NEW for f in findings):
        counts.skipped += 1
        statuses = sorted({f.status.value for f in findings})
        reason = findings[0].waiver.reason if findings[0].waiver is not None else "in the baseline"
        message = f"{' and '.join(statuses)}: {reason}"
        ET.SubElement(case, "skipped", message=_clean(message)).text = _details(findings)
    else:
        ET.SubElement(case, "system-out").text = _details(findings)


def _suite(root: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(root, "testsuite", name=name, tests="0", failures="0", errors="0", skipped="0")


def _properties(suite: ET.Element, rule: RuleInfo, lang: str) -> None:
    props = ET.SubElement(suite, "properties")
    values = [
        ("title", rule.title.get(lang)),
        ("standard", rule.standard),
        ("severity", rule.severity.value),
        ("dimension", rule.dimension.value if rule.dimension is not None else "(per finding)"),
        ("gap", rule.gap.value),
    ]
    for key, value in values:
        ET.SubElement(props, "property", name=key, value=_clean(value))


def _close(suite: ET.Element, counts: _Counts, total: _Counts) -> None:
    suite.set("tests", str(counts.tests))
    suite.set("failures", str(counts.failures))
    suite.set("errors", str(counts.errors))
    suite.set("skipped", str(counts.skipped))
    total.tests += counts.tests
    total.failures += counts.failures
    total.errors += counts.errors


def junit_tree(report: Report) -> ET.Element:
    by_case: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_case[(finding.rule, finding.interaction)].append(finding)
    rule_problems: dict[tuple[str, str], list[InputProblem]] = defaultdict(list)
    input_problems: list[InputProblem] = []
    for problem in report.errors:
        if problem.rule is not None and problem.interaction is not None:
            rule_problems[(problem.rule, problem.interaction)].append(problem)
        else:
            input_problems.append(problem)
    applied: dict[str, list[str]] = defaultdict(list)
    for covered in report.coverage:
        for rule_id in covered.rules:
            applied[rule_id].append(covered.interaction)

    root = ET.Element("testsuites", name="svccheck")
    total = _Counts()
    for rule in sorted(report.rules, key=lambda r: r.id):
        if not applied[rule.id]:
            continue
        suite, counts = _suite(root, rule.id), _Counts()
        _properties(suite, rule, report.lang)
        for interaction in applied[rule.id]:
            key = (rule.id, interaction)
            _case(suite, rule.id, interaction, by_case.get(key, []), rule_problems.get(key, []), report, counts)
        _close(suite, counts, total)
    if input_problems:
        suite, counts = _suite(root, INPUTS_SUITE), _Counts()
        for problem in input_problems:
            where = problem.location.file if problem.location.line is None else f"{problem.location.file}:{problem.location.line}"
            _case(suite, INPUTS_SUITE, problem.interaction or where, [], [problem], report, counts)
        _close(suite, counts, total)
    root.set("tests", str(total.tests))
    root.set("failures", str(total.failures))
    root.set("errors", str(total.errors))
    return root


def render(report: Report, out: TextIO) -> None:
    root = junit_tree(report)
    ET.indent(root, space="  ")
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")
