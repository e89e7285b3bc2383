"""svccheck.parallel and `svccheck audit --jobs`: worker processes, the same bytes as one."""

from __future__ import annotations

import dataclasses
import os
import io
import pickle
import threading
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner

from svccheck import parallel
from svccheck.audit import Auditor, Outcome, audit_paths
from svccheck.cli import audit as cli_audit
from svccheck.cli import main
from svccheck.formatters import json_format
from svccheck.interactions import SeenIds, decode_record, input_records, read_inputs
from svccheck.model import InputProblem, SourceLocation, Status
from svccheck.rules import load_rules
from svccheck.standards import load_standards

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory, generate: ModuleType) -> Path:
    """A generated input over the parallel cut-off, with broken records and duplicate ids."""
    path = tmp_path_factory.mktemp("par") / "mixed.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        generate.write(generate.interactions(1500, 4, 0.05), handle, "jsonl")
        handle.write("{not json\n")
    assert path.stat().st_size >= parallel.MIN_PARALLEL_BYTES
    return path


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["audit", *args, "--format", "json"])
    return result.exit_code, result.stdout, result.stderr


def test_jobs_2_and_jobs_1_give_byte_identical_json_on_a_generated_file(mixed: Path) -> None:
    one = _cli(str(mixed), "--jobs", "1")
    two = _cli(str(mixed), "--jobs", "2")
    assert one[0] == 3  # broken records: input errors, the valid ones still audited
    assert two == one
    assert '"duplicate id (first seen at ' in one[1]
    assert "invalid JSON" in one[1]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_json_alone_is_written_while_auditing_and_is_the_finished_reports_bytes(
    mixed: Path, tmp_path: Path, jobs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With a second report the finished report is built, then rendered.
    both = ["--format", "json", "-o", str(tmp_path / "r.json"), "--format", "text", "-o", str(tmp_path / "r.txt")]
    rendered = CliRunner().invoke(main, ["audit", str(mixed), "--jobs", jobs, *both])
    assert rendered.exit_code == 3

    def unused(*args: object, **kwargs: object) -> None:
        raise AssertionError("json alone builds no report")

    monkeypatch.setattr(cli_audit, "build_report", unused)
    streamed = CliRunner().invoke(main, ["audit", str(mixed), "--jobs", jobs, "--format", "json"])
    assert (streamed.exit_code, streamed.stdout_bytes) == (3, (tmp_path / "r.json").read_bytes())
    to_file = CliRunner().invoke(main, ["audit", str(mixed), "--jobs", jobs, "--format", "json", "-o", str(tmp_path / "s.json")])
    assert to_file.exit_code == 3 and to_file.stdout == ""
    assert (tmp_path / "s.json").read_bytes() == (tmp_path / "r.json").read_bytes()
    assert to_file.stderr.endswith(f" -> {tmp_path / 's.json'}\n")


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_jobs_2_and_jobs_1_give_byte_identical_chinese_reports(mixed: Path, fmt: str) -> None:
    """Problems found in workers come back able to say themselves in the run's language."""
    def run(jobs: str) -> tuple[int, str]:
        result = CliRunner().invoke(main, ["audit", str(mixed), "--jobs", jobs, "--lang", "zh", "--format", fmt])
        return result.exit_code, result.stdout

    one, two = run("1"), run("2")
    assert two == one and one[0] == 3
    assert "id 重复（首次出现在 " in one[1] and "JSON 无效：" in one[1]
    assert "duplicate id" not in one[1]


def test_problems_from_the_pool_keep_their_message_structure() -> None:
    rules = load_rules([], load_standards([]))
    local = audit_paths([EXAMPLES], rules, lang="zh")
    pooled = parallel.audit_paths([EXAMPLES], rules, lang="zh", jobs=2, min_bytes=0)
    assert [p.describe("zh") for p in pooled.errors] == [p.describe("zh") for p in local.errors]
    assert all(p.said is not None for p in pooled.errors)
    assert any("交互 dup-01: id 重复" in p.describe("zh") for p in pooled.errors)


def test_jobs_2_on_examples_through_the_pool_is_byte_identical() -> None:
    rules = load_rules([], load_standards([]))
    paths = [EXAMPLES, EXAMPLES / "phone-calls.json"]  # the second repeats ids: duplicates across chunks
    expected, got = io.StringIO(), io.StringIO()
    json_format.render(audit_paths(paths, rules), expected)
    json_format.render(parallel.audit_paths(paths, rules, jobs=2, min_bytes=0), got)
    assert got.getvalue() == expected.getvalue()
    assert "duplicate id" in expected.getvalue()


def test_chunks_smaller_than_the_input_keep_order_and_ordinals(mixed: Path) -> None:
    rules = load_rules([], load_standards([]))
    local = audit_paths([mixed], rules)
    found = list(parallel.parallel_outcomes([mixed], rules, "en", jobs=2, chunk=7))
    audited = [o for o in found if isinstance(o, Outcome)]
    assert [f for o in audited for f in o.findings] == list(local.findings)
    assert [o.ordinal for o in audited] == list(range(local.summary.interactions))
    assert [str(o) for o in found if isinstance(o, InputProblem)] == [str(e) for e in local.errors]


def test_small_inputs_do_not_start_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool was started for a small input")

    monkeypatch.setattr(parallel, "parallel_outcomes", no_pool)
    assert parallel.input_bytes([EXAMPLES]) < parallel.MIN_PARALLEL_BYTES
    code, out, _ = _cli(str(EXAMPLES), "--jobs", "2")
    assert code == 3 and '"findings": [' in out


def test_rule_errors_exit_2_before_any_worker_starts(tmp_path: Path, mixed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("workers started despite a rule error")

    monkeypatch.setattr(parallel, "parallel_outcomes", no_pool)
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.yaml").write_text("id: bad\n", encoding="utf-8")
    code, out, err = _cli(str(mixed), "--rules", str(rules), "--jobs", "2")
    assert code == 2 and out == ""
    assert "bad.yaml" in err


def test_jobs_must_be_positive() -> None:
    code, _, err = _cli(str(EXAMPLES), "--jobs", "0")
    assert code == 2 and "--jobs" in err


def test_default_jobs_is_the_number_of_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 6)
    assert parallel.default_jobs() == 6
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: None)
    assert parallel.default_jobs() == 1


@pytest.mark.parametrize(
    "location",
    [SourceLocation("a.jsonl", 1), SourceLocation("b.json", 70000, 12), SourceLocation("c.json"),
     SourceLocation("a.jsonl", 4_000_000_000)],
)
def test_first_seen_locations_are_packed_without_loss(location: SourceLocation) -> None:
    seen = SeenIds()
    assert seen.admit("other", SourceLocation("other.json", 3, 4)) is None
    assert seen.admit("x", location) is None
    assert seen.admit("x", SourceLocation("again.json", 9)) == location
    assert seen.admit("x", SourceLocation("again.json", 10)) == location  # the first, not the last
    assert seen.admit("other", SourceLocation("z.json")) == SourceLocation("other.json", 3, 4)
    assert seen.admit("new", SourceLocation("new.json")) is None
    assert seen.admit("new", SourceLocation("new.json")) == SourceLocation("new.json")


def _die(packed: object) -> None:
    os._exit(7)


def test_a_worker_that_dies_is_a_one_line_error_not_a_hang(mixed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_work", _die)
    code, out, err = _cli(str(mixed), "--jobs", "2")
    assert code == 2 and out == ""
    assert err.strip().splitlines()[-1] == (
        "svccheck: error: a worker process died while auditing; run again with --jobs 1"
    )
    code, out, err = _cli(str(mixed), "--jobs", "2", "--lang", "zh")
    assert (code, out, err.strip().splitlines()[-1]) == (2, "", "svccheck: error: 审核时有一个工作进程意外退出；请用 --jobs 1 重新运行")



def _tricky_jsonl(path: Path) -> Path:
    """JSON Lines with a BOM, blank and whitespace-only lines, a CR inside a line, invalid JSON,
    invalid UTF-8, a line longer than a 1 KiB block, and no newline after the last line."""
    long_text = "很长的一句话。" * 200  # about 4 KiB of UTF-8
    lines = [
        b'\xef\xbb\xbf{"id": "a", "channel": "phone"}\n',
        b"\n",
        b"   \t\n",
        b'{"id": "b",\r"channel": "chat"}\r\n',
        b'{"id": "c", "channel": \n',
        b'{"id": "\xff"}\n',
        ('{"id": "d", "channel": "chat", "events": [{"type": "utterance", "speaker": "agent", "text": "%s"}]}\n'
         % long_text).encode(),
        b'{"id": "e", "channel": "phone"}',
    ]
    path.write_bytes(b"".join(lines))
    return path


@pytest.mark.parametrize("size", [1, 2, 256])
def test_spans_give_exactly_the_records_of_input_records(tmp_path: Path, size: int) -> None:
    path = _tricky_jsonl(tmp_path / "tricky.jsonl")
    paths = [path, tmp_path / "missing.jsonl", EXAMPLES / "visits.json", path]
    tasks = list(parallel._tasks(paths, size))
    units = [u for task in tasks for u in parallel._unpack_units(task)]
    assert units == [_decoded(u) for u in input_records(paths, decode=False)]
    assert [u[0].line for u in units[:6] if not isinstance(u, InputProblem)] == [1, 4, 7, 8]
    assert [str(u) for u in units[:6] if isinstance(u, InputProblem)] == [
        f"{path}:5:24: invalid JSON: unexpected end of data",  # at the end of the line
        f"{path}:6: invalid JSON: not UTF-8 text",
    ]
    # The main process sent where the lines are, not the lines.
    spans = [t[0][0] for t in tasks if isinstance(t[0][0], parallel.Span)]
    assert sum(s.length for s in spans) == 2 * path.stat().st_size
    assert len(pickle.dumps(spans)) < path.stat().st_size


@pytest.mark.parametrize("size", [1, 2, 256])
def test_blocks_give_the_records_spans_give(tmp_path: Path, size: int) -> None:
    path = _tricky_jsonl(tmp_path / "tricky.jsonl")
    spans = _units(parallel._spans(path, size << 10))
    blocks = _units(parallel._blocks(path, size << 10))
    assert spans == blocks == [_decoded(u) for u in input_records([path], decode=False)]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_sent_in_blocks_as_it_cannot_be_read_twice(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    content = _tricky_jsonl(tmp_path / "tricky.jsonl").read_bytes()
    writer = threading.Thread(target=fifo.write_bytes, args=(content,))
    writer.start()
    try:
        tasks = list(parallel._spans(fifo, 1024))
    finally:
        writer.join()
    assert all(isinstance(t[0], parallel.Block) for t in tasks)
    units = _units(tasks)
    expected = [_decoded(u) for u in input_records([tmp_path / "tricky.jsonl"], decode=False)]
    assert units == [_renamed(u, str(fifo)) for u in expected]


def _units(cuts: Iterable[tuple[parallel.Span | parallel.Block | InputProblem]]) -> list[parallel.Unit]:
    """The records of `_spans` or `_blocks` of a readable file, as a worker reads them."""
    units: list[parallel.Unit] = []
    for (cut,) in cuts:
        assert not isinstance(cut, InputProblem)
        units += cut.units()
    return units


def _renamed(unit: parallel.Unit, name: str) -> parallel.Unit:
    if isinstance(unit, InputProblem):
        return dataclasses.replace(unit, location=dataclasses.replace(unit.location, file=name))
    return (dataclasses.replace(unit[0], file=name), unit[1])


def test_a_span_of_a_file_cut_short_after_it_was_scanned_says_so(tmp_path: Path) -> None:
    path = _tricky_jsonl(tmp_path / "tricky.jsonl")
    (first,), (second,), (third,) = parallel._spans(path, 1024)
    assert isinstance(first, parallel.Span) and isinstance(second, parallel.Span) and isinstance(third, parallel.Span)
    assert [(s.first, s.last) for s in (first, second, third)] == [(1, 6), (7, 7), (8, 8)]
    with path.open("r+b") as handle:
        handle.truncate(second.offset + 10)
    assert _units([(first,)]) == [_decoded(u) for u in input_records([path], decode=False)][:4]
    (problem,) = second.units()
    assert isinstance(problem, InputProblem)
    assert str(problem) == (
        f"{path}:7: the file changed during the audit: it is shorter than when it began (line 7 not audited)"
    )
    assert problem.text("zh") == "审核期间文件被改动：比审核开始时短（第 7 行未审核）"
    path.unlink()
    (gone,) = first.units()
    assert str(gone) == f"{path}:1: cannot read: No such file or directory (lines 1-6 not audited)"
    assert gone.text("zh") == "无法读取：文件或目录不存在（第 1-6 行未审核）"


def test_a_span_of_a_file_replaced_after_it_was_scanned_is_not_read_from_the_new_file(tmp_path: Path) -> None:
    path = tmp_path / "calls.jsonl"
    path.write_bytes(b"".join(b'{"id": "c%d", "channel": "phone"}\n' % i for i in range(7)))
    spans = _spans_of(path, 100)  # three 33-byte lines each, one for the last
    assert len(spans) > 2
    # An export written elsewhere and renamed onto the file, as exporters do.
    (tmp_path / "new.jsonl").write_bytes(b'{"id": "other", "channel": "chat", "tags": ["a", "b", "c", "d"]}\n' * 6)
    os.replace(tmp_path / "new.jsonl", path)
    said = [str(u) for span in spans for u in span.units()]
    lines = [f"line {s.first}" if s.first == s.last else f"lines {s.first}-{s.last}" for s in spans]
    assert lines == ["lines 1-3", "lines 4-6", "line 7"]
    assert said == [f"{path}:{s.first}: the file was replaced during the audit ({n} not audited)" for s, n in zip(spans, lines)]


@pytest.mark.parametrize("size", [16, 64, 1024])
def test_spans_cover_every_line_once(tmp_path: Path, size: int) -> None:
    path = _tricky_jsonl(tmp_path / "tricky.jsonl")
    covered = [line for s in _spans_of(path, size) for line in range(s.first, s.last + 1)]
    assert covered == list(range(1, path.read_bytes().count(b"\n") + 2))  # the last line has no line end


def _spans_of(path: Path, size: int) -> list[parallel.Span]:
    spans: list[parallel.Span] = []
    for (span,) in parallel._spans(path, size):
        assert isinstance(span, parallel.Span)
        spans.append(span)
    return spans


def _decoded(unit: parallel.Unit) -> parallel.Unit:
    """A unit as the worker audits it (what `parallel._items` does before building)."""
    if isinstance(unit, InputProblem):
        return unit
    record = decode_record(*unit)
    return record if isinstance(record, InputProblem) else (unit[0], record)


@pytest.mark.parametrize("cut", [parallel._spans, parallel._blocks])
def test_a_file_that_cannot_be_read_gives_the_error_of_input_records(tmp_path: Path, cut: Any) -> None:
    directory = tmp_path / "odd.jsonl"
    directory.mkdir()
    (blocked,) = cut(directory, 1024)
    assert str(blocked[0]) == f"{directory}: cannot read: Is a directory"
    with pytest.raises(IsADirectoryError):
        directory.open("rb")


def test_findings_come_back_from_workers_unchanged_whether_packed_as_rows_or_whole() -> None:
    rules = load_rules([], load_standards([]))
    auditor = Auditor(rules)
    results = list(auditor.outcomes(read_inputs([EXAMPLES], auditor.text_of)))
    audited = [r for r in results if isinstance(r, Outcome) and r.findings]
    assert audited
    # A finding a row cannot carry (here: waived) is sent whole instead.
    odd = dataclasses.replace(audited[0].findings[0], status=Status.WAIVED)
    results.append(dataclasses.replace(audited[0], id="odd", findings=[odd]))
    packed = parallel._pack_outcomes(results)
    assert sum(len(p) == 1 for p in packed) == 1 + sum(isinstance(r, InputProblem) for r in results)
    whole, rows = parallel._Sequencer(), parallel._Sequencer()
    expected = [whole.place(r if isinstance(r, InputProblem) else parallel._audited(r)) for r in results]
    got = [rows.place_packed(p) for p in pickle.loads(pickle.dumps(packed))]
    assert [_comparable(o) for o in got] == [_comparable(o) for o in expected]


def _comparable(item: Outcome | InputProblem) -> object:
    if isinstance(item, InputProblem):
        return item
    return (item.id, item.location, item.ordinal, item.findings, item.problems, item.applied)
