"""`svccheck lint` (svccheck.lint): every problem at once, as FILE:LINE:COL: RULE: KEY: MESSAGE,
and the audit refusing to run on the same broken rule files (exit 2, nothing audited)."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from svccheck.cli import main
from svccheck.config import Config
from svccheck.lint import LintProblem, lint

AUTHORING = Path(__file__).resolve().parent / "data" / "authoring"
BROKEN = AUTHORING / "broken"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "phone-calls.json"

#: file in tests/data/authoring/broken -> the exact lint lines it gives (copied to rules/).
CASES: dict[str, list[str]] = {
    "wrong-key.yaml": [
        "rules/wrong-key.yaml:7:1: local.wrong-key: aplies-to: unknown key (expected one of: applies-to, check, "
        "description, dimension, examples, gap, id, message, severity, standard, title) (did you mean 'applies-to'?)",
    ],
    "wrong-kind.yaml": [
        "rules/wrong-kind.yaml:7:15: local.wrong-kind: check.kind: unknown check kind 'required-phrase' (known kinds: "
        "checklist, condition, forbidden-phrases, interval, promise, required-phrases, scorecard, sequence, "
        "survey-gap, threshold)",
    ],
    "bad-severity.yaml": [
        "rules/bad-severity.yaml:4:11: local.bad-severity: severity: 'high' is not one of: critical, major, minor, info",
        "rules/bad-severity.yaml:7:43: local.bad-severity: check.phrases[0]: phrase \"谢谢(您\": unbalanced '(' "
        "(no closing ')')",
    ],
    "unparsable.yaml": ["rules/unparsable.yaml:10:8: yaml: expected ',' or ']', but got ':'"],
    "unbalanced-phrase.yaml": [
        "rules/unbalanced-phrase.yaml:11:7: local.unbalanced-phrase: check.phrases[1]: phrase \"赔(偿|付]您\": "
        "']' closes '('; expected ')'",
    ],
    "missing-phrase-file.yaml": [
        "rules/missing-phrase-file.yaml:9:40: local.missing-phrase-file: check.phrase-files[1]: cannot read phrase "
        "file phrases/no-such-list.txt: No such file or directory",
    ],
    "bad-template.yaml": [
        "rules/bad-template.yaml:8:15: local.bad-template: message.en: unknown template field {phrase} (known: "
        "agent, channel, event, interaction, n, rule, scope, site)",
        "rules/bad-template.yaml:8:43: local.bad-template: message.zh: unknown template field {phrase} (known: "
        "agent, channel, event, interaction, n, rule, scope, site)",
    ],
    "unknown-standard.yaml": [
        "rules/unknown-standard.yaml:3:11: local.unknown-standard: standard: unknown standard 'complaint.thank-you' "
        "(see `svccheck standards`)",
    ],
    "contradictory-limits.yaml": [
        "rules/contradictory-limits.yaml:11:3: local.contradictory-limits: check.min: contradictory limits: give "
        "only one of max, min",
    ],
    "unknown-parameter.yaml": [
        "rules/unknown-parameter.yaml:7:1: local.unknown-parameter: check: 'max' is a required property",
        "rules/unknown-parameter.yaml:7:50: local.unknown-parameter: check.maximum: unknown key (expected one of: "
        "kind, max, min, unit, value) (did you mean 'max'?)",
    ],
}
#: Problems only lint reports: the rule runs, but it is wrong (an example, clauses that never hold).
LINT_ONLY: dict[str, list[str]] = {
    "bad-example.yaml": [
        "rules/bad-example.yaml:12:7: local.bad-example: examples.fail[0]: not a valid interaction: events[0]: "
        "'type' is a required property",
    ],
    "contradictory-clauses.yaml": [
        "rules/contradictory-clauses.yaml:10:5: local.contradictory-clauses: check.all: contradictory limits: "
        "queue_seconds > 60 and queue_seconds <= 30; the rule can never fire",
    ],
}

#: The same problems with `--lang zh`: each line's place, rule id and key as in English.
CASES_ZH: dict[str, list[str]] = {
    "wrong-key.yaml": [
        "rules/wrong-key.yaml:7:1: local.wrong-key: aplies-to: 未知字段（应为以下之一：applies-to, check, description, "
        "dimension, examples, gap, id, message, severity, standard, title）（是否应为 'applies-to'？）",
    ],
    "wrong-kind.yaml": [
        "rules/wrong-kind.yaml:7:15: local.wrong-kind: check.kind: 未知的检查类型 'required-phrase'（已知类型：checklist, "
        "condition, forbidden-phrases, interval, promise, required-phrases, scorecard, sequence, survey-gap, threshold）",
    ],
    "bad-severity.yaml": [
        "rules/bad-severity.yaml:4:11: local.bad-severity: severity: 'high' 不是允许的值，应为以下之一：critical, major, "
        "minor, info",
        "rules/bad-severity.yaml:7:43: local.bad-severity: check.phrases[0]: 短语 \"谢谢(您\"：'(' 不成对（后面没有 ')'）",
    ],
    "unparsable.yaml": ["rules/unparsable.yaml:10:8: YAML: 语法错误：expected ',' or ']', but got ':'"],
    "unbalanced-phrase.yaml": [
        "rules/unbalanced-phrase.yaml:11:7: local.unbalanced-phrase: check.phrases[1]: 短语 \"赔(偿|付]您\"：']' 不能闭合 "
        "'('；应为 ')'",
    ],
    "missing-phrase-file.yaml": [
        "rules/missing-phrase-file.yaml:9:40: local.missing-phrase-file: check.phrase-files[1]: 无法读取短语文件 "
        "phrases/no-such-list.txt：文件或目录不存在",
    ],
    "bad-template.yaml": [
        "rules/bad-template.yaml:8:15: local.bad-template: message.en: 未知的模板字段 {phrase}（可用字段：agent, channel, "
        "event, interaction, n, rule, scope, site）",
        "rules/bad-template.yaml:8:43: local.bad-template: message.zh: 未知的模板字段 {phrase}（可用字段：agent, channel, "
        "event, interaction, n, rule, scope, site）",
    ],
    "unknown-standard.yaml": [
        "rules/unknown-standard.yaml:3:11: local.unknown-standard: standard: 未知的标准 'complaint.thank-you'（见 "
        "`svccheck standards`）",
    ],
    "contradictory-limits.yaml": [
        "rules/contradictory-limits.yaml:11:3: local.contradictory-limits: check.min: 限值互相矛盾：max, min 只能写一个",
    ],
    "unknown-parameter.yaml": [
        "rules/unknown-parameter.yaml:7:1: local.unknown-parameter: check: 缺少必填字段 'max'",
        "rules/unknown-parameter.yaml:7:50: local.unknown-parameter: check.maximum: 未知字段（应为以下之一：kind, max, min, "
        "unit, value）（是否应为 'max'？）",
    ],
    "bad-example.yaml": [
        "rules/bad-example.yaml:12:7: local.bad-example: examples.fail[0]: 不是有效的交互记录：events[0]：缺少必填字段 'type'",
    ],
    "contradictory-clauses.yaml": [
        "rules/contradictory-clauses.yaml:10:5: local.contradictory-clauses: check.all: 限值互相矛盾：queue_seconds > 60 与 "
        "queue_seconds <= 30；该规则永远不会触发",
    ],
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory (no svccheck.yaml) with a rules/ folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rules").mkdir()
    return tmp_path


def _copy(project: Path, *names: str) -> None:
    for name in names:
        shutil.copy(BROKEN / name, project / "rules" / name)


def _lint(*args: str, locale: str = "C") -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["lint", *args], env={"LANG": locale, "LC_ALL": None, "LC_MESSAGES": None})
    assert not result.exception or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("name", sorted({**CASES, **LINT_ONLY}))
def test_each_broken_rule_is_reported_at_its_file_line_and_column(project: Path, name: str) -> None:
    _copy(project, name)
    code, out, err = _lint("rules")
    expected = {**CASES, **LINT_ONLY}[name]
    assert (code, out.splitlines()) == (2, expected)
    assert err == f"svccheck lint: {len(expected)} problem(s) in 1 file(s)\n"


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_audit_refuses_to_run_on_the_same_broken_rule(project: Path, name: str) -> None:
    _copy(project, name)
    result = CliRunner().invoke(main, ["audit", str(EXAMPLE), "--rules", "rules"], env={"LANG": "C"})
    assert result.exit_code == 2
    assert result.stdout == ""  # nothing audited
    assert result.stderr.splitlines()[-1] == f"svccheck: error: {len(CASES[name])} problem(s) in rule files"


def test_every_problem_of_every_file_comes_in_one_run_sorted_by_place(project: Path) -> None:
    _copy(project, *CASES, *LINT_ONLY)
    code, out, err = _lint("rules")
    expected = [line for name in sorted({**CASES, **LINT_ONLY}) for line in {**CASES, **LINT_ONLY}[name]]
    assert code == 2
    assert out.splitlines() == expected
    assert err == f"svccheck lint: {len(expected)} problem(s) in {len(CASES) + len(LINT_ONLY)} file(s)\n"


def test_duplicate_ids_across_files(project: Path) -> None:
    shutil.copytree(AUTHORING / "duplicate", project / "dup")
    code, out, _ = _lint("dup")
    assert (code, out) == (
        2,
        "dup/b.yaml:1:5: local.same-id: id: duplicate rule id 'local.same-id' (first defined at dup/a.yaml:1:1)\n",
    )


def test_a_clean_rule_set_exits_0_and_says_how_many_rules(project: Path) -> None:
    shutil.copy(AUTHORING / "good" / "local.thank-for-complaint.yaml", project / "rules")
    code, out, err = _lint("rules")
    builtin = len(lint(Config.default()).problems), lint(Config.default()).rules
    assert builtin[0] == 0
    assert (code, out, err) == (0, "", f"svccheck lint: {builtin[1] + 1} rule(s) checked, no problems\n")


def test_json_format_lists_every_field_for_editors(project: Path) -> None:
    _copy(project, "unknown-standard.yaml", "unparsable.yaml")
    code, out, _ = _lint("rules", "--format", "json")
    assert code == 2
    assert json.loads(out) == [
        {"file": "rules/unknown-standard.yaml", "line": 3, "column": 11, "rule": "local.unknown-standard",
         "key": "standard", "message": "unknown standard 'complaint.thank-you' (see `svccheck standards`)"},
        {"file": "rules/unparsable.yaml", "line": 10, "column": 8, "rule": None, "key": "yaml",
         "message": "expected ',' or ']', but got ':'"},
    ]


def test_a_path_that_does_not_exist(project: Path) -> None:
    code, out, _ = _lint("nowhere")
    assert (code, out) == (2, "nowhere: rules: not a directory\n")


def test_configuration_problems_are_linted_with_the_rules(project: Path) -> None:
    (project / "svccheck.yaml").write_text(
        "overrides:\n  phone.answer-within-three-rings: {max: three}\ndisable: [phone.greting]\n", encoding="utf-8"
    )
    code, out, _ = _lint()
    assert code == 2
    assert out.splitlines() == [
        "svccheck.yaml:2:42: phone.answer-within-three-rings: check.max: 'three' is not of type 'number'",
        "svccheck.yaml:3:11: disable[0]: 'phone.greting' matches no rule (did you mean 'phone.greeting'?)",
    ]


def test_problem_text_without_a_rule_id_keeps_the_audit_form() -> None:
    problem = LintProblem("r.yaml", 3, 4, None, "yaml", "bad")
    assert str(problem) == "r.yaml:3:4: yaml: bad"
    assert str(LintProblem("r.yaml", 3, 4, "a.b", "id", "bad")) == "r.yaml:3:4: a.b: id: bad"


def test_fixture_case_files_are_linted_too(project: Path) -> None:
    shutil.copytree(AUTHORING / "testing" / "bad-cases", project / "cases")
    code, out, _ = _lint("cases")
    assert code == 2
    assert out.splitlines() == [
        "cases/orphan.expected.yaml:1:1: file: no interaction file orphan.json or orphan.jsonl beside it (exactly one)",
        "cases/orphan.expected.yaml:1:29: [0].evnt: unknown key (expected one of: event, interaction, message, rule) "
        "(did you mean 'event'?)",
        "cases/thanked.expected.yaml:1:10: [0].rule: unknown rule 'local.no-such-rule'",
    ]


BROKEN_WITH_EXAMPLES = """\
id: local.ex
title: Example
standard: complaint.thank-for-complaint
severity: high
dimension: empathy
gap: delivery
check: {kind: required-phrases, phrases: [谢谢]}
examples:
  pass:
    - {bogus: 1}
  fail:
    - findings: 2
      events: [{type: utterance, speaker: agent, text: 好的}]
"""


def test_the_examples_of_a_broken_rule_are_checked_with_its_other_problems(project: Path) -> None:
    (project / "rules" / "ex.yaml").write_text(BROKEN_WITH_EXAMPLES, encoding="utf-8")
    code, out, _ = _lint("rules")
    assert code == 2
    assert out.splitlines() == [
        "rules/ex.yaml:4:11: local.ex: severity: 'high' is not one of: critical, major, minor, info",
        "rules/ex.yaml:10:7: local.ex: examples.pass[0]: not a valid interaction: unknown key 'bogus'; extension keys "
        "must start with x-",
        "rules/ex.yaml:12:7: local.ex: examples.fail[0]: not a valid interaction: unknown key 'findings'; extension "
        "keys must start with x-",
    ]


def test_every_unknown_configuration_key_gets_its_suggestion(project: Path) -> None:
    (project / "svccheck.yaml").write_text("bogus: 1\nfail_on: minor\n", encoding="utf-8")
    known = "(expected one of: disable, extends, fail-on, overrides, rules)"
    assert _lint() == (
        2,
        f"svccheck.yaml:1:1: bogus: unknown key {known}\n"
        f"svccheck.yaml:2:1: fail_on: unknown key {known} (did you mean 'fail-on'?)\n",
        "svccheck lint: 2 problem(s) in 1 file(s)\n",
    )


def test_fixture_interaction_files_that_cannot_be_used_are_lint_problems(project: Path) -> None:
    shutil.copytree(AUTHORING / "testing" / "passing", project / "mine")
    fixtures = project / "mine" / "fixtures"
    (fixtures / "thanked.json").write_text('{"id": "t-1", "channel": "chat",\n "events": [}\n', encoding="utf-8")
    with (fixtures / "unthanked.jsonl").open("a", encoding="utf-8") as out:
        out.write('{"id": "u-3", "channel": "chat", "events": [{"speaker": "agent", "text": "好"}]}\n')
    code, out, err = _lint("mine")
    assert (code, err) == (2, "svccheck lint: 2 problem(s) in 2 file(s)\n")
    assert out.splitlines() == [
        "mine/fixtures/thanked.json:2:13: input: invalid JSON: Expecting value",
        "mine/fixtures/unthanked.jsonl:3:45: interaction u-3: events[0]: 'type' is a required property",
    ]


# --- --lang zh: the same problems, said in Chinese ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CASES_ZH))
def test_each_broken_rule_in_chinese(project: Path, name: str) -> None:
    _copy(project, name)
    expected = CASES_ZH[name]
    assert _lint("rules", "--lang", "zh") == (2, "".join(f"{line}\n" for line in expected),
                                             f"svccheck lint: 1 个文件中有 {len(expected)} 个问题\n")


def test_the_language_follows_the_locale_unless_given(project: Path) -> None:
    _copy(project, "unknown-standard.yaml")
    english = {**CASES, **LINT_ONLY}["unknown-standard.yaml"][0] + "\n"
    chinese = CASES_ZH["unknown-standard.yaml"][0] + "\n"
    assert _lint("rules", locale="zh_CN.UTF-8") == (2, chinese, "svccheck lint: 1 个文件中有 1 个问题\n")
    assert _lint("rules", "--lang", "en", locale="zh_CN.UTF-8")[1] == english
    assert _lint("rules", locale="en_GB.UTF-8")[1] == english


def test_a_clean_rule_set_in_chinese(project: Path) -> None:
    shutil.copy(AUTHORING / "good" / "local.thank-for-complaint.yaml", project / "rules")
    code, out, err = _lint("rules", "--lang", "zh")
    assert (code, out) == (0, "")
    assert err == f"svccheck lint: 已检查 {lint(Config.default()).rules + 1} 条规则，没有问题\n"


def test_json_format_in_chinese_keeps_its_fields(project: Path) -> None:
    """Only `message` is said in the language: `key` stays what editors and scripts match on."""
    _copy(project, "unknown-standard.yaml", "unparsable.yaml")
    (project / "rules" / "empty.yaml").write_text("", encoding="utf-8")
    code, out, _ = _lint("rules", "--format", "json", "--lang", "zh")
    assert code == 2
    assert json.loads(out) == [
        {"file": "rules/empty.yaml", "line": 1, "column": 1, "rule": None, "key": "(top level)",
         "message": "文件是空的；一个规则文件写一条规则（id、title、check……）"},
        {"file": "rules/unknown-standard.yaml", "line": 3, "column": 11, "rule": "local.unknown-standard",
         "key": "standard", "message": "未知的标准 'complaint.thank-you'（见 `svccheck standards`）"},
        {"file": "rules/unparsable.yaml", "line": 10, "column": 8, "rule": None, "key": "yaml",
         "message": "语法错误：expected ',' or ']', but got ':'"},
    ]


def test_configuration_and_fixture_case_problems_in_chinese(project: Path) -> None:
    shutil.copytree(AUTHORING / "testing" / "bad-cases", project / "cases")
    (project / "svccheck.yaml").write_text("bogus: 1\nfail_on: minor\n", encoding="utf-8")
    known = "（应为以下之一：disable, extends, fail-on, overrides, rules）"
    assert _lint("cases", "--lang", "zh") == (
        2,
        "cases/orphan.expected.yaml:1:1: 文件: 旁边没有交互文件 orphan.json 或 orphan.jsonl（应恰好有一个）\n"
        "cases/orphan.expected.yaml:1:29: [0].evnt: 未知字段（应为以下之一：event, interaction, message, rule）"
        "（是否应为 'event'？）\n"
        "cases/thanked.expected.yaml:1:10: [0].rule: 未知的规则 'local.no-such-rule'\n"
        f"svccheck.yaml:1:1: bogus: 未知字段{known}\n"
        f"svccheck.yaml:2:1: fail_on: 未知字段{known}（是否应为 'fail-on'？）\n",
        "svccheck lint: 3 个文件中有 5 个问题\n",
    )


def test_english_lint_lines_are_those_of_problems_without_translations(project: Path) -> None:
    """`LintProblem.describe("en")` is `str()`, byte for byte, whatever the problem could say in
    another language (the English the tests above pin is not a rendering of the templates)."""
    _copy(project, *CASES, *LINT_ONLY)
    result = lint(Config.default(), [Path("rules")])
    plain = [replace(p, said=None, key_said=None) for p in result.problems]
    assert [p.describe("en") for p in result.problems] == [str(p) for p in plain] == [
        line for name in sorted({**CASES, **LINT_ONLY}) for line in {**CASES, **LINT_ONLY}[name]
    ]
    assert all(p.said is not None for p in result.problems)
