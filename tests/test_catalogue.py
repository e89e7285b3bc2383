"""`svccheck rules` and `svccheck standards` (svccheck.explain tables and coverage)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from click.testing import CliRunner

from svccheck.cli import main
from svccheck.config import Config, load_rule_set
from svccheck.explain import coverage, table
from svccheck.model import Dimension, Localised, SourceLocation
from svccheck.standards import Standard


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env={"LANG": "C", "LC_ALL": None})
    assert not result.exception or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_rules_table_lists_every_rule_in_use(here: Path) -> None:
    rules = load_rule_set(Config.default()).rules
    code, out, _ = _run("rules")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["id", "severity", "dimension", "gap", "applies-to", "title"]
    assert [line.split()[0] for line in lines[1:-1]] == [r.id for r in rules]
    assert lines[-1] == f"{len(rules)} rule(s)"
    ring = next(line for line in lines if line.startswith("phone.answer-within-three-rings "))
    assert ring.split() == ["phone.answer-within-three-rings", "major", "responsiveness", "delivery",
                            "channel", "phone", "Answer", "the", "phone", "within", "three", "rings"]


def test_rules_filters_and_json(here: Path) -> None:
    code, out, _ = _run("rules", "--tag", "complaint", "--gap", "delivery", "--format", "json")
    assert code == 0
    records = json.loads(out)
    expected = [r.id for r in load_rule_set(Config.default()).rules
                if "complaint" in r.applies_to.tags and r.gap.value == "delivery"]
    assert [r["id"] for r in records] == expected and expected
    assert set(records[0]) == {"id", "title", "standard", "severity", "dimension", "gap", "kind", "applies_to", "file"}
    _, out, _ = _run("rules", "--standard", "hotel.answer-phone-three-rings", "--format", "json")
    assert [r["id"] for r in json.loads(out)] == ["phone.answer-within-three-rings"]
    _, out, _ = _run("rules", "--dimension", "tangibles", "--lang", "zh")
    assert out.splitlines()[0].split() == ["规则", "严重程度", "维度", "差距", "适用范围", "标题"]


def test_an_unknown_standard_is_a_usage_error(here: Path) -> None:
    # Once "0 rule(s)" and exit 0: a typo looked like a standard no rule checks.
    assert _run("rules", "--standard", "hotel.answer-phone-three-ring") == (
        2, "", "svccheck rules: error: --standard: unknown standard 'hotel.answer-phone-three-ring'"
        " (did you mean 'hotel.answer-phone-three-rings'?) (see svccheck rules --help)\n"
    )
    assert _run("rules", "--standard", "zzz") == (
        2, "", "svccheck rules: error: --standard: unknown standard 'zzz' (`svccheck standards` lists them)"
        " (see svccheck rules --help)\n"
    )


def test_a_catalogued_standard_no_rule_checks_lists_no_rule(here: Path) -> None:
    rule_set = load_rule_set(Config.default())
    unchecked = sorted(set(rule_set.standards) - {r.standard for r in rule_set.rules})[0]
    assert _run("rules", "--standard", unchecked) == (0, "id  severity  dimension  gap  applies-to  title\n0 rule(s)\n", "")


def test_rules_respect_the_configuration(here: Path) -> None:
    (here / "svccheck.yaml").write_text("extends: [visit.*]\ndisable: [visit.staff-groomed]\n", encoding="utf-8")
    _, out, _ = _run("rules", "--format", "json")
    ids = [r["id"] for r in json.loads(out)]
    assert ids and all(i.startswith("visit.") for i in ids) and "visit.staff-groomed" not in ids


def _standard(ident: str, observable: tuple[str, ...]) -> Standard:
    return Standard(ident, Localised(ident, ident), Dimension.EMPATHY, False, observable, "m",
                    Localised("m", "m"), "", None, SourceLocation("s.yaml"))


def test_coverage_status_of_each_kind_of_standard() -> None:
    standards = {s.id: s for s in [
        _standard("a.ruled", ("recording",)), _standard("b.gap", ("metric", "checklist")),
        _standard("c.shopper", ("checklist", "survey")), _standard("d.survey", ("survey",)),
        _standard("e.none", ("none",)),
    ]}
    rule = next(r for r in load_rule_set(Config.default()).rules)
    ruled = dataclasses.replace(rule, standard="a.ruled")
    rows = coverage(standards, [ruled])
    assert [(c.standard.id, c.status, c.rules) for c in rows] == [
        ("a.ruled", "rule", (rule.id,)), ("b.gap", "missing", ()), ("c.shopper", "checklist", ()),
        ("d.survey", "survey", ()), ("e.none", "none", ()),
    ]


def test_standards_catalogue_with_coverage(here: Path) -> None:
    rule_set = load_rule_set(Config.default())
    code, out, _ = _run("standards", "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert [r["id"] for r in records] == sorted(rule_set.standards)
    checked = {r.standard for r in rule_set.rules}
    assert {r["id"] for r in records if r["coverage"] == "rule"} == checked
    ring = next(r for r in records if r["id"] == "hotel.answer-phone-three-rings")
    assert ring["rules"] == ["phone.answer-within-three-rings"]
    _, text, _ = _run("standards")
    counts = {r["coverage"]: 0 for r in records}
    for r in records:
        counts[r["coverage"]] += 1
    assert f"{len(records)} standard(s):" in text
    assert f"  {'rule':<10} {counts['rule']:>3}  checked by a rule\n" in text
    _, out, _ = _run("standards", "--coverage", "missing", "--format", "json")
    assert {r["coverage"] for r in json.loads(out)} == {"missing"}


def test_disabling_a_rule_opens_a_gap_in_coverage(here: Path) -> None:
    (here / "svccheck.yaml").write_text("disable: [phone.answer-within-three-rings]\n", encoding="utf-8")
    _, out, _ = _run("standards", "--format", "json")
    ring = next(r for r in json.loads(out) if r["id"] == "hotel.answer-phone-three-rings")
    assert (ring["coverage"], ring["rules"]) == ("missing", [])


def test_table_aligns_wide_characters() -> None:
    assert table(["a", "b", "c"], [["电话", "x", "end"], ["ab", "yy", "z"]]) == (
        "a     b   c\n电话  x   end\nab    yy  z\n"
    )
