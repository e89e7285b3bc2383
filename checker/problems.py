"""What is wrong with an input, said in any report language: `ProblemMessage` and its catalogue.

An input problem (`svccheck.model.InputProblem`) keeps its English `message`, exactly as it
always read (tests and JSON consumers rely on it), and carries the same thing as a
`ProblemMessage`: a code of `CATALOGUE` and the values it names, rendered per language from the
templates below. So a Chinese report says "JSON 无效：此处应为一个值" where an English one says
"invalid JSON: Expecting value", and either can be rendered in any process (a problem found in
a worker is pickled with its code and values, not with a language).

What stays verbatim in every language: JSON paths (`events[1].at`), ids, values as the input
wrote them (given as `repr`, quoted as in English), file names, and words that are not ours to
translate: the operating system's reason a file cannot be read, JSON Lines parser details
(orjson's wording changes between its versions; see `parser_detail`), and any jsonschema
message whose keyword has no template (`schema_message` falls back to jsonschema's English).

A leaf module (standard library only): the model imports it, and through the model every
formatter can render a problem without importing anything else of svccheck.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Union

#: A template's value: text (already quoted where the English quotes it), a message said in
#: the same language, or a list of them (joined in that language: "数字、布尔值或字符串").
Param = Union[str, "ProblemMessage", tuple["ProblemMessage", ...]]

# Chinese: full-width punctuation （），：；、 as in the reports' own words; the data quoted in
# a message (paths, ids, values) is written exactly as in English.
_TEMPLATES: dict[str, dict[str, str]] = {
    # Words not ours (an OS reason, a parser's detail, a jsonschema message without a template).
    "verbatim": {"en": "{text}"},
    # --- files ---------------------------------------------------------------------------------
    "no_input_files": {
        "en": "directory has no .json or .jsonl files",
        "zh": "目录中没有 .json 或 .jsonl 文件",
    },
    "stdin": {
        "en": "standard input is not read: save it to a .json or .jsonl file",
        "zh": "不读取标准输入：请先保存为 .json 或 .jsonl 文件",
    },
    "missing": {"en": "no such file or directory", "zh": "文件或目录不存在"},
    # {reason}: the operating system's own words (strerror), in English.
    "cannot_read": {"en": "cannot read: {reason}", "zh": "无法读取：{reason}"},
    "not_utf8": {"en": "not UTF-8 text", "zh": "不是 UTF-8 文本"},
    "not_a_document": {
        "en": 'expected an interaction, an array of them or {{"interactions": [...]}}',
        "zh": '应为一条交互、交互数组或 {{"interactions": [...]}}',
    },
    "wrapper_keys": {
        "en": 'a document {{"interactions": [...]}} may hold no other key, found {key}'
              "; its interactions were audited, the rest was not",
        "zh": '{{"interactions": [...]}} 形式的文档不能有其他字段，却有 {key}；其中的交互已审核，其余内容未审核',
    },
    "wrapper_keys_more": {
        "en": 'a document {{"interactions": [...]}} may hold no other key, found {key} and {more} more'
              "; its interactions were audited, the rest was not",
        "zh": '{{"interactions": [...]}} 形式的文档不能有其他字段，却有 {key} 等 {total} 个字段；'
              "其中的交互已审核，其余内容未审核",
    },
    # --- JSON that does not decode ---------------------------------------------------------------
    "invalid_json": {"en": "invalid JSON: {reason}", "zh": "JSON 无效：{reason}"},
    "json.nested": {"en": "nested too deeply", "zh": "嵌套层数过多"},
    "json.out_of_range": {"en": "number {number} is out of range", "zh": "数字 {number} 超出范围"},
    "json.constant": {"en": "{name} is not a JSON number", "zh": "{name} 不是 JSON 数字"},
    "json.lone_surrogate": {
        "en": "a string holds a lone surrogate (\\ud800-\\udfff): not Unicode text",
        "zh": "字符串中有孤立的代理码元（\\ud800-\\udfff），不是有效的 Unicode 文本",
    },
    # svccheck's own reading of a .json document (interactions._Scanner)
    "json.empty": {"en": "Expecting value (the file is empty)", "zh": "此处应为一个值（文件是空的）"},
    "json.unterminated_value": {"en": "Unterminated value", "zh": "值没有结束"},
    "json.extra_after_document": {"en": "Extra data after the document", "zh": "文档结束后还有多余内容"},
    "json.expecting_char": {"en": "Expecting '{char}'", "zh": "此处应为 '{char}'"},
    # the standard library's decoder (json.JSONDecodeError.msg), a fixed set of phrases
    "json.expecting_value": {"en": "Expecting value", "zh": "此处应为一个值"},
    "json.expecting_comma": {"en": "Expecting ',' delimiter", "zh": "此处应为分隔符 ','"},
    "json.expecting_colon": {"en": "Expecting ':' delimiter", "zh": "此处应为分隔符 ':'"},
    "json.expecting_name": {
        "en": "Expecting property name enclosed in double quotes",
        "zh": "此处应为用双引号括起的键名",
    },
    "json.unterminated_string": {"en": "Unterminated string starting at", "zh": "字符串从此处开始，但没有结束"},
    "json.control_character": {"en": "Invalid control character at", "zh": "字符串中有无效的控制字符"},
    "json.invalid_escape": {"en": "Invalid \\escape", "zh": "无效的转义序列"},
    "json.invalid_unicode_escape": {"en": "Invalid \\uXXXX escape", "zh": "无效的 \\uXXXX 转义"},
    "json.extra_data": {"en": "Extra data", "zh": "多余的内容"},
    "json.trailing_comma_object": {
        "en": "Illegal trailing comma before end of object",
        "zh": "对象结尾前不能有逗号",
    },
    "json.trailing_comma_array": {"en": "Illegal trailing comma before end of array", "zh": "数组结尾前不能有逗号"},
    # --- the interaction schema ------------------------------------------------------------------
    "at_path": {"en": "{path}: {what}", "zh": "{path}：{what}"},
    "schema.datetime": {
        "en": "{value} is not an ISO 8601 datetime with an offset (e.g. 2026-03-02T18:00:00+08:00)",
        "zh": "{value} 不是带时区偏移的 ISO 8601 日期时间（例如 2026-03-02T18:00:00+08:00）",
    },
    "schema.time": {
        "en": "{value} is not an ISO 8601 datetime with an offset (e.g. 2026-03-02T18:00:00+08:00)"
              " or a number of seconds since the start",
        "zh": "{value} 既不是带时区偏移的 ISO 8601 日期时间（例如 2026-03-02T18:00:00+08:00），"
              "也不是自开始起的秒数",
    },
    "schema.unknown_key": {
        "en": "unknown key {key}; extension keys must start with x-",
        "zh": "未知字段 {key}；扩展字段必须以 x- 开头",
    },
    "schema.unknown_key_hint": {
        "en": "unknown key {key} (did you mean {hint}?); extension keys must start with x-",
        "zh": "未知字段 {key}（是否应为 {hint}？）；扩展字段必须以 x- 开头",
    },
    # One per JSON Schema keyword the interaction schema uses (tests/test_problem_messages.py
    # fails on a keyword without one). The English is jsonschema's own {message}, kept as it
    # words it (its wording differs between versions).
    "schema.required": {"en": "{message}", "zh": "缺少必填字段 {property}"},
    "schema.type": {"en": "{message}", "zh": "{instance} 的类型不对，应为{types}"},
    "schema.enum": {"en": "{message}", "zh": "{instance} 不是允许的值，应为 {enum} 之一"},
    "schema.const": {"en": "{message}", "zh": "应为 {const}"},
    "schema.minimum": {"en": "{message}", "zh": "{instance} 小于最小值 {minimum}"},
    "schema.minLength": {"en": "{message}", "zh": "{instance} 太短（至少 {limit} 个字符）"},
    "schema.minLength.empty": {"en": "{message}", "zh": "{instance} 不能为空"},
    "schema.pattern": {"en": "{message}", "zh": "{instance} 不符合格式 {pattern}"},
    "schema.additionalProperties": {"en": "{message}", "zh": "不允许有字段 {keys}"},
    "schema.unevaluatedProperties": {"en": "{message}", "zh": "不允许有字段 {keys}"},
    "schema.anyOf": {"en": "{message}", "zh": "{instance} 不符合任何一种允许的形式"},
    # JSON types, as "schema.type" names them
    "json_type.string": {"en": "string", "zh": "字符串"},
    "json_type.number": {"en": "number", "zh": "数字"},
    "json_type.integer": {"en": "integer", "zh": "整数"},
    "json_type.boolean": {"en": "boolean", "zh": "布尔值"},
    "json_type.null": {"en": "null", "zh": "空值"},
    "json_type.object": {"en": "object", "zh": "对象"},
    "json_type.array": {"en": "array", "zh": "数组"},
    # --- what svccheck checks beyond the schema ----------------------------------------------------
    "time.not_iso": {"en": "{value} is not an ISO 8601 datetime", "zh": "{value} 不是 ISO 8601 日期时间"},
    "time.no_offset": {
        "en": "{value} has no UTC offset (write e.g. {text}+08:00 or {text}Z)",
        "zh": "{value} 没有 UTC 时区偏移（应写作例如 {text}+08:00 或 {text}Z）",
    },
    "time.mixed": {
        "en": "events mix datetimes and seconds since the start, but there is no started_at",
        "zh": "events 中既有日期时间又有自开始起的秒数，但没有 started_at",
    },
    "time.disorder": {
        "en": "events[{index}] at {at} is earlier than events[{earlier}] at {earlier_at}: events must be in time order",
        "zh": "events[{index}] 的时间 {at} 早于 events[{earlier}] 的时间 {earlier_at}：事件必须按时间先后排列",
    },
    "duplicate_id": {"en": "duplicate id (first seen at {first})", "zh": "id 重复（首次出现在 {first}）"},
    # --- a check that cannot measure an interaction (svccheck.kinds.MeasureError) --------------------
    "measure.metric_not_number": {
        "en": "metric {name} is {value}, not a number",
        "zh": "指标 {name} 的值 {value} 不是数字",
    },
    "measure.field_not_number": {
        "en": "events[{index}].{field} is {value}, not a number",
        "zh": "events[{index}].{field} 的值 {value} 不是数字",
    },
    "measure.checklist_not_bool": {
        "en": "checklist item {item} is {value}, not true, false or null",
        "zh": "检查项 {item} 的值 {value} 不是 true、false 或 null",
    },
    "measure.fulfilled_without_time": {
        "en": "events[{index}] fulfils promise {promise} but has no time",
        "zh": "events[{index}] 兑现了承诺 {promise}，但没有时间",
    },
    "measure.metric_not_comparable": {
        "en": "metric {name} is {value}; the condition compares it with {op} {expected}",
        "zh": "指标 {name} 的值为 {value}，无法按条件与 {op} {expected} 比较",
    },
}

#: Every message code and its templates by language ("en" always; a missing language says English).
CATALOGUE: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {code: MappingProxyType(templates) for code, templates in _TEMPLATES.items()}
)

# How a list of values is joined: between items, and before the last one.
_LIST_JOIN = {"en": (", ", ", "), "zh": ("、", "或")}


@dataclass(frozen=True, slots=True)
class ProblemMessage:
    """A problem's message as a catalogue code and the values its templates name.

    Values are text (or nested messages), never the input's own objects: a message pickles
    small, compares and hashes, and renders the same in any process."""

    code: str
    params: tuple[tuple[str, Param], ...] = ()

    @classmethod
    def of(cls, code: str, **params: Param) -> ProblemMessage:
        if code not in CATALOGUE:  # a typo in a code would otherwise show only when rendered
            raise KeyError(f"no message {code!r} in the catalogue")
        return cls(code, tuple(params.items()))

    @classmethod
    def verbatim(cls, text: str) -> ProblemMessage:
        """Words that are the same in every language (not ours to translate)."""
        return cls("verbatim", (("text", text),))

    def text(self, lang: str = "en") -> str:
        """The message in `lang` (English where the catalogue has no template for it)."""
        templates = CATALOGUE[self.code]
        template = templates.get(lang) if lang != "en" else None
        if template is not None:
            try:
                return template.format_map({name: _render(value, lang) for name, value in self.params})
            except (KeyError, IndexError, ValueError):  # a template naming a value not given: say it in English
                pass
        return templates["en"].format_map({name: _render(value, "en") for name, value in self.params})


def _render(value: Param, lang: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, ProblemMessage):
        return value.text(lang)
    between, last = _LIST_JOIN.get(lang, _LIST_JOIN["en"])
    items = [item.text(lang) for item in value]
    return between.join(items[:-1]) + last + items[-1] if len(items) > 1 else "".join(items)


# The standard library's JSON decoder and svccheck's own reading of a .json document word a
# fixed set of details: each has a template. orjson's details (JSON Lines) are left out: its
# wording comes from the parser it wraps and changes between versions, so they stay verbatim
# (English) rather than be matched against a list that goes stale.
_DETAILS: Mapping[str, ProblemMessage] = MappingProxyType(
    {
        **{
            CATALOGUE[code]["en"]: ProblemMessage(code)
            for code in CATALOGUE
            if code.startswith("json.") and "{" not in CATALOGUE[code]["en"]
        },
        **{f"Expecting '{char}'": ProblemMessage.of("json.expecting_char", char=char) for char in "[]{}:,"},
    }
)


def parser_detail(detail: str) -> ProblemMessage:
    """A JSON decoder's detail ("Expecting value"): its message when it is one of the fixed
    set, else the detail itself, verbatim."""
    return _DETAILS.get(detail) or ProblemMessage.verbatim(detail)
