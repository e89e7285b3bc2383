"""svccheck.yaml (svccheck.config): discovery, validation with file:line:col, overrides applied
before validation, extends/disable selection, fail-on, and the audit reporting the configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from svccheck.cli import main
from svccheck.config import Config, find_config, load_config, load_rule_set, resolve_rules
from svccheck.errors import RuleError
from svccheck.interactions import build_interaction
from svccheck.model import Interaction, Severity, SourceLocation
from svccheck.rules import Rule

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
RING_RULE = "phone.answer-within-three-rings"


def _config(here: Path, text: str) -> Config:
    (here / "svccheck.yaml").write_text(text, encoding="utf-8")
    return load_config(Path("svccheck.yaml"))


def _problems(config: Config) -> list[str]:
    return [str(p) for p in resolve_rules(config).problems]


def _rule(config: Config, rule_id: str) -> Rule:
    return next(r for r in load_rule_set(config).loaded if r.id == rule_id)


def _call(rings: int) -> Interaction:
    item = build_interaction({"id": "c", "channel": "phone", "metrics": {"rings": rings}}, SourceLocation("t"), 0)
    assert isinstance(item, Interaction)
    return item


def test_discovery_finds_svccheck_yaml_in_the_working_directory(here: Path) -> None:
    assert find_config() is None
    (here / "svccheck.yml").write_text("{}\n", encoding="utf-8")
    assert find_config() == Path("svccheck.yml")
    (here / "svccheck.yaml").write_text("{}\n", encoding="utf-8")
    assert find_config() == Path("svccheck.yaml")
    assert find_config(Path("other.yaml")) == Path("other.yaml")


def test_an_empty_file_is_the_defaults(here: Path) -> None:
    config = _config(here, "# nothing yet\n")
    assert (config.extends, config.rule_dirs, dict(config.overrides), config.disable, config.fail_on) == (
        ("*",), (), {}, (), None)
    assert len(load_rule_set(config).rules) == len(load_rule_set(Config.default()).rules)


def test_one_line_changes_the_ring_limit_from_3_to_4(here: Path) -> None:
    default = _rule(Config.default(), RING_RULE)
    assert [m.value for m in default.check.measure(_call(4))] == [4.0]
    assert default.check.condition.limit == 3
    configured = _rule(_config(here, f"overrides: {{{RING_RULE}: {{max: 4}}}}\n"), RING_RULE)
    assert configured.check.condition.limit == 4
    assert configured.params["max"] == 4


def test_schema_problems_are_located_in_the_configuration(here: Path) -> None:
    config = _config(here, "extends: everything\nfail-on: high\nrulez: []\n")
    assert _problems(config) == [  # in file order
        "svccheck.yaml:1:10: extends: 'everything' is not one of: all, none",
        "svccheck.yaml:2:10: fail-on: 'high' is not one of: critical, major, minor, info",
        "svccheck.yaml:3:1: rulez: unknown key (expected one of: disable, extends, fail-on, overrides, rules) "
        "(did you mean 'rules'?)",
    ]
    with pytest.raises(RuleError) as caught:
        load_rule_set(config)
    assert str(caught.value) == "3 problem(s) in rule files or configuration"


def test_every_unknown_key_is_reported_not_only_the_first(here: Path) -> None:
    known = "(expected one of: disable, extends, fail-on, overrides, rules)"
    assert _problems(_config(here, "bogus: 1\nfail_on: minor\n")) == [
        f"svccheck.yaml:1:1: bogus: unknown key {known}",
        f"svccheck.yaml:2:1: fail_on: unknown key {known} (did you mean 'fail-on'?)",
    ]


#: An overrides block with twelve mistakes, and a rule directory that does not exist.
MISTAKES = f"""\
rules: [missing]
overrides:
  {RING_RULE}: {{max: four, maximum: 4, severity: high, min: 1}}
  complaint.apology:
    severity: loud
    title: Sorry
    applies-to: {{channel: [], planet: mars}}
  speech.forbidden-phrases:
    phrases-add: ["赔(偿"]
    phrases-remove: [never-listed]
  phone.greting: {{severity: minor}}
"""
MISTAKES_REPORTED = [
    "svccheck.yaml:1:9: rules[0]: no such directory: missing",
    "svccheck.yaml:3:42: check.max: 'four' is not of type 'number'",
    "svccheck.yaml:3:48: check.maximum: unknown key (expected one of: kind, max, min, unit, value) (did you mean 'max'?)",
    f"svccheck.yaml:3:70: overrides.{RING_RULE}.severity: 'high' is not one of: critical, major, minor, info",
    f"svccheck.yaml:3:76: overrides.{RING_RULE}.min: contradictory limits: give only one of max, min",
    "svccheck.yaml:5:15: overrides.complaint.apology.severity: 'loud' is not one of: critical, major, minor, info",
    "svccheck.yaml:6:5: overrides.complaint.apology.title: 'title' cannot be overridden (write a new rule instead)",
    "svccheck.yaml:7:27: overrides.complaint.apology.applies-to.channel: [] should be non-empty",
    "svccheck.yaml:7:31: overrides.complaint.apology.applies-to.planet: unknown key (expected one of: channel, "
    "not-tags, site, source, tags)",
    "svccheck.yaml:9:19: overrides.speech.forbidden-phrases.phrases-add[0]: phrase \"赔(偿\": unbalanced '(' "
    "(no closing ')')",
    "svccheck.yaml:10:22: overrides.speech.forbidden-phrases.phrases-remove[0]: 'never-listed' is not in the "
    "rule's phrase list",
    "svccheck.yaml:11:3: overrides: no rule 'phone.greting' to override (did you mean 'phone.greeting'?)",
]


def test_every_mistake_of_a_configuration_at_once_in_file_order(here: Path) -> None:
    # A wrong value of an override does not hide the rule's verdict on its other values, nor a
    # missing rule directory, nor an override of a rule that does not exist.
    assert _problems(_config(here, MISTAKES)) == MISTAKES_REPORTED
    code, out, err = _audit()
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        *MISTAKES_REPORTED,
        f"svccheck: error: {len(MISTAKES_REPORTED)} problem(s) in rule files or configuration",
    ]


def test_a_configuration_that_is_not_a_mapping(here: Path) -> None:
    config = _config(here, "- extends: none\n")
    assert [str(p) for p in config.problems] == ["svccheck.yaml:1:1: (top level): [{'extends': 'none'}] is not of type 'object'"]
    assert _problems(config) == [str(p) for p in config.problems]


def test_the_valid_parts_of_a_broken_configuration_are_kept(here: Path) -> None:
    config = _config(here, f"extends: none\ndisable: [x, 3]\nfail-on: high\noverrides: {{{RING_RULE}: {{max: 4, severity: high}}}}\n")
    assert (config.extends, config.disable, config.fail_on) == ((), ("x",), None)
    assert dict(config.overrides[RING_RULE].changes) == {"max": 4}  # the bad severity is left out, and reported
    assert [str(p) for p in config.problems] == [
        "svccheck.yaml:2:14: disable[1]: 3 is not of type 'string'",
        "svccheck.yaml:3:10: fail-on: 'high' is not one of: critical, major, minor, info",
        f"svccheck.yaml:4:65: overrides.{RING_RULE}.severity: 'high' is not one of: critical, major, minor, info",
    ]


def test_unparsable_configuration(here: Path) -> None:
    assert _problems(_config(here, "overrides:\n  a: {max: 4\n")) == [
        "svccheck.yaml:3:1: yaml: expected ',' or '}', but got '<stream end>'"
    ]


def test_a_value_ruamel_cannot_build_is_located_not_a_traceback(here: Path) -> None:
    problem = (
        "svccheck.yaml:2:4: yaml: cannot read '2026-01-01 10:00:00 +25:00' as !!timestamp: offset must be a timedelta"
        " strictly between -timedelta(hours=24) and timedelta(hours=24), not datetime.timedelta(days=1, seconds=3600)."
        " (quote it if it is meant as text)"
    )
    assert _problems(_config(here, "fail-on: minor\nx: 2026-01-01 10:00:00 +25:00\n")) == [problem]
    assert _audit() == (2, "", f"{problem}\nsvccheck: error: 1 problem(s) in rule files or configuration\n")


def test_an_override_value_is_validated_like_the_rule_and_located_at_the_override(here: Path) -> None:
    config = _config(here, f"overrides:\n  {RING_RULE}:\n    max: -1\n    unit: hours\n")
    assert _problems(config) == [
        "svccheck.yaml:4:11: check.unit: 'hours' is not one of: count, seconds, minutes",
    ]


def test_overriding_a_rule_that_does_not_exist(here: Path) -> None:
    config = _config(here, "overrides:\n  phone.answer-within-three-ring: {max: 4}\n")
    assert _problems(config) == [
        "svccheck.yaml:2:3: overrides: no rule 'phone.answer-within-three-ring' to override "
        f"(did you mean '{RING_RULE}'?)",
    ]


def test_fixed_keys_cannot_be_overridden(here: Path) -> None:
    config = _config(here, f"overrides:\n  {RING_RULE}: {{kind: interval, standard: x.y}}\n")
    assert _problems(config) == [
        f"svccheck.yaml:2:37: overrides.{RING_RULE}.kind: 'kind' cannot be overridden (write a new rule instead)",
        f"svccheck.yaml:2:53: overrides.{RING_RULE}.standard: 'standard' cannot be overridden (write a new rule instead)",
    ]


def test_setting_one_exclusive_limit_replaces_the_other(here: Path) -> None:
    config = _config(here, "overrides:\n  complaint.acknowledged-in-time: {max-seconds: 900}\n")
    rule = _rule(config, "complaint.acknowledged-in-time")
    assert "max-minutes" not in rule.params
    assert rule.check.condition.limit == 900
    both = _config(here, f"overrides:\n  {RING_RULE}: {{max: 4, min: 1}}\n")
    assert _problems(both) == [
        f"svccheck.yaml:2:45: overrides.{RING_RULE}.min: contradictory limits: give only one of max, min",
    ]


def test_severity_and_applies_to_overrides(here: Path) -> None:
    config = _config(here, "overrides:\n  complaint.apology: {severity: critical, applies-to: {channel: [chat]}}\n")
    rule = _rule(config, "complaint.apology")
    assert rule.severity is Severity.CRITICAL
    assert (rule.applies_to.channels, rule.applies_to.tags) == (frozenset({"chat"}), frozenset({"complaint"}))


PHRASE_RULE = Path(__file__).resolve().parent / "data" / "authoring" / "phrase-rule"


def _said(*texts: str) -> Interaction:
    events = [{"type": "utterance", "speaker": "agent", "text": t} for t in texts]
    item = build_interaction({"id": "s", "channel": "chat", "events": events}, SourceLocation("t"), 0)
    assert isinstance(item, Interaction)
    return item


def test_phrases_added_and_removed_reach_phrase_files(here: Path) -> None:
    config = _config(
        here,
        f"rules: [{PHRASE_RULE}]\noverrides:\n  local.no-refusals:\n"
        "    phrases-add: [这事别找我]\n    phrases-remove: [我哪知道]\n",
    )
    rule = _rule(config, "local.no-refusals")
    assert "phrase-files" not in rule.params
    assert rule.params["phrases"] == ["不归我管", "没[有]办法", "这事别找我"]
    said = _said("我哪知道。", "这事别找我。", "没有办法。")
    default = _rule(_config(here, f"rules: [{PHRASE_RULE}]\n"), "local.no-refusals")
    assert [m.subject for m in default.check.measure(said) if m.value] == [0, 2]
    assert [m.subject for m in rule.check.measure(said) if m.value] == [1, 2]


def test_phrase_override_problems(here: Path) -> None:
    config = _config(
        here,
        f"rules: [{PHRASE_RULE}]\noverrides:\n  local.no-refusals:\n    phrases-add: ['赔(偿']\n"
        "    phrases-remove: [没办法, 好的]\n  phone.answer-within-three-rings: {phrases-add: [喂]}\n",
    )
    assert _problems(config) == [  # in file order, though the built-in rules are loaded first
        "svccheck.yaml:4:19: overrides.local.no-refusals.phrases-add[0]: phrase \"赔(偿\": unbalanced '(' "
        "(no closing ')')",
        "svccheck.yaml:5:22: overrides.local.no-refusals.phrases-remove[0]: '没办法' is not an entry of the "
        "rule's phrase list; it is matched by '没[有]办法' (remove that entry as written)",
        "svccheck.yaml:5:27: overrides.local.no-refusals.phrases-remove[1]: '好的' is not in the rule's "
        "phrase list",
        "svccheck.yaml:6:37: overrides.phone.answer-within-three-rings.phrases-add: a threshold check has no "
        "phrase list",
    ]


def test_extends_selects_builtin_packs_and_disable_removes_rules(here: Path) -> None:
    config = _config(here, "extends: [phone.*, complaint.apology]\ndisable: [phone.greeting]\n")
    ids = [r.id for r in load_rule_set(config).rules]
    assert ids == sorted(
        r.id for r in load_rule_set(Config.default()).rules
        if (r.id.startswith("phone.") or r.id == "complaint.apology") and r.id != "phone.greeting"
    )
    assert len(load_rule_set(config).loaded) == len(load_rule_set(Config.default()).loaded)  # still validated
    assert load_rule_set(_config(here, "extends: none\n")).rules == ()


def test_patterns_that_match_nothing_are_errors(here: Path) -> None:
    config = _config(here, "extends: [phon.*]\ndisable: [visit.nope]\nrules: [missing-dir]\n")
    assert _problems(config) == [
        "svccheck.yaml:1:11: extends[0]: 'phon.*' matches no built-in rule",
        "svccheck.yaml:2:11: disable[0]: 'visit.nope' matches no rule",
        "svccheck.yaml:3:9: rules[0]: no such directory: missing-dir",
    ]


def test_rule_directories_are_relative_to_the_configuration(here: Path) -> None:
    (here / "project" / "my-rules").mkdir(parents=True)
    good = Path(__file__).resolve().parent / "data" / "authoring" / "good" / "local.thank-for-complaint.yaml"
    (here / "project" / "my-rules" / good.name).write_text(good.read_text(encoding="utf-8"), encoding="utf-8")
    (here / "project" / "svccheck.yaml").write_text("rules: [my-rules]\nfail-on: minor\n", encoding="utf-8")
    config = load_config(Path("project/svccheck.yaml"))
    assert config.rule_dirs == (Path("project/my-rules"),)
    assert config.fail_on is Severity.MINOR
    assert "local.thank-for-complaint" in [r.id for r in load_rule_set(config).rules]


def _audit(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["audit", str(EXAMPLES / "phone-calls.json"), *args], env={"LANG": "C"})
    assert not result.exception or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_the_audit_uses_and_reports_the_configuration(here: Path) -> None:
    _, plain_out, plain_err = _audit("--format", "json")
    assert plain_err == ""
    before = json.loads(plain_out)["summary"]["by_rule"].get(RING_RULE, 0)
    _config(here, f"overrides: {{{RING_RULE}: {{max: 5}}}}\n")
    _, out, err = _audit("--format", "json")
    after = json.loads(out)["summary"]["by_rule"].get(RING_RULE, 0)
    assert err == "svccheck: configuration: svccheck.yaml\n"
    assert after < before  # calls answered after 4 or 5 rings are no longer findings


def test_the_configuration_sets_the_default_fail_on(here: Path) -> None:
    _config(here, "fail-on: critical\n")
    code, _, _ = _audit()
    assert code == 0  # the example calls have no critical finding
    code, _, _ = _audit("--fail-on", "minor")
    assert code == 1


def test_an_explicit_config_and_a_bad_one_refuse_the_audit(here: Path) -> None:
    (here / "site.yaml").write_text(f"overrides: {{{RING_RULE}: {{max: x}}}}\n", encoding="utf-8")
    code, out, err = _audit("--config", "site.yaml")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "site.yaml:1:52: check.max: 'x' is not of type 'number'",
        "svccheck: error: 1 problem(s) in rule files",
    ]
    code, _, err = _audit("--config", "absent.yaml")
    assert code == 2
    assert err.splitlines()[0] == "absent.yaml: file: cannot read: No such file or directory"
