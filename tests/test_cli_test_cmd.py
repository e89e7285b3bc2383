"""`svccheck test`: rules' embedded examples and fixture cases (svccheck.ruletest), pytest-like."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from svccheck.cli import main
from svccheck.config import Config, load_rule_set

TESTING = Path(__file__).resolve().parent / "data" / "authoring" / "testing"
BROKEN = Path(__file__).resolve().parent / "data" / "authoring" / "broken"
WRONG_KIND = (
    "mine/wrong-kind.yaml:7:15: check.kind: unknown check kind 'required-phrase' (known kinds: checklist,"
    " condition, forbidden-phrases, interval, promise, required-phrases, scorecard, sequence, survey-gap, threshold)"
)


def _test(*args: str, locale: str = "C") -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["test", *args], env={"LANG": locale, "LC_ALL": None, "LC_MESSAGES": None})
    assert not result.exception or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_the_builtin_rules_pass_their_own_examples(here: Path) -> None:
    cases = sum(len(rule.examples) for rule in load_rule_set(Config.default()).rules)
    assert cases >= 2 * len(load_rule_set(Config.default()).rules)  # every rule: a pass and a fail
    assert _test() == (0, f"{cases} passed, 0 failed\n", "")


def test_examples_and_fixture_cases_of_a_directory(here: Path) -> None:
    shutil.copytree(TESTING / "passing", here / "mine")
    # 2 examples of the sample rule + 2 fixture cases (one .json, one .jsonl with two interactions)
    assert _test("mine") == (0, "4 passed, 0 failed\n", "")


def test_failures_show_expected_and_actual_and_exit_1(here: Path) -> None:
    shutil.copytree(TESTING / "failing", here / "mine")
    code, out, err = _test("mine")
    assert (code, err) == (1, "")
    assert out == (
        "FAILED local.thank-wrongly fail[0] (mine/local.thank-wrongly.yaml:31:9)\n"
        "    expected ['complaint handled without thanking the customer'], got no findings\n"
        "FAILED fixture mine/fixtures/thanked.json (mine/fixtures/thanked.expected.yaml)\n"
        "    expected 1 finding(s), got 0\n"
        "    missing:    local.thank-wrongly (event 1)\n"
        "1 passed, 2 failed\n"
    )


def test_an_unexpected_finding_fails_the_case(here: Path) -> None:
    shutil.copytree(TESTING / "passing", here / "mine")
    (here / "mine" / "fixtures" / "unthanked.expected.yaml").write_text(
        "rules: [local.thank-for-complaint]\nfindings: []\n", encoding="utf-8"
    )
    code, out, _ = _test("mine")
    assert code == 1
    assert out.splitlines()[1:4] == [
        "    expected 0 finding(s), got 1",
        "    unexpected: local.thank-for-complaint [u-1]: 'complaint handled without thanking the customer'",
        "3 passed, 1 failed",
    ]


def test_bad_case_files_are_errors_not_failures(here: Path) -> None:
    shutil.copytree(TESTING / "bad-cases", here / "cases")
    code, out, err = _test("cases")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "cases/orphan.expected.yaml:1:1: file: no interaction file orphan.json or orphan.jsonl beside it (exactly one)",
        "cases/orphan.expected.yaml:1:29: [0].evnt: unknown key (expected one of: event, interaction, message, rule)"
        " (did you mean 'event'?)",
        "cases/thanked.expected.yaml:1:10: [0].rule: unknown rule 'local.no-such-rule'",
        "svccheck: error: 3 problem(s) in fixture cases",
    ]


def test_a_broken_rule_stops_the_tests(here: Path) -> None:
    (here / "mine").mkdir()
    shutil.copy(BROKEN / "wrong-kind.yaml", here / "mine")
    code, out, err = _test("mine")
    assert (code, out) == (2, "")
    assert err.splitlines() == [WRONG_KIND, "svccheck: error: 1 problem(s) in rule files"]  # no case files: as before


def _broken_rules_and_cases(here: Path) -> None:
    """mine/: two broken rule files, and fixture cases with problems of their own (a missing
    interaction file, an unknown key, invalid JSON) and a rule id that no rule has."""
    (here / "mine").mkdir()
    for name in ("wrong-kind.yaml", "unparsable.yaml"):
        shutil.copy(BROKEN / name, here / "mine")
    shutil.copytree(TESTING / "bad-cases", here / "mine" / "cases")
    (here / "mine" / "cases" / "thanked.json").write_text('{"id": "t-1",\n "channel": }\n', encoding="utf-8")


def test_a_broken_rule_and_broken_case_files_are_reported_together(here: Path) -> None:
    _broken_rules_and_cases(here)
    # The rules' problems first (though the cases' file names sort before them), then the cases'.
    # thanked.expected.yaml names local.no-such-rule: not reported while the rules do not load.
    assert _test("mine") == (
        2,
        "",
        "mine/unparsable.yaml:10:8: yaml: expected ',' or ']', but got ':'\n"
        f"{WRONG_KIND}\n"
        "mine/cases/orphan.expected.yaml:1:1: file: no interaction file orphan.json or orphan.jsonl beside it"
        " (exactly one)\n"
        "mine/cases/orphan.expected.yaml:1:29: [0].evnt: unknown key (expected one of: event, interaction,"
        " message, rule) (did you mean 'event'?)\n"
        "mine/cases/thanked.json:2:13: input: invalid JSON: Expecting value\n"
        "svccheck: error: 2 problem(s) in rule files and 3 in fixture cases\n",
    )


def test_configuration_problems_are_reported_with_the_case_files_too(here: Path) -> None:
    _broken_rules_and_cases(here)
    (here / "mine" / "unparsable.yaml").unlink()
    (here / "svccheck.yaml").write_text("rules: [mine]\nfail-on: huge\n", encoding="utf-8")
    code, out, err = _test()  # the cases of the configuration's rule directories
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "svccheck.yaml:2:10: fail-on: 'huge' is not one of: critical, major, minor, info",
        WRONG_KIND,
        "mine/cases/orphan.expected.yaml:1:1: file: no interaction file orphan.json or orphan.jsonl beside it"
        " (exactly one)",
        "mine/cases/orphan.expected.yaml:1:29: [0].evnt: unknown key (expected one of: event, interaction,"
        " message, rule) (did you mean 'event'?)",
        "mine/cases/thanked.json:2:13: input: invalid JSON: Expecting value",
        "svccheck: error: 2 problem(s) in rule files or configuration and 3 in fixture cases",
    ]


def test_once_the_rules_load_the_case_files_rule_ids_are_checked(here: Path) -> None:
    _broken_rules_and_cases(here)
    for name in ("wrong-kind.yaml", "unparsable.yaml"):
        (here / "mine" / name).unlink()
    code, _, err = _test("mine")
    assert code == 2
    assert err.splitlines()[-3:] == [
        "mine/cases/thanked.expected.yaml:1:10: [0].rule: unknown rule 'local.no-such-rule'",
        "mine/cases/thanked.json:2:13: input: invalid JSON: Expecting value",
        "svccheck: error: 4 problem(s) in fixture cases",
    ]


def test_nothing_to_test(here: Path) -> None:
    (here / "empty").mkdir()
    assert _test("empty") == (2, "", "svccheck: error: nothing to test: no rule examples or fixture cases found\n")


def test_examples_ignore_overrides_but_fixture_cases_use_them(here: Path) -> None:
    shutil.copytree(TESTING / "passing", here / "mine")
    (here / "svccheck.yaml").write_text(
        "rules: [mine]\noverrides:\n  local.thank-for-complaint: {phrases-add: [马上处理]}\n", encoding="utf-8"
    )
    code, out, _ = _test()
    # The rule's own examples still pass; the .jsonl case now gets no finding for u-1.
    assert code == 1
    assert "FAILED fixture mine/fixtures/unthanked.jsonl (mine/fixtures/unthanked.expected.yaml)" in out
    assert out.endswith(" passed, 1 failed\n")


def test_a_case_whose_interactions_cannot_be_used_is_an_error_not_a_failure(here: Path) -> None:
    shutil.copytree(TESTING / "passing", here / "mine")
    fixtures = here / "mine" / "fixtures"
    (fixtures / "thanked.json").write_text('{"id": "t-1", "channel": "chat",\n "events": [}\n', encoding="utf-8")
    with (fixtures / "unthanked.jsonl").open("a", encoding="utf-8") as out:
        out.write('{"id": "u-3", "channel": "chat", "events": [{"speaker": "agent", "text": "好"}]}\n')
    (fixtures / "unthanked.expected.yaml").write_text(
        "rules: [local.thank-for-complaint, local.nope]\nfindings: []\n", encoding="utf-8"
    )
    assert _test("mine") == (
        2,
        "",
        "mine/fixtures/thanked.json:2:13: input: invalid JSON: Expecting value\n"
        "mine/fixtures/unthanked.expected.yaml:1:36: rules[1]: unknown rule 'local.nope'\n"
        "mine/fixtures/unthanked.jsonl:3:45: interaction u-3: events[0]: 'type' is a required property\n"
        "svccheck: error: 3 problem(s) in fixture cases\n",
    )


# --- --lang zh: the whole output in Chinese (English unless given, whatever the locale) ---------------------


def test_failures_in_chinese(here: Path) -> None:
    shutil.copytree(TESTING / "failing", here / "mine")
    assert _test("mine", "--lang", "zh") == (
        1,
        "未通过 local.thank-wrongly fail[0]（mine/local.thank-wrongly.yaml:31:9）\n"
        "    应为 ['complaint handled without thanking the customer']，实际：无问题\n"
        "未通过 用例 mine/fixtures/thanked.json（mine/fixtures/thanked.expected.yaml）\n"
        "    应有 1 条问题，实际 0 条\n"
        "    缺少：local.thank-wrongly（事件 1）\n"
        "通过 1 个，未通过 2 个\n",
        "",
    )


def test_the_output_is_english_unless_lang_says_otherwise(here: Path) -> None:
    """Examples are written against one language's messages: the locale does not change a run."""
    shutil.copytree(TESTING / "failing", here / "mine")
    assert _test("mine", locale="zh_CN.UTF-8") == _test("mine")


def test_what_examples_and_cases_got_in_chinese(here: Path) -> None:
    (here / "mine" / "fx").mkdir(parents=True)
    shutil.copy(TESTING / "passing" / "local.thank-for-complaint.yaml", here / "mine")
    rule = (here / "mine" / "local.thank-for-complaint.yaml")
    rule.write_text(rule.read_text(encoding="utf-8").replace(
        "  fail:   # interactions the rule must flag (here with the exact message)\n",
        "    - {channel: chat, tags: [complaint], events: [{type: utterance, speaker: agent, text: 好的}]}\n"
        "    - {channel: 5}\n"
        "  fail:   # interactions the rule must flag (here with the exact message)\n"
        "    - interaction: {channel: chat, tags: [complaint], events: [{type: utterance, speaker: agent, text: 好的}]}\n"
        "      findings: 2\n"
        "    - {channel: chat}\n",
    ), encoding="utf-8")
    (here / "mine" / "fx" / "a.json").write_text(
        '[{"id": "a", "channel": "chat", "tags": ["complaint"], "events": '
        '[{"type": "utterance", "speaker": "agent", "text": "好的"}]}]', encoding="utf-8"
    )
    (here / "mine" / "fx" / "a.expected.yaml").write_text(
        "rules: [local.thank-for-complaint]\nfindings: [{rule: local.thank-for-complaint, interaction: b}]\n",
        encoding="utf-8",
    )
    code, out, _ = _test("mine", "--lang", "zh")
    assert code == 1
    assert [line for line in out.splitlines() if line.startswith("    ")] == [
        "    应无问题，实际：['处理投诉时没有感谢客户的反馈']",
        "    示例不是有效的交互记录：channel：5 的类型不对，应为字符串",
        "    应有 2 条问题，实际 1 条：['处理投诉时没有感谢客户的反馈']",
        "    应至少有 1 条问题，实际没有",
        "    应为 ['complaint handled without thanking the customer']，实际：['处理投诉时没有感谢客户的反馈']",
        "    应有 1 条问题，实际 1 条",
        "    缺少：local.thank-for-complaint [b]",
        "    多余：local.thank-for-complaint [a]：'处理投诉时没有感谢客户的反馈'",
    ]
    assert out.splitlines()[-1] == "通过 1 个，未通过 6 个"


def test_bad_case_files_in_chinese(here: Path) -> None:
    shutil.copytree(TESTING / "bad-cases", here / "cases")
    assert _test("cases", "--lang", "zh") == (2, "", (
        "cases/orphan.expected.yaml:1:1: 文件: 旁边没有交互文件 orphan.json 或 orphan.jsonl（应恰好有一个）\n"
        "cases/orphan.expected.yaml:1:29: [0].evnt: 未知字段（应为以下之一：event, interaction, message, rule）（是否应为 'event'？）\n"
        "cases/thanked.expected.yaml:1:10: [0].rule: 未知的规则 'local.no-such-rule'\n"
        "svccheck: error: 测试用例中有 3 个问题\n"
    ))


def test_broken_rules_and_case_files_in_chinese(here: Path) -> None:
    _broken_rules_and_cases(here)
    code, out, err = _test("mine", "--lang", "zh")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "mine/unparsable.yaml:10:8: YAML: 语法错误：expected ',' or ']', but got ':'",
        "mine/wrong-kind.yaml:7:15: check.kind: 未知的检查类型 'required-phrase'（已知类型：checklist, condition, "
        "forbidden-phrases, interval, promise, required-phrases, scorecard, sequence, survey-gap, threshold）",
        "mine/cases/orphan.expected.yaml:1:1: 文件: 旁边没有交互文件 orphan.json 或 orphan.jsonl（应恰好有一个）",
        "mine/cases/orphan.expected.yaml:1:29: [0].evnt: 未知字段（应为以下之一：event, interaction, message, rule）"
        "（是否应为 'event'？）",
        "mine/cases/thanked.json:2:13: 输入: JSON 无效：此处应为一个值",
        "svccheck: error: 规则文件中有 2 个问题；测试用例中另有 3 个问题",
    ]


def test_nothing_to_test_in_chinese(here: Path) -> None:
    (here / "empty").mkdir()
    assert _test("empty", "--lang", "zh") == (2, "", "svccheck: error: 没有可测试的内容：没有找到规则示例或测试用例\n")


def test_a_case_the_rules_cannot_measure_in_chinese(here: Path) -> None:
    (here / "mine").mkdir()
    (here / "mine" / "a.json").write_text('[{"id": "a", "channel": "phone", "metrics": {"rings": "x"}}]', encoding="utf-8")
    (here / "mine" / "a.expected.yaml").write_text("rules: [phone.answer-within-three-rings]\nfindings: []\n",
                                                  encoding="utf-8")
    assert _test("mine", "--lang", "zh") == (1, (
        "未通过 用例 mine/a.json（mine/a.expected.yaml）\n"
        "    输入有问题：mine/a.json:1:2: 交互 a: 规则 phone.answer-within-three-rings: 指标 'rings' 的值 'x' 不是数字\n"
        "通过 0 个，未通过 1 个\n"
    ), "")
