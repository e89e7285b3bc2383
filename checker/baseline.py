"""Baselines: adopt a standard gradually by failing only on findings that are new.

``svccheck audit PATH... --baseline FILE`` marks every finding whose fingerprint (see
`svccheck.fingerprint`) is in FILE as *baselined*: it is still reported, but only *new*
findings decide the exit code. The report says how many findings the baseline suppressed and
how many of its fingerprints were not seen in this run (fixed, or no longer audited).

A baseline file is JSON, in either of two shapes:

- what ``svccheck baseline create PATH... -o FILE`` writes (and what it reads back)::

      {"version": 1,
       "findings": [{"fingerprint": "3f2a9c0d1e4b5a67", "rule": "phone.greeting",
                     "interaction": "h-call-03", "severity": "minor", "message": "..."}, ...]}

  sorted by rule, interaction and fingerprint, so re-creating it after a re-export changes
  nothing and a review diff shows what was accepted; only ``fingerprint`` is read;
- a whole report from ``svccheck audit --format json`` (its ``findings`` carry fingerprints),
  so the previous nightly run's report can serve as the baseline;
- or the minimal ``{"version": 1, "fingerprints": ["3f2a9c0d1e4b5a67", ...]}``.

A file that is not one of these is a usage error (exit 2) with one line naming the file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from .errors import SvccheckError
from .fingerprint import is_fingerprint
from .model import BaselineStats, Report, Status
from .problems import ProblemMessage, os_reason, parser_detail

VERSION = 1


class BaselineError(SvccheckError):
    """The --baseline file cannot be read or is not a baseline (exit 2)."""


@dataclass(frozen=True, slots=True)
class Baseline:
    file: str
    fingerprints: frozenset[str]


def _fail(path: Path, message: ProblemMessage) -> BaselineError:
    return BaselineError(ProblemMessage.of("baseline.error", path=str(path), message=message))


def _not_a_fingerprint(where: str, value: Any) -> ProblemMessage:
    return ProblemMessage.of("baseline.not_a_fingerprint", where=where, value=repr(value))


def _from_fingerprints(path: Path, values: Any) -> frozenset[str]:
    if not isinstance(values, list):
        raise _fail(path, ProblemMessage.of("baseline.fingerprints_not_list"))
    for index, value in enumerate(values):
        if not is_fingerprint(value):
            raise _fail(path, _not_a_fingerprint(f"fingerprints[{index}]", value))
    return frozenset(values)


def _from_findings(path: Path, values: Any) -> frozenset[str]:
    if not isinstance(values, list):
        raise _fail(path, ProblemMessage.of("baseline.findings_not_list"))
    found = []
    for index, value in enumerate(values):
        fingerprint = value.get("fingerprint") if isinstance(value, Mapping) else None
        if fingerprint is None:
            raise _fail(path, ProblemMessage.of("baseline.no_fingerprint", index=str(index)))
        if not is_fingerprint(fingerprint):
            raise _fail(path, _not_a_fingerprint(f"findings[{index}].fingerprint", fingerprint))
        found.append(fingerprint)
    return frozenset(found)


def parse_baseline(path: Path, data: Any) -> Baseline:
    """A baseline from parsed JSON (either shape; see the module docstring)."""
    if not isinstance(data, Mapping):
        raise _fail(path, ProblemMessage.of("baseline.not_an_object"))
    version = data.get("version", VERSION)
    if version != VERSION:
        raise _fail(path, ProblemMessage.of("baseline.version", version=repr(version), expected=str(VERSION)))
    if "fingerprints" in data:
        return Baseline(str(path), _from_fingerprints(path, data["fingerprints"]))
    if "findings" in data:
        return Baseline(str(path), _from_findings(path, data["findings"]))
    raise _fail(path, ProblemMessage.of("baseline.not_a_baseline"))


def load_baseline(path: Path) -> Baseline:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as err:
        raise _fail(path, ProblemMessage.of("cannot_read", reason=os_reason(err))) from None
    except UnicodeDecodeError:
        raise _fail(path, ProblemMessage.of("not_utf8")) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        said = ProblemMessage.of(
            "baseline.invalid_json_at", path=str(path), line=str(err.lineno), column=str(err.colno),
            reason=parser_detail(err.msg),
        )
        raise BaselineError(said) from None
    except RecursionError:
        raise _fail(path, ProblemMessage.of("invalid_json", reason=ProblemMessage.of("json.nested"))) from None
    return parse_baseline(path, data)


def apply_baseline(report: Report, baseline: Baseline) -> Report:
    """New findings found in the baseline become BASELINED (waived ones stay waived)."""
    findings = tuple(
        replace(f, status=Status.BASELINED)
        if f.status is Status.NEW and f.fingerprint in baseline.fingerprints
        else f
        for f in report.findings
    )
    seen = {f.fingerprint for f in findings}
    stats = BaselineStats(
        file=baseline.file,
        fingerprints=len(baseline.fingerprints),
        suppressed=sum(1 for f in findings if f.status is Status.BASELINED),
        fixed=len(baseline.fingerprints - seen),
    )
    return replace(report, findings=findings, baseline=stats)


def baseline_dict(report: Report) -> dict[str, Any]:
    """What `svccheck baseline create` writes: every finding of the report, any status."""
    entries: Sequence[dict[str, str]] = sorted(
        (
            {
                "fingerprint": f.fingerprint,
                "rule": f.rule,
                "interaction": f.interaction,
                "severity": f.severity.value,
                "message": f.message,
            }
            for f in report.findings
        ),
        key=lambda e: (e["rule"], e["interaction"], e["fingerprint"]),
    )
    return {"version": VERSION, "findings": list(entries)}


def write_baseline(report: Report, out: TextIO) -> None:
    json.dump(baseline_dict(report), out, ensure_ascii=False, indent=2)
    out.write("\n")
