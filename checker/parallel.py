"""Auditing in parallel worker processes (`svccheck audit --jobs N`), with output identical to one.

The main process reads the inputs in order and hands them to the workers in chunks of about
`CHUNK` records: a JSON Lines file as spans of whole lines (`CHUNK` KiB, cut at a line end:
where they are, which the worker reads itself, so the main process neither carries nor splits
nor decodes them; a named pipe, which cannot be read twice, as the lines themselves), other
inputs `CHUNK` records at a time; each worker splits, decodes, validates and audits its chunk
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

import gc
import io
import multiprocessing
import os
import stat
from collections import deque
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from .audit import Auditor, Outcome, build_report
from .interactions import (
    Item, RawLine, SeenIds, ValueLocator, build_interaction, cannot_read, decode_record, duplicate_id, expand_paths, input_records,
    is_jsonl, jsonl_lines, read_inputs,
)
from .errors import EngineError
from .problems import ProblemMessage
from .model import Dimension, Evidence, Finding, Gap, InputProblem, Report, Severity, SourceLocation, Status
from .rules import Rule

__all__ = ["CHUNK", "MIN_PARALLEL_BYTES", "audit_paths", "default_jobs", "input_bytes", "outcomes", "parallel_outcomes"]

CHUNK = 256
MIN_PARALLEL_BYTES = 1 << 20

Unit = InputProblem | tuple[SourceLocation, Any]


@dataclass(frozen=True, slots=True)
class Audited:
    """What a worker sends back for one valid interaction (the interaction itself stays there)."""

    id: str
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
    # What exists now (modules, rules, the compiled auditor) lives as long as the worker: out
    # of the garbage collector's sight, its full collections no longer walk it (5 us less per
    # interaction, measured).
    gc.freeze()
    # Auditing makes no reference cycles (none found after 20,000 interactions), so automatic
    # collections only cost time (about 2 us an interaction); `_work` collects now and then in
    # case an unusual input makes some (an exception kept with its traceback, say).
    gc.disable()


_COLLECT_EVERY = 64  # chunks (about 16,000 interactions) between a worker's garbage collections
_chunks_done = 0


def audit_units(auditor: Auditor, units: Sequence[Unit]) -> list[InputProblem | Audited]:
    """Decode, validate and audit records (in engine batches); ids are checked for duplicates
    by the caller."""
    found = auditor.outcomes(_items(units, auditor.text_of))
    return [result if isinstance(result, InputProblem) else _audited(result) for result in found]


def _audited(outcome: Outcome) -> Audited:
    return Audited(outcome.id, outcome.location, tuple(outcome.findings), tuple(outcome.problems), outcome.applied)


def _items(units: Iterable[Unit], text_of: Collection[str]) -> Iterator[Item]:
    for unit in units:
        if isinstance(unit, InputProblem):
            yield unit
            continue
        location, record = unit
        record = decode_record(location, record)
        yield record if isinstance(record, InputProblem) else build_interaction(record, location, 0, text_of)


def _work(packed: Sequence[Any]) -> list[Any]:
    global _chunks_done
    assert _AUDITOR is not None, "worker used before _init_worker"
    _chunks_done += 1
    if _chunks_done % _COLLECT_EVERY == 0:
        gc.collect()
    # The chunk is in hand: audited as one batch (one engine session), without the streaming
    # layers of `Auditor.outcomes` (2 us an interaction of a worker's time).
    return _pack_outcomes(_AUDITOR.audit_items(list(_items(_unpack_units(packed), _AUDITOR.text_of))))


# A finding as plain values, without what it shares with its interaction (id, location,
# ordinal): rule, severity, dimension, gap, message, evidence (event, at, text), site, agent,
# standard, fingerprint. Frozen slotted dataclasses pickle through Python-level __getstate__ /
# __setstate__: 12 us a finding each way, against 1 us to pickle this row and 3 us to unpickle it
# and build the Finding again.
FindingRow = tuple[str, str, str, str, str, int | None, str | float | None, str | None, str | None, str | None, str | None, str]


def _finding_row(finding: Finding) -> FindingRow:
    e = finding.evidence
    return (
        finding.rule, finding.severity.value, finding.dimension.value, finding.gap.value, finding.message,
        e.event, e.at, e.text, finding.site, finding.agent, finding.standard, finding.fingerprint,
    )


def _compact(ident: str, location: SourceLocation, findings: Iterable[Finding]) -> bool:
    """Whether every finding fits a `FindingRow` (the Auditor's findings always do)."""
    return all(
        f.interaction == ident and f.location == location and f.status is Status.NEW and f.waiver is None
        for f in findings
    )


def _packed(
    ident: str, loc: SourceLocation, findings: Sequence[Finding], problems: tuple[InputProblem, ...],
    applied: tuple[str, ...],
) -> tuple[Any, ...]:
    """An audited interaction for the trip back: a plain tuple (id, file, line, column, finding
    rows, problems, applied), or an `Audited` in a 1-tuple."""
    if not findings:  # most interactions
        return (ident, loc.file, loc.line, loc.column, [], problems, applied)
    if not _compact(ident, loc, findings):
        return (Audited(ident, loc, tuple(findings), problems, applied),)
    rows = [_finding_row(f) for f in findings]
    return (ident, loc.file, loc.line, loc.column, rows, problems, applied)


def _pack_outcomes(outcomes: Iterable[Outcome | InputProblem]) -> list[Any]:
    """A worker's results for the trip back: each outcome `_packed`, problems in a 1-tuple."""
    return [
        (o,) if isinstance(o, InputProblem) else _packed(o.id, o.location, o.findings, tuple(o.problems), o.applied)
        for o in outcomes
    ]


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
    units: list[Unit] = []
    for p in packed:
        if len(p) == 3:
            units.append((SourceLocation(p[0], p[1]), RawLine(p[2])))
        elif isinstance(p[0], (Block, Span)):
            units += p[0].units()
        else:
            units.append(p[0])
    return units


@dataclass(frozen=True, slots=True)
class Block:
    """Whole lines of a JSON Lines file, the first of them line `first`, as read from it."""

    file: str
    first: int
    data: bytes

    def units(self) -> list[Unit]:
        """The records `input_records` gives for these lines (decoded here, in the worker)."""
        # BytesIO splits lines exactly as iterating the file does (at b"\n" only, kept).
        return [
            record if isinstance(record, InputProblem) else (location, record)
            for location, record in jsonl_lines(io.BytesIO(self.data), self.file, self.first)
        ]


@dataclass(frozen=True, slots=True)
class Span:
    """Whole lines of a regular JSON Lines file, `length` bytes from byte `offset`, lines `first`
    to `last`: read by the worker itself, so the main process neither carries nor pickles the
    bytes (it reads the file only to find line ends).

    The worker reads the file the main process read (`device`, `inode`): one replaced meanwhile
    (written elsewhere and renamed onto it) or cut short is an input problem for these lines,
    not a mix of two files. A file rewritten in place is read as it then is, as any reader of a
    file being written would read it; one appended to is read up to where it ended."""

    file: str
    first: int
    last: int
    offset: int
    length: int
    device: int
    inode: int

    def units(self) -> list[Unit]:
        """The records of these lines, as `Block.units` gives them."""
        try:
            with open(self.file, "rb") as handle:
                found = os.fstat(handle.fileno())
                handle.seek(self.offset)
                data = handle.read(self.length)
        except OSError as err:
            return [self._lost(cannot_read(err))]
        if (found.st_dev, found.st_ino) != (self.device, self.inode):
            return [self._lost(ProblemMessage.of("changed.replaced"))]
        if len(data) < self.length:
            return [self._lost(ProblemMessage.of("changed.shorter"))]
        return Block(self.file, self.first, data).units()

    def _lost(self, reason: ProblemMessage) -> InputProblem:
        """These lines, not audited, and why (the file is not the one the audit began with)."""
        lines = (ProblemMessage.of("span.line", first=str(self.first)) if self.first == self.last
                 else ProblemMessage.of("span.lines", first=str(self.first), last=str(self.last)))
        said = ProblemMessage.of("span.lost", reason=reason, lines=lines)
        return InputProblem.of(SourceLocation(self.file, self.first), said)


# --- main side -----------------------------------------------------------------------------------


def _chunks(units: Iterable[Unit], size: int) -> Iterator[list[Any]]:
    """Packed chunks (for `_work`) of `size` units."""
    chunk: list[Unit] = []
    for unit in units:
        chunk.append(unit)
        if len(chunk) >= size:
            yield _pack_units(chunk)
            chunk = []
    if chunk:
        yield _pack_units(chunk)


def _tasks(paths: Sequence[Path], size: int) -> Iterator[list[Any]]:
    """Packed chunks of every input in order: JSON Lines files as `Span`s of about `size` KiB
    (reading 100k records as lines and packing them cost the main process a second; spans take
    1-5% less wall time than sending the same lines as blocks of bytes, measured on 100k),
    anything else as `_chunks` of `size` records."""
    others: list[Path | InputProblem] = []
    for entry in expand_paths(paths):
        if isinstance(entry, Path) and is_jsonl(entry):
            yield from _chunks(_others(others), size)
            others = []
            yield from ([block] for block in _spans(entry, size << 10))
        else:
            others.append(entry)
    yield from _chunks(_others(others), size)


def _others(entries: Iterable[Path | InputProblem]) -> Iterator[Unit]:
    for entry in entries:
        if isinstance(entry, InputProblem):
            yield entry
        else:
            yield from input_records([entry], decode=False)


def _spans(path: Path, size: int) -> Iterator[tuple[Span | Block | InputProblem]]:
    """`path` in `Span`s of whole lines of about `size` bytes (longer lines make longer spans);
    in `_blocks` if it is not a regular file (a named pipe cannot be read twice), or the error
    `input_records` gives for a file that cannot be read."""
    name = str(path)
    try:
        with path.open("rb") as handle:
            opened = os.fstat(handle.fileno())
            if not stat.S_ISREG(opened.st_mode):
                yield from _blocks(path, size)
                return
            offset, line, want = 0, 1, size
            while data := handle.read(want):
                # Up to the last line end; at the end of the file, the rest.
                cut = data.rfind(b"\n") + 1 or (len(data) if len(data) < want else 0)
                if not cut:  # no line end yet: a line longer than `want`
                    handle.seek(offset)
                    want *= 2
                    continue
                ends = data.count(b"\n", 0, cut)
                last = line + ends - 1 if data[cut - 1] == 0x0A else line + ends  # a last line without its end
                yield (Span(name, line, last, offset, cut, opened.st_dev, opened.st_ino),)
                line += ends
                offset += cut
                want = size
                if cut < len(data):
                    handle.seek(offset)
    except OSError as err:
        yield (InputProblem.of(SourceLocation(name), cannot_read(err)),)


def _blocks(path: Path, size: int) -> Iterator[tuple[Block | InputProblem]]:
    """`path` in blocks of whole lines of about `size` bytes (longer lines make longer blocks),
    or the error `input_records` gives for a file that cannot be read."""
    name = str(path)
    try:
        with path.open("rb") as handle:
            line, rest = 1, b""
            while data := handle.read(size):
                data = rest + data if rest else data
                cut = data.rfind(b"\n") + 1
                if cut == 0:  # no line end yet: a line longer than `size`
                    rest = data
                    continue
                block, rest = data[:cut], data[cut:]
                yield (Block(name, line, block),)
                line += block.count(b"\n")
            if rest:
                yield (Block(name, line, rest),)
    except OSError as err:
        yield (InputProblem.of(SourceLocation(name), cannot_read(err)),)


def _in_order(pool: ProcessPoolExecutor, chunks: Iterator[list[Any]], window: int) -> Iterator[list[Any]]:
    pending: deque[Future[list[Any]]] = deque()
    try:
        for chunk in chunks:
            pending.append(pool.submit(_work, chunk))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool:
        # A worker died (killed, or crashed in the engine): say so rather than hang or trace.
        raise EngineError(ProblemMessage.of("parallel.worker_died")) from None


_SEVERITIES = {s.value: s for s in Severity}
_DIMENSIONS = {d.value: d for d in Dimension}
_GAPS = {g.value: g for g in Gap}


class _Sequencer:
    """Turns worker results into the items `read_inputs` would give: duplicate ids and ordinals."""

    def __init__(self) -> None:
        self.seen = SeenIds()
        self.locate = ValueLocator()
        self.ordinal = 0
        # Unpickled tuples of applied rule ids are shared again, as the Auditor shares them.
        self._applied: dict[tuple[str, ...], tuple[str, ...]] = {}

    def _admit(self, ident: str, location: SourceLocation) -> int | InputProblem:
        """The ordinal of the next interaction, or the error for a duplicate id."""
        first = self.seen.admit(ident, location)
        if first is not None:
            return InputProblem.of(location, duplicate_id(first), interaction=ident)
        self.ordinal += 1
        return self.ordinal - 1

    def place_packed(self, packed: Sequence[Any]) -> Outcome | InputProblem:
        """`place` for a result from `_pack_outcomes`."""
        if len(packed) == 1:
            return self.place(packed[0], owned=True)
        ident, file, line, column, rows, problems, applied = packed
        location = SourceLocation(file, line, column)
        ordinal = self._admit(ident, location)
        if isinstance(ordinal, InputProblem):
            return ordinal
        findings = [
            Finding(
                r[0], ident, _SEVERITIES[r[1]], _DIMENSIONS[r[2]], _GAPS[r[3]], r[4], Evidence(r[5], r[6], r[7]),
                location, ordinal, r[8], r[9], r[10], r[11],
            )
            for r in rows
        ]
        return Outcome(ident, location, ordinal, findings, list(problems), self._applied.setdefault(applied, applied))

    def place(self, result: InputProblem | Audited, owned: bool = False) -> Outcome | InputProblem:
        """The item for the next result; `owned`: its findings were just unpickled here."""
        if isinstance(result, InputProblem):
            return self.locate(result)
        ordinal = self._admit(result.id, result.location)
        if isinstance(ordinal, InputProblem):
            return ordinal
        if owned:
            findings = list(result.findings)
            for finding in findings:
                # Just unpickled and held by nothing else: the ordinal (unknown in the worker)
                # is set in place, as dataclasses.replace costs 5 us a finding.
                object.__setattr__(finding, "ordinal", ordinal)
        else:
            findings = [f if f.ordinal == ordinal else replace(f, ordinal=ordinal) for f in result.findings]
        applied = self._applied.setdefault(result.applied, result.applied)
        return Outcome(result.id, result.location, ordinal, findings, list(result.problems), applied)


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
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=(tuple(rules), lang)) as pool, \
            closing(sequencer.locate):
        for results in _in_order(pool, _tasks(paths, chunk), 2 * jobs):
            for result in results:
                yield sequencer.place_packed(result)


def outcomes(
    paths: Sequence[Path], rules: Sequence[Rule], lang: str, jobs: int, min_bytes: int = MIN_PARALLEL_BYTES
) -> Iterator[Outcome | InputProblem]:
    """Outcomes of auditing `paths`: in worker processes when `jobs` > 1 and the input is at
    least `min_bytes` large, else in this process."""
    if jobs > 1 and input_bytes(paths) >= min_bytes:
        return parallel_outcomes(paths, rules, lang, jobs)
    auditor = Auditor(rules, lang)
    return auditor.outcomes(read_inputs(paths, auditor.text_of))


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
