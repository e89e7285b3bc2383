"""Streaming: inputs are read lazily, audited in bounded batches, and --format jsonl writes
findings as their interactions are audited, keeping only counters."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from svccheck import audit as audit_module
from svccheck.audit import BATCH, Auditor, Outcome, Tally, build_report, stream_report, summary_exit_code
from svccheck.cli import main
from svccheck.formatters import jsonl
from svccheck.interactions import RawLine, decode_record, input_records, read_inputs
from svccheck.model import InputProblem, Interaction, Severity, SourceLocation
from svccheck.rules import load_rules
from svccheck.standards import load_standards

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def rules() -> list[object]:
    return load_rules([], load_standards([]))


def _phone(number: int, rings: int) -> str:
    return json.dumps({"id": f"p{number}", "channel": "phone", "metrics": {"rings": rings}}) + "\n"


def test_jsonl_input_is_read_one_line_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "calls.jsonl"
    path.write_text(_phone(1, 1) + _phone(2, 5), encoding="utf-8")
    items = read_inputs([path])
    first = next(items)
    assert isinstance(first, Interaction) and first.id == "p1"
    with path.open("a", encoding="utf-8") as handle:  # appended after reading began: still seen
        handle.write(_phone(3, 2))
    assert [i.id for i in items if isinstance(i, Interaction)] == ["p2", "p3"]


def test_raw_lines_decode_where_they_are_audited(tmp_path: Path) -> None:
    path = tmp_path / "calls.jsonl"
    path.write_bytes(b'\xef\xbb\xbf' + _phone(1, 1).encode() + b"\n{oops\n")
    units = list(input_records([path], decode=False))
    assert [(u[0].line, type(u[1])) for u in units] == [(1, RawLine), (3, RawLine)]  # type: ignore[index]
    location, raw = units[0]  # type: ignore[misc]
    assert decode_record(location, raw) == {"id": "p1", "channel": "phone", "metrics": {"rings": 1}}
    bad = decode_record(SourceLocation(str(path), 3), units[1][1])  # type: ignore[index]
    assert isinstance(bad, InputProblem) and str(bad) == f"{path}:3:2: invalid JSON: unexpected character, expected a string key"


def test_outcomes_hold_at_most_one_batch(rules: list[object]) -> None:
    pulled = 0

    def interactions() -> Iterator[Interaction]:
        nonlocal pulled
        for number in range(3 * BATCH):
            pulled += 1
            yield Interaction(id=f"i{number}", channel="phone", location=SourceLocation("x"), ordinal=number)

    outcomes = Auditor(rules).outcomes(interactions())  # type: ignore[arg-type]
    first = next(outcomes)
    assert isinstance(first, Outcome) and first.id == "i0"
    assert pulled == BATCH
    assert len(list(outcomes)) == 3 * BATCH - 1


def test_stream_report_hands_on_findings_before_reading_further(rules: list[object]) -> None:
    events: list[str] = []
    auditor = Auditor(rules)  # type: ignore[arg-type]

    def outcomes() -> Iterator[Outcome | InputProblem]:
        for number, rings in enumerate((5, 1, 6)):
            events.append(f"audit {number}")
            yield auditor.audit(Interaction(id=f"i{number}", channel="phone", location=SourceLocation("x"),
                                            ordinal=number, metrics={"rings": rings}))
        events.append("problem")
        yield InputProblem(SourceLocation("x", 9), "bad")

    summary = stream_report(outcomes(), lambda f: events.append(f"finding {f.interaction}"),
                            lambda p: events.append(f"error {p.message}"))
    assert events == ["audit 0", "finding i0", "audit 1", "audit 2", "finding i2", "problem", "error bad"]
    assert (summary.interactions, summary.clean, summary.findings, summary.errors) == (3, 1, 2, 1)
    assert summary_exit_code(summary, Severity.MAJOR) == 3


def test_streamed_summary_equals_the_built_report_summary(rules: list[object]) -> None:
    paths = [EXAMPLES]
    report = build_report(Auditor(rules).outcomes(read_inputs(paths)), rules, Severity.MINOR, "en")  # type: ignore[arg-type]
    findings: list[object] = []
    errors: list[object] = []
    summary = stream_report(Auditor(rules).outcomes(read_inputs(paths)), findings.append, errors.append)  # type: ignore[arg-type]
    assert summary == report.summary
    assert tuple(findings) == report.findings and tuple(errors) == report.errors
    assert summary_exit_code(summary, Severity.MINOR) == audit_module.exit_code(report) == 3


def test_summary_exit_code_thresholds() -> None:
    tally = Tally()
    summary = tally.summary()
    assert summary_exit_code(summary, Severity.INFO) == 0
    tally.by_severity["minor"] = 2
    assert summary_exit_code(tally.summary(), Severity.MAJOR) == 0
    assert summary_exit_code(tally.summary(), Severity.MINOR) == 1


def test_cli_jsonl_stream_has_the_bytes_of_a_rendered_report(tmp_path: Path) -> None:
    streamed = CliRunner().invoke(main, ["audit", str(EXAMPLES), "--format", "jsonl"])
    out = tmp_path / "r.jsonl"
    both = CliRunner().invoke(main, ["audit", str(EXAMPLES), "--format", "jsonl", "--output", str(out),
                                     "--format", "json", "--output", str(tmp_path / "r.json")])
    assert streamed.exit_code == both.exit_code == 3
    assert streamed.stdout == out.read_text(encoding="utf-8")
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    lines = [json.loads(line) for line in streamed.stdout.splitlines()]
    assert [{k: v for k, v in line.items() if k != "type"} for line in lines if line["type"] == "finding"] == report["findings"]
    assert {k: v for k, v in lines[-1].items() if k != "type"} == report["summary"]


def test_cli_jsonl_does_not_build_a_report(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_report(*args: object, **kwargs: object) -> None:
        raise AssertionError("--format jsonl built a whole report")

    from svccheck import parallel

    monkeypatch.setattr(parallel, "build_report", no_report)
    monkeypatch.setattr(audit_module, "build_report", no_report)
    result = CliRunner().invoke(main, ["audit", str(EXAMPLES / "phone-calls.json"), "--format", "jsonl"])
    assert result.exit_code == 1, result.stderr
    assert json.loads(result.stdout.splitlines()[-1])["type"] == "summary"


def test_jsonl_writer_keeps_no_reference_to_findings(rules: list[object]) -> None:
    auditor = Auditor(rules)  # type: ignore[arg-type]
    finding = auditor.audit(Interaction(id="i", channel="phone", location=SourceLocation("x"), ordinal=0,
                                        metrics={"rings": 9})).findings[0]
    out = io.StringIO()
    writer = jsonl.JsonlWriter(out, Severity.MAJOR)
    before = sys.getrefcount(finding)
    for _ in range(200):
        writer.finding(finding)
    assert sys.getrefcount(finding) == before
    assert len(out.getvalue().splitlines()) == 200 and writer.failing == 200


# --- large .json files are read in chunks -------------------------------------------------------

UNREADABLE_DOCUMENTS = {
    # What JSON Lines (orjson) rejects is a per-record error in a .json file too; the rest is read.
    "constants": '[{"id": "n1", "metrics": {"rings": NaN}}, {"id": "n2", "metrics": {"r": -Infinity}},\n'
                 ' {"id": "ok", "channel": "phone"}, {"id": "n3", "metrics": {"r": 1e400}}, 7, Infinity]',
    "big int": '[{"id": "i1", "metrics": {"rings": 123456789012345678901234567890}}, {"id": "ok", "channel": "chat"}]',
    "surrogate": '[{"id": "s1", "text": "a \\ud800 b"}, {"id": "ok", "channel": "chat", "x-t": "\\ud83d\\ude00 \\\\ud800"}]',
    "deep": '[{"id": "d1", "x-deep": ' + "[" * 3000 + "]" * 3000 + '},\n{"id": "ok", "channel": "phone"}]',
    "deep document": "[" * 3000 + "]" * 3000,
    "wrapper with more keys": '{"source": "x", "interactions": [{"id": "ok", "channel": "phone"}], "n": NaN}',
}


@pytest.mark.parametrize("name", UNREADABLE_DOCUMENTS)
def test_what_json_lines_rejects_is_a_record_error_in_a_json_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / "doc.json"
    path.write_text(UNREADABLE_DOCUMENTS[name], encoding="utf-8")
    got = [line.replace(str(path), "F") for line in _describe([path])]
    expected = {
        "constants": [
            "F:1:2: invalid JSON: NaN is not a JSON number",
            "F:1:43: invalid JSON: -Infinity is not a JSON number",
            "ok@F:2:2",
            "F:2:36: invalid JSON: number 1e400 is out of range",
            "F:2:75: 7 is not of type 'object'",
            "F:2:78: invalid JSON: Infinity is not a JSON number",
        ],
        "big int": ["F:1:2: invalid JSON: number 12345678901234567890... is out of range", "ok@F:1:70"],
        "surrogate": [
            "F:1:2: invalid JSON: a string holds a lone surrogate (\\ud800-\\udfff): not Unicode text", "ok@F:1:38",
        ],
        "deep": ["F:1:2: invalid JSON: nested too deeply", "ok@F:2:1"],
        "deep document": ["F:1:2: invalid JSON: nested too deeply"],
        "wrapper with more keys": [
            "ok@F:1:34",
            "F:1:1: a document {\"interactions\": [...]} may hold no other key, found 'source' and 1 more;"
            " its interactions were audited, the rest was not",
        ],
    }[name]
    assert got == expected


JSON_DOCUMENTS = [
    *UNREADABLE_DOCUMENTS.values(),
    '[{"id": "a", "channel": "phone"},\n  {"id": "b", "channel": "chat", "metrics": {"rings": 12345}}\n]\n',
    '{"source": "x", "interactions": [\n{"id": "a", "channel": "phone"}, {"id": "b",\n "channel": "email"}],\n "n": 2}',
    '\ufeff  {"id": "solo", "channel": "visit", "checklist": {"staff_groomed": false}}\n',
    '{"id": "solo", "channel": "visit", "interactions": 3}',
    "",
    "   \n  ",
    "[]",
    "{}",
    '[{"id": "a", "channel": "phone"},\n {"id": "b", "channel": }]',
    '[{"id": "a", "channel": "phone"}]\n[1]',
    '[{"id": "a", "channel": "phone"} {"id": "b"}]',
    '[{"id": "a", "channel": "ph\none"}]',
    '"just a string"',
    '[{"id": "a", "channel": "phone", "metrics": {"x": 1.5e3}}, 12345678901234567890]',
    '[{"id": "a", "channel": "电话"},\r\n{"id": "文", "channel": "chat"}]',
]


def _describe(paths: list[Path]) -> list[str]:
    return [str(i) if isinstance(i, InputProblem) else f"{i.id}@{i.location}" for i in read_inputs(paths)]


@pytest.mark.parametrize("chunk", [3, 64])
@pytest.mark.parametrize("document", JSON_DOCUMENTS)
def test_chunked_json_reading_gives_what_whole_file_reading_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, document: str, chunk: int
) -> None:
    from svccheck import interactions

    path = tmp_path / "doc.json"
    path.write_text(document, encoding="utf-8")
    whole = _describe([path])
    monkeypatch.setattr(interactions, "STREAM_JSON_BYTES", 0)
    monkeypatch.setattr(interactions, "STREAM_CHUNK", chunk)
    assert _describe([path]) == whole


def test_chunked_json_reading_of_the_examples_and_bad_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from svccheck import interactions

    bad = tmp_path / "bad.json"
    bad.write_bytes(b'[{"id": "a", "channel": "phone"}, {"id": "\xff"}]')
    paths = sorted(EXAMPLES.rglob("*.json")) + [bad]
    whole = _describe(paths)
    monkeypatch.setattr(interactions, "STREAM_JSON_BYTES", 0)
    monkeypatch.setattr(interactions, "STREAM_CHUNK", 100)
    assert _describe(paths) == whole
    assert whole[-1] == f"{bad}:1:43: not UTF-8 text"  # line and column (in bytes) of the first bad byte


def test_chunked_json_holds_a_window_not_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from svccheck import interactions

    record = json.dumps({"id": "x", "channel": "chat", "events": [{"type": "utterance", "speaker": "agent", "text": "好" * 50}]})
    path = tmp_path / "big.json"
    path.write_text("[\n" + ",\n".join(record.replace('"x"', f'"x{n}"') for n in range(2000)) + "\n]\n", encoding="utf-8")
    monkeypatch.setattr(interactions, "STREAM_CHUNK", 4096)
    scanner = interactions._StreamScanner(path.open(encoding="utf-8", newline=""), str(path))
    widest = 0
    for number, (location, value) in enumerate(scanner.document()):
        assert (value["id"], location.line, location.column) == (f"x{number}", number + 2, 1)
        widest = max(widest, len(scanner.text))
    assert widest <= 2 * 4096 + len(record) + 16


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64])
def test_a_non_utf8_byte_is_located_alike_in_small_and_chunked_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    from svccheck import interactions

    bad = tmp_path / "bad.json"
    line3 = b' {"id": "b", "x-n": "' + "好好 ".encode() + b'\xff"}]'
    bad.write_bytes(b'\xef\xbb\xbf[{"id": "' + "电话".encode() + b'", "channel": "phone"},\n\n' + line3)
    whole = _describe([bad])
    assert whole == [f"{bad}:3:29: not UTF-8 text"]  # column in bytes: 21, then 好好 (6) and a space
    monkeypatch.setattr(interactions, "STREAM_JSON_BYTES", 0)
    monkeypatch.setattr(interactions, "STREAM_CHUNK", chunk)
    assert _describe([bad]) == whole
