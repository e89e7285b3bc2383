"""Problems in rule files, standards, the configuration, waivers and fixture cases, in the user's
language (`svccheck.yamlpos.Problem.text`/`describe`, `SvccheckError.lines`, the CLI's --lang).

Each family of problem is read from a real file and checked word for word in Chinese; English
stays exactly what `message` and `str(problem)` always said (and what a problem without a
translation says). Every JSON Schema keyword that svccheck's YAML files are validated with has a
Chinese template; words that are not ours (ruamel's, Python's, the operating system's) stay as
they are after a translated prefix.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from svccheck import ruletest
from svccheck.cli import main
from svccheck.config import Config, load_config, resolve_rules
from svccheck.errors import Described, RuleError, SvccheckError
from svccheck.kinds import KINDS
from svccheck.lint import LintResult, lint, render_text
from svccheck.model import SourceLocation
from svccheck.problems import CATALOGUE, ProblemMessage
from svccheck.rules import scan_rules
from svccheck.ruletest import load_cases
from svccheck.standards import Standard, load_standards
from svccheck.waivers import WaiverError, load_waivers
from svccheck.yamlpos import Problem, YamlDoc, YamlLoadError, load_yaml, schema_problems
from test_problem_messages import _APPLICATORS, _schema_keywords

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "phone-calls.json"
HEAD = """\
id: local.r
title: {en: A rule, zh: 规则}
standard: complaint.thank-for-complaint
severity: minor
dimension: empathy
gap: delivery
"""


@pytest.fixture(scope="module")
def standards() -> dict[str, Standard]:
    return load_standards()


def _said(problem: Described, cut: Path) -> tuple[str, str]:
    """(English, Chinese) lines, with the tmp directory cut off the file names."""
    prefix = f"{cut}/"
    return str(problem).replace(prefix, ""), problem.describe("zh").replace(prefix, "")


def _rule(tmp_path: Path, standards: Mapping[str, Standard], text: str,
          files: Mapping[str, str | bytes] | None = None) -> list[tuple[str, str]]:
    """The problems of one rule file `r.yaml` (and the files beside it), in English and Chinese."""
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    for name, content in (files or {}).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return [_said(p.problem, tmp_path) for p in scan_rules([tmp_path], standards).problems]


# --- YAML that does not load ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "english", "chinese"),
    [
        ("id: [a\n", "f.yaml:2:1: yaml: expected ',' or ']', but got '<stream end>'",
         "f.yaml:2:1: YAML: 语法错误：expected ',' or ']', but got '<stream end>'"),
        ("d: 2027-02-30\n",
         "f.yaml:1:4: yaml: cannot read '2027-02-30' as !!timestamp: day is out of range for month"
         " (quote it if it is meant as text)",
         "f.yaml:1:4: YAML: 无法将 '2027-02-30' 读作 !!timestamp：day is out of range for month（如果要写的是文本，请加引号）"),
        ("b: !!bool maybe\n", "f.yaml:1:4: yaml: cannot read 'maybe' as !!bool", "f.yaml:1:4: YAML: 无法将 'maybe' 读作 !!bool"),
        ("n: !!int abc\n", "f.yaml:1:4: yaml: cannot read 'abc' as !!int: invalid literal for int() with base 10: 'abc'",
         "f.yaml:1:4: YAML: 无法将 'abc' 读作 !!int：invalid literal for int() with base 10: 'abc'"),
        ("a: " + "[" * 120 + "]" * 120 + "\n", "f.yaml:1:103: yaml: nested more than 100 levels deep",
         "f.yaml:1:103: YAML: 嵌套超过 100 层"),
        ("a: &a [*a]\n", "f.yaml:1:4: yaml: &a contains its own alias *a: recursive data is not supported",
         "f.yaml:1:4: YAML: &a 包含指向自身的别名 *a：不支持递归数据"),
        ('id: "\\ud800"\n', "f.yaml:1:5: yaml: lone surrogate \\ud800 in a string: not valid Unicode text",
         "f.yaml:1:5: YAML: 字符串中有孤立的代理码元 \\ud800，不是有效的 Unicode 文本"),
        ("? [a, b]\n: c\n", "f.yaml:1:3: yaml: a mapping key must be text or a number, not a list",
         "f.yaml:1:3: YAML: 映射的键必须是文本或数字，不能是列表"),
        ("2026-01-01: c\n", "f.yaml:1:1: yaml: a mapping key must be text or a number, not !!timestamp (quote it)",
         "f.yaml:1:1: YAML: 映射的键必须是文本或数字，不能是 !!timestamp（请加引号）"),
    ],
)
def test_yaml_that_does_not_load_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str,
                                            english: str, chinese: str) -> None:
    monkeypatch.setenv("SVCCHECK_CACHE_DIR", "")
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(YamlLoadError) as caught:
        load_yaml(path)
    assert _said(caught.value.problem, tmp_path) == (english, chinese)


def test_an_alias_bomb_in_chinese(tmp_path: Path) -> None:
    levels = ["a0: &a0 [" + ", ".join(["x"] * 9) + "]"]
    levels += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 7)]
    (tmp_path / "f.yaml").write_text("\n".join(levels) + "\n", encoding="utf-8")
    with pytest.raises(YamlLoadError) as caught:
        load_yaml(tmp_path / "f.yaml")
    assert _said(caught.value.problem, tmp_path)[1] == "f.yaml:6:5: YAML: 别名 *a4 使这个列表代表超过 100000 个节点：可能是别名炸弹，拒绝读取"


def test_files_that_cannot_be_read_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_bytes(b"id: \xff\n")
    said = []
    for name in ("bad.yaml", "none.yaml"):
        with pytest.raises(YamlLoadError) as caught:
            load_yaml(tmp_path / name)
        said.append(_said(caught.value.problem, tmp_path))
    assert said == [
        ("bad.yaml: file: not UTF-8 text", "bad.yaml: 文件: 不是 UTF-8 文本"),
        ("none.yaml: file: cannot read: No such file or directory", "none.yaml: 文件: 无法读取：文件或目录不存在"),
    ]


# --- the schemas: every keyword svccheck's YAML files use, in Chinese ---------------------------------------


def _json_schema(name: str) -> Any:
    return json.loads(resources.files("svccheck").joinpath(f"schemas/{name}").read_text(encoding="utf-8"))


def _yaml_schemas() -> dict[str, Any]:
    """Every schema a YAML file of svccheck is validated with (the import mapping's aside: it is
    a file of its own command, `svccheck import`)."""
    schemas = {name: _json_schema(name) for name in
               ("rule.schema.json", "config.schema.json", "waivers.schema.json", "standards.schema.json",
                "scorecard.schema.json")}
    schemas |= {f"kind {name}": kind.schema for name, kind in KINDS.items()}
    schemas["expected findings"] = ruletest.EXPECTED_MAPPING_SCHEMA
    return schemas


#: keyword -> a schema and an instance it refuses, with what schema_problems says in Chinese.
#: anyOf's failures are said by the branch that got furthest (see `yamlpos._deepest`), as is
#: oneOf's when no branch fits.
KEYWORD_SAMPLES: dict[str, tuple[dict[str, Any], Any, str]] = {
    "required": ({"required": ["a"]}, {}, "（顶层）: 缺少必填字段 'a'"),
    "type": ({"type": "integer"}, "x", "（顶层）: 'x' 的类型不对，应为整数"),
    "enum": ({"enum": ["critical", "major"]}, "majr", "（顶层）: 'majr' 不是允许的值，应为以下之一：critical, major"),
    "const": ({"const": 1}, 2, "（顶层）: 2 不是允许的值，应为以下之一：1"),
    "minimum": ({"minimum": 0}, -1, "（顶层）: -1 小于最小值 0"),
    "maximum": ({"maximum": 100}, 120, "（顶层）: 120 大于最大值 100"),
    "exclusiveMinimum": ({"exclusiveMinimum": 0}, 0, "（顶层）: 0 应大于 0"),
    "minLength": ({"minLength": 1}, "", "（顶层）: '' 不能为空"),
    "minItems": ({"minItems": 2}, [1], "（顶层）: [1] 太短（至少 2 项）"),
    "minProperties": ({"minProperties": 1}, {}, "（顶层）: {} 不能为空"),
    "uniqueItems": ({"uniqueItems": True}, [1, 1], "（顶层）: [1, 1] 中有重复的项"),
    "pattern": ({"pattern": "^a"}, "b", "（顶层）: 'b' 不符合格式 '^a'"),
    "additionalProperties": ({"properties": {"a": {}}, "additionalProperties": False}, {"b": 1},
                             "b: 未知字段（应为以下之一：a）"),
    "anyOf": ({"anyOf": [{"required": ["phrases"]}, {"required": ["phrase-files"]}]}, {},
              "（顶层）: 缺少必填字段 'phrases'"),
    "oneOf": ({"oneOf": [{"type": "number"}, {"type": "integer"}]}, 1,
              "（顶层）: 1 同时符合多种允许的形式，只能符合其中一种"),
    "not": ({"not": {"required": ["a"]}}, {"a": 1}, "（顶层）: {'a': 1} 不应符合 {'required': ['a']}"),
}


def test_every_keyword_of_the_yaml_schemas_has_a_chinese_sample() -> None:
    """A keyword used without a sample fails here: add it to KEYWORD_SAMPLES (and, if the next
    test then fails, its template to svccheck.problems and its values to schema_messages)."""
    used: dict[str, set[str]] = {}
    for name, schema in _yaml_schemas().items():
        for keyword in set(_schema_keywords(schema)) & set(jsonschema.Draft202012Validator.VALIDATORS):
            used.setdefault(keyword, set()).add(name)
    reporting = set(used) - _APPLICATORS
    assert {"required", "minItems", "not", "exclusiveMinimum"} <= reporting  # the walk found keywords
    assert {k: sorted(used[k]) for k in reporting - set(KEYWORD_SAMPLES)} == {}


def test_every_worded_keyword_has_a_chinese_sample_here_or_for_interactions() -> None:
    from svccheck.schema_messages import KEYWORD_VALUES
    from test_problem_messages import INTERACTION_KEYWORD_SAMPLES

    assert set(KEYWORD_VALUES) - set(KEYWORD_SAMPLES) - set(INTERACTION_KEYWORD_SAMPLES) == set()


@pytest.mark.parametrize("keyword", sorted(KEYWORD_SAMPLES))
def test_each_keyword_is_said_in_chinese(keyword: str) -> None:
    schema, instance, chinese = KEYWORD_SAMPLES[keyword]
    (problem,) = schema_problems(YamlDoc(Path("f.yaml"), None), instance, schema)
    assert problem.describe("zh") == f"f.yaml:1:1: {chinese}"
    assert problem.text("zh") != problem.message  # not English in Chinese clothes
    assert problem.describe("en") == str(problem)


def test_a_keyword_template_needs_its_message_in_english() -> None:
    """English is jsonschema's own words for every keyword (its wording, whatever its version)."""
    error = next(jsonschema.Draft202012Validator({"minItems": 1}).iter_errors([]))
    (problem,) = schema_problems(YamlDoc(Path("f.yaml"), None), [], {"minItems": 1})
    assert problem.message == error.message == "[] should be non-empty"
    assert problem.text("zh") == "[] 不能为空"


# --- rule files ---------------------------------------------------------------------------------------------


RULE_CASES: list[tuple[str, list[tuple[str, str]]]] = [
    ("", [("r.yaml:1:1: (top level): the file is empty; a rule file holds one rule (id, title, check...)",
           "r.yaml:1:1: （顶层）: 文件是空的；一个规则文件写一条规则（id、title、check……）")]),
    (HEAD + "check: {kind: required-phrase, phrases: [x]}\n",
     [("r.yaml:7:15: check.kind: unknown check kind 'required-phrase' (known kinds: checklist, condition, "
       "forbidden-phrases, interval, promise, required-phrases, scorecard, sequence, survey-gap, threshold)",
       "r.yaml:7:15: check.kind: 未知的检查类型 'required-phrase'（已知类型：checklist, condition, forbidden-phrases, "
       "interval, promise, required-phrases, scorecard, sequence, survey-gap, threshold）")]),
    (HEAD.replace("complaint.thank-for-complaint", "complaint.thanks") + "check: {kind: required-phrases, phrases: [x]}\n",
     [("r.yaml:3:11: standard: unknown standard 'complaint.thanks' (see `svccheck standards`)",
       "r.yaml:3:11: standard: 未知的标准 'complaint.thanks'（见 `svccheck standards`）")]),
    (HEAD.replace("dimension: empathy\n", "") + "check: {kind: required-phrases, phrases: [x]}\n",
     [("r.yaml:1:1: dimension: 'dimension' is a required property", "r.yaml:1:1: dimension: 缺少必填字段 'dimension'")]),
    (HEAD + "check: {kind: required-phrases, phrases: [x]}\nmessage: {en: 'bad {', zh: '{} {0} {nope}'}\n",
     [("r.yaml:8:15: message.en: bad template: Single '{' encountered in format string",
       "r.yaml:8:15: message.en: 消息模板有误：Single '{' encountered in format string"),
      ("r.yaml:8:28: message.zh: bad template field {}", "r.yaml:8:28: message.zh: 模板字段 {} 有误"),
      ("r.yaml:8:28: message.zh: bad template field {0}", "r.yaml:8:28: message.zh: 模板字段 {0} 有误"),
      ("r.yaml:8:28: message.zh: unknown template field {nope} (known: agent, channel, event, interaction, n, rule, "
       "scope, site)",
       "r.yaml:8:28: message.zh: 未知的模板字段 {nope}（可用字段：agent, channel, event, interaction, n, rule, scope, site）")]),
    (HEAD + "check: {kind: threshold, value: [{metric: rings}], max: 3, min: 1}\n",
     [("r.yaml:7:60: check.min: contradictory limits: give only one of max, min",
       "r.yaml:7:60: check.min: 限值互相矛盾：max, min 只能写一个")]),
]


@pytest.mark.parametrize(("text", "said"), RULE_CASES, ids=["empty", "kind", "standard", "dimension", "template", "limits"])
def test_rule_file_problems_in_chinese(tmp_path: Path, standards: dict[str, Standard], text: str,
                                       said: list[tuple[str, str]]) -> None:
    assert _rule(tmp_path, standards, text) == said


PHRASES = ["  ", "[您]", "a|b", "(a)?", "a\\", "()", "(a|)", "a)", "(a]", "[" * 21 + "a" + "]" * 21, "(a"]


def test_phrase_problems_in_chinese(tmp_path: Path, standards: dict[str, Standard]) -> None:
    listed = ", ".join(json.dumps(p) for p in PHRASES)
    said = _rule(tmp_path, standards, HEAD + f"check: {{kind: forbidden-phrases, phrases: [{listed}], exceptions: ['(b']}}\n")
    assert [zh.split(": ", 2)[2] for _, zh in said] == [
        '短语 "  "：短语是空的',
        '短语 "[您]"：该短语可以匹配空文本；请让其中某一部分成为必需的',
        '短语 "a|b"：\'|\' 不在括号内；备选项请写成 (a|b) 或分行写',
        '短语 "(a)?"：\'(…)\' 后面的 \'?\' 有歧义；可选部分请写成 […] 或 […|…]',
        '短语 "a\\"：末尾是 \'\\\'；反斜杠本身请写成 \\\\',
        '短语 "()"：分组 \'()\' 是空的',
        '短语 "(a|)"：\'(a|)\' 中有空的备选项；可选部分请写成 [a]',
        '短语 "a)"：\')\' 不成对（前面没有 \'(\'）',
        '短语 "(a]"：\']\' 不能闭合 \'(\'；应为 \')\'',
        f'短语 "{PHRASES[9]}"：括号嵌套超过 20 层',
        '短语 "(a"：\'(\' 不成对（后面没有 \')\'）',
        '短语 "(b"：\'(\' 不成对（后面没有 \')\'）',
    ]
    assert [en.split(": ", 2)[2] for en, _ in said][:2] == [
        'phrase "  ": empty phrase', 'phrase "[您]": the phrase can match empty text; make some part of it not optional'
    ]
    assert [zh.split(": ", 2)[1] for _, zh in said][-2:] == ["check.phrases[10]", "check.exceptions"]


def test_phrase_file_problems_in_chinese(tmp_path: Path, standards: dict[str, Standard]) -> None:
    text = HEAD + "check: {kind: forbidden-phrases, phrase-files: [lists/bad.txt, lists/latin1.txt, lists/none.txt]}\n"
    said = _rule(tmp_path, standards, text, {"lists/bad.txt": "好\n赔(偿\n", "lists/latin1.txt": b"ok\n\xff\n"})
    assert said == [
        ('r.yaml:7:49: check.phrase-files[0]: lists/bad.txt:2: phrase "赔(偿": unbalanced \'(\' (no closing \')\')',
         'r.yaml:7:49: check.phrase-files[0]: lists/bad.txt:2: 短语 "赔(偿"：\'(\' 不成对（后面没有 \')\'）'),
        ("r.yaml:7:64: check.phrase-files[1]: lists/latin1.txt: not UTF-8 text (byte 3)",
         "r.yaml:7:64: check.phrase-files[1]: lists/latin1.txt：不是 UTF-8 文本（第 3 字节）"),
        ("r.yaml:7:82: check.phrase-files[2]: cannot read phrase file lists/none.txt: No such file or directory",
         "r.yaml:7:82: check.phrase-files[2]: 无法读取短语文件 lists/none.txt：文件或目录不存在"),
    ]


@pytest.mark.parametrize(
    ("check", "chinese"),
    [
        ("{kind: required-phrases, phrases: []}", "check.phrases: 没有给出短语（请写 phrases 或 phrase-files）"),
        ("{kind: sequence, steps: [{name: a, phrases: [x]}, {name: a, phrases: [y]}]}", "check.steps[1].name: 步骤名 'a' 重复"),
        ("{kind: scorecard, pass-mark: 80, sections: [{id: a, weight: 1, items: [{item: x}]}, "
         "{id: a, weight: 1, items: [{item: y}]}]}", "check.sections[1].id: 分区 id 'a' 重复"),
        ("{kind: scorecard, pass-mark: 80, sections: [{id: a, weight: 1, items: [{item: x}]}, "
         "{id: b, weight: 1, items: [{item: x}]}]}",
         "check.sections[1].items[0].item: 'x' 被计分两次（首次在 sections[0].items[0]）"),
    ],
    ids=["no-phrases", "step", "section", "scored-twice"],
)
def test_check_compile_errors_in_chinese(tmp_path: Path, standards: dict[str, Standard], check: str, chinese: str) -> None:
    ((english, said),) = _rule(tmp_path, standards, HEAD + f"check: {check}\n")
    assert said.split(": ", 1)[1] == chinese
    assert english.split(": ", 1)[0] == said.split(": ", 1)[0]


def test_rule_sets_in_chinese(tmp_path: Path, standards: dict[str, Standard]) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(HEAD + "check: {kind: required-phrases, phrases: [x]}\n", encoding="utf-8")
    scan = scan_rules([tmp_path, tmp_path / "nowhere"], standards)
    assert [_said(p, tmp_path) for p in scan.problems] == [
        ("b.yaml:1:5: id: duplicate rule id 'local.r' (first defined at a.yaml:1:1)",
         "b.yaml:1:5: id: 规则 id 'local.r' 重复（首次定义在 a.yaml:1:1）"),
        ("nowhere: rules: not a directory", "nowhere: 规则: 不是目录"),
    ]


# --- the configuration, standards and waivers ---------------------------------------------------------------


CONFIG = """\
extends: [phone.*, nope.*]
rules: [mine, missing-dir]
bogus: 1
disable: [phone.greting]
overrides:
  phone.answer-within-three-rings: {max: three, min: 1, id: x}
  local.r: {phrases-add: ['(a'], phrases-remove: [没有, 感谢您的反馈]}
  visit.greeted-promptly: {phrases-add: [x]}
  phone.answer-within-three-ring: {max: 4}
  visit.staff-groome: {severity: info}
"""


def _configured(directory: Path) -> Path:
    """svccheck.yaml (CONFIG) and its rule directory mine/, with a rule of its own."""
    (directory / "mine").mkdir()
    (directory / "mine" / "r.yaml").write_text(
        HEAD + "check: {kind: required-phrases, phrases: ['感谢您的(反馈|建议)']}\n", encoding="utf-8"
    )
    (directory / "svccheck.yaml").write_text(CONFIG, encoding="utf-8")
    return directory / "svccheck.yaml"


def test_configuration_problems_in_chinese(tmp_path: Path) -> None:
    rule_set = resolve_rules(load_config(_configured(tmp_path)))
    said = [_said(p, tmp_path)[1] for p in rule_set.problems]
    assert said == [
        "svccheck.yaml:1:20: extends[1]: 'nope.*' 没有匹配任何内置规则",
        "svccheck.yaml:2:15: rules[1]: 目录不存在：missing-dir",
        "svccheck.yaml:3:1: bogus: 未知字段（应为以下之一：disable, extends, fail-on, overrides, rules）",
        "svccheck.yaml:4:11: disable[0]: 'phone.greting' 没有匹配任何规则（是否应为 'phone.greeting'？）",
        "svccheck.yaml:6:42: check.max: 'three' 的类型不对，应为数字",
        "svccheck.yaml:6:49: overrides.phone.answer-within-three-rings.min: 限值互相矛盾：max, min 只能写一个",
        "svccheck.yaml:6:57: overrides.phone.answer-within-three-rings.id: 'id' 不能覆盖（请另写一条新规则）",
        "svccheck.yaml:7:27: overrides.local.r.phrases-add[0]: 短语 \"(a\"：'(' 不成对（后面没有 ')'）",
        "svccheck.yaml:7:51: overrides.local.r.phrases-remove[0]: '没有' 不在该规则的短语列表中",
        "svccheck.yaml:7:55: overrides.local.r.phrases-remove[1]: '感谢您的反馈' 不是该规则短语列表中的条目，"
        "而是由 '感谢您的(反馈|建议)' 匹配（请按原样删除该条目）",
        "svccheck.yaml:8:28: overrides.visit.greeted-promptly.phrases-add: checklist 检查没有短语列表",
        "svccheck.yaml:9:3: overrides: 没有可覆盖的规则 'phone.answer-within-three-ring'",
        "svccheck.yaml:10:3: overrides: 没有可覆盖的规则 'visit.staff-groome'（是否应为 'visit.staff-groomed'？）",
    ]
    with pytest.raises(RuleError) as caught:
        rule_set.require_valid()
    problems, message = caught.value.lines("zh")
    assert message == f"规则文件或配置中有 {len(said)} 个问题" and [p.replace(f"{tmp_path}/", "") for p in problems] == said
    assert caught.value.lines("en") == (list(caught.value.problems), str(caught.value))


def test_standards_problems_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "more.yaml").write_text(
        "manual: {id: m, title: {en: M, zh: M}}\nstandards:\n"
        "  - {id: complaint.thank-for-complaint, title: {en: a, zh: b}, dimension: empathy, observable-by: [recording]}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as caught:
        load_standards([tmp_path])
    problems, message = caught.value.lines("zh")
    assert [p.replace(f"{tmp_path}/", "") for p in problems] == [
        "more.yaml:3:10: standards[0].id: 标准 id 'complaint.thank-for-complaint' 重复（首次出现在 "
        + str(next(s for s in load_standards().values() if s.id == "complaint.thank-for-complaint").location) + "）"
    ]
    assert message == "标准文件中有 1 个问题"


def test_waiver_problems_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(
        "version: 2\nwaivers:\n  - {reason: x, approved-by: y, expires: '2026-02-30'}\n"
        "  - {rule: a, reason: '', approved-by: y, expires: tomorrow}\n",
        encoding="utf-8",
    )
    with pytest.raises(WaiverError) as caught:
        load_waivers(tmp_path / "w.yaml")
    problems, message = caught.value.lines("zh")
    assert [p.replace(f"{tmp_path}/", "") for p in problems] == [
        "w.yaml:1:10: version: 2 不是允许的值，应为以下之一：1",
        "w.yaml:3:5: waivers[0]: 至少要写 interaction、rule、site、agent 中的一项（一条豁免不能豁免所有问题）",
        "w.yaml:3:42: waivers[0].expires: '2026-02-30' 不是有效的日期",
        "w.yaml:4:23: waivers[1].reason: '' 不能为空",
        "w.yaml:4:52: waivers[1].expires: 'tomorrow' 不符合格式 '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'",
    ]
    assert message == f"豁免文件 {tmp_path / 'w.yaml'} 无效"
    with pytest.raises(WaiverError) as unreadable:
        load_waivers(tmp_path / "none.yaml")
    assert unreadable.value.lines("zh")[0] == [f"{tmp_path / 'none.yaml'}: 文件: 无法读取：文件或目录不存在"]


# --- fixture cases ---------------------------------------------------------------------------------------------


def test_case_file_problems_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "a.expected.yaml").write_text("- {rule: local.nope, evnt: 1}\n", encoding="utf-8")
    (tmp_path / "a.json").write_text('[{"id": "x"}]', encoding="utf-8")
    (tmp_path / "b.expected.yaml").write_text("[]\n", encoding="utf-8")
    (tmp_path / "c.expected.yaml").write_text("[]\n", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text("{bad\n", encoding="utf-8")
    _, problems = load_cases(sorted(tmp_path.glob("*.expected.yaml")), ["local.no"])
    assert [_said(p, tmp_path)[1] for p in problems] == [
        "a.expected.yaml:1:10: [0].rule: 未知的规则 'local.nope'（是否应为 'local.no'？）",
        "a.expected.yaml:1:22: [0].evnt: 未知字段（应为以下之一：event, interaction, message, rule）（是否应为 'event'？）",
        "a.json:1:2: 交互 x: 缺少必填字段 'channel'",
        "b.expected.yaml:1:1: 文件: 旁边没有交互文件 b.json 或 b.jsonl（应恰好有一个）",
        "c.jsonl:1:2: 输入: JSON 无效：" + problems[-1].message.removeprefix("invalid JSON: "),  # orjson's words
    ]


def test_expected_findings_in_chinese() -> None:
    expected = ruletest.ExpectedFinding("local.r", 3, "没有感谢", "c-1")
    assert (str(expected), expected.describe("zh")) == (
        "local.r [c-1] (event 3): '没有感谢'", "local.r [c-1]（事件 3）：'没有感谢'"
    )


# --- the commands: exit 2 in the command's language ---------------------------------------------------------


def _run(*args: str, lang_env: str = "C") -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env={"LANG": lang_env, "LC_ALL": None, "LC_MESSAGES": None})
    assert not result.exception or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


BROKEN_RULE = HEAD.replace("minor", "majr") + "check: {kind: threshold, value: [{metric: rings}], max: 3, colour: red}\n"
BROKEN_ZH = [
    "rules/r.yaml:4:11: severity: 'majr' 不是允许的值，应为以下之一：critical, major, minor, info",
    "rules/r.yaml:7:60: check.colour: 未知字段（应为以下之一：kind, max, min, unit, value）",
    "svccheck: error: 规则文件中有 2 个问题",
]


@pytest.fixture
def broken(here: Path) -> Path:
    (here / "rules").mkdir()
    (here / "rules" / "r.yaml").write_text(BROKEN_RULE, encoding="utf-8")
    return here


def test_the_audit_says_rule_problems_in_its_language(broken: Path) -> None:
    code, out, err = _run("audit", str(EXAMPLE), "--rules", "rules", "--lang", "zh")
    assert (code, out, err.splitlines()) == (2, "", BROKEN_ZH)
    assert _run("audit", str(EXAMPLE), "--rules", "rules", lang_env="zh_CN.UTF-8")[2].splitlines() == BROKEN_ZH
    english = _run("audit", str(EXAMPLE), "--rules", "rules")[2].splitlines()
    assert english[-1] == "svccheck: error: 2 problem(s) in rule files"
    assert english[0] == "rules/r.yaml:4:11: severity: 'majr' is not one of: critical, major, minor, info"


def test_report_explain_and_rules_say_rule_problems_in_their_language(broken: Path) -> None:
    (broken / "svccheck.yaml").write_text("rules: [rules]\n", encoding="utf-8")
    assert _run("report", str(EXAMPLE), "--lang", "zh")[2].splitlines() == BROKEN_ZH
    assert _run("explain", "phone.greeting", "--lang", "zh")[2].splitlines() == BROKEN_ZH
    assert _run("rules", "--lang", "zh")[2].splitlines() == BROKEN_ZH
    # A command without --lang says them in the locale's language, as every command's default.
    assert _run("baseline", "create", str(EXAMPLE), lang_env="zh_CN.UTF-8")[2].splitlines() == BROKEN_ZH
    english = _run("baseline", "create", str(EXAMPLE))[2].splitlines()
    assert english[-1] == "svccheck: error: 2 problem(s) in rule files"


def test_an_invalid_waivers_file_stops_the_audit_in_its_language(here: Path) -> None:
    (here / "w.yaml").write_text("waivers: [{rule: a, reason: x, approved-by: y}]\n", encoding="utf-8")
    code, _, err = _run("audit", str(EXAMPLE), "--waivers", "w.yaml", "--lang", "zh")
    assert (code, err) == (2, "w.yaml:1:11: waivers[0]: 缺少必填字段 'expires'\nsvccheck: error: 豁免文件 w.yaml 无效\n")


# --- English: byte for byte as without translations -------------------------------------------------------


def _strip(result: LintResult) -> LintResult:
    return replace(result, problems=tuple(replace(p, said=None, key_said=None) for p in result.problems))


def _text(result: LintResult, lang: str) -> str:
    out = io.StringIO()
    render_text(result, out, lang)
    return out.getvalue()


def test_english_lint_output_is_byte_identical_to_untranslated_problems(here: Path) -> None:
    """Every family of problem above, linted at once: English reads as problems that carry no
    translation at all; Chinese differs on every line but keeps each one's place and key."""
    (here / "rules").mkdir()
    for index, (text, _) in enumerate(RULE_CASES):
        (here / "rules" / f"r{index}.yaml").write_text(text.replace("local.r", f"local.r{index}"), encoding="utf-8")
    (here / "rules" / "p.yaml").write_text(
        HEAD.replace("local.r", "local.p") + f"check: {{kind: forbidden-phrases, phrases: {json.dumps(PHRASES)}}}\n",
        encoding="utf-8",
    )
    result = lint(load_config(_configured(here)), [here / "rules"])
    assert len(result.problems) > 25
    english, chinese = _text(result, "en"), _text(result, "zh")
    assert english == _text(_strip(result), "en") == _text(_strip(result), "zh")
    assert all(en != zh for en, zh in zip(english.splitlines(), chinese.splitlines(), strict=True))


def test_a_problem_without_a_translation_is_english_in_every_language() -> None:
    problem = Problem(SourceLocation("r.yaml", 2, 3), "check.x", "made elsewhere")
    assert problem.describe("zh") == str(problem) == "r.yaml:2:3: check.x: made elsewhere"
    error = SvccheckError("plain words", ("r.yaml:1:1: x: y",))
    assert error.lines("zh") == error.lines("en") == (["r.yaml:1:1: x: y"], "plain words")


def test_a_key_label_is_said_only_in_the_text(tmp_path: Path) -> None:
    """`key` stays "(top level)" (JSON for editors reads it); only `key_text` translates it."""
    (problem,) = schema_problems(YamlDoc(tmp_path / "f.yaml", None), [], {"type": "object"})
    assert (problem.key, problem.key_text("zh"), problem.key_text("en")) == ("(top level)", "（顶层）", "(top level)")


def test_every_message_of_the_catalogue_has_a_chinese_template() -> None:
    assert [code for code, templates in CATALOGUE.items() if "zh" not in templates] == ["verbatim"]


def test_config_default_loads_without_a_single_message() -> None:
    """Valid rules cost nothing: not one problem message is made while they load and lint."""
    made: list[str] = []
    original = vars(ProblemMessage)["of"].__func__

    def spy(cls: type[ProblemMessage], code: str, /, **params: Any) -> Any:
        made.append(code)
        return original(cls, code, **params)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ProblemMessage, "of", classmethod(spy))
        assert lint(Config.default()).ok
    assert made == []

