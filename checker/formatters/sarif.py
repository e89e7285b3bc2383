"""sarif: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run, tool ``svccheck``. ``tool.driver.rules`` describes every rule of the audit: ``id``,
``name``, ``shortDescription`` (the title), ``fullDescription`` (what the check tests), ``help``
(naming the service standard the rule checks and the rule file), ``defaultConfiguration.level``
and ``properties`` (``severity``, ``dimension``, ``gap``, ``standard``).

One result per finding (every status):

- ``ruleId``/``ruleIndex``; ``level``: critical and major are ``error``, minor ``warning``,
  info ``note``; ``message.text``: the finding's message, then the quoted evidence;
- ``locations[0].physicalLocation``: the input file (a URI relative to the working directory
  when the file is under it) and ``region.startLine`` (and ``startColumn``) of the interaction;
  ``locations[0].logicalLocations``: ``h-call-02/events/4`` (the interaction, and the event
  when one is at fault), kind ``object``;
- ``partialFingerprints``: ``{"svccheck/v1": fingerprint}`` (see `svccheck.fingerprint`);
- with ``--baseline``: ``baselineState`` ``unchanged`` (in the baseline) or ``new``;
- a waived finding: ``suppressions: [{"kind": "external", "status": "accepted",
  "justification": reason}]``, so viewers show it as suppressed rather than hiding it;
- ``properties``: interaction, site, agent, severity, dimension, gap, status, evidence.

Input errors become ``invocations[0].toolExecutionNotifications`` (level error, located);
expired and stale waivers ``toolConfigurationNotifications`` (level warning).
``invocations[0].executionSuccessful`` is false when any input could not be audited. No
timestamps: the same audit gives the same bytes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePath
from typing import Any, TextIO
from urllib.parse import quote

from ..model import Finding, InputProblem, Report, RuleInfo, Severity, SourceLocation, Status, Waiver

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "svccheck/v1"
LEVELS = {Severity.CRITICAL: "error", Severity.MAJOR: "error", Severity.MINOR: "warning", Severity.INFO: "note"}


def _version() -> str:
    from importlib import metadata  # here, not at import: 18 ms of every command's start

    try:
        return metadata.version("svccheck")
    except metadata.PackageNotFoundError:
        return "0"


def artifact_uri(file: str) -> str:
    """A relative URI for a file under the working directory, else an absolute file URI."""
    path = Path(file)
    if path.is_absolute():
        try:
            path = path.relative_to(Path(os.getcwd()))
        except ValueError:
            return path.as_uri()
    # The path's own bytes, percent-encoded: a file name that is not UTF-8 keeps its bytes, as
    # `as_uri` does for an absolute path.
    return quote(os.fsencode(PurePath(os.path.normpath(path)).as_posix()), safe="/")


def _physical(location: SourceLocation) -> dict[str, Any]:
    out: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(location.file)}}
    if location.line is not None:
        region: dict[str, Any] = {"startLine": location.line}
        if location.column is not None:
            region["startColumn"] = location.column
        out["region"] = region
    return out


def _rule(rule: RuleInfo, lang: str) -> dict[str, Any]:
    title = rule.title.get(lang)
    description = rule.description or title
    return {
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": title},
        "fullDescription": {"text": description},
        "help": {
            "text": f"{description.rstrip('.')}. Service standard: {rule.standard}. "
            f"Severity {rule.severity.value}; gap {rule.gap.number} ({rule.gap.value})."
        },
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "severity": rule.severity.value,
            "dimension": rule.dimension.value if rule.dimension is not None else None,
            "gap": rule.gap.value,
            "standard": rule.standard,
        },
    }


def _logical_name(finding: Finding) -> str:
    if finding.evidence.event is None:
        return finding.interaction
    return f"{finding.interaction}/events/{finding.evidence.event}"


def _evidence(finding: Finding) -> dict[str, Any]:
    return finding.evidence.as_dict()


def _result(finding: Finding, rule_index: dict[str, int], with_baseline: bool) -> dict[str, Any]:
    text = finding.message
    if finding.evidence.text:
        text += f" “{finding.evidence.text}”"
    out: dict[str, Any] = {"ruleId": finding.rule}
    if finding.rule in rule_index:
        out["ruleIndex"] = rule_index[finding.rule]
    out["level"] = LEVELS[finding.severity]
    out["message"] = {"text": text}
    out["locations"] = [
        {
            "physicalLocation": _physical(finding.location),
            "logicalLocations": [{"fullyQualifiedName": _logical_name(finding), "kind": "object"}],
        }
    ]
    out["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    if with_baseline:
        out["baselineState"] = "unchanged" if finding.status is Status.BASELINED else "new"
    if finding.waiver is not None:
        out["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": _justification(finding.waiver)}
        ]
    properties: dict[str, Any] = {"interaction": finding.interaction}
    if finding.site is not None:
        properties["site"] = finding.site
    if finding.agent is not None:
        properties["agent"] = finding.agent
    properties.update(
        severity=finding.severity.value,
        dimension=finding.dimension.value,
        gap=finding.gap.value,
        status=finding.status.value,
        evidence=_evidence(finding),
    )
    out["properties"] = properties
    return out


def _justification(waiver: Waiver) -> str:
    return f"{waiver.reason} (approved by {waiver.approved_by}, expires {waiver.expires}; {waiver.location})"


def _input_notification(problem: InputProblem, lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {"level": "error", "message": {"text": problem.describe(lang)}}
    out["locations"] = [{"physicalLocation": _physical(problem.location)}]
    return out


def _waiver_notifications(report: Report) -> list[dict[str, Any]]:
    if report.waivers is None:
        return []
    out = []
    for use in report.waivers.expired:
        w = use.waiver
        text = f"waiver expired on {w.expires} ({w.scope()}): no longer applies, {use.matched} findings not waived"
        out.append(
            {"level": "warning", "message": {"text": text}, "locations": [{"physicalLocation": _physical(w.location)}]}
        )
    for w in report.waivers.stale:
        text = f"stale waiver ({w.scope()}): matches no finding"
        out.append(
            {"level": "warning", "message": {"text": text}, "locations": [{"physicalLocation": _physical(w.location)}]}
        )
    return out


def sarif_dict(report: Report) -> dict[str, Any]:
    rules = sorted(report.rules, key=lambda r: r.id)
    rule_index = {rule.id: index for index, rule in enumerate(rules)}
    with_baseline = report.baseline is not None
    invocation: dict[str, Any] = {"executionSuccessful": not report.errors}
    if report.errors:
        invocation["toolExecutionNotifications"] = [_input_notification(p, report.lang) for p in report.errors]
    waiver_notes = _waiver_notifications(report)
    if waiver_notes:
        invocation["toolConfigurationNotifications"] = waiver_notes
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "svccheck",
                "version": _version(),
                "rules": [_rule(rule, report.lang) for rule in rules],
            }
        },
        "invocations": [invocation],
        "results": [_result(f, rule_index, with_baseline) for f in report.findings],
        "properties": {
            "failOn": report.fail_on.value,
            "failing": len(report.failing()),
            "byStatus": report.by_status(),
        },
    }
    if report.baseline is not None:
        run["properties"]["baseline"] = {
            "file": report.baseline.file,
            "suppressed": report.baseline.suppressed,
            "fixed": report.baseline.fixed,
        }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, out: TextIO) -> None:
    json.dump(sarif_dict(report), out, ensure_ascii=False, indent=2)
    out.write("\n")
