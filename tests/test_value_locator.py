"""Problems inside an interaction are located at the value at fault (`interactions.ValueLocator`):
in a .json file, not at the line where the interaction starts; in JSON Lines, at its column."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from svccheck import interactions, parallel
from svccheck.interactions import ValueLocator, read_inputs
from svccheck.model import InputProblem, SourceLocation
from svccheck.rules import load_rules

PRETTY = """\
[
  {
    "id": "ok",
    "channel": "phone"
  },
  {
    "id": "bad-at",
    "channel": "phone",
    "events": [
      {"type": "ring", "at": 0},
      {"type": "answer", "at": -3}
    ]
  },
  {
    "id": "bad-speaker",
    "channel": "chat",
    "events": [
      {"type": "utterance", "speaker": "robot", "text": "hi"}
    ]
  },
  {
    "id": "late-first",
    "channel": "phone",
    "events": [{"type": "ring", "at": 9},
               {"type": "answer", "at": 4}]
  },
  {
    "id": "bad-due",
    "channel": "delivery",
    "started_at": "2026-03-02T09:00:00+08:00",
    "events": [{"type": "promise", "id": "p", "due": "2026-02-30T10:00:00+08:00"}]
  },
  {
    "id": "bad-start",
    "channel": "phone",
    "started_at": "2026-02-30T10:00:00+08:00"
  },
  {"channel": "phone"}
]
"""



def _at(line: int, value: str) -> str:
    """`line:column` of where `value` is written on that line of PRETTY."""
    return f"{line}:{PRETTY.splitlines()[line - 1].index(value) + 1}"


EXPECTED = [
    # where the value each problem is about is written; the last has no id: where it starts
    f"f.json:{_at(11, '-3')}: interaction bad-at: events[1].at: -3 is less than the minimum of 0",
    "f.json:" + _at(18, '"robot"') + ": interaction bad-speaker: events[0].speaker: 'robot' is not one of "
    "['agent', 'customer', 'system']",
    f"f.json:{_at(25, '4}')}: interaction late-first: events[1] at 4 is earlier than events[0] at 9: "
    "events must be in time order",
    "f.json:" + _at(31, '"2026') + ": interaction bad-due: events[0].due: '2026-02-30T10:00:00+08:00' is not an "
    "ISO 8601 datetime",
    "f.json:" + _at(36, '"2026') + ": interaction bad-start: started_at: '2026-02-30T10:00:00+08:00' is not an "
    "ISO 8601 datetime",
    f"f.json:{_at(38, '{')}: 'id' is a required property",
]


def _problems(path: Path) -> list[str]:
    found = [item for item in read_inputs([path]) if isinstance(item, InputProblem)]
    return [str(p).replace(str(path.parent) + "/", "") for p in found]


@pytest.fixture
def pretty(tmp_path: Path) -> Path:
    path = tmp_path / "f.json"
    path.write_text(PRETTY, encoding="utf-8")
    return path


def test_problems_point_at_the_value_at_fault(pretty: Path) -> None:
    assert _problems(pretty) == EXPECTED
    # and not where each interaction starts
    assert EXPECTED[0].startswith("f.json:11:") and not EXPECTED[0].startswith("f.json:6:3:")


def test_reading_in_small_pieces_finds_the_same_places(pretty: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The locator reads on when an interaction goes on beyond what it has read.
    monkeypatch.setattr(ValueLocator, "_CHUNK", 7)
    assert _problems(pretty) == EXPECTED


def test_the_streamed_reader_of_large_files_locates_alike(pretty: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(interactions, "STREAM_JSON_BYTES", 0)
    monkeypatch.setattr(interactions, "STREAM_CHUNK", 64)
    assert _problems(pretty) == EXPECTED


def test_several_interactions_on_one_line_and_a_bom_and_crlf(tmp_path: Path) -> None:
    records = [{"id": "a", "channel": "x", "events": [{"type": "ring", "at": -1}]},
               {"id": "b", "channel": "x", "events": [{"type": "ring", "at": -2}]}]
    text = json.dumps(records)
    path = tmp_path / "f.json"
    path.write_bytes(b"\xef\xbb\xbf" + ("\r\n" + text + "\r\n").encode())
    first, second = text.index("-1") + 1, text.index("-2") + 1
    assert _problems(path) == [
        f"f.json:2:{first}: interaction a: events[0].at: -1 is less than the minimum of 0",
        f"f.json:2:{second}: interaction b: events[0].at: -2 is less than the minimum of 0",
    ]


def test_a_key_given_twice_is_located_where_decoding_took_it_from(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    last = ' "events": [{"type": "ring", "at": -1}]}'
    path.write_text('{"id": "a", "channel": "x",\n "events": [],\n' + last, encoding="utf-8")
    column = last.index("-1") + 1
    assert _problems(path) == [f"f.json:3:{column}: interaction a: events[0].at: -1 is less than the minimum of 0"]


def test_json_lines_get_the_column_of_the_value(tmp_path: Path) -> None:
    second = '{"id": "a", "channel": "x", "events": [{"type": "ring", "at": -1}]}'
    path = tmp_path / "f.jsonl"
    path.write_text('{"id": "ok", "channel": "x"}\n' + second + '\n{"channel": "x"}\n', encoding="utf-8")
    column = second.index("-1") + 1
    assert _problems(path) == [
        f"f.jsonl:2:{column}: interaction a: events[0].at: -1 is less than the minimum of 0",
        "f.jsonl:3: 'id' is a required property",  # about the whole interaction: its line
    ]


def test_a_value_no_longer_there_leaves_the_problem_where_it_was(pretty: Path) -> None:
    problem = InputProblem(SourceLocation(str(pretty), 6, 3), "events[7].at: gone", "bad-at", path=("events", 7, "at"))
    moved = InputProblem(SourceLocation(str(pretty), 6, 3), "events[1].at: here", "bad-at", path=("events", 1, "at"))
    locate = ValueLocator()
    try:
        assert locate(problem) == problem
        assert locate(moved).location == SourceLocation(str(pretty), 11, 32)
        assert locate(InputProblem(SourceLocation(str(pretty.parent / "gone.json"), 1, 1), "x", path=("id",))).location.line == 1
    finally:
        locate.close()


def test_worker_processes_give_the_same_places(pretty: Path) -> None:
    rules = load_rules([])
    local = [str(p) for p in parallel.outcomes([pretty], rules, "en", jobs=1) if isinstance(p, InputProblem)]
    workers = [str(p) for p in parallel.outcomes([pretty], rules, "en", jobs=2, min_bytes=0) if isinstance(p, InputProblem)]
    assert workers == local and len(local) == len(EXPECTED)


def _random_value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(7 if depth < 4 else 4)
    if kind == 0:
        return rng.choice([0, -3, 12.5, 1e16, True, False, None])
    if kind == 1:
        return rng.choice(["", "a", '引号"里', "back\\slash", "换\n行", "é", "\u2028", "{[,:]}"])
    if kind in (2, 3):
        return rng.randrange(100)
    if kind == 4:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(["id", "at", "events", "键", "a b", "x-y", '"q"']) + str(rng.randrange(3)): _random_value(rng, depth + 1)
            for _ in range(rng.randrange(4))}


def _paths(value: object, prefix: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], object]]:
    found: list[tuple[tuple[str | int, ...], object]] = [(prefix, value)]
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, member in items:
        found += _paths(member, (*prefix, key))
    return found


@pytest.mark.parametrize("seed", range(40))
def test_the_place_found_holds_the_value_at_the_path_however_it_is_written(seed: int) -> None:
    rng = random.Random(seed)
    value = {"id": "r", "events": [_random_value(rng) for _ in range(3)], "k": _random_value(rng)}
    text = "  " + json.dumps(value, ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 1, 4]),
                             separators=rng.choice([None, (",", ":"), (" ,", " : ")])) + "\n"
    decoder = json.JSONDecoder()
    for path, expected in _paths(value):
        at = interactions._value_at(text, 2, path)
        assert at is not None and decoder.raw_decode(text, at)[0] == expected, path
        # Cut short, the text either still holds the answer, or says it ends too soon: never a
        # wrong place.
        cut = rng.randrange(len(text))
        try:
            short = interactions._value_at(text[:cut], 2, path)
        except (IndexError, ValueError):
            continue
        assert short == at, (path, cut)
    assert interactions._value_at(text, 2, ("no such key",)) is None
    assert interactions._value_at(text, 2, ("events", 3)) is None


def test_the_json_report_gives_the_line_and_column_of_the_value(pretty: Path) -> None:
    from svccheck.formatters.json_format import error_dict
    from svccheck.parallel import audit_paths

    report = audit_paths([pretty], load_rules([]))
    first = error_dict(report.errors[0])
    assert list(first) == ["file", "line", "column", "interaction", "message"]
    assert (first["line"], first["column"]) == (11, PRETTY.splitlines()[10].index("-3") + 1)
    assert {e.location.file for e in report.errors} == {str(pretty)}
