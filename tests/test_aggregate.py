"""Aggregation of a batch: group statistics, ranking, SERVQUAL per site, gap shares, waves, gap
diagnosis (with its thresholds), reading audit JSON back, and `svccheck report`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from svccheck.aggregate import (
    Case,
    aggregate,
    diagnose,
    is_results,
    load_results,
    servqual_row,
    strangers,
    wave_of,
)
from svccheck.cli import main
from svccheck.interactions import build_interaction
from svccheck.model import Dimension, Evidence, Finding, Gap, Interaction, Severity, SourceLocation
from svccheck.rules import Rule, load_rules
from svccheck.standards import load_standards

CARD = """\
id: scorecard.mini
title: Mini scorecard
standard: cs.consistent-service
severity: major
dimension: reliability
gap: delivery
applies-to: {channel: visit}
check:
  kind: scorecard
  pass-mark: 75
  sections:
    - {id: a, weight: 3, dimension: empathy, items: [{item: smile}, {item: walk}]}
    - {id: b, weight: 1, dimension: tangibles, items: [{item: clean, auto-fail: true}]}
"""


def interaction(ident: str, ordinal: int = 0, **fields: Any) -> Interaction:
    record = {"id": ident, "channel": "visit", **fields}
    item = build_interaction(record, SourceLocation("batch.json", ordinal + 1), ordinal)
    assert isinstance(item, Interaction), item
    return item


def finding(visit: Interaction, rule: str = "visit.smile", gap: Gap = Gap.DELIVERY,
            dimension: Dimension = Dimension.EMPATHY, severity: Severity = Severity.MAJOR) -> Finding:
    return Finding(rule, visit.id, severity, dimension, gap, "m", Evidence(), visit.location, visit.ordinal,
                   visit.site, visit.agent)


@pytest.fixture()
def card(tmp_path: Path) -> Rule:
    (tmp_path / "card.yaml").write_text(CARD, encoding="utf-8")
    (rule,) = load_rules([tmp_path], load_standards(), builtin=False)
    return rule


def batch() -> list[Interaction]:
    # Scores (a: weight 3, b: weight 1):
    #  v1 smile, walk, clean         -> 100
    #  v2 smile, not walk, clean     -> (3 * 1/2 + 1) / 4 = 62.5 (fail)
    #  v3 smile, walk, not clean     -> raw (3 + 0) / 4 = 75, auto-fail -> 0
    #  v4 smile, walk, clean N/A     -> 100 (b left out)
    #  v5 no checklist               -> not scored
    return [
        interaction("v1", 0, site="north", agent="n1", wave="W1", checklist={"smile": True, "walk": True, "clean": True},
                    survey={"expected": {"empathy": 6, "tangibles": 5}, "perceived": {"empathy": 4, "tangibles": 6}}),
        interaction("v2", 1, site="north", agent="n2", started_at="2026-05-02T10:00:00+08:00",
                    checklist={"smile": True, "walk": False, "clean": True},
                    survey={"expected": {"empathy": 6}, "perceived": {"empathy": 5}}),
        interaction("v3", 2, site="south", agent="s1", wave="W1", checklist={"smile": True, "walk": True, "clean": False},
                    **{"x-comments": {"备注": "牛奶过期"}, "x-evidence": {"照片": ["https://e/1.jpg"]}}),
        interaction("v4", 3, site="south", agent="s1", wave="W2", checklist={"smile": True, "walk": True, "clean": None}),
        interaction("v5", 4, agent="x9"),
    ]


def test_visit_scores_and_group_statistics(card: Rule) -> None:
    visits = batch()
    findings = [finding(visits[1]), finding(visits[1], "visit.walk", severity=Severity.MINOR), finding(visits[2])]
    agg = aggregate(visits, findings, rules=[card], scorecard=card, group_by="site")
    assert [(v.id, v.score, v.raw_score, v.passed, v.auto_failed) for v in agg.visits] == [
        ("v1", 100.0, 100.0, True, ()),
        ("v2", 62.5, 62.5, False, ()),
        ("v3", 0.0, 75.0, False, ("clean",)),
        ("v4", 100.0, 100.0, True, ()),
        ("v5", None, None, None, ()),
    ]
    north, south, none = agg.groups
    assert (north.key, north.visits, north.scored, north.mean_score, north.pass_rate) == ("north", 2, 2, 81.25, 0.5)
    assert (north.findings, north.findings_per_visit, north.by_severity) == (2, 1.0, (("major", 1), ("minor", 1)))
    assert (south.key, south.mean_score, south.pass_rate, south.findings) == ("south", 50.0, 0.5, 1)
    assert (none.key, none.visits, none.scored, none.mean_score, none.pass_rate) == ("(none)", 1, 0, None, None)
    # totals: (100 + 62.5 + 0 + 100) / 4 = 65.62 (rounded to 0.01), 2 of 4 passed
    assert (agg.totals.visits, agg.totals.mean_score, agg.totals.pass_rate, agg.totals.findings) == (5, 65.62, 0.5, 3)
    # ranking: north 81.25 before south 50; the unscored "(none)" last
    assert [(s.key, s.mean_score) for s in agg.ranking] == [("north", 81.25), ("south", 50.0), ("(none)", None)]
    assert [(p.rank, p.site) for p in agg.sites] == [(1, "north"), (2, "south"), (3, "(none)")]
    south_page = agg.sites[1]
    assert south_page.items_not_met == (("clean", 1),)
    assert [v.comments for v in south_page.visits] == [(("备注", "牛奶过期"),), ()]
    assert [v.evidence for v in south_page.visits] == [(("照片", "https://e/1.jpg"),), ()]


def test_group_by_agent_channel_wave(card: Rule) -> None:
    visits = batch()
    by_agent = aggregate(visits, [], scorecard=card, group_by="agent")
    assert [(g.key, g.visits, g.mean_score) for g in by_agent.groups] == [
        ("n1", 1, 100.0), ("n2", 1, 62.5), ("s1", 2, 50.0), ("x9", 1, None)
    ]
    assert [(g.key, g.visits) for g in aggregate(visits, [], group_by="channel").groups] == [("visit", 5)]
    # v2 has no wave field: its start (May) puts it in 2026-Q2
    waves = aggregate(visits, [], scorecard=card, group_by="wave")
    assert [(g.key, g.visits, g.mean_score) for g in waves.waves] == [("2026-Q2", 1, 62.5), ("W1", 2, 50.0), ("W2", 1, 100.0)]
    with pytest.raises(ValueError, match="cannot group by 'shift'"):
        aggregate(visits, [], group_by="shift")


def test_wave_of() -> None:
    assert wave_of(interaction("a", wave="2026-Q1", started_at="2026-08-01T00:00:00+08:00")) == "2026-Q1"
    assert wave_of(interaction("b", started_at="2026-12-31T23:30:00-05:00")) == "2026-Q4"
    assert wave_of(interaction("c")) is None


def test_servqual_per_site_is_perceived_minus_expected_weighted() -> None:
    visits = batch()
    row = servqual_row("north", visits[:2])
    # empathy: ((4 - 6) + (5 - 6)) / 2 = -1.5; tangibles: 6 - 5 = +1 (one visit)
    assert dict((d, (g, n)) for d, g, n in row.gaps) == {
        "tangibles": (1.0, 1), "reliability": (None, 0), "responsiveness": (None, 0),
        "assurance": (None, 0), "empathy": (-1.5, 2),
    }
    # weighted by importance: (16 * -1.5 + 11 * 1) / (16 + 11) = -13 / 27 = -0.48
    assert row.weighted == -0.48
    assert servqual_row("south", visits[2:4]).weighted is None


def test_shares_by_gap_and_dimension() -> None:
    visits = batch()
    findings = [finding(visits[0]), finding(visits[1], gap=Gap.PERCEPTION), finding(visits[1], gap=Gap.PERCEPTION),
                finding(visits[2], gap=Gap.COMMUNICATION, dimension=Dimension.RELIABILITY)]
    agg = aggregate(visits, findings)
    assert [(s.name, s.count, s.share) for s in agg.by_gap] == [
        ("knowledge", 0, 0.0), ("standards", 0, 0.0), ("delivery", 1, 0.25), ("communication", 1, 0.25), ("perception", 2, 0.5)
    ]
    assert [(s.name, s.count) for s in agg.by_dimension] == [
        ("tangibles", 0), ("reliability", 1), ("responsiveness", 0), ("assurance", 0), ("empathy", 3)
    ]


# --- gap diagnosis --------------------------------------------------------------------------------

SITES = ["s1", "s2", "s3", "s4", "s5", "s6"]
OBSERVED = [Case(f"v{i}", SITES[i % 6], f"{SITES[i % 6]}-a{i % 2}") for i in range(24)]


def cases(*pairs: tuple[str, str]) -> list[Case]:
    return [Case(f"f{i}", site, agent) for i, (site, agent) in enumerate(pairs)]


def test_delivery_when_concentrated_in_a_few_agents() -> None:
    failed = cases(("s1", "s1-a0"), ("s1", "s1-a0"), ("s1", "s1-a0"), ("s2", "s2-a1"), ("s4", "s4-a0"))
    d = diagnose("visit.smile", "rule", "Smile", failed, OBSERVED)
    # top 2 agents: s1-a0 (3) + s2-a1 (1) = 4 of 5 = 80% >= 60%, and s1-a0 failed more than once
    assert (d.verdict, d.failures, d.top_agents, d.top_share) == ("delivery", 5, (("s1-a0", 3), ("s2-a1", 1)), 0.8)
    assert (d.sites_affected, d.sites_observed, d.site_share) == (3, 6, 0.5)
    # how the reports word it: tests/test_report_labels.py


def test_standards_when_spread_across_most_sites() -> None:
    failed = cases(("s1", "s1-a0"), ("s2", "s2-a1"), ("s3", "s3-a0"), ("s4", "s4-a1"), ("s5", "s5-a0"))
    d = diagnose("visit.promises", "rule", "Promises", failed, OBSERVED)
    # 5 of 6 sites = 83% >= 50%; top 2 agents 2 of 5 = 40% < 60%
    assert (d.verdict, d.site_share, d.top_share) == ("standards", 0.8333, 0.4)


def test_three_distinct_agents_are_not_a_delivery_problem() -> None:
    # top-2 share is 67%, but nobody failed twice: not "a few people"
    failed = cases(("s1", "s1-a0"), ("s2", "s2-a0"), ("s3", "s3-a0"))
    assert diagnose("r", "rule", "r", failed, OBSERVED).verdict == "standards"


def test_mixed_and_too_few() -> None:
    failed = cases(("s1", "s1-a0"), ("s1", "s1-a1"), ("s2", "s2-a0"), ("s2", "s2-a1"))
    d = diagnose("r", "rule", "r", failed, OBSERVED)
    # 2 of 6 sites (33%), top 2 agents 50%: neither
    assert (d.verdict, d.site_share, d.top_share) == ("mixed", 0.3333, 0.5)
    few = diagnose("r", "rule", "r", cases(("s1", "s1-a0"), ("s1", "s1-a0")), OBSERVED)
    assert (few.verdict, few.failures, few.sites_affected, few.top_agents) == ("too few", 2, 1, (("s1-a0", 2),))


def test_titles_follow_the_language(tmp_path: Path) -> None:
    text = CARD.replace("{item: walk}", "{item: walk, title: {zh: 引领客人, en: Walk the guest}}")
    (tmp_path / "card.yaml").write_text(text, encoding="utf-8")
    (card,) = load_rules([tmp_path], load_standards(), builtin=False)
    visits = batch()  # v2 did not walk the guest, v3 was not clean (an item without a title: its name)
    en = aggregate(visits, [], rules=[card], scorecard=card)
    zh = aggregate(visits, [], rules=[card], scorecard=card, lang="zh")
    assert (en.lang, zh.lang) == ("en", "zh")
    assert [d.title for d in en.diagnoses] == ["clean", "Walk the guest"]
    assert [d.title for d in zh.diagnoses] == ["clean", "引领客人"]
    assert zh.scorecard is not None and ("walk", "引领客人") in zh.scorecard.items


def test_diagnoses_cover_rules_and_scorecard_items(card: Rule) -> None:
    visits = batch()
    agg = aggregate(visits, [finding(visits[1]), finding(visits[1]), finding(visits[2], "scorecard.mini")],
                    rules=[card], scorecard=card)
    # a visit with two findings of a rule counts once; the scorecard rule itself is diagnosed item by item
    assert [(d.subject, d.kind, d.failures, d.observed) for d in agg.diagnoses] == [
        ("scorecard.mini:clean", "item", 1, 3),
        ("scorecard.mini:walk", "item", 1, 4),
        ("visit.smile", "rule", 1, 5),
    ]


# --- audit JSON read back, and the command ------------------------------------------------------------


def test_strangers_are_the_interactions_findings_name_but_the_inputs_lack() -> None:
    a, b, c = interaction("a"), interaction("b"), interaction("c")
    findings = [finding(c), finding(a), finding(c, rule="visit.walk"), finding(b)]
    # each once, in the order the findings first name them
    assert strangers(findings, [a]) == ["c", "b"]
    assert strangers(findings, [a, b, c]) == []
    assert strangers([], []) == []


def write_batch(tmp_path: Path) -> Path:
    records = [
        {"id": "v1", "channel": "visit", "site": "north", "agent": "n1", "wave": "W1",
         "checklist": {"greeted_promptly": True, "smile_eye_contact": False, "staff_groomed": True}},
        {"id": "v2", "channel": "visit", "site": "south", "agent": "s1", "wave": "W2",
         "checklist": {"greeted_promptly": True, "smile_eye_contact": True, "staff_groomed": True}},
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_report_from_audit_json_equals_report_from_inputs(tmp_path: Path) -> None:
    source = write_batch(tmp_path)
    results = tmp_path / "results.json"
    audited = CliRunner().invoke(main, ["audit", str(source), "--format", "json", "--output", str(results), "--lang", "en"])
    assert audited.exit_code == 1, audited.stderr
    assert is_results(results) and not is_results(source)
    findings, errors = load_results(results)
    assert (sorted({f.rule for f in findings}), errors) == (["scorecard.hotel-mystery-shopper", "visit.smile-eye-contact"], [])
    direct = CliRunner().invoke(main, ["report", str(source), "--lang", "en"])
    via_json = CliRunner().invoke(main, ["report", str(results), str(source), "--lang", "en"])
    assert (direct.exit_code, via_json.exit_code) == (0, 0)
    # the same report, inputs line included: the results file is not one of the inputs
    assert direct.stdout == via_json.stdout
    assert f"Inputs: `{source}`" in direct.stdout.splitlines()
    # built-in scorecard, v1: tangibles 2/2, responsiveness 2/2, empathy 0/2 -> (20 + 20 + 0) / 60 = 66.67;
    # findings: the scorecard's and visit.smile-eye-contact's
    assert "| 2 | north | 1 | 66.67 | 0% | 2 | 2.00 |" in direct.stdout
    assert "| 1 | south | 1 | 100 | 100% | 0 | 0.00 |" in direct.stdout


def test_report_without_inputs_after_results(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    results.write_text('{"findings": [], "errors": [], "summary": {}}', encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(results)])
    assert result.exit_code == 2
    assert result.stderr == "svccheck: error: give the interactions the audit report is about after RESULTS.json\n"


def test_broken_results_file(tmp_path: Path) -> None:
    source = write_batch(tmp_path)
    results = tmp_path / "results.json"
    results.write_text('{"findings": [{"rule": "x"}], "summary": {}}', encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(results), str(source)])
    assert result.exit_code == 3
    assert result.stderr == f"svccheck: error: {results}: not a readable audit report (KeyError: 'interaction')\n"


def test_unknown_scorecard(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", str(write_batch(tmp_path)), "--scorecard", "scorecard.nope"])
    assert result.exit_code == 2
    assert result.stderr == "svccheck: error: no scorecard 'scorecard.nope' (scorecards: scorecard.hotel-mystery-shopper)\n"


def test_input_problems_are_reported_with_exit_3(tmp_path: Path) -> None:
    source = write_batch(tmp_path)
    with source.open("a", encoding="utf-8") as handle:
        handle.write('{"id": "v3"}\n')
    result = CliRunner().invoke(main, ["report", str(source), "--lang", "en"])
    assert result.exit_code == 3
    assert result.stdout.endswith(f"## Input problems\n\n- {source}:3: interaction v3: 'channel' is a required property\n")
