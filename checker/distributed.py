"""Auditing many JSON Lines files on a Dask cluster (optional extra: ``pip install svccheck[dask]``).

Two entry points:

- ``svccheck audit FILES_OR_DIRS --dask SCHEDULER_ADDRESS`` audits every input file on the
  cluster (one task per file) and writes the same report as a local run.
- The Python API, for your own Dask graphs::

      import svccheck
      results = svccheck.audit_partition(["calls/2026-03-01.jsonl"], rules_dirs=["my-rules"])

  `audit_partition` audits some input files, in order, in the calling process and returns one
  result per record: an `InputProblem` or a `parallel.Audited` (id, location, findings,
  problems). `merge_partitions` turns the results of consecutive partitions into the
  report a local run over the same files, in the same order, gives: it checks ids for duplicates
  across partitions and numbers the interactions, exactly as a local run does.

Workers need svccheck installed and must see the input files at the same paths (a shared file
system). `--dask` loads and checks the rules on the client, so rule errors (exit 2) happen
before any task runs, and sends them to every worker once (`audit_partition` loads them from
`rules_dirs` on the worker instead); each worker process compiles a rule set once, the first
time it is asked for it, and keeps it. Results are collected in input
order and each task's result is released as soon as it has been merged.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .audit import Auditor, Outcome, build_report
from .errors import SvccheckError
from .interactions import expand_paths, input_records
from .model import InputProblem, Report, Severity
from .problems import ProblemMessage
from .parallel import Audited, _Sequencer, audit_units
from .rules import Rule, load_rules
from .standards import load_standards

__all__ = ["DaskUnavailable", "audit_on_dask", "audit_partition", "merge_partitions"]

_AUDITORS: dict[tuple[tuple[str, ...], str, bool], Auditor] = {}
_SHIPPED: dict[str, Auditor] = {}  # per worker process: shipped rule sets by token


class DaskUnavailable(SvccheckError):
    """--dask was given but dask.distributed is not installed."""


def _auditor(rules_dirs: Sequence[str | Path], lang: str, builtin: bool) -> Auditor:
    key = (tuple(str(d) for d in rules_dirs), lang, builtin)
    auditor = _AUDITORS.get(key)
    if auditor is None:
        dirs = [Path(d) for d in rules_dirs]
        rules = load_rules(dirs, load_standards(dirs), builtin=builtin)
        auditor = _AUDITORS[key] = Auditor(rules, lang)
    return auditor


def audit_partition(
    paths: Sequence[str | Path], rules_dirs: Sequence[str | Path] = (), lang: str = "en", builtin: bool = True
) -> list[InputProblem | Audited]:
    """Audit input files in order with the built-in rules (unless `builtin` is False) and the
    rules in `rules_dirs`; one result per record. Raises `RuleError` for bad rules."""
    auditor = _auditor(rules_dirs, lang, builtin)
    return audit_units(auditor, list(input_records([Path(p) for p in paths], decode=False)))


def merge_partitions(
    partitions: Iterable[Sequence[InputProblem | Audited]],
    rules: Sequence[Rule],
    fail_on: Severity = Severity.MAJOR,
    lang: str = "en",
    inputs: Sequence[str] = (),
) -> Report:
    """The report of consecutive partitions' results, as one local run over their files gives."""
    sequencer = _Sequencer()

    def placed() -> Iterator[Outcome | InputProblem]:
        with closing(sequencer.locate):
            for results in partitions:
                for result in results:
                    yield sequencer.place(result)

    return build_report(placed(), rules, fail_on, lang, inputs=inputs)


def _client(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise DaskUnavailable(ProblemMessage.of("dask.unavailable")) from None
    try:
        return Client(address, timeout="10s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as err:
        raise SvccheckError(ProblemMessage.of("dask.cannot_connect", address=address, reason=str(err))) from None


@dataclass(frozen=True)
class _Shipped:
    """The client's rules, sent once to every worker (wrapped: Dask would split a bare tuple)."""

    rules: tuple[Rule, ...]
    lang: str
    token: str


def _audit_shipped(paths: Sequence[str], shipped: _Shipped) -> list[InputProblem | Audited]:
    auditor = _SHIPPED.get(shipped.token)
    if auditor is None:
        auditor = _SHIPPED[shipped.token] = Auditor(shipped.rules, shipped.lang)
    return audit_units(auditor, list(input_records([Path(p) for p in paths], decode=False)))


def audit_on_dask(
    address_or_client: Any,
    paths: Sequence[Path],
    rules: Sequence[Rule],
    fail_on: Severity = Severity.MAJOR,
    lang: str = "en",
) -> Report:
    """Audit `paths` on a Dask cluster, one task per input file: the report of a local run.

    `rules` are the rules loaded (and checked) here, whatever their source (built-in, --rules,
    svccheck.yaml); they are sent to the workers once and compiled there once per process."""
    own = isinstance(address_or_client, str)
    client = _client(address_or_client) if own else address_or_client
    try:
        entries = list(expand_paths(paths))
        pickled = pickle.dumps((tuple(rules), lang))
        shipped = client.scatter(_Shipped(tuple(rules), lang, hashlib.sha256(pickled).hexdigest()), broadcast=True)
        futures = [
            entry if isinstance(entry, InputProblem)
            else client.submit(_audit_shipped, [str(entry.resolve())], shipped, pure=False)
            for entry in entries
        ]

        def partitions() -> Iterator[Sequence[InputProblem | Audited]]:
            for entry, future in zip(entries, futures):
                if isinstance(future, InputProblem):
                    yield [future]
                    continue
                try:
                    results: list[InputProblem | Audited] = future.result()
                except SvccheckError:
                    raise
                except Exception as err:  # the cluster's failures (KilledWorker, lost connections...)
                    error = f"{type(err).__name__}: {err}"
                    raise SvccheckError(ProblemMessage.of("dask.failed", file=str(entry), error=error)) from None
                future.release()
                yield _relocated(results, str(entry))

        return merge_partitions(partitions(), rules, fail_on, lang, inputs=[str(p) for p in paths])
    finally:
        if own:
            client.close()


def _relocated(results: list[InputProblem | Audited], name: str) -> list[InputProblem | Audited]:
    """Results name files as the user wrote them, not as the absolute paths the workers saw."""
    out: list[InputProblem | Audited] = []
    for result in results:
        location = replace(result.location, file=name)
        if isinstance(result, InputProblem):
            out.append(replace(result, location=location))
        else:
            findings = tuple(replace(f, location=location) for f in result.findings)
            problems = tuple(replace(p, location=location) for p in result.problems)
            out.append(replace(result, location=location, findings=findings, problems=problems))
    return out
