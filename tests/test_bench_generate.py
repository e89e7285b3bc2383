"""bench/generate.py: valid format-v1 interactions, deterministic for a seed, broken on request."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path
from types import ModuleType

import jsonschema

from svccheck.audit import audit_paths
from svccheck.interactions import read_inputs
from svccheck.model import InputProblem, Interaction
from svccheck.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "checker" / "schemas" / "interaction-v1.schema.json").read_text(encoding="utf-8"))


def _text(generate: ModuleType, count: int, seed: int, fmt: str = "jsonl", invalid: float = 0.0) -> str:
    out = io.StringIO()
    written = generate.write(generate.interactions(count, seed, invalid), out, fmt)
    assert written == count
    return out.getvalue()


def test_every_generated_interaction_validates_against_the_schema(generate: ModuleType) -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    lines = _text(generate, 600, seed=11).splitlines()
    assert len(lines) == 600
    for line in lines:
        record = json.loads(line)
        assert list(validator.iter_errors(record)) == [], record["id"]


def test_generated_interactions_cover_all_channels_and_languages(generate: ModuleType) -> None:
    records = [json.loads(line) for line in _text(generate, 600, seed=11).splitlines()]
    assert {r["channel"] for r in records} == {"phone", "chat", "email", "ticket", "delivery", "visit"}
    texts = " ".join(e.get("text", "") for r in records for e in r.get("events", ()))
    assert "您好" in texts and "這" in texts and "Thank" in texts
    assert any("complaint" in r.get("tags", ()) for r in records)
    assert any(e["type"] == "promise" for r in records for e in r.get("events", ()))
    assert any("checklist" in r and "survey" in r for r in records)


def test_generated_interactions_break_every_built_in_rule_somewhere(generate: ModuleType, tmp_path: Path) -> None:
    # A benchmark that never triggers a rule does not measure what that rule costs on a finding.
    path = tmp_path / "sample.jsonl"
    path.write_text(_text(generate, 2000, seed=7), encoding="utf-8")
    rules = load_rules([])
    report = audit_paths([path], rules)
    assert report.errors == ()
    assert set(report.summary.by_rule) == {rule.id for rule in rules}


def test_same_seed_same_bytes_other_seed_other_bytes(generate: ModuleType) -> None:
    assert _text(generate, 200, seed=5) == _text(generate, 200, seed=5)
    assert _text(generate, 200, seed=5) != _text(generate, 200, seed=6)


def test_json_array_holds_the_same_records_as_json_lines(generate: ModuleType) -> None:
    lines = [json.loads(line) for line in _text(generate, 50, seed=3).splitlines()]
    assert json.loads(_text(generate, 50, seed=3, fmt="json")) == lines


def test_invalid_rate_breaks_records_that_svccheck_reports_one_each(generate: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(_text(generate, 400, seed=9, invalid=0.1), encoding="utf-8")
    items = list(read_inputs([path]))
    kinds = Counter(type(item) for item in items)
    assert len(items) == 400  # every record accounted for
    assert 20 <= kinds[InputProblem] <= 60
    assert kinds[Interaction] == 400 - kinds[InputProblem]


def test_cli_writes_the_file(generate: ModuleType, tmp_path: Path) -> None:
    out = tmp_path / "g.jsonl"
    assert generate.main(["--count", "20", "--seed", "2", "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == _text(generate, 20, seed=2)
