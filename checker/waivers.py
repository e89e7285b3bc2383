"""Waivers: justified, expiring exceptions to findings.

``svccheck audit PATH... --waivers waivers.yaml`` reads a file like::

    version: 1                      # optional
    waivers:
      - rule: phone.closing-courtesy          # a rule id or a glob (phone.*)
        site: bank-cc-*                       # a site glob
        reason: Closing script changes with the new IVR; retraining booked for April.
        approved-by: QA lead, Li Wei
        expires: 2026-04-30                   # inclusive
      - interaction: h-call-11                # an interaction id or glob
        rule: speech.forbidden-phrases
        agent: LDN-CC-31                      # an agent glob
        reason: Recording misattributed; the fraud-team agent said it, see ticket QA-812.
        approved-by: j.smith@example.com
        expires: 2026-03-31

Each waiver needs ``reason``, ``approved-by``, ``expires`` (a date, YYYY-MM-DD) and at least one
of ``interaction``, ``rule``, ``site``, ``agent`` (shell-style globs matched case-sensitively
against the whole value: ``*``, ``?``, ``[abc]``; a site or agent glob never matches a finding
without a site or agent). A waiver covers a finding when every selector it gives matches.

- A covered finding is reported with status ``waived`` and the waiver's reason; it is never
  hidden, and it never counts for the exit code. When several waivers cover it, the first in
  the file is quoted (all of them count as used).
- A waiver applies up to and including its ``expires`` day. After that it stops applying (the
  findings it covered are new again) and is itself reported as expired: a warning in the text
  report, ``waivers.expired`` in JSON, a notification in SARIF.
- An unexpired waiver that covers no finding is reported as stale (``waivers.stale``), so
  fixed problems do not leave waivers behind.

Neither expired nor stale waivers change the exit code. "Today" is the local date unless
``--today YYYY-MM-DD`` says otherwise (for reproducible runs and for checking what will expire).

The file is validated against ``schemas/waivers.schema.json``; every problem of every waiver is
reported, in file order, as ``file:line:col: key: message`` and the audit does not run (exit 2).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from fnmatch import fnmatchcase
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import SvccheckError
from .model import Finding, Report, Status, Waiver, WaiverStats, WaiverUse
from .problems import ProblemMessage
from .rules import in_file_order
from .yamlpos import Problem, YamlDoc, YamlLoadError, load_yaml, schema_problems

SELECTORS: tuple[str, ...] = ("interaction", "rule", "site", "agent")


def _schema() -> dict[str, Any]:
    text = resources.files("svccheck").joinpath("schemas/waivers.schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


WAIVERS_SCHEMA = _schema()
#: What the schema lets through as a date; whether it is a real day is checked by `date`.
_DATE = re.compile(WAIVERS_SCHEMA["$defs"]["waiver"]["properties"]["expires"]["pattern"])


class WaiverError(SvccheckError):
    """The waivers file cannot be read or is invalid (exit 2); problems are file:line:col."""


@dataclass(frozen=True, slots=True)
class WaiverFile:
    file: str
    waivers: tuple[Waiver, ...]


def _entry_problems(doc: YamlDoc, index: int, entry: Mapping[str, Any]) -> list[Problem]:
    """What the schema cannot say about one waiver, whatever else is wrong with it."""
    keys: list[str | int] = ["waivers", index]
    problems = []
    if not any(name in entry for name in SELECTORS):
        problems.append(Problem.of(doc.locate(keys), f"waivers[{index}]", ProblemMessage.of("waivers.no_selector")))
    expires = entry.get("expires")
    if not isinstance(expires, str) or not _DATE.search(expires):
        return problems  # missing or not YYYY-MM-DD: the schema says so
    try:
        date.fromisoformat(expires)
    except ValueError:
        where = doc.locate([*keys, "expires"])
        said = ProblemMessage.of("waivers.not_a_date", value=repr(expires))
        problems.append(Problem.of(where, f"waivers[{index}].expires", said))
    return problems


def _waiver(doc: YamlDoc, index: int, entry: Mapping[str, Any]) -> Waiver:
    return Waiver(
        location=doc.locate(["waivers", index]),
        reason=entry["reason"],
        approved_by=entry["approved-by"],
        expires=entry["expires"],
        interaction=entry.get("interaction"),
        rule=entry.get("rule"),
        site=entry.get("site"),
        agent=entry.get("agent"),
    )


def load_waivers(path: Path) -> WaiverFile:
    """Read and validate a waivers file; any problem raises `WaiverError` listing them all."""
    try:
        doc = load_yaml(path)
    except YamlLoadError as err:
        raise WaiverError(_invalid(path), (err.problem,)) from None
    data = doc.plain()
    problems = schema_problems(doc, data, WAIVERS_SCHEMA)
    entries = data.get("waivers") if isinstance(data, Mapping) else None
    for index, entry in enumerate(entries if isinstance(entries, list) else ()):
        if isinstance(entry, Mapping):
            problems += _entry_problems(doc, index, entry)
    if problems:
        ordered = in_file_order(problems, lambda p: p.location)
        raise WaiverError(_invalid(path), ordered)
    return WaiverFile(str(path), tuple(_waiver(doc, i, e) for i, e in enumerate(data["waivers"])))


def _invalid(path: Path) -> ProblemMessage:
    return ProblemMessage.of("waivers.invalid_file", path=str(path))


def _glob(pattern: str | None, value: str | None) -> bool:
    if pattern is None:
        return True
    return value is not None and fnmatchcase(value, pattern)


def covers(waiver: Waiver, finding: Finding) -> bool:
    """Every selector the waiver gives matches the finding."""
    return (
        _glob(waiver.interaction, finding.interaction)
        and _glob(waiver.rule, finding.rule)
        and _glob(waiver.site, finding.site)
        and _glob(waiver.agent, finding.agent)
    )


def expired(waiver: Waiver, today: date) -> bool:
    return date.fromisoformat(waiver.expires) < today


def apply_waivers(report: Report, waivers: WaiverFile, today: date) -> Report:
    """Mark covered findings WAIVED; record expired and stale waivers in `report.waivers`."""
    active = [w for w in waivers.waivers if not expired(w, today)]
    lapsed = [w for w in waivers.waivers if expired(w, today)]
    used: dict[int, int] = {}
    findings: list[Finding] = []
    for finding in report.findings:
        covering = [i for i, w in enumerate(active) if covers(w, finding)]
        for i in covering:
            used[i] = used.get(i, 0) + 1
        if covering and finding.status is Status.NEW:
            finding = replace(finding, status=Status.WAIVED, waiver=active[covering[0]])
        findings.append(finding)
    stats = WaiverStats(
        file=waivers.file,
        today=today.isoformat(),
        total=len(waivers.waivers),
        waived=sum(1 for f in findings if f.status is Status.WAIVED),
        expired=tuple(WaiverUse(w, _count(w, findings)) for w in lapsed),
        stale=tuple(w for i, w in enumerate(active) if i not in used),
    )
    return replace(report, findings=tuple(findings), waivers=stats)


def _count(waiver: Waiver, findings: Sequence[Finding]) -> int:
    return sum(1 for f in findings if covers(waiver, f))
