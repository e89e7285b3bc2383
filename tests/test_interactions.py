"""Reading interactions (svccheck.interactions): every input form, every bad-input path.

Each record yields exactly one item, in input order: an `Interaction`, or an `InputProblem`
naming the file, the line (and column for .json) and the interaction id when known.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pytest

from conftest import INVALID
from svccheck.interactions import build_interaction, read_inputs
from svccheck.model import InputProblem, Interaction, SourceLocation

PHONE = '{"id": "%s", "channel": "phone"}'


def _write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def _items(*paths: Path) -> list[str]:
    """Each item as `id@location` or the problem's text, with the tmp directory cut off."""
    out = []
    for item in read_inputs(paths):
        text = f"{item.id}@{item.location}" if isinstance(item, Interaction) else str(item)
        for path in paths:
            text = text.replace(str(path.parent) + os.sep, "")
        out.append(text)
    return out


def _one(record: Mapping[str, object]) -> Interaction | InputProblem:
    return build_interaction({"id": "i1", "channel": "phone", **record}, SourceLocation("f.json", 3), 0)


# --- input forms -------------------------------------------------------------------------------------


def test_a_json_array_keeps_each_elements_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.json", "[\n  %s,\n    %s\n]\n" % (PHONE % "a", PHONE % "b"))
    assert _items(path) == ["a@a.json:2:3", "b@a.json:3:5"]


def test_an_interactions_wrapper(tmp_path: Path) -> None:
    path = _write(tmp_path / "w.json", '{"interactions": [\n  %s,\n  %s\n]}' % (PHONE % "a", PHONE % "b"))
    assert _items(path) == ["a@w.json:2:3", "b@w.json:3:3"]


def test_a_single_interaction(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.json", "\n  " + PHONE % "a")
    assert _items(path) == ["a@s.json:2:3"]


def test_an_empty_array_is_no_interaction_and_no_problem(tmp_path: Path) -> None:
    assert _items(_write(tmp_path / "e.json", "[ ]")) == []


def test_json_lines_keep_line_numbers_and_skip_blank_lines(tmp_path: Path) -> None:
    path = _write(tmp_path / "l.jsonl", "%s\n\n  \n%s\n" % (PHONE % "a", PHONE % "b"))
    assert _items(path) == ["a@l.jsonl:1", "b@l.jsonl:4"]


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    bom = b"\xef\xbb\xbf"
    json_path = _write(tmp_path / "b.json", bom + (PHONE % "a").encode())
    jsonl_path = _write(tmp_path / "b.jsonl", bom + (PHONE % "b").encode() + b"\n")
    assert _items(json_path, jsonl_path) == ["a@b.json:1:1", "b@b.jsonl:1"]


def test_directories_are_searched_recursively_in_sorted_order(tmp_path: Path) -> None:
    _write(tmp_path / "in" / "z.json", PHONE % "z")
    _write(tmp_path / "in" / "sub" / "a.jsonl", PHONE % "a")
    _write(tmp_path / "in" / "m.jsonl", PHONE % "m")
    _write(tmp_path / "in" / "notes.txt", "not an input")
    items = [str(i) if isinstance(i, InputProblem) else i.id for i in read_inputs([tmp_path / "in"])]
    assert items == ["m", "a", "z"]  # m.jsonl < sub/a.jsonl < z.json


def test_several_paths_keep_the_order_given_and_ordinals_count_interactions(tmp_path: Path) -> None:
    second = _write(tmp_path / "b.json", "[%s, %s]" % (PHONE % "b1", PHONE % "b2"))
    first = _write(tmp_path / "a.jsonl", (PHONE % "a1") + "\n{bad\n")
    items = list(read_inputs([second, first]))
    assert [(i.id, i.ordinal) for i in items if isinstance(i, Interaction)] == [("b1", 0), ("b2", 1), ("a1", 2)]
    assert isinstance(items[-1], InputProblem)


# --- bad input: files -------------------------------------------------------------------------------


def test_a_missing_file(tmp_path: Path) -> None:
    assert _items(tmp_path / "nope.json") == ["nope.json: no such file or directory"]


def test_an_empty_id_is_not_shown_as_an_interaction_label() -> None:
    assert str(_one({"id": ""})) == "f.json:3: id: '' should be non-empty"


def test_standard_input_is_named_as_such() -> None:
    assert [str(i) for i in read_inputs([Path("-")])] == ["-: standard input is not read: save it to a .json or .jsonl file"]


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"started_at": "2026-03-02"}, "started_at: '2026-03-02' is not an ISO 8601 datetime with an offset (e.g. 2026-03-02T18:00:00+08:00)"),
        ({"events": [{"type": "answer", "at": "9:00"}]}, "events[0].at: '9:00' is not an ISO 8601 datetime with an offset (e.g. 2026-03-02T18:00:00+08:00) or a number of seconds since the start"),
    ],
)
def test_a_time_field_says_what_it_may_hold(record: dict[str, object], message: str) -> None:
    assert str(_one(record)).endswith(message)


def test_a_symbolic_link_loop_is_not_called_missing(tmp_path: Path) -> None:
    (tmp_path / "loop.json").symlink_to(tmp_path / "loop.json")
    assert _items(tmp_path / "loop.json") == ["loop.json: cannot read: Too many levels of symbolic links"]


def test_extensions_are_recognised_in_any_case(tmp_path: Path) -> None:
    # Exports from Windows tools say .JSON and .Jsonl; a directory must not skip them silently.
    _write(tmp_path / "in" / "UP.JSON", PHONE % "up")
    _write(tmp_path / "in" / "sub" / "b.Jsonl", (PHONE % "b1") + "\n" + (PHONE % "b2") + "\n")
    items = [str(i) if isinstance(i, InputProblem) else f"{i.id}:{i.location.line}" for i in read_inputs([tmp_path / "in"])]
    assert items == ["up:1", "b1:1", "b2:2"]  # UP.JSON < sub/b.Jsonl; the .Jsonl file read as JSON Lines


def test_a_directory_without_inputs_even_if_named_like_one(tmp_path: Path) -> None:
    (tmp_path / "x.json").mkdir()
    assert _items(tmp_path / "x.json") == ["x.json: directory has no .json or .jsonl files"]


def test_a_fifo_inside_a_directory_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "in.json")
    assert _items(tmp_path) == [f"{tmp_path.name}: directory has no .json or .jsonl files"]


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: chmod 000 does not stop root from reading")
@pytest.mark.parametrize("name", ["locked.json", "locked.jsonl"])
def test_an_unreadable_file(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path / name, PHONE % "a")
    path.chmod(0)
    try:
        assert _items(path) == [f"{name}: cannot read: Permission denied"]
    finally:
        path.chmod(0o600)


@pytest.mark.parametrize("name", ["locked.json", "locked.jsonl"])
def test_a_read_error_is_an_input_problem(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same path as chmod 000 for a non-root user, forced so it also runs as root."""
    path = _write(tmp_path / name, PHONE % "a")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(Path, "open", refuse)
    assert _items(path) == [f"{name}: cannot read: Permission denied"]


def test_an_empty_file(tmp_path: Path) -> None:
    assert _items(_write(tmp_path / "e.json", "")) == ["e.json:1:1: invalid JSON: Expecting value (the file is empty)"]


def test_an_empty_json_lines_file_has_no_records(tmp_path: Path) -> None:
    assert _items(_write(tmp_path / "e.jsonl", "\n\n")) == []


def test_malformed_json_keeps_the_interactions_before_it(tmp_path: Path) -> None:
    path = _write(tmp_path / "m.json", "[%s,\n %s, oops]" % (PHONE % "a", PHONE % "b"))
    assert _items(path) == ["a@m.json:1:2", "b@m.json:2:2", "m.json:2:35: invalid JSON: Expecting value"]


def test_the_shipped_malformed_json_example() -> None:
    problems = [str(i) for i in read_inputs([INVALID / "bad-json.json"])]
    assert problems == [f"{INVALID / 'bad-json.json'}:11:5: invalid JSON: Expecting value"]


def test_extra_data_after_the_document(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.json", (PHONE % "a") + " " + (PHONE % "b"))
    assert _items(path) == ["a@x.json:1:1", "x.json:1:33: invalid JSON: Extra data after the document"]


@pytest.mark.parametrize("text", ["42", '"hello"', "null", "true"])
def test_a_json_scalar(tmp_path: Path, text: str) -> None:
    assert _items(_write(tmp_path / "s.json", text)) == [
        's.json:1:1: expected an interaction, an array of them or {"interactions": [...]}'
    ]


def test_a_scalar_in_an_array_is_one_problem_among_valid_interactions(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.json", "[%s,\n 42,\n %s]" % (PHONE % "a", PHONE % "c"))
    assert _items(path) == ["a@a.json:1:2", "a.json:2:2: 42 is not of type 'object'", "c@a.json:3:2"]


def test_non_utf8_json(tmp_path: Path) -> None:
    assert _items(_write(tmp_path / "n.json", b'[{"id": "a", "channel": "\xff"}]')) == ["n.json:1:26: not UTF-8 text"]


def test_a_non_utf8_json_line_is_one_problem(tmp_path: Path) -> None:
    data = (PHONE % "a").encode() + b'\n{"id": "b", "channel": "\xff"}\n' + (PHONE % "c").encode()
    assert _items(_write(tmp_path / "n.jsonl", data)) == [
        "a@n.jsonl:1",
        "n.jsonl:2: invalid JSON: not UTF-8 text",
        "c@n.jsonl:3",
    ]


def test_a_malformed_json_line_is_one_problem(tmp_path: Path) -> None:
    path = _write(tmp_path / "m.jsonl", "%s\n{\"id\": \n%s\n" % (PHONE % "a", PHONE % "c"))
    items = _items(path)
    assert items[0] == "a@m.jsonl:1" and items[2] == "c@m.jsonl:3"
    assert items[1] == "m.jsonl:2:8: invalid JSON: unexpected end of data"  # at the end of `{"id": `


@pytest.mark.parametrize("end", [b"\n", b"\r\n"])
def test_a_json_line_cut_short_is_located_at_the_end_of_its_line(tmp_path: Path, end: bytes) -> None:
    # The parser sees the line with its line end, and said "line 2 column 1 (char 28)" of it.
    data = b'{"id": "a", "channel": "\xe7\x94\xb5\xe8\xaf\x9d"' + end + (PHONE % "c").encode() + b"\n"
    assert _items(_write(tmp_path / "cut.jsonl", data)) == [
        "cut.jsonl:1:28: invalid JSON: unexpected end of data",  # after its 27 characters (not bytes)
        "c@cut.jsonl:2",
    ]


# --- bad input: records -----------------------------------------------------------------------------


def test_the_shipped_wrong_field_example_audits_lines_1_and_3() -> None:
    path = INVALID / "wrong-field.jsonl"
    items = [f"{i.id}@{i.location}" if isinstance(i, Interaction) else str(i) for i in read_inputs([path])]
    assert items == [f"wf-01@{path}:1", f"{path}:2: interaction wf-02: 'channel' is a required property (is 'chanel' a misspelling of it?)", f"wf-03@{path}:3"]


def test_a_missing_id_and_an_id_of_the_wrong_type(tmp_path: Path) -> None:
    path = _write(tmp_path / "i.json", '[{"channel": "x"},\n {"id": 5, "channel": "x"}]')
    assert _items(path) == ["i.json:1:2: 'id' is a required property", "i.json:2:9: id: 5 is not of type 'string'"]


def test_an_unknown_top_level_key_names_the_record() -> None:
    (problem,) = read_inputs([INVALID / "unknown-key.json"])
    assert isinstance(problem, InputProblem)
    assert (problem.interaction, problem.location.line) == ("unknown-key-01", 1)
    assert "'metric'" in problem.message


def test_duplicate_ids_keep_the_first(tmp_path: Path) -> None:
    path = INVALID / "duplicate-id.json"
    first, second = read_inputs([path])
    assert isinstance(first, Interaction) and first.events[1].at == 3
    assert str(second) == f"{path}:3:3: interaction dup-01: duplicate id (first seen at {path}:2:3)"


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.jsonl", PHONE % "x")
    b = _write(tmp_path / "b.json", PHONE % "x")
    assert _items(a, b) == ["x@a.jsonl:1", "b.json:1:1: interaction x: duplicate id (first seen at a.jsonl:1)"]


def test_events_out_of_order_compare_instants() -> None:
    path = INVALID / "events-out-of-order.json"
    assert [str(i) for i in read_inputs([path])] == [
        # at the time at fault (line 7), not where the interaction starts (1:1)
        f"{path}:7:31: interaction order-01: events[1] at 2026-03-02T17:35:00+08:00 is earlier than events[0] at "
        "2026-03-02T09:40:00Z: events must be in time order"
    ]


def test_a_time_without_offset_is_rejected_naming_the_event() -> None:
    (problem,) = read_inputs([INVALID / "bad-time.json"])
    assert isinstance(problem, InputProblem)
    assert problem.interaction == "bad-time-01"
    assert problem.message.startswith("events[1].at: '2026-03-02T18:00:00' ")


def test_an_impossible_date_is_rejected_when_parsed() -> None:
    item = _one({"events": [{"type": "x", "at": "2026-13-02T10:00:00Z"}]})
    assert str(item) == "f.json:3: interaction i1: events[0].at: '2026-13-02T10:00:00Z' is not an ISO 8601 datetime"


def test_an_impossible_due_date_is_rejected_before_auditing() -> None:
    item = _one({"started_at": "2026-03-02T10:00:00Z", "events": [{"type": "promise", "id": "p", "due": "2026-02-30T10:00:00Z"}]})
    assert str(item) == "f.json:3: interaction i1: events[0].due: '2026-02-30T10:00:00Z' is not an ISO 8601 datetime"


def test_mixed_seconds_and_datetimes_need_started_at() -> None:
    events = [{"type": "ring", "at": 0}, {"type": "answer", "at": "2026-03-02T10:00:05Z"}]
    assert str(_one({"events": events})) == (
        "f.json:3: interaction i1: events mix datetimes and seconds since the start, but there is no started_at"
    )
    item = _one({"started_at": "2026-03-02T18:00:00+08:00", "events": events})
    assert isinstance(item, Interaction)
    assert [e.at for e in item.events] == [item.start, item.start + 5]


MIXED = "f.json:3: interaction i1: events mix datetimes and seconds since the start, but there is no started_at"


@pytest.mark.parametrize(
    "events",
    [
        # a datetime only as a promise's due date, seconds elsewhere
        [{"type": "ring", "at": 0}, {"type": "promise", "id": "p", "due": "2026-03-02T10:00:00Z"}],
        # a due date on an event of another type counts too
        [{"type": "x", "due": "2026-03-02T10:00:00Z"}, {"type": "ring", "at": 3}],
        # the mix is said before a bad datetime later on ...
        [{"type": "ring", "at": 0}, {"type": "answer", "at": "2026-03-02T10:00:05Z"}, {"type": "x", "at": "2026-13-02T10:00:00Z"}],
        # ... before a bad due date ...
        [{"type": "ring", "at": "2026-03-02T10:00:05Z"}, {"type": "promise", "id": "p", "due": "2026-02-30T10:00:00Z"}, {"type": "x", "at": 1}],
        # ... and before events out of order
        [{"type": "ring", "at": "2026-03-02T10:00:05Z"}, {"type": "answer", "at": "2026-03-02T10:00:00Z"}, {"type": "x", "at": 1}],
    ],
)
def test_mixed_times_are_said_first_whatever_else_is_wrong(events: list[dict[str, object]]) -> None:
    assert str(_one({"events": events})) == MIXED


def test_a_due_datetime_alone_makes_the_timeline_absolute() -> None:
    item = _one({"events": [{"type": "promise", "id": "p", "due": "2026-03-02T10:00:00Z"}, {"type": "end"}]})
    assert isinstance(item, Interaction)
    assert (item.timeline, item.start) == ("absolute", None)


# --- times ------------------------------------------------------------------------------------------


def test_offsets_compare_as_instants() -> None:
    item = _one({"events": [{"type": "a", "at": "2026-03-02T10:00:00Z"}, {"type": "b", "at": "2026-03-02T18:00:00+08:00"}]})
    assert isinstance(item, Interaction)
    assert item.timeline == "absolute" and item.start is None
    assert item.events[0].at == item.events[1].at == 1772445600.0
    assert [e.at_raw for e in item.events] == ["2026-03-02T10:00:00Z", "2026-03-02T18:00:00+08:00"]


def test_seconds_alone_are_a_relative_timeline() -> None:
    item = _one({"events": [{"type": "ring", "at": 0}, {"type": "ring", "at": 2.5}, {"type": "answer"}]})
    assert isinstance(item, Interaction)
    assert (item.timeline, item.start) == ("relative", None)
    assert [e.at for e in item.events] == [0.0, 2.5, None]


def test_seconds_count_from_started_at() -> None:
    item = _one({"started_at": "2026-03-02T18:00:00+08:00", "events": [{"type": "answer", "at": 7}]})
    assert isinstance(item, Interaction)
    assert (item.timeline, item.start, item.events[0].at) == ("absolute", 1772445600.0, 1772445607.0)


def test_equal_times_and_untimed_events_keep_order() -> None:
    events = [{"type": "a", "at": 5}, {"type": "b"}, {"type": "c", "at": 5}, {"type": "d", "at": 6}]
    assert isinstance(_one({"events": events}), Interaction)
    assert str(_one({"events": [{"type": "a", "at": 5}, {"type": "b"}, {"type": "c", "at": 4}]})) == (
        "f.json:3: interaction i1: events[2] at 4 is earlier than events[0] at 5: events must be in time order"
    )


def test_the_first_disorder_is_reported_and_a_bad_time_anywhere_comes_first() -> None:
    disordered = [{"type": "a", "at": 9}, {"type": "b", "at": 3}, {"type": "c", "at": 1}]
    assert str(_one({"events": disordered})).endswith(
        "events[1] at 3 is earlier than events[0] at 9: events must be in time order"
    )
    bad_time = [*disordered, {"type": "d", "at": "2026-02-30T00:00:00Z"}]
    problem = str(_one({"started_at": "2026-02-01T00:00:00Z", "events": bad_time}))
    assert problem.endswith("events[3].at: '2026-02-30T00:00:00Z' is not an ISO 8601 datetime"), problem


# --- the built model --------------------------------------------------------------------------------


def test_every_field_reaches_the_model() -> None:
    record = {
        "site": "s1",
        "agent": "A-1",
        "source": "crm",
        "wave": "2026-Q1",
        "tags": ["complaint", "vip"],
        "metrics": {"rings": 2, "outcome": "HANG", "vip": True},
        "checklist": {"staff_groomed": None},
        "survey": {"expected": {"empathy": 6}, "perceived": {"empathy": 5}},
        "x-crm": {"anything": [1]},
        "events": [{"type": "utterance", "speaker": "agent", "text": "您好，請稍等 ＯＫ"}, {"type": "hold", "seconds": 4}],
    }
    item = _one(record)
    assert isinstance(item, Interaction)
    assert (item.site, item.agent, item.source, item.wave) == ("s1", "A-1", "crm", "2026-Q1")
    assert item.tags == frozenset({"complaint", "vip"})
    assert dict(item.metrics) == {"rings": 2, "outcome": "HANG", "vip": True}
    assert dict(item.checklist) == {"staff_groomed": None}
    assert item.survey is not None and dict(item.survey.perceived) == {"empathy": 5}
    utterance, hold = item.events
    assert (utterance.index, utterance.speaker, utterance.text) == (0, "agent", "您好，請稍等 ＯＫ")
    assert utterance.norm_text == "您好,请稍等 ok"
    assert (hold.index, hold.norm_text, hold.data["seconds"]) == (1, "", 4)
    assert [e.index for e in item.utterances(frozenset({"customer"}))] == []


def test_every_field_of_a_record_lands_in_its_own_attribute() -> None:
    # `_build` passes the fields positionally: every one distinct here, so a swap shows.
    record = {
        "id": "r-1", "channel": "visit", "site": "S", "agent": "A", "source": "SRC", "wave": "W",
        "started_at": "2026-03-01T10:00:00+08:00", "tags": ["t"], "metrics": {"m": 1},
        "events": [{"type": "ring", "at": 2}], "checklist": {"c": True},
        "survey": {"expected": {"empathy": 5}, "perceived": {"empathy": 4}},
    }
    built = build_interaction(record, SourceLocation("f.jsonl", 3), 7)
    assert isinstance(built, Interaction)
    assert (built.id, built.channel, built.location, built.ordinal) == ("r-1", "visit", SourceLocation("f.jsonl", 3), 7)
    assert (built.site, built.agent, built.source, built.wave) == ("S", "A", "SRC", "W")
    assert (built.started_at, built.start, built.timeline) == ("2026-03-01T10:00:00+08:00", 1772330400.0, "absolute")
    assert (built.tags, built.metrics, built.checklist) == (frozenset({"t"}), {"m": 1}, {"c": True})
    assert [(e.type, e.at) for e in built.events] == [("ring", 1772330402.0)]
    assert built.survey is not None and (built.survey.expected, built.survey.perceived) == ({"empathy": 5}, {"empathy": 4})
    assert built.raw is record
