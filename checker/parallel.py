"""Auditing in parallel worker processes (`svccheck audit --jobs N`), with output identical to one.

The main process reads the inputs in order, without decoding JSON Lines records, and hands them
to the workers in chunks of `CHUNK` records; each worker decodes, validates and audits its chunk
with its own `Auditor` (the rules are given to every worker once, when it starts, and each
worker compiles its own durable-rules ruleset). Results come back in input order, and the main
process then does what needs the whole input: duplicate ids ("first seen at ...") and the
ordinals that order findings, exactly as `interactions.read_inputs` does. So `--jobs N` gives
the same report, byte for byte, as `--jobs 1`, including the same input errors.

At most `2 * jobs` chunks are in flight, so memory stays flat however long the input is.
Inputs smaller than `MIN_PARALLEL_BYTES` (1 MiB in total, about 1,000 interactions) are audited
in-process: starting workers would cost more than it saves (the output is the same either way).
Rules are loaded and checked in the main process before any worker starts, so rule errors
(exit 2) are reported exactly as without `--jobs`.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from .audit import Auditor, Outcome, build_report
from .interactions import Item, RawLine, SeenIds, build_interaction, decode_record, expand_paths, input_records, read_inputs
from .errors import EngineError
from .model import Finding, InputProblem, Interaction, Report, Severity, SourceLocation
from .rules import Rule

__all__ = ["CHUNK", "MIN_PARALLEL_BYTES", "audit_paths", "default_jobs", "input_bytes", "outcomes", "parallel_outcomes"]

CHUNK = 256
MIN_PARALLEL_BYTES = 1 << 20

Unit = InputProblem | tuple[SourceLocation, Any]


@dataclass(frozen=True, slots=True)
class Audited:
    """What a worker sends back for one valid interaction (the interaction itself stays there)."""

    id: str
    channel: str
    location: SourceLocation
    findings: tuple[Finding, ...]
    problems: tuple[InputProblem, ...]
    applied: tuple[str, ...]


def default_jobs() -> int:
    return os.cpu_count() or 1


def input_bytes(paths: Iterable[Path]) -> int:
    """Total size of the input files (directories expanded); unreadable entries count 0."""
    total = 0
    for entry in expand_paths(paths):
        if isinstance(entry, Path):
            try:
                total += entry.stat().st_size
            except OSError:
                pass
    return total


# --- worker side ---------------------------------------------------------------------------------

_AUDITOR: Auditor | None = None


def _init_worker(rules: Sequence[Rule], lang: str) -> None:
    global _AUDITOR
    _AUDITOR = Auditor(rules, lang)


def audit_units(auditor: Auditor, units: Sequence[Unit]) -> list[InputProblem | Audited]:
    """Decode, validate and audit records (in engine batches); ids are checked for duplicates
    by the caller."""
    out: list[InputProblem | Audited] = []
    for result in auditor.outcomes(_items(units)):
        if isinstance(result, Outcome):
            i = result.interaction
            out.append(Audited(i.id, i.channel, i.location, tuple(result.findings), tuple(result.problems), result.applied))
        else:
            out.append(result)
    return out


def _items(units: Iterable[Unit]) -> Iterator[Item]:
    for unit in units:
        if isinstance(unit, InputProblem):
            yield unit
            continue
        location, record = unit
        record = decode_record(location, record)
        yield record if isinstance(record, InputProblem) else build_interaction(record, location, 0)


def _work(packed: Sequence[Any]) -> list[InputProblem | Audited]:
    assert _AUDITOR is not None, "worker used before _init_worker"
    return audit_units(_AUDITOR, _unpack_units(packed))


def _pack_units(units: Sequence[Unit]) -> list[Any]:
    """JSON Lines records as plain tuples (file, line, bytes): pickled in a quarter of the time
    of (SourceLocation, RawLine) pairs; anything else as it is."""
    return [
        (u[0].file, u[0].line, u[1].data)
        if not isinstance(u, InputProblem) and isinstance(u[1], RawLine) and u[0].column is None
        else (u,)
        for u in units
    ]


def _unpack_units(packed: Sequence[Any]) -> list[Unit]:
    return [(SourceLocation(p[0], p[1]), RawLine(p[2])) if len(p) == 3 else p[0] for p in packed]


# --- main side -----------------------------------------------------------------------------------


def _chunks(units: Iterator[Unit], size: int) -> Iterator[list[Unit]]:
    chunk: list[Unit] = []
    for unit in units:
        chunk.append(unit)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _in_order(
    pool: ProcessPoolExecutor, chunks: Iterator[list[Unit]], window: int
) -> Iterator[list[InputProblem | Audited]]:
    pending: deque[Future[list[InputProblem | Audited]]] = deque()
    try:
        for chunk in chunks:
            pending.append(pool.submit(_work, _pack_units(chunk)))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool:
        # A worker died (killed, or crashed in the engine): say so rather than hang or trace.
        raise EngineError("a worker process died while auditing; run again with --jobs 1") from None


class _Sequencer:
    """Turns worker results into the items `read_inputs` would give: duplicate ids and ordinals."""

    def __init__(self) -> None:
        self.seen = SeenIds()
        self.ordinal = 0
        # Unpickled tuples of applied rule ids are shared again, as the Auditor shares them.
        self._applied: dict[tuple[str, ...], tuple[str, ...]] = {}

    def place(self, result: InputProblem | Audited, owned: bool = False) -> Outcome | InputProblem:
        """The item for the next result; `owned`: its findings were just unpickled here."""
        if isinstance(result, InputProblem):
            return result
        first = self.seen.first(result.id)
        if first is not None:
            return InputProblem(result.location, f"duplicate id (first seen at {first})", interaction=result.id)
        self.seen.add(result.id, result.location)
        ordinal = self.ordinal
        self.ordinal += 1
        interaction = Interaction(id=result.id, channel=result.channel, location=result.location, ordinal=ordinal)
        if owned:
            findings = list(result.findings)
            for finding in findings:
                # Just unpickled and held by nothing else: the ordinal (unknown in the worker)
                # is set in place, as dataclasses.replace costs 5 us a finding.
                object.__setattr__(finding, "ordinal", ordinal)
        else:
            findings = [f if f.ordinal == ordinal else replace(f, ordinal=ordinal) for f in result.findings]
        applied = self._applied.setdefault(result.applied, result.applied)
        return Outcome(interaction, findings, list(result.problems), applied)


def parallel_outcomes(
    paths: Sequence[Path], rules: Sequence[Rule], lang: str, jobs: int, chunk: int = CHUNK
) -> Iterator[Outcome | InputProblem]:
    """The outcomes `Auditor(rules, lang).outcomes(read_inputs(paths))` gives, audited by `jobs`
    worker processes. The pool is closed when the iterator is exhausted or closed."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    sequencer = _Sequencer()
    # concurrent.futures, not multiprocessing.Pool: a pool whose worker dies hangs for ever,
    # an executor raises BrokenProcessPool.
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=(tuple(rules), lang)) as pool:
        units = input_records(paths, decode=False)
        for results in _in_order(pool, _chunks(units, chunk), 2 * jobs):
            for result in results:
                yield sequencer.place(result, owned=True)


def outcomes(
    paths: Sequence[Path], rules: Sequence[Rule], lang: str, jobs: int, min_bytes: int = MIN_PARALLEL_BYTES
) -> Iterator[Outcome | InputProblem]:
    """Outcomes of auditing `paths`: in worker processes when `jobs` > 1 and the input is at
    least `min_bytes` large, else in this process."""
    if jobs > 1 and input_bytes(paths) >= min_bytes:
        return parallel_outcomes(paths, rules, lang, jobs)
    return Auditor(rules, lang).outcomes(read_inputs(paths))


def audit_paths(
    paths: Sequence[Path],
    rules: Sequence[Rule],
    fail_on: Severity = Severity.MAJOR,
    lang: str = "en",
    jobs: int = 1,
    min_bytes: int = MIN_PARALLEL_BYTES,
) -> Report:
    """`svccheck.audit.audit_paths` with `jobs` worker processes: the same report."""
    found = outcomes(paths, rules, lang, jobs, min_bytes)
    return build_report(found, rules, fail_on, lang, inputs=[str(p) for p in paths])
