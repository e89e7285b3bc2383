"""An audit normalises only the utterances of speakers some rule reads (`Check.text_speakers`,
`Auditor.text_of`): the findings, fingerprints included, are exactly those of normalising all."""

from __future__ import annotations

import io
import json
from pathlib import Path
from types import ModuleType

import pytest

from svccheck.audit import Auditor, Outcome
from svccheck.interactions import read_inputs
from svccheck.kinds import KINDS
from svccheck.model import Finding, InputProblem, Interaction
from svccheck.rules import Rule, load_rules

ROOT = Path(__file__).resolve().parent.parent

CUSTOMER_RULE = """\
id: local.customer-exasperated
title: {en: An exasperated customer is flagged, zh: 客户不耐烦要标记}
standard: phone.greet-first
severity: minor
dimension: assurance
gap: perception
check:
  kind: forbidden-phrases
  phrases: [每次都这么说, said that last time]
  speakers: [customer]
"""

SEQUENCE_RULE = """\
id: local.customer-asks-then-agent-answers
title: {en: A customer question is answered, zh: 客户问题要回答}
standard: phone.greet-first
severity: minor
dimension: responsiveness
gap: delivery
applies-to: {channel: chat}
check:
  kind: sequence
  steps:
    - {name: asked, phrases: [请问], speakers: [customer]}
    - {name: answered, phrases: [您好], speakers: [agent]}
"""


def _findings(outcomes: list[Outcome | InputProblem]) -> list[Finding]:
    return [f for o in outcomes if isinstance(o, Outcome) for f in o.findings]


def _both_ways(paths: list[Path], rules: list[Rule]) -> tuple[list[Finding], list[Finding]]:
    auditor = Auditor(rules)
    restricted = list(auditor.outcomes(read_inputs(paths, auditor.text_of)))
    everything = list(auditor.outcomes(read_inputs(paths)))
    return _findings(restricted), _findings(everything)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, generate: ModuleType) -> Path:
    out = io.StringIO()
    generate.write(generate.interactions(3000, 5, 0.0), out, "jsonl")
    path = tmp_path_factory.mktemp("gen") / "gen.jsonl"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> list[Rule]:
    local = tmp_path_factory.mktemp("rules")
    (local / "customer.yaml").write_text(CUSTOMER_RULE, encoding="utf-8")
    (local / "sequence.yaml").write_text(SEQUENCE_RULE, encoding="utf-8")
    return load_rules([local])


def test_built_in_rules_read_only_the_agents_words() -> None:
    assert Auditor(load_rules([])).text_of == {"agent"}


def test_rules_that_read_customers_words_have_them_normalised(rules: list[Rule]) -> None:
    assert Auditor(rules).text_of == {"agent", "customer"}
    assert Auditor([r for r in rules if r.id != "local.customer-exasperated"]).text_of == {"agent", "customer"}
    by_id = {rule.id: rule for rule in rules}
    assert by_id["local.customer-asks-then-agent-answers"].check.text_speakers == {"agent", "customer"}
    assert by_id["phone.answer-within-three-rings"].check.text_speakers == frozenset()


def test_unread_utterances_are_left_unnormalised(tmp_path: Path) -> None:
    record = {"id": "c", "channel": "chat", "events": [
        {"type": "utterance", "speaker": "customer", "text": "請問 ABC"},
        {"type": "utterance", "speaker": "agent", "text": "您好，請稍等"},
    ]}
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    interaction = next(read_inputs([path], frozenset({"agent"})))
    assert isinstance(interaction, Interaction)
    assert [e.norm_text for e in interaction.events] == ["", "您好,请稍等"]


@pytest.mark.parametrize("source", ["examples", "generated"])
def test_findings_are_those_of_normalising_every_utterance(source: str, generated: Path, rules: list[Rule]) -> None:
    paths = [ROOT / "examples"] if source == "examples" else [generated]
    restricted, everything = _both_ways(paths, rules)
    assert restricted == everything
    fired = {f.rule for f in restricted}
    # The comparison means something: rules of every kind the inputs exercise found something,
    # including the ones reading the customer's words.
    assert len(fired) >= (8 if source == "examples" else 24)
    if source == "generated":
        assert {"local.customer-exasperated", "local.customer-asks-then-agent-answers"} <= fired


def test_the_comparison_would_see_a_rule_reading_words_that_were_not_normalised(
    generated: Path, rules: list[Rule]
) -> None:
    auditor = Auditor(rules)
    agent_only = _findings(list(auditor.outcomes(read_inputs([generated], frozenset({"agent"})))))
    _, everything = _both_ways([generated], rules)
    assert agent_only != everything
    assert not any(f.rule == "local.customer-exasperated" for f in agent_only)


def test_every_kind_says_which_speakers_it_reads() -> None:
    # A kind without the attribute would fail mypy (it is part of the Check protocol); this
    # also catches one whose text_speakers is not a frozenset of speakers.
    for rule in load_rules([]):
        speakers = rule.check.text_speakers
        assert isinstance(speakers, frozenset) and speakers <= {"agent", "customer", "system"}
    assert {"forbidden-phrases", "required-phrases", "sequence"} <= set(KINDS)
