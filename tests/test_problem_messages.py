"""Input problems in the report's language (svccheck.problems, `InputProblem.text`/`describe`).

Every kind of problem is read from a real input and checked word for word in Chinese; English
stays exactly what `message` and `str(problem)` always said. The catalogue covers every JSON
Schema keyword the interaction schema uses, and anything it cannot translate falls back to
English rather than fail.
"""

from __future__ import annotations

import errno
import io
import json
import os
import pickle
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import INVALID
from svccheck import parallel
from svccheck.audit import Auditor, audit_paths
from svccheck.formatters import FORMATTERS
from svccheck.interactions import _records, build_interaction, read_inputs
from svccheck.schema_messages import KEYWORD_VALUES, schema_message
from svccheck.kinds import MeasureError
from svccheck.model import InputProblem, Interaction, Report, SourceLocation
from svccheck.problems import CATALOGUE, ProblemMessage, all_of, os_reason, parser_detail
from svccheck.rules import Rule


def _problem(record: Any) -> InputProblem:
    item = build_interaction(record, SourceLocation("f.json", 3), 0)
    assert isinstance(item, InputProblem), item
    return item


def _one(**fields: Any) -> InputProblem:
    return _problem({"id": "i1", "channel": "phone", **fields})


def _read(path: Path, data: str | bytes) -> list[InputProblem]:
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return [item for item in read_inputs([path]) if isinstance(item, InputProblem)]


def _said(problem: InputProblem, name: Path) -> tuple[str, str]:
    """(English, Chinese) lines, with the tmp directory cut off the file names."""
    cut = str(name.parent) + "/"
    return str(problem).replace(cut, ""), problem.describe("zh").replace(cut, "")


# --- the schema: every keyword it uses, in Chinese ------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "english", "chinese"),
    [
        ({"events": [{"type": "utterance", "speaker": "agent"}]},
         "events[0]: 'text' is a required property", "events[0]：缺少必填字段 'text'"),
        ({"channel": 5}, "channel: 5 is not of type 'string'", "channel：5 的类型不对，应为字符串"),
        ({"metrics": {"x": [1]}}, "metrics.x: [1] is not of type 'number', 'boolean', 'string'",
         "metrics.x：[1] 的类型不对，应为数字、布尔值或字符串"),
        ({"checklist": {"x": "y"}}, "checklist.x: 'y' is not of type 'boolean', 'number', 'null'",
         "checklist.x：'y' 的类型不对，应为布尔值、数字或空值"),
        ({"tags": "x"}, "tags: 'x' is not of type 'array'", "tags：'x' 的类型不对，应为数组"),
        ({"events": [{"type": "utterance", "speaker": "bot", "text": "hi"}]},
         "events[0].speaker: 'bot' is not one of ['agent', 'customer', 'system']",
         "events[0].speaker：'bot' 不是允许的值，应为 ['agent', 'customer', 'system'] 之一"),
        ({"events": [{"type": "hold", "seconds": -1}]},
         "events[0].seconds: -1 is less than the minimum of 0", "events[0].seconds：-1 小于最小值 0"),
        ({"id": ""}, "id: '' should be non-empty", "id：'' 不能为空"),
        ({"events": [{"type": "ring", "at": "yesterday"}]},
         "events[0].at: 'yesterday' is not an ISO 8601 datetime with an offset (e.g. 2026-03-02T18:00:00+08:00)"
         " or a number of seconds since the start",
         "events[0].at：'yesterday' 既不是带时区偏移的 ISO 8601 日期时间（例如 2026-03-02T18:00:00+08:00），"
         "也不是自开始起的秒数"),
        ({"started_at": "2026-03-02"},
         "started_at: '2026-03-02' is not an ISO 8601 datetime with an offset (e.g. 2026-03-02T18:00:00+08:00)",
         "started_at：'2026-03-02' 不是带时区偏移的 ISO 8601 日期时间（例如 2026-03-02T18:00:00+08:00）"),
        ({"metric": {}}, "unknown key 'metric' (did you mean 'metrics'?); extension keys must start with x-",
         "未知字段 'metric'（是否应为 'metrics'？）；扩展字段必须以 x- 开头"),
        ({"zzz": 1}, "unknown key 'zzz'; extension keys must start with x-", "未知字段 'zzz'；扩展字段必须以 x- 开头"),
        # additionalProperties and unevaluatedProperties that the unknown-key wording does not cover
        ({"survey": {"x-note": 1}}, "survey: Additional properties are not allowed ('x-note' was unexpected)",
         "survey：不允许有字段 'x-note'"),
        ({"survey": {"expected": {"x-a": 1, "x-b": 2}}},
         "survey.expected: Additional properties are not allowed ('x-a', 'x-b' were unexpected)",
         "survey.expected：不允许有字段 'x-a', 'x-b'"),
    ],
)
def test_schema_problems_in_chinese(fields: dict[str, Any], english: str, chinese: str) -> None:
    problem = _one(**fields)
    assert (problem.message, problem.text("zh")) == (english, chinese)
    label = "交互 i1: " if fields.get("id") != "" else ""  # an empty id is said in the message
    assert problem.describe("zh") == f"f.json:3: {label}{chinese}"


def test_a_record_that_is_not_an_object() -> None:
    problem = _problem([1])
    assert (str(problem), problem.describe("zh")) == ("f.json:3: [1] is not of type 'object'", "f.json:3: [1] 的类型不对，应为对象")


def _schema_keywords(schema: Any) -> Iterator[str]:
    """Every keyword of a JSON Schema (walked by structure: property names are not keywords)."""
    if not isinstance(schema, dict):
        return
    for key, value in schema.items():
        yield key
        if key in ("properties", "patternProperties", "$defs", "dependentSchemas"):
            for sub in value.values():
                yield from _schema_keywords(sub)
        elif key in ("allOf", "anyOf", "oneOf", "prefixItems"):
            for sub in value:
                yield from _schema_keywords(sub)
        elif key in ("items", "additionalProperties", "unevaluatedProperties", "unevaluatedItems", "contains",
                     "propertyNames", "if", "then", "else", "not"):
            yield from _schema_keywords(value)


#: Keywords that never fail by themselves: they apply other schemas, whose keywords report.
_APPLICATORS = {"properties", "patternProperties", "items", "allOf", "$ref", "if", "then", "else", "$defs"}


def test_every_keyword_of_the_interaction_schema_has_a_chinese_template() -> None:
    text = resources.files("svccheck").joinpath("schemas/interaction-v1.schema.json").read_text(encoding="utf-8")
    validating = set(_schema_keywords(json.loads(text))) & set(jsonschema.Draft202012Validator.VALIDATORS)
    reporting = validating - _APPLICATORS
    assert "required" in reporting and "unevaluatedProperties" in reporting  # the walk found keywords
    missing = {k for k in reporting if k not in KEYWORD_VALUES or "zh" not in CATALOGUE.get(f"schema.{k}", {})}
    assert missing == set(), "add a template to svccheck.problems and its values to schema_messages.KEYWORD_VALUES"


def test_a_keyword_without_a_template_is_said_in_english() -> None:
    error = next(jsonschema.Draft202012Validator({"maxLength": 2}).iter_errors("abc"))
    said = schema_message(error)
    assert said == ProblemMessage.verbatim("'abc' is too long")
    assert said.text("zh") == said.text("en") == "'abc' is too long"


def test_values_that_cannot_be_told_fall_back_to_english() -> None:
    """A message worded otherwise than expected (another jsonschema) is kept, not mistranslated."""
    error = next(jsonschema.Draft202012Validator({"required": ["a"]}).iter_errors({}))
    error.message = "a is missing"
    assert schema_message(error).text("zh") == "a is missing"


#: keyword -> a schema and a value it refuses, for the interaction schema's keywords.
INTERACTION_KEYWORD_SAMPLES: Mapping[str, tuple[dict[str, Any], Any]] = {
    "required": ({"required": ["a"]}, {}),
    "type": ({"type": "integer"}, "x"),
    "enum": ({"enum": [1, 2]}, 3),
    "const": ({"const": "x"}, "y"),
    "minimum": ({"minimum": 1}, 0),
    "minLength": ({"minLength": 3}, "ab"),
    "pattern": ({"pattern": "^a"}, "b"),
    "additionalProperties": ({"properties": {}, "additionalProperties": False}, {"b": 1}),
    "unevaluatedProperties": ({"unevaluatedProperties": False}, {"b": 1}),
    "anyOf": ({"anyOf": [{"type": "string"}, {"type": "null"}]}, 1),
}


def test_each_keyword_template_renders_with_the_values_given() -> None:
    """Every keyword's values fill its Chinese template (no missing placeholder at run time)."""
    validator = jsonschema.Draft202012Validator
    samples = INTERACTION_KEYWORD_SAMPLES
    assert set(samples) <= set(KEYWORD_VALUES)  # the others: test_rule_problem_messages.KEYWORD_SAMPLES
    said = {k: schema_message(next(validator(schema).iter_errors(value))).text("zh") for k, (schema, value) in samples.items()}
    assert said == {
        "required": "缺少必填字段 'a'",
        "type": "'x' 的类型不对，应为整数",
        "enum": "3 不是允许的值，应为 [1, 2] 之一",
        "const": "应为 'x'",
        "minimum": "0 小于最小值 1",
        "minLength": "'ab' 太短（至少 3 个字符）",
        "pattern": "'b' 不符合格式 '^a'",
        "additionalProperties": "不允许有字段 'b'",
        "unevaluatedProperties": "不允许有字段 'b'",
        "anyOf": "1 不符合任何一种允许的形式",
    }


# --- what svccheck checks beyond the schema ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "chinese"),
    [
        ({"events": [{"type": "ring", "at": "2026-13-02T10:00:00+08:00"}]},
         "events[0].at：'2026-13-02T10:00:00+08:00' 不是 ISO 8601 日期时间"),
        ({"started_at": "2026-02-30T10:00:00+08:00"}, "started_at：'2026-02-30T10:00:00+08:00' 不是 ISO 8601 日期时间"),
        ({"started_at": "2026-03-02T10:00:00Z", "events": [{"type": "promise", "id": "p", "due": "2026-02-30T10:00:00Z"}]},
         "events[0].due：'2026-02-30T10:00:00Z' 不是 ISO 8601 日期时间"),
        ({"events": [{"type": "ring", "at": "2026-03-02T10:00:00+08:00"}, {"type": "ring", "at": 5}]},
         "events 中既有日期时间又有自开始起的秒数，但没有 started_at"),
        ({"events": [{"type": "ring", "at": 9}, {"type": "ring", "at": 5}]},
         "events[1] 的时间 5 早于 events[0] 的时间 9：事件必须按时间先后排列"),
    ],
)
def test_time_problems_in_chinese(fields: dict[str, Any], chinese: str) -> None:
    assert _one(**fields).text("zh") == chinese


def test_the_shipped_invalid_examples_in_chinese() -> None:
    problems = [item for item in read_inputs([INVALID]) if isinstance(item, InputProblem)]
    where = str(INVALID) + "/"
    assert [p.describe("zh").replace(where, "") for p in problems] == [
        "bad-json.json:11:5: JSON 无效：此处应为一个值",
        "bad-time.json:8:33: 交互 bad-time-01: events[1].at：'2026-03-02T18:00:00' 既不是带时区偏移的 ISO 8601 日期时间"
        "（例如 2026-03-02T18:00:00+08:00），也不是自开始起的秒数",
        "duplicate-id.json:3:3: 交互 dup-01: id 重复（首次出现在 duplicate-id.json:2:3）",
        "events-out-of-order.json:7:31: 交互 order-01: events[1] 的时间 2026-03-02T17:35:00+08:00 早于 events[0] 的时间 "
        "2026-03-02T09:40:00Z：事件必须按时间先后排列",
        "unknown-key.json:1:1: 交互 unknown-key-01: 未知字段 'metric'（是否应为 'metrics'？）；扩展字段必须以 x- 开头",
        "wrong-field.jsonl:2: 交互 wf-02: 缺少必填字段 'channel'（'chanel' 是否为其误写？）",
    ]


# --- files and JSON that does not decode ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "english", "chinese"),
    [
        ("empty.json", "", "empty.json:1:1: invalid JSON: Expecting value (the file is empty)",
         "empty.json:1:1: JSON 无效：此处应为一个值（文件是空的）"),
        ("comma.json", '[{"id": "a", "channel": "p"},]', "comma.json:1:30: invalid JSON: Expecting value",
         "comma.json:1:30: JSON 无效：此处应为一个值"),
        ("delim.json", '[{"id": "a" "channel": "p"}]', "delim.json:1:13: invalid JSON: Expecting ',' delimiter",
         "delim.json:1:13: JSON 无效：此处应为分隔符 ','"),
        ("name.json", '{{"id": "a"}', "name.json:1:2: invalid JSON: Expecting property name enclosed in double quotes",
         "name.json:1:2: JSON 无效：此处应为用双引号括起的键名"),
        ("extra.json", '{"id": "a", "channel": "p"} 1', "extra.json:1:29: invalid JSON: Extra data after the document",
         "extra.json:1:29: JSON 无效：文档结束后还有多余内容"),
        ("control.json", '[{"a": "x\n"}]', "control.json:1:10: invalid JSON: Invalid control character at",
         "control.json:1:10: JSON 无效：字符串中有无效的控制字符"),
        ("escape.json", '[{"a": "\\q"}]', "escape.json:1:9: invalid JSON: Invalid \\escape",
         "escape.json:1:9: JSON 无效：无效的转义序列"),
        ("scalar.json", "42", 'scalar.json:1:1: expected an interaction, an array of them or {"interactions": [...]}',
         'scalar.json:1:1: 应为一条交互、交互数组或 {"interactions": [...]}'),
        ("inf.json", '[{"id": "a", "channel": "p", "metrics": {"x": 1e999}}]',
         "inf.json:1:2: invalid JSON: number 1e999 is out of range", "inf.json:1:2: JSON 无效：数字 1e999 超出范围"),
        ("nan.json", '[{"id": "a", "channel": "p", "metrics": {"x": NaN}}]',
         "nan.json:1:2: invalid JSON: NaN is not a JSON number", "nan.json:1:2: JSON 无效：NaN 不是 JSON 数字"),
        ("surrogate.json", '[{"id": "a", "channel": "p", "x-s": "\\ud800"}]',
         "surrogate.json:1:2: invalid JSON: a string holds a lone surrogate (\\ud800-\\udfff): not Unicode text",
         "surrogate.json:1:2: JSON 无效：字符串中有孤立的代理码元（\\ud800-\\udfff），不是有效的 Unicode 文本"),
        ("deep.json", '[{"id": "a", "channel": "p", "x-d": ' + "[" * 100_000 + "]" * 100_000 + "}]",
         "deep.json:1:2: invalid JSON: nested too deeply", "deep.json:1:2: JSON 无效：嵌套层数过多"),
        ("wrap.json", '{"interactions": [], "meta": 1}',
         "wrap.json:1:1: a document {\"interactions\": [...]} may hold no other key, found 'meta';"
         " its interactions were audited, the rest was not",
         "wrap.json:1:1: {\"interactions\": [...]} 形式的文档不能有其他字段，却有 'meta'；其中的交互已审核，其余内容未审核"),
        ("wraps.json", '{"interactions": [], "meta": 1, "more": 2}',
         "wraps.json:1:1: a document {\"interactions\": [...]} may hold no other key, found 'meta' and 1 more;"
         " its interactions were audited, the rest was not",
         "wraps.json:1:1: {\"interactions\": [...]} 形式的文档不能有其他字段，却有 'meta' 等 2 个字段；"
         "其中的交互已审核，其余内容未审核"),
        ("bad.json", b"\xff\xfe", "bad.json:1:1: not UTF-8 text", "bad.json:1:1: 不是 UTF-8 文本"),
        ("bad.jsonl", b'{"id": \xff}\n', "bad.jsonl:1: invalid JSON: not UTF-8 text", "bad.jsonl:1: JSON 无效：不是 UTF-8 文本"),
    ],
)
def test_undecodable_input_in_chinese(tmp_path: Path, name: str, data: str | bytes, english: str, chinese: str) -> None:
    (problem,) = _read(tmp_path / name, data)
    assert _said(problem, tmp_path / name) == (english, chinese)


def test_a_json_lines_parser_detail_stays_english_after_a_chinese_prefix(tmp_path: Path) -> None:
    """orjson words its own details (and rewords them between versions): only the prefix is ours."""
    (problem,) = _read(tmp_path / "calls.jsonl", '{"id": }\n')
    assert problem.message.startswith("invalid JSON: ") and problem.location.column is not None
    assert problem.text("zh") == "JSON 无效：" + problem.message.removeprefix("invalid JSON: ")


def test_parser_details_are_matched_exactly() -> None:
    assert parser_detail("Expecting value").text("zh") == "此处应为一个值"
    assert parser_detail("Expecting ':'").text("zh") == "此处应为 ':'"
    assert parser_detail("Expecting value, or not").text("zh") == "Expecting value, or not"


def test_paths_that_cannot_be_read_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "odd.jsonl").mkdir()
    found = [p for p in read_inputs([tmp_path / "empty", Path("-"), tmp_path / "nope.json"]) if isinstance(p, InputProblem)]
    (_, unreadable), = _records(tmp_path / "odd.jsonl")
    (blocked,) = parallel._spans(tmp_path / "odd.jsonl", 1024)
    assert [_said(p, tmp_path / "x")[1] for p in [*found, unreadable, blocked[0]]] == [
        "empty: 目录中没有 .json 或 .jsonl 文件",
        "-: 不读取标准输入：请先保存为 .json 或 .jsonl 文件",
        "nope.json: 文件或目录不存在",
        "odd.jsonl: 无法读取：这是一个目录",  # the operating system's reason, translated
        "odd.jsonl: 无法读取：这是一个目录",
    ]


def test_duplicate_ids_in_chinese(tmp_path: Path) -> None:
    (problem,) = _read(tmp_path / "dup.jsonl", '{"id": "a", "channel": "p"}\n{"id": "a", "channel": "p"}\n')
    assert _said(problem, tmp_path / "dup.jsonl")[1] == "dup.jsonl:2: 交互 a: id 重复（首次出现在 dup.jsonl:1）"


# --- a rule that cannot measure an interaction -----------------------------------------------------------


def test_a_measure_problem_names_the_rule_in_chinese(builtin_rules: list[Rule]) -> None:
    record = {"id": "c1", "channel": "phone", "metrics": {"rings": "five"}}
    item = build_interaction(record, SourceLocation("calls.json", 4, 3), 0)
    assert isinstance(item, Interaction)
    problems = Auditor(builtin_rules, "zh").audit(item).problems
    assert [p.describe("zh") for p in problems] == [
        "calls.json:4:3: 交互 c1: 规则 phone.answer-within-three-rings: 指标 'rings' 的值 'five' 不是数字"
    ]
    assert [str(p) for p in problems] == [
        "calls.json:4:3: interaction c1: rule phone.answer-within-three-rings: metric 'rings' is 'five', not a number"
    ]


def test_a_measure_error_with_a_plain_message_is_english_in_every_language() -> None:
    err = MeasureError("something odd")
    assert str(err) == "something odd" and err.said.text("zh") == "something odd"


# --- the message itself -------------------------------------------------------------------------------------


def test_english_is_the_message_as_it_always_was() -> None:
    """`text("en")`/`describe("en")` are `message`/`str()`, whatever `said` would render."""
    said = ProblemMessage.of("missing")
    problem = InputProblem(SourceLocation("a.json"), "kept as written", interaction="x", said=said)
    assert problem.text("en") == "kept as written" and problem.describe("en") == str(problem) == "a.json: interaction x: kept as written"
    assert problem.text("zh") == "文件或目录不存在"


def test_a_problem_without_a_structured_message_is_english_in_chinese_reports() -> None:
    problem = InputProblem(SourceLocation("a.json", 2), "made elsewhere", interaction="x", rule="r")
    assert problem.describe("zh") == "a.json:2: 交互 x: 规则 r: made elsewhere"


def test_an_unknown_language_or_code() -> None:
    assert ProblemMessage.of("missing").text("fr") == "no such file or directory"
    with pytest.raises(KeyError):
        ProblemMessage.of("no-such-code")


def test_problems_pickle_with_their_message(tmp_path: Path) -> None:
    (problem,) = _read(tmp_path / "calls.jsonl", '{"id": "a"}\n')
    again = pickle.loads(pickle.dumps(problem))
    assert again == problem and again.said == problem.said
    assert again.describe("zh") == problem.describe("zh") and "缺少必填字段 'channel'" in again.describe("zh")
    assert hash(again) == hash(problem)


# --- English reports: byte for byte as without translations -----------------------------------------------


def _strip(report: Report) -> Report:
    return replace(report, errors=tuple(replace(p, said=None) for p in report.errors))


def _render(fmt: Callable[[Report, Any], None], report: Report) -> str:
    out = io.StringIO()
    fmt(report, out)
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(FORMATTERS))
def test_english_reports_are_byte_identical_to_untranslated_problems(name: str, builtin_rules: list[Rule]) -> None:
    """An English report renders problems as their English `message` always read: the same bytes
    as problems that carry no translation at all. A Chinese one differs only by them."""
    report = audit_paths([INVALID], builtin_rules, lang="en")
    render = FORMATTERS[name]
    assert report.errors
    assert _render(render, report) == _render(render, _strip(report))
    chinese = audit_paths([INVALID], builtin_rules, lang="zh")
    assert _render(render, chinese) != _render(render, _strip(chinese))


# --- svccheck explain ----------------------------------------------------------------------------------------


def test_explain_says_an_examples_problem_in_its_language(builtin_rules: list[Rule]) -> None:
    from svccheck.explain import _example_block

    rule = next(r for r in builtin_rules if r.id == "phone.answer-within-three-rings")
    example = replace(rule.examples[0], record={"id": "e1", "channel": "phone", "metrics": {"rings": "five"}})
    invalid = replace(example, record={"id": "e1"})
    said = {
        lang: [_example_block(rule, Auditor([rule], lang), e, lang)[-1] for e in (example, invalid)] for lang in ("en", "zh")
    }
    assert said == {
        "en": ["→ cannot be measured: metric 'rings' is 'five', not a number",
               "→ not a valid interaction: 'channel' is a required property"],
        "zh": ["→ 无法检查：指标 'rings' 的值 'five' 不是数字", "→ 不是有效的交互记录：缺少必填字段 'channel'"],
    }


def test_a_template_naming_a_value_not_given_falls_back_to_english() -> None:
    """Rendering never fails a report: a Chinese template short of a value says the English."""
    said = ProblemMessage("schema.required", (("message", "'a' is a required property"),))
    assert said.text("zh") == "'a' is a required property"


def test_the_catalogue_is_a_leaf_module() -> None:
    """The model imports it, and formatters may import only the model: it imports nothing of svccheck."""
    import sys

    from test_layering import PACKAGE_DIR, imports

    found = imports(PACKAGE_DIR / "problems.py")
    assert "typing" in found
    assert {name for name in found if name.partition(".")[0] not in sys.stdlib_module_names and name != "__future__"} == set()


@pytest.mark.parametrize(
    ("items", "en", "zh"),
    [(["5"], "5", "5"), (["5", "12"], "5 and 12", "5、12"), (["2", "5", "12"], "2, 5 and 12", "2、5、12")],
)
def test_all_of_a_list_is_said_as_each_language_lists(items: list[str], en: str, zh: str) -> None:
    said = all_of(items)
    assert (said.text("en"), said.text("zh")) == (en, zh)


@pytest.mark.parametrize(
    ("err", "en", "zh"),
    [
        (OSError(errno.EACCES, os.strerror(errno.EACCES)), os.strerror(errno.EACCES), "权限不足"),
        (OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), os.strerror(errno.ENOSPC), "磁盘空间不足"),
        # A reason without a translation, and an error without one at all, keep the system's words.
        (OSError(errno.EXDEV, os.strerror(errno.EXDEV)), os.strerror(errno.EXDEV), os.strerror(errno.EXDEV)),
        (OSError("unplugged"), "unplugged", "unplugged"),
    ],
)
def test_the_operating_systems_reason_is_its_own_words_in_english_and_translated_in_chinese(
    err: OSError, en: str, zh: str
) -> None:
    said = ProblemMessage.of("cannot_read", reason=os_reason(err))
    assert (said.text("en"), said.text("zh")) == (f"cannot read: {en}", f"无法读取：{zh}")


@pytest.mark.parametrize(
    ("document", "code", "zh"),
    [
        ('"\\u12"', "json.invalid_unicode_escape", "无效的 \\uXXXX 转义"),
        ('"\\q"', "json.invalid_escape", "无效的转义序列"),
        ('"a\x01"', "json.control_character", "字符串中有无效的控制字符"),
        ('"abc', "json.unterminated_string", "字符串从此处开始，但没有结束"),
        ('{"a" 1}', "json.expecting_colon", "此处应为分隔符 ':'"),
        ("[1 2]", "json.expecting_comma", "此处应为分隔符 ','"),
        ("{1: 2}", "json.expecting_name", "此处应为用双引号括起的键名"),
        ("1 2", "json.extra_data", "多余的内容"),
        ("", "json.expecting_value", "此处应为一个值"),
    ],
)
def test_the_standard_decoders_own_words_are_the_templates_english(document: str, code: str, zh: str) -> None:
    # The templates' English is what json.JSONDecodeError.msg says, word for word: a decoder
    # detail is translated only when it matches one exactly (parser_detail).
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads(document)
    said = parser_detail(caught.value.msg)
    assert (said.code, said.text("en"), said.text("zh")) == (code, caught.value.msg, zh)
