"""svccheck.schema_fast: the fast acceptance test agrees with jsonschema on every record."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest

from svccheck import schema_fast
from svccheck.interactions import _Scanner, read_inputs
from svccheck.model import InputProblem

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "checker" / "schemas" / "interaction-v1.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def _example_records() -> list[Any]:
    records: list[Any] = []
    for path in sorted((ROOT / "examples").rglob("*.json*")):
        if path.suffix == ".jsonl":
            for line in path.read_bytes().splitlines():
                try:
                    records.append(orjson.loads(line))
                except orjson.JSONDecodeError:
                    continue
        else:
            try:
                records += [record for _, record in _Scanner(path.read_text(encoding="utf-8"), str(path)).document()]
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
    return [r for r in records if not isinstance(r, InputProblem)]


# Values that probe each keyword: types (bool is not a number), minLength, minimum, pattern, enum.
PROBES: list[Any] = [
    None, True, False, 0, -1, 1.5, -0.5, "", "x", "agent", "2026-03-02T18:00:00+08:00",
    "2026-03-02T18:00Z", "2026-03-02 18:00", "2026-03-02T18:00:00+08:00\n", [], ["a"], [1], {}, {"a": 1},
    {"tangibles": 5}, {"tangibles": True}, {"bogus": 1},
]


def _mutations(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every key of the record and of each of its events set to each probe, deleted, plus extras."""
    for key in list(record):
        for probe in PROBES:
            yield {**record, key: probe}
        yield {k: v for k, v in record.items() if k != key}
    for extra in ("x-note", "bogus", "wave"):
        yield {**record, extra: "v"}
    for index, event in enumerate(record.get("events", [])[:4]):
        keys = list(event) + ["at", "seconds", "to", "speaker", "text", "id", "due", "what", "promise", "x-k", "zz"]
        for key in dict.fromkeys(keys):
            for probe in PROBES:
                mutated = copy.deepcopy(record)
                mutated["events"][index] = {**event, key: probe}
                yield mutated
            mutated = copy.deepcopy(record)
            mutated["events"][index] = {k: v for k, v in event.items() if k != key}
            yield mutated
    yield {**record, "events": record.get("events", []) + ["not an event"]}
    yield {**record, "metrics": {"m": None}}
    yield {**record, "checklist": {"c": "yes"}}
    yield {**record, "survey": {"expected": {"tangibles": 5}, "other": {}}}


def _agree(record: Any) -> None:
    valid = VALIDATOR.is_valid(record)
    if schema_fast.is_valid(record):
        assert valid, f"fast path accepted a record jsonschema rejects: {record!r}"


def test_the_fast_path_is_enabled_for_the_shipped_schema() -> None:
    # If this fails, the schema changed: update schema_fast to match it, then FAST_PATH_SCHEMA.
    assert schema_fast.schema_digest() == schema_fast.FAST_PATH_SCHEMA
    assert schema_fast.ENABLED


def test_accepts_every_valid_example_as_jsonschema_does() -> None:
    records = _example_records()
    assert len(records) > 40
    for record in records:
        assert schema_fast.is_valid(record) == VALIDATOR.is_valid(record), record.get("id")


def test_never_accepts_what_jsonschema_rejects_on_systematic_mutations() -> None:
    checked = rejected = 0
    for record in _example_records()[::6]:
        for mutated in _mutations(record):
            _agree(mutated)
            checked += 1
            rejected += not VALIDATOR.is_valid(mutated)
    assert checked > 5000 and rejected > 3000


@pytest.mark.parametrize(
    "record",
    [
        {"id": "a", "channel": "phone", "events": [{"type": "ring", "at": True}]},
        {"id": "a", "channel": "phone", "events": [{"type": "hold", "seconds": -1}]},
        {"id": "a", "channel": "phone", "events": [{"type": "utterance", "speaker": ["agent"], "text": "hi"}]},
        # the commonest shape (type, at, speaker, text), checked in one expression
        {"id": "a", "channel": "phone", "events": [{"type": "utterance", "at": 1, "speaker": ["agent"], "text": "hi"}]},
        {"id": "a", "channel": "phone", "events": [{"type": "utterance", "at": True, "speaker": "agent", "text": "hi"}]},
        {"id": "a", "channel": "phone", "events": [{"type": "utterance", "at": 1, "speaker": "boss", "text": "hi"}]},
        {"id": "a", "channel": "phone", "events": [{"type": "utterance", "at": 1, "speaker": "agent", "text": 3}]},
        {"id": "a", "channel": "phone", "survey": {"expected": {"empathy": False}}},
        {"id": "", "channel": "phone"},
        {"id": "a", "channel": "phone", 1: "non-string key"},
    ],
)
def test_rejects_tricky_records(record: dict[Any, Any]) -> None:
    assert not schema_fast.is_valid(record)


def test_invalid_examples_get_the_same_errors_as_from_jsonschema_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = sorted((ROOT / "examples").rglob("*.json*"))
    fast = [str(i) if isinstance(i, InputProblem) else i.id for i in read_inputs(paths)]
    monkeypatch.setattr(schema_fast, "ENABLED", False)
    slow = [str(i) if isinstance(i, InputProblem) else i.id for i in read_inputs(paths)]
    assert fast == slow
    assert any("invalid" in entry for entry in fast)
