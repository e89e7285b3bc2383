"""A fast, exact acceptance test for interaction format v1, in front of jsonschema.

`schemas/interaction-v1.schema.json` stays the contract. Validating every interaction with
jsonschema costs about 1 ms for a phone call with 20 events (90% of an audit, measured with
cProfile, see bench/RESULTS.md); :func:`is_valid` answers "does this record satisfy the schema?"
in plain Python in about 1/50 of that. It is written to be *sound*: it returns True only for
records the schema accepts; whenever it returns False, the caller asks jsonschema, which decides
and words the error. So a record is accepted or rejected exactly as jsonschema would, and
jsonschema only runs for invalid records (or records this check cannot vouch for).

The check mirrors the schema as shipped. `FAST_PATH_SCHEMA` is the SHA-256 of the schema file it
was written for; if the shipped schema differs, :data:`ENABLED` is False and every record goes
to jsonschema (slow, but never wrong). tests/test_schema_fast.py proves that the two agree on
the examples, the invalid examples, generated data and systematic mutations, and that the fast
path is enabled for the shipped schema.
"""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources
from typing import Any

__all__ = ["ENABLED", "FAST_PATH_SCHEMA", "is_valid", "schema_digest"]

FAST_PATH_SCHEMA = "3a8f0a03ad0c278d949963c07a5059079386d23434e85205222da3cb725f9a43"


def _schema_text() -> bytes:
    return resources.files("svccheck").joinpath("schemas/interaction-v1.schema.json").read_bytes()


def schema_digest() -> str:
    return hashlib.sha256(_schema_text()).hexdigest()


def _datetime_pattern() -> re.Pattern[str]:
    # The very pattern of the schema (jsonschema applies it with re.search, as here).
    schema = json.loads(_schema_text())
    pattern: str = schema["$defs"]["datetime"]["pattern"]
    return re.compile(pattern)


ENABLED = schema_digest() == FAST_PATH_SCHEMA
_DATETIME = _datetime_pattern().search

_TOP_KEYS = frozenset(
    {"id", "channel", "site", "agent", "source", "started_at", "wave", "tags", "metrics", "events", "checklist", "survey"}
)
_OPTIONAL_STRINGS = ("site", "agent", "source", "wave")
_SURVEY_KEYS = frozenset({"expected", "perceived"})
_DIMENSIONS = frozenset({"tangibles", "reliability", "responsiveness", "assurance", "empathy"})
_SPEAKERS = frozenset({"agent", "customer", "system"})
# Keys each standard event type may have besides `type`, `at` and x- keys.
_EVENT_KEYS: dict[str, frozenset[str]] = {
    "ring": frozenset(),
    "answer": frozenset(),
    "end": frozenset(),
    "utterance": frozenset({"speaker", "text"}),
    "hold": frozenset({"seconds"}),
    "transfer": frozenset({"to"}),
    "promise": frozenset({"id", "what", "due"}),
    "fulfilled": frozenset({"promise"}),
}


def _number(value: Any) -> bool:
    # JSON Schema "number": int or float, never bool.
    t = type(value)
    return t is int or t is float


def _extension(key: Any) -> bool:
    return type(key) is str and key.startswith("x-")


def _time(value: Any) -> bool:
    if type(value) is str:
        return _DATETIME(value) is not None
    return _number(value) and value >= 0


def _scores(value: Any) -> bool:
    return type(value) is dict and all(k in _DIMENSIONS and _number(v) for k, v in value.items())


_UTTERANCE_KEYS = frozenset({"type", "at", "speaker", "text"})


def _event(event: Any) -> bool:
    if type(event) is not dict:
        return False
    if event.keys() == _UTTERANCE_KEYS and event["type"] == "utterance":
        # The commonest event by far (two in three), as a dialogue export writes it: its
        # checks below in one expression (0.15 us an utterance less, measured).
        speaker, at = event["speaker"], event["at"]
        return type(speaker) is str and speaker in _SPEAKERS and type(event["text"]) is str and _time(at)
    kind = event.get("type")
    if type(kind) is not str or not kind:
        return False
    if "at" in event and not _time(event["at"]):
        return False
    allowed = _EVENT_KEYS.get(kind)
    if allowed is None:
        return True  # other types may carry any fields
    for key in event:
        if key != "type" and key != "at" and key not in allowed and not _extension(key):
            return False
    if kind == "utterance":
        speaker = event.get("speaker")
        return type(speaker) is str and speaker in _SPEAKERS and type(event.get("text")) is str
    if kind == "hold":
        return "seconds" not in event or (_number(event["seconds"]) and event["seconds"] >= 0)
    if kind == "transfer":
        return "to" not in event or type(event["to"]) is str
    if kind == "promise":
        ident = event.get("id")
        return (
            type(ident) is str
            and bool(ident)
            and "due" in event
            and _time(event["due"])
            and ("what" not in event or type(event["what"]) is str)
        )
    if kind == "fulfilled":
        promise = event.get("promise")
        return type(promise) is str and bool(promise)
    return True


def is_valid(record: Any) -> bool:
    """True only if `record` satisfies the interaction schema; False means "ask jsonschema"."""
    if not ENABLED or type(record) is not dict:
        return False
    ident, channel = record.get("id"), record.get("channel")
    if type(ident) is not str or not ident or type(channel) is not str or not channel:
        return False
    for key in record:
        if key not in _TOP_KEYS and not _extension(key):
            return False
    for key in _OPTIONAL_STRINGS:
        if key in record and type(record[key]) is not str:
            return False
    if "started_at" in record and not (type(record["started_at"]) is str and _DATETIME(record["started_at"])):
        return False
    if "tags" in record:
        tags = record["tags"]
        if type(tags) is not list or not all(type(t) is str for t in tags):
            return False
    if "metrics" in record:
        metrics = record["metrics"]
        if type(metrics) is not dict:
            return False
        for value in metrics.values():
            t = type(value)
            if t is not int and t is not float and t is not str and t is not bool:
                return False
    if "checklist" in record:
        checklist = record["checklist"]
        if type(checklist) is not dict:
            return False
        for value in checklist.values():
            t = type(value)
            if value is not None and t is not bool and t is not int and t is not float:
                return False
    if "survey" in record:
        survey = record["survey"]
        if type(survey) is not dict or not all(k in _SURVEY_KEYS and _scores(v) for k, v in survey.items()):
            return False
    if "events" in record:
        events = record["events"]
        if type(events) is not list:
            return False
        for event in events:
            if not _event(event):
                return False
    return True
