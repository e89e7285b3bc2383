"""Rule files (svccheck.rules): loading, validation as `file:line:col: key: message`, compilation.

A rule set with any problem refuses to load (RuleError, exit 2 in the CLI); every problem of
every file is reported, and a bad rule is never skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from svccheck.errors import ExitCode, RuleError
from svccheck.kinds import KINDS
from svccheck.model import Dimension, Gap, Localised, Severity
from svccheck.rules import AppliesTo, Rule, load_rules, rule_files
from svccheck.standards import Standard, load_standards

BASE = """\
id: test.rule
title: {en: Test, zh: 测试}
standard: hotel.answer-phone-three-rings
severity: major
dimension: responsiveness
gap: delivery
check:
  kind: threshold
  value: {metric: rings}
  max: 3
"""
THRESHOLD_CHECK = """\
check:
  kind: threshold
  value: {metric: rings}
  max: 3
"""


@pytest.fixture(scope="module")
def standards() -> dict[str, Standard]:
    return load_standards()


def _write(directory: Path, text: str | bytes, name: str = "r.yaml") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _load(directory: Path, standards: dict[str, Standard]) -> list[Rule]:
    return load_rules([directory], standards, builtin=False)


def _problems(directory: Path, standards: dict[str, Standard]) -> tuple[str, ...]:
    with pytest.raises(RuleError) as caught:
        _load(directory, standards)
    assert caught.value.exit_code == ExitCode.USAGE
    assert str(caught.value) == f"{len(caught.value.problems)} problem(s) in rule files"
    return caught.value.problems


# --- a valid rule ---------------------------------------------------------------------------------


def test_a_valid_rule_is_compiled_with_every_field(tmp_path: Path, standards: dict[str, Standard]) -> None:
    _write(
        tmp_path,
        BASE
        + "applies-to: {channel: [phone, chat], tags: complaint, not-tags: [test], source: crm, site: s1}\n"
        + 'message: {en: "rang {value}", zh: "响铃{value}声"}\n'
        + "description: Pick up fast.\n",
    )
    (rule,) = _load(tmp_path, standards)
    assert rule.id == "test.rule"
    assert rule.title == Localised("Test", "测试")
    assert rule.standard == "hotel.answer-phone-three-rings"
    assert rule.severity is Severity.MAJOR
    assert rule.dimension is Dimension.RESPONSIVENESS
    assert rule.gap is Gap.DELIVERY
    assert rule.kind == "threshold"
    assert rule.message == Localised("rang {value}", "响铃{value}声")
    assert rule.applies_to == AppliesTo(
        channels=frozenset({"phone", "chat"}),
        tags=frozenset({"complaint"}),
        not_tags=frozenset({"test"}),
        sources=frozenset({"crm"}),
        sites=frozenset({"s1"}),
    )
    assert str(rule.location) == f"{tmp_path / 'r.yaml'}:1:1"
    info = rule.info()
    assert (info.id, info.description, info.severity) == ("test.rule", "Pick up fast.", Severity.MAJOR)


def test_a_rule_without_message_or_description_uses_the_kinds(tmp_path: Path, standards: dict[str, Standard]) -> None:
    _write(tmp_path, BASE)
    (rule,) = _load(tmp_path, standards)
    assert rule.message == Localised("{source} is {value}; standard: {limit}", "{source} 为 {value}；标准：{limit}")
    assert rule.info().description == "metric rings must be at most 3"
    assert rule.applies_to == AppliesTo()
    assert rule.applies_to.describe() == "all interactions"


def test_a_single_string_message_serves_both_languages(tmp_path: Path, standards: dict[str, Standard]) -> None:
    _write(tmp_path, BASE + 'message: "rang {value}"\n')
    (rule,) = _load(tmp_path, standards)
    assert rule.message == Localised("rang {value}", "rang {value}")


def test_examples_are_parsed_with_defaults(tmp_path: Path, standards: dict[str, Standard]) -> None:
    text = BASE + (
        "applies-to: {channel: [phone, chat]}\n"
        "examples:\n"
        "  pass:\n"
        "    - metrics: {rings: 2}\n"
        "  fail:\n"
        "    - interaction: {id: x1, channel: email, metrics: {rings: 9}}\n"
        "      findings: 1\n"
        "    - interaction: {metrics: {rings: 5}}\n"
        '      messages: ["m"]\n'
    )
    path = _write(tmp_path, text)
    (rule,) = _load(tmp_path, standards)
    passing, fail_count, fail_messages = rule.examples
    # The id defaults to <outcome>-example-<n>; the channel to the first channel the rule applies to.
    assert (passing.expect_fail, dict(passing.record)) == (
        False,
        {"metrics": {"rings": 2}, "id": "pass-example-1", "channel": "chat"},
    )
    assert str(passing.location) == f"{path}:14:7"
    assert (fail_count.record["id"], fail_count.record["channel"], fail_count.findings) == ("x1", "email", 1)
    assert fail_count.messages is None
    assert (fail_messages.record["id"], fail_messages.findings, fail_messages.messages) == ("fail-example-2", None, ("m",))


def test_a_survey_gap_rule_may_omit_the_dimension(tmp_path: Path, standards: dict[str, Standard]) -> None:
    _write(tmp_path, BASE.replace("dimension: responsiveness\n", "").replace(THRESHOLD_CHECK, "check: {kind: survey-gap}\n"))
    (rule,) = _load(tmp_path, standards)
    assert rule.dimension is None


def test_rule_files_are_found_recursively_sorted_skipping_phrases_and_fixtures(tmp_path: Path) -> None:
    for name in ("b/z.yaml", "a.yml", "c.yaml", "E.YAML", "phrases/p.yaml", "fixtures/f.yaml", "notes.txt", "d/phrases/q.yaml"):
        _write(tmp_path / Path(name).parent, "x: 1\n", Path(name).name)
    assert [p.relative_to(tmp_path).as_posix() for p in rule_files(tmp_path)] == ["E.YAML", "a.yml", "b/z.yaml", "c.yaml"]


def test_rules_are_sorted_by_id_across_files(tmp_path: Path, standards: dict[str, Standard]) -> None:
    _write(tmp_path, BASE.replace("id: test.rule", "id: zz.last"), "a.yaml")
    _write(tmp_path, BASE.replace("id: test.rule", "id: aa.first"), "b.yaml")
    assert [r.id for r in _load(tmp_path, standards)] == ["aa.first", "zz.last"]


def test_a_standards_catalogue_beside_the_rules_adds_standards(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "manual: {id: house, title: {en: House manual, zh: 内部手册}}\n"
        "standards:\n"
        "  - id: house.smile\n"
        "    title: {en: Smile, zh: 微笑}\n"
        "    dimension: empathy\n"
        "    observable-by: [checklist]\n",
        "catalogue.yaml",
    )
    _write(tmp_path, BASE.replace("standard: hotel.answer-phone-three-rings", "standard: house.smile"))
    standards = load_standards([tmp_path])
    assert standards["house.smile"].title == Localised("Smile", "微笑")
    assert [r.standard for r in _load(tmp_path, standards)] == ["house.smile"]


def test_the_builtin_rules_load_with_the_extra_directory(tmp_path: Path, standards: dict[str, Standard]) -> None:
    _write(tmp_path, BASE)
    ids = [r.id for r in load_rules([tmp_path], standards)]
    assert "test.rule" in ids and "phone.answer-within-three-rings" in ids
    assert ids == sorted(ids)


# --- every problem, located exactly ----------------------------------------------------------------

FORBIDDEN_CHECK = 'check:\n  kind: forbidden-phrases\n  phrases:\n    - 不知道\n    - "请[您稍等"\n'

PROBLEMS = [
    ("unparsable YAML", BASE.replace("max: 3", "max: [3"), "11:1: yaml: expected ',' or ']', but got '<stream end>'"),
    (
        "a date that does not exist",
        BASE + "description: 2026-99-99\n",
        "11:14: yaml: cannot read '2026-99-99' as !!timestamp: month must be in 1..12 (quote it if it is meant as text)",
    ),
    ("a bad explicit tag", BASE.replace("max: 3", "max: !!int three"), "10:8: yaml: cannot read 'three' as !!int: invalid literal for int() with base 10: 'three'"),
    ("a lone surrogate", BASE + 'description: "\\uD800"\n', "11:14: yaml: lone surrogate \\ud800 in a string: not valid Unicode text"),
    (
        "unknown check kind",
        BASE.replace("kind: threshold", "kind: thresold"),
        "8:9: check.kind: unknown check kind 'thresold' (known kinds: " + ", ".join(sorted(KINDS)) + ")",
    ),
    ("bad severity", BASE.replace("severity: major", "severity: urgent"), "4:11: severity: 'urgent' is not one of: critical, major, minor, info"),
    (
        "bad dimension",
        BASE.replace("dimension: responsiveness", "dimension: speed"),
        "5:12: dimension: 'speed' is not one of: tangibles, reliability, responsiveness, assurance, empathy",
    ),
    (
        "bad gap",
        BASE.replace("gap: delivery", "gap: gap3"),
        "6:6: gap: 'gap3' is not one of: knowledge, standards, delivery, communication, perception",
    ),
    (
        "unbalanced phrase bracket",
        BASE.replace(THRESHOLD_CHECK, FORBIDDEN_CHECK),
        "11:7: check.phrases[1]: phrase \"请[您稍等\": unbalanced '[' (no closing ']')",
    ),
    ("missing title", BASE.replace("title: {en: Test, zh: 测试}\n", ""), "1:1: (top level): 'title' is a required property"),
    ("missing dimension", BASE.replace("dimension: responsiveness\n", ""), "1:1: dimension: 'dimension' is a required property"),
    (
        "unknown top-level key",
        BASE.replace("severity: major", "severity: major\nseverty: minor"),
        "5:1: severty: unknown key (expected one of: applies-to, check, description, dimension, examples, gap, id,"
        " message, severity, standard, title) (did you mean 'severity'?)",
    ),
    (
        "unknown template field",
        BASE + 'message: {en: "rings {rings}", zh: "{value}"}\n',
        "11:15: message.en: unknown template field {rings} (known: agent, channel, interaction, limit, limit_human,"
        " max, min, rule, site, source, value, value_human)",
    ),
    ("malformed template", BASE + 'message: "rings {"\n', "11:10: message: bad template: Single '{' encountered in format string"),
    (
        "unknown standard",
        BASE.replace("standard: hotel.answer-phone-three-rings", "standard: nope.nope"),
        "3:11: standard: unknown standard 'nope.nope' (see `svccheck standards`)",
    ),
    (
        "contradictory threshold limits",
        BASE.replace("max: 3", "max: 3\n  min: 1"),
        "11:3: check.min: contradictory limits: give only one of max, min",
    ),
    (
        "missing phrase file",
        BASE.replace(THRESHOLD_CHECK, "check:\n  kind: forbidden-phrases\n  phrase-files: [nope.txt]\n"),
        "9:18: check.phrase-files[0]: cannot read phrase file nope.txt: No such file or directory",
    ),
    (
        "duplicate sequence step",
        BASE.replace(THRESHOLD_CHECK, "check:\n  kind: sequence\n  steps:\n    - {name: a, event: ring}\n    - {name: a, event: answer}\n"),
        "11:14: check.steps[1].name: duplicate step name 'a'",
    ),
    ("empty file", "", "1:1: (top level): the file is empty; a rule file holds one rule (id, title, check...)"),
    ("a list, not a rule", "- a\n- b\n", "1:1: (top level): ['a', 'b'] is not of type 'object'"),
    (
        "misspelt example key",
        BASE + "examples:\n  fail:\n    - interaction: {metrics: {rings: 5}}\n      finding: 1\n",
        "14:7: examples.fail[0].finding: unknown key (expected one of: findings, interaction, messages) "
        "(did you mean 'findings'?)",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [p[1:] for p in PROBLEMS], ids=[p[0] for p in PROBLEMS])
def test_a_problem_is_reported_as_file_line_col_key_message(
    tmp_path: Path, standards: dict[str, Standard], text: str, expected: str
) -> None:
    path = _write(tmp_path, text)
    assert _problems(tmp_path, standards) == (f"{path}:{expected}",)


def test_a_relative_phrase_file_resolves_beside_the_rule(tmp_path: Path, standards: dict[str, Standard]) -> None:
    _write(tmp_path / "lists", "不知道\n没办法  # trailing comment\n", "no.txt")
    _write(tmp_path, BASE.replace(THRESHOLD_CHECK, "check:\n  kind: forbidden-phrases\n  phrase-files: [lists/no.txt]\n"))
    (rule,) = _load(tmp_path, standards)
    assert rule.check.describe("en") == "agent utterances must not say any of 2 forbidden phrases"


def test_a_bad_phrase_in_a_phrase_file_names_the_file(tmp_path: Path, standards: dict[str, Standard]) -> None:
    _write(tmp_path / "lists", "不知道\n(a|b\n", "no.txt")
    path = _write(tmp_path, BASE.replace(THRESHOLD_CHECK, "check:\n  kind: forbidden-phrases\n  phrase-files: [lists/no.txt]\n"))
    (problem,) = _problems(tmp_path, standards)
    assert problem == f"{path}:9:18: check.phrase-files[0]: lists/no.txt:2: phrase \"(a|b\": unbalanced '(' (no closing ')')"


def test_a_non_utf8_phrase_file_is_named_once_as_the_rule_names_it(tmp_path: Path, standards: dict[str, Standard]) -> None:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "latin.txt").write_bytes("ok\ncafé\n".encode("latin-1"))
    path = _write(tmp_path, BASE.replace(THRESHOLD_CHECK, "check:\n  kind: forbidden-phrases\n  phrase-files: [lists/latin.txt]\n"))
    assert _problems(tmp_path, standards) == (f"{path}:9:18: check.phrase-files[0]: lists/latin.txt: not UTF-8 text (byte 6)",)


def test_every_problem_of_every_sequence_step_is_located_at_its_step(tmp_path: Path, standards: dict[str, Standard]) -> None:
    steps = (
        "check:\n  kind: sequence\n  steps:\n    - {name: greet, phrases: [您好]}\n"
        "    - {name: greet, phrase-files: [missing.txt], phrases: ['(a|b']}\n"
        "    - {name: close, phrase-files: [gone.txt]}\n"
    )
    path = _write(tmp_path, BASE.replace(THRESHOLD_CHECK, steps))
    assert _problems(tmp_path, standards) == (
        f"{path}:11:14: check.steps[1].name: duplicate step name 'greet'",
        f"{path}:11:36: check.steps[1].phrase-files[0]: cannot read phrase file missing.txt: No such file or directory",
        f"{path}:11:60: check.steps[1].phrases[0]: phrase \"(a|b\": unbalanced '(' (no closing ')')",
        f"{path}:12:36: check.steps[2].phrase-files[0]: cannot read phrase file gone.txt: No such file or directory",
    )


def test_bad_exceptions_are_reported_with_bad_phrases(tmp_path: Path, standards: dict[str, Standard]) -> None:
    check = "check:\n  kind: forbidden-phrases\n  phrases: ['(a|b']\n  exceptions: ['[x']\n"
    path = _write(tmp_path, BASE.replace(THRESHOLD_CHECK, check))
    assert _problems(tmp_path, standards) == (
        f"{path}:9:13: check.phrases[0]: phrase \"(a|b\": unbalanced '(' (no closing ')')",
        f"{path}:10:15: check.exceptions: phrase \"[x\": unbalanced '[' (no closing ']')",
    )


def test_a_non_utf8_rule_file(tmp_path: Path, standards: dict[str, Standard]) -> None:
    path = _write(tmp_path, b"id: \xff\xfe\n")
    assert _problems(tmp_path, standards) == (f"{path}: file: not UTF-8 text",)


def test_a_missing_rules_directory(tmp_path: Path, standards: dict[str, Standard]) -> None:
    missing = tmp_path / "nope"
    assert _problems(missing, standards) == (f"{missing}: rules: not a directory",)


def test_duplicate_rule_ids_name_the_first_definition(tmp_path: Path, standards: dict[str, Standard]) -> None:
    first = _write(tmp_path, BASE, "a.yaml")
    second = _write(tmp_path, BASE, "b.yaml")
    assert _problems(tmp_path, standards) == (
        f"{second}:1:5: id: duplicate rule id 'test.rule' (first defined at {first}:1:1)",
    )


def test_a_rule_duplicating_a_builtin_id_is_refused(tmp_path: Path, standards: dict[str, Standard]) -> None:
    path = _write(tmp_path, BASE.replace("id: test.rule", "id: phone.greeting"))
    with pytest.raises(RuleError) as caught:
        load_rules([tmp_path], standards)
    (problem,) = caught.value.problems
    assert problem.startswith(f"{path}:1:5: id: duplicate rule id 'phone.greeting' (first defined at ")


def test_every_problem_of_every_file_is_reported_and_nothing_loads(tmp_path: Path, standards: dict[str, Standard]) -> None:
    good = _write(tmp_path, BASE.replace("id: test.rule", "id: test.good"), "a-good.yaml")
    bad_kind = _write(tmp_path, BASE.replace("kind: threshold", "kind: nope"), "b.yaml")
    two_bad = _write(
        tmp_path, BASE.replace("severity: major", "severity: huge").replace("gap: delivery", "gap: big"), "c.yaml"
    )
    problems = _problems(tmp_path, standards)
    assert good.exists()
    assert [p.split(": ")[0] for p in problems] == [f"{bad_kind}:8:9", f"{two_bad}:4:11", f"{two_bad}:6:6"]


def test_every_bad_phrase_file_and_inline_phrase_is_reported(tmp_path: Path, standards: dict[str, Standard]) -> None:
    _write(tmp_path / "lists", "不知道\n赔(偿\n", "bad.txt")
    _write(tmp_path / "lists", "没办法\n", "good.txt")
    files = "[lists/missing.txt, lists/bad.txt, lists/good.txt, builtin:nope, lists/also-missing.txt]"
    check = f"check:\n  kind: forbidden-phrases\n  phrases: [好的, '请[稍等', '(a|b']\n  phrase-files: {files}\n"
    path = _write(tmp_path, BASE.replace(THRESHOLD_CHECK, check))
    assert _problems(tmp_path, standards) == (
        f"{path}:9:17: check.phrases[1]: phrase \"请[稍等\": unbalanced '[' (no closing ']')",
        f"{path}:9:25: check.phrases[2]: phrase \"(a|b\": unbalanced '(' (no closing ')')",
        f"{path}:10:18: check.phrase-files[0]: cannot read phrase file lists/missing.txt: No such file or directory",
        f"{path}:10:37: check.phrase-files[1]: lists/bad.txt:2: phrase \"赔(偿\": unbalanced '(' (no closing ')')",
        f"{path}:10:68: check.phrase-files[3]: cannot read phrase file builtin:nope: No such file or directory",
        f"{path}:10:82: check.phrase-files[4]: cannot read phrase file lists/also-missing.txt: No such file or directory",
    )


def test_bad_phrases_are_reported_with_the_rules_other_problems(tmp_path: Path, standards: dict[str, Standard]) -> None:
    check = "check:\n  kind: forbidden-phrases\n  phrases: ['请[稍等']\n  phrase-files: [missing.txt]\n"
    path = _write(tmp_path, BASE.replace(THRESHOLD_CHECK, check).replace("severity: major", "severity: high"))
    assert _problems(tmp_path, standards) == (
        f"{path}:4:11: severity: 'high' is not one of: critical, major, minor, info",
        f"{path}:9:13: check.phrases[0]: phrase \"请[稍等\": unbalanced '[' (no closing ']')",
        f"{path}:10:18: check.phrase-files[0]: cannot read phrase file missing.txt: No such file or directory",
    )


def test_every_unknown_key_of_every_mapping_is_reported(tmp_path: Path, standards: dict[str, Standard]) -> None:
    text = BASE.replace("gap: delivery", "gap: delivery\naplies-to: {tags: x}\nexmaples: {}") + "  maximum: 4\n  units: s\n"
    path = _write(tmp_path, text)
    top = "(expected one of: applies-to, check, description, dimension, examples, gap, id, message, severity, standard, title)"
    check = "(expected one of: kind, max, min, unit, value)"
    assert _problems(tmp_path, standards) == (
        f"{path}:7:1: aplies-to: unknown key {top} (did you mean 'applies-to'?)",
        f"{path}:8:1: exmaples: unknown key {top} (did you mean 'examples'?)",
        f"{path}:13:3: check.maximum: unknown key {check} (did you mean 'max'?)",
        f"{path}:14:3: check.units: unknown key {check} (did you mean 'unit'?)",
    )
