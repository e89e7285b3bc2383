"""What is wrong with an input or a rule file, said in any report language: `ProblemMessage` and its catalogue.

An input problem (`svccheck.model.InputProblem`) keeps its English `message`, exactly as it
always read (tests and JSON consumers rely on it), and carries the same thing as a
`ProblemMessage`: a code of `CATALOGUE` and the values it names, rendered per language from the
templates below. So a Chinese report says "JSON 无效：此处应为一个值" where an English one says
"invalid JSON: Expecting value", and either can be rendered in any process (a problem found in
a worker is pickled with its code and values, not with a language).

What stays verbatim in every language: JSON paths (`events[1].at`), ids, values as the input
wrote them (given as `repr`, quoted as in English), file names, and words that are not ours to
translate: JSON Lines parser details (orjson's wording changes between its versions; see
`parser_detail`), any jsonschema message whose keyword has no template (`schema_message` falls
back to jsonschema's English), and an operating system's reason for refusing a file unless it
is one of the common ones `os_reason` translates.

Problems in rule files, standards, the configuration, waivers and fixture cases
(`svccheck.yamlpos.Problem`, and the errors and summaries of `svccheck lint` and `svccheck test`)
are said the same way, from the second half of the catalogue: keys, rule ids, file names and
values stay verbatim there too, and so do ruamel's words for a YAML syntax error and Python's for
a malformed message template.

A leaf module (standard library only): the model imports it, and through the model every
formatter can render a problem without importing anything else of svccheck.
"""

from __future__ import annotations

import difflib
import errno
from collections.abc import Iterable, Mapping, Sequence
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
    # {reason}: the operating system's reason (`os_reason`).
    "cannot_read": {"en": "cannot read: {reason}", "zh": "无法读取：{reason}"},
    # The operating system's reason for an OSError: its own words (strerror) in English, a
    # translation of the common ones in Chinese (see `os_reason`).
    "os.reason": {"en": "{text}", "zh": "{zh}"},
    # Lines of a JSON Lines file that a worker could not read as the audit began with them.
    "span.lost": {"en": "{reason} ({lines} not audited)", "zh": "{reason}（{lines}未审核）"},
    "span.line": {"en": "line {first}", "zh": "第 {first} 行"},
    "span.lines": {"en": "lines {first}-{last}", "zh": "第 {first}-{last} 行"},
    "changed.shorter": {
        "en": "the file changed during the audit: it is shorter than when it began",
        "zh": "审核期间文件被改动：比审核开始时短",
    },
    "changed.replaced": {"en": "the file was replaced during the audit", "zh": "审核期间文件被替换"},
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
    # "XXXX" is the decoder's own wording (four hex digits), not a placeholder.
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
    # An interaction's missing required key, with a key it has that is close to it ("chanel").
    "schema.required_misspelt": {
        "en": "{message} (is {found} a misspelling of it?)",
        "zh": "{message}（{found} 是否为其误写？）",
    },
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
    # ============ rule files, standards, configuration, waivers and fixture cases ====================
    # (svccheck.yamlpos.Problem and the errors that list them). A message that holds another says
    # it with the same words in every language it has a template for, so each level of a nested
    # message has a zh template, even one that reads as the English (a file name and a line).
    # --- where a problem is, when that is not a key path (`Problem.key`) ----------------------------
    "label.top_level": {"en": "(top level)", "zh": "（顶层）"},
    "label.file": {"en": "file", "zh": "文件"},
    "label.yaml": {"en": "yaml", "zh": "YAML"},
    "label.rules": {"en": "rules", "zh": "规则"},
    "label.input": {"en": "input", "zh": "输入"},
    "label.interaction": {"en": "interaction {id}", "zh": "交互 {id}"},
    # --- glue ------------------------------------------------------------------------------------------
    "detail": {"en": "{message}: {detail}", "zh": "{message}：{detail}"},  # {detail}: words not ours
    "hinted": {"en": "{message}{hint}", "zh": "{message}{hint}"},
    "hint.did_you_mean": {"en": " (did you mean {names}?)", "zh": "（是否应为 {names}？）"},
    "or": {"en": "{first} or {rest}", "zh": "{first} 或 {rest}"},
    "and": {"en": "{first} and {rest}", "zh": "{first} 与 {rest}"},
    # Every item of a list (all of them meant): "2, 5 and 12", "2、5、12" (see `all_of`).
    "list.comma": {"en": "{first}, {rest}", "zh": "{first}、{rest}"},
    "list.and": {"en": "{most} and {last}", "zh": "{most}、{last}"},
    # --- YAML that does not load (svccheck.yamlpos) ------------------------------------------------------
    # {reason}: ruamel's own words (like a JSON Lines parser detail, they stay as it writes them).
    "yaml.syntax": {"en": "{reason}", "zh": "语法错误：{reason}"},
    "yaml.cannot_build": {"en": "cannot read YAML: {reason}", "zh": "无法读取 YAML：{reason}"},
    "yaml.too_deep": {"en": "nested more than {depth} levels deep", "zh": "嵌套超过 {depth} 层"},
    "yaml.cannot_read_value": {"en": "cannot read {what} as {tag}", "zh": "无法将 {what} 读作 {tag}"},
    "yaml.quote_if_text": {
        "en": "{message} (quote it if it is meant as text)",
        "zh": "{message}（如果要写的是文本，请加引号）",
    },
    "yaml.this": {"en": "this {kind}", "zh": "这个{kind}"},
    "yaml.kind.mapping": {"en": "mapping", "zh": "映射"},
    "yaml.kind.list": {"en": "list", "zh": "列表"},
    "yaml.kind.value": {"en": "value", "zh": "值"},
    "yaml.alias_bomb": {
        "en": "aliases make this {kind} stand for more than {budget} nodes: refusing a possible alias bomb",
        "zh": "别名使这个{kind}代表超过 {budget} 个节点：可能是别名炸弹，拒绝读取",
    },
    "yaml.alias_bomb_named": {
        "en": "alias *{alias} makes this {kind} stand for more than {budget} nodes: refusing a possible alias bomb",
        "zh": "别名 *{alias} 使这个{kind}代表超过 {budget} 个节点：可能是别名炸弹，拒绝读取",
    },
    "yaml.recursive": {
        "en": "&{anchor} contains its own alias *{anchor}: recursive data is not supported",
        "zh": "&{anchor} 包含指向自身的别名 *{anchor}：不支持递归数据",
    },
    "yaml.surrogate": {
        "en": "lone surrogate \\u{codepoint} in a string: not valid Unicode text",
        "zh": "字符串中有孤立的代理码元 \\u{codepoint}，不是有效的 Unicode 文本",
    },
    "yaml.key_kind": {
        "en": "a mapping key must be text or a number, not a {kind}",
        "zh": "映射的键必须是文本或数字，不能是{kind}",
    },
    "yaml.key_tag": {
        "en": "a mapping key must be text or a number, not {tag} (quote it)",
        "zh": "映射的键必须是文本或数字，不能是 {tag}（请加引号）",
    },
    # --- schema problems in YAML files (svccheck.yamlpos.schema_problems) ---------------------------------
    # {known}, {listed}: keys and values as the schema names them, verbatim.
    "yaml.unknown_key": {"en": "unknown key (expected one of: {known})", "zh": "未知字段（应为以下之一：{known}）"},
    "yaml.not_one_of": {"en": "{value} is not one of: {listed}", "zh": "{value} 不是允许的值，应为以下之一：{listed}"},
    # The keywords the rule, configuration, waiver, standards and case schemas use beyond the
    # interaction schema's ("schema.*" above; tests/test_rule_problem_messages.py fails on one
    # without a template). The English is jsonschema's own {message}, as for those.
    "schema.minItems": {"en": "{message}", "zh": "{instance} 太短（至少 {limit} 项）"},
    "schema.minItems.empty": {"en": "{message}", "zh": "{instance} 不能为空"},
    "schema.minProperties": {"en": "{message}", "zh": "{instance} 的字段太少（至少 {limit} 个）"},
    "schema.minProperties.empty": {"en": "{message}", "zh": "{instance} 不能为空"},
    "schema.maximum": {"en": "{message}", "zh": "{instance} 大于最大值 {maximum}"},
    "schema.exclusiveMinimum": {"en": "{message}", "zh": "{instance} 应大于 {minimum}"},
    "schema.uniqueItems": {"en": "{message}", "zh": "{instance} 中有重复的项"},
    "schema.oneOf": {"en": "{message}", "zh": "{instance} 不符合任何一种允许的形式"},
    "schema.oneOf.many": {"en": "{message}", "zh": "{instance} 同时符合多种允许的形式，只能符合其中一种"},
    "schema.not": {"en": "{message}", "zh": "{instance} 不应符合 {schema}"},
    # --- rule files (svccheck.rules) -------------------------------------------------------------------
    "rule.empty_file": {
        "en": "the file is empty; a rule file holds one rule (id, title, check...)",
        "zh": "文件是空的；一个规则文件写一条规则（id、title、check……）",
    },
    "rule.unknown_kind": {
        "en": "unknown check kind {kind} (known kinds: {known})",
        "zh": "未知的检查类型 {kind}（已知类型：{known}）",
    },
    "rule.unknown_standard": {
        "en": "unknown standard {standard} (see `svccheck standards`)",
        "zh": "未知的标准 {standard}（见 `svccheck standards`）",
    },
    # {reason}: Python's own words for a malformed format string.
    "rule.bad_template": {"en": "bad template: {reason}", "zh": "消息模板有误：{reason}"},
    "rule.bad_template_field": {"en": "bad template field {field}", "zh": "模板字段 {field} 有误"},
    "rule.unknown_template_field": {
        "en": "unknown template field {field} (known: {known})",
        "zh": "未知的模板字段 {field}（可用字段：{known}）",
    },
    "rule.contradictory_limits": {
        "en": "contradictory limits: give only one of {given}",
        "zh": "限值互相矛盾：{given} 只能写一个",
    },
    "rule.never_fires": {
        "en": "contradictory limits: {reason}; the rule can never fire",
        "zh": "限值互相矛盾：{reason}；该规则永远不会触发",
    },
    "rule.not_a_directory": {"en": "not a directory", "zh": "不是目录"},
    "rule.duplicate_id": {
        "en": "duplicate rule id {id} (first defined at {first})",
        "zh": "规则 id {id} 重复（首次定义在 {first}）",
    },
    "rule.no_rule_to_override": {"en": "no rule {rule} to override", "zh": "没有可覆盖的规则 {rule}"},
    "rule.example_invalid": {"en": "not a valid interaction: {message}", "zh": "不是有效的交互记录：{message}"},
    "rule.problems": {"en": "{count} problem(s) in rule files", "zh": "规则文件中有 {count} 个问题"},
    # --- check kinds' compile errors (svccheck.kinds.CompileError) ----------------------------------------
    # {reason}: the operating system's reason (`os_reason`).
    "check.cannot_read_phrase_file": {
        "en": "cannot read phrase file {name}: {reason}",
        "zh": "无法读取短语文件 {name}：{reason}",
    },
    "check.no_phrases": {
        "en": "no phrases given (use phrases or phrase-files)",
        "zh": "没有给出短语（请写 phrases 或 phrase-files）",
    },
    "check.duplicate_step": {"en": "duplicate step name {name}", "zh": "步骤名 {name} 重复"},
    "check.duplicate_section": {"en": "duplicate section id {id}", "zh": "分区 id {id} 重复"},
    "check.scored_twice": {"en": "{name} is scored twice (first at {first})", "zh": "{name} 被计分两次（首次在 {first}）"},
    # --- phrases (svccheck.text.PhraseError) --------------------------------------------------------------
    "phrase.error": {"en": 'phrase "{phrase}": {reason}', "zh": '短语 "{phrase}"：{reason}'},
    "phrase.in_file": {"en": "{file}:{line}: {reason}", "zh": "{file}:{line}: {reason}"},
    "phrase.file_not_utf8": {"en": "{file}: not UTF-8 text (byte {byte})", "zh": "{file}：不是 UTF-8 文本（第 {byte} 字节）"},
    "phrase.empty": {"en": "empty phrase", "zh": "短语是空的"},
    "phrase.too_deep": {"en": "brackets nested more than {depth} deep", "zh": "括号嵌套超过 {depth} 层"},
    "phrase.matches_empty": {
        "en": "the phrase can match empty text; make some part of it not optional",
        "zh": "该短语可以匹配空文本；请让其中某一部分成为必需的",
    },
    "phrase.trailing_backslash": {
        "en": "'\\' at the end; write \\\\ for a backslash",
        "zh": "末尾是 '\\'；反斜杠本身请写成 \\\\",
    },
    "phrase.optional_group": {
        "en": "'?' after '{group}' is ambiguous; write […] or […|…] for an optional part",
        "zh": "'{group}' 后面的 '?' 有歧义；可选部分请写成 […] 或 […|…]",
    },
    "phrase.unopened": {"en": "unbalanced '{char}' (no opening '{opener}')", "zh": "'{char}' 不成对（前面没有 '{opener}'）"},
    "phrase.unclosed": {"en": "unbalanced '{char}' (no closing '{closer}')", "zh": "'{char}' 不成对（后面没有 '{closer}'）"},
    "phrase.wrong_closer": {"en": "'{char}' closes '{opener}'; expected '{closer}'", "zh": "'{char}' 不能闭合 '{opener}'；应为 '{closer}'"},
    "phrase.bar_outside": {
        "en": "'|' outside brackets; write alternatives as (a|b) or on separate lines",
        "zh": "'|' 不在括号内；备选项请写成 (a|b) 或分行写",
    },
    "phrase.empty_group": {"en": "empty group '{group}'", "zh": "分组 '{group}' 是空的"},
    "phrase.empty_alternative": {
        "en": "empty alternative in '{group}'; write [a] for an optional part",
        "zh": "'{group}' 中有空的备选项；可选部分请写成 [a]",
    },
    # --- the configuration (svccheck.config) ----------------------------------------------------------------
    "config.no_phrase_list": {"en": "a {kind} check has no phrase list", "zh": "{kind} 检查没有短语列表"},
    "config.phrase_matched_by": {
        "en": "{phrase} is not an entry of the rule's phrase list; it is matched by {entries} (remove that entry as written)",
        "zh": "{phrase} 不是该规则短语列表中的条目，而是由 {entries} 匹配（请按原样删除该条目）",
    },
    "config.phrase_not_listed": {"en": "{phrase} is not in the rule's phrase list", "zh": "{phrase} 不在该规则的短语列表中"},
    "config.no_directory": {"en": "no such directory: {directory}", "zh": "目录不存在：{directory}"},
    "config.fixed_key": {
        "en": "{key} cannot be overridden (write a new rule instead)",
        "zh": "{key} 不能覆盖（请另写一条新规则）",
    },
    "config.matches_no_builtin_rule": {"en": "{pattern} matches no built-in rule", "zh": "{pattern} 没有匹配任何内置规则"},
    "config.matches_no_rule": {"en": "{pattern} matches no rule", "zh": "{pattern} 没有匹配任何规则"},
    "config.problems": {
        "en": "{count} problem(s) in rule files or configuration",
        "zh": "规则文件或配置中有 {count} 个问题",
    },
    # --- the standards catalogue (svccheck.standards) --------------------------------------------------------
    "standards.duplicate_id": {
        "en": "duplicate standard id {id} (first at {first})",
        "zh": "标准 id {id} 重复（首次出现在 {first}）",
    },
    "standards.problems": {"en": "{count} problem(s) in standards files", "zh": "标准文件中有 {count} 个问题"},
    # --- waivers (svccheck.waivers) -----------------------------------------------------------------------------
    "waivers.no_selector": {
        "en": "needs at least one of interaction, rule, site, agent (a waiver cannot cover everything)",
        "zh": "至少要写 interaction、rule、site、agent 中的一项（一条豁免不能豁免所有问题）",
    },
    "waivers.not_a_date": {"en": "{value} is not a date", "zh": "{value} 不是有效的日期"},
    "waivers.invalid_file": {"en": "invalid waivers file {path}", "zh": "豁免文件 {path} 无效"},
    # --- svccheck report (svccheck.cli.report, svccheck.aggregate) ------------------------------------------------
    "report.no_scorecard": {
        "en": "no scorecard {wanted} (scorecards: {known})",
        "zh": "没有评分卡 {wanted}（已有的评分卡：{known}）",
    },
    "report.no_scorecards": {"en": "none", "zh": "无"},
    "report.several_scorecards": {
        "en": "several scorecards ({known}): choose one with --scorecard",
        "zh": "有多张评分卡（{known}）：请用 --scorecard 选择一张",
    },
    "report.no_inputs": {
        "en": "give the interactions the audit report is about after RESULTS.json",
        "zh": "请在 RESULTS.json 之后给出该审核报告所审核的交互文件",
    },
    "report.strangers": {
        "en": "{results}: findings about {interactions} not in the inputs (first: {first}); give the inputs that"
        " audit report was made from",
        "zh": "{results}：其中的问题涉及 {interactions}，但它们不在这些输入中（第一条：{first}）；请给出生成该审核报告时"
        "所用的输入",
    },
    "report.interactions.one": {"en": "{count} interaction", "zh": "{count} 条交互"},
    "report.interactions.many": {"en": "{count} interactions", "zh": "{count} 条交互"},
    "report.written": {"en": "{visits}, {findings}, {errors}", "zh": "{visits}，{findings}，{errors}"},
    "report.visits.one": {"en": "{count} visit", "zh": "{count} 次访问"},
    "report.visits.many": {"en": "{count} visits", "zh": "{count} 次访问"},
    "report.findings.one": {"en": "{count} finding", "zh": "{count} 条问题"},
    "report.findings.many": {"en": "{count} findings", "zh": "{count} 条问题"},
    "report.input_errors.one": {"en": "{count} input error", "zh": "{count} 个输入错误"},
    "report.input_errors.many": {"en": "{count} input errors", "zh": "{count} 个输入错误"},
    "report.unreadable_results": {
        "en": "{path}: not a readable audit report ({error})",
        "zh": "{path}：无法读取的审核报告（{error}）",
    },
    # --- the --baseline file (svccheck.baseline) -----------------------------------------------------------------
    # `svccheck baseline create`'s stderr line ({findings}, {interactions}: `report.*` counts).
    "baseline.created": {"en": "baseline of {findings} from {interactions}", "zh": "基线：{interactions}，{findings}"},
    "baseline.created_file": {
        "en": "baseline of {findings} from {interactions} written to {file}",
        "zh": "基线：{interactions}，{findings}，已写入 {file}",
    },
    "baseline.error": {"en": "baseline {path}: {message}", "zh": "基线文件 {path}：{message}"},
    "baseline.invalid_json_at": {
        "en": "baseline {path}:{line}:{column}: invalid JSON: {reason}",
        "zh": "基线文件 {path}:{line}:{column}：JSON 无效：{reason}",
    },
    "baseline.fingerprints_not_list": {
        "en": "'fingerprints' must be a list of fingerprints",
        "zh": "'fingerprints' 必须是指纹列表",
    },
    "baseline.not_a_fingerprint": {
        "en": "{where}: {value} is not a fingerprint (16 hex digits)",
        "zh": "{where}：{value} 不是指纹（应为 16 位十六进制数字）",
    },
    "baseline.findings_not_list": {"en": "'findings' must be a list", "zh": "'findings' 必须是列表"},
    "baseline.no_fingerprint": {
        "en": "findings[{index}] has no fingerprint (a report from an older svccheck? re-create it with"
        " `svccheck baseline create`)",
        "zh": "findings[{index}] 没有指纹（是旧版 svccheck 的报告吗？请用 `svccheck baseline create` 重新生成）",
    },
    "baseline.not_an_object": {
        "en": "not a svccheck baseline (expected a JSON object)",
        "zh": "不是 svccheck 基线文件（应为 JSON 对象）",
    },
    "baseline.version": {
        "en": "baseline version {version} is not supported (expected {expected})",
        "zh": "不支持基线版本 {version}（应为 {expected}）",
    },
    "baseline.not_a_baseline": {
        "en": "not a svccheck baseline (expected 'findings' from `svccheck baseline create` or"
        " `svccheck audit --format json`, or 'fingerprints')",
        "zh": "不是 svccheck 基线文件（应有 `svccheck baseline create` 或 `svccheck audit --format json`"
        " 生成的 'findings'，或 'fingerprints'）",
    },
    # --- fixture cases and `svccheck test` (svccheck.ruletest) ---------------------------------------------------
    "cases.no_input": {
        "en": "no interaction file {stem}.json or {stem}.jsonl beside it (exactly one)",
        "zh": "旁边没有交互文件 {stem}.json 或 {stem}.jsonl（应恰好有一个）",
    },
    "cases.unknown_rule": {"en": "unknown rule {rule}", "zh": "未知的规则 {rule}"},
    # --- writing a report (svccheck.cli.output_stream) -----------------------------------------------
    "output.stdout": {"en": "cannot write standard output: {reason}", "zh": "无法写入标准输出：{reason}"},
    "output.stdout_encoding": {
        "en": "standard output cannot show this report in {encoding}: use a UTF-8 locale (PYTHONIOENCODING=utf-8) or --output FILE",
        "zh": "标准输出的编码 {encoding} 无法显示此报告：请使用 UTF-8 区域设置（PYTHONIOENCODING=utf-8）或 --output FILE",
    },
    "output.file": {"en": "cannot write {file}: {reason}", "zh": "无法写入 {file}：{reason}"},
    "cases.problems": {"en": "{count} problem(s) in fixture cases", "zh": "测试用例中有 {count} 个问题"},
    "cases.and_problems": {"en": "{rules} and {count} in fixture cases", "zh": "{rules}；测试用例中另有 {count} 个问题"},
    "cases.nothing_to_test": {
        "en": "nothing to test: no rule examples or fixture cases found",
        "zh": "没有可测试的内容：没有找到规则示例或测试用例",
    },
    "test.example_invalid": {"en": "example is not a valid interaction: {message}", "zh": "示例不是有效的交互记录：{message}"},
    "test.example_unmeasured": {"en": "example could not be measured: {message}", "zh": "示例无法检查：{message}"},
    "test.input_problem": {"en": "input problem: {problems}", "zh": "输入有问题：{problems}"},
    "test.expected_none": {"en": "expected no finding, got {got}", "zh": "应无问题，实际：{got}"},
    "test.expected_messages": {"en": "expected {expected}, got {got}", "zh": "应为 {expected}，实际：{got}"},
    "test.expected_count_listed": {
        "en": "expected {count} finding(s), got {actual}: {got}",
        "zh": "应有 {count} 条问题，实际 {actual} 条：{got}",
    },
    "test.expected_count": {"en": "expected {count} finding(s), got {actual}", "zh": "应有 {count} 条问题，实际 {actual} 条"},
    "test.expected_some": {"en": "expected at least one finding, got none", "zh": "应至少有 1 条问题，实际没有"},
    "test.no_findings": {"en": "no findings", "zh": "无问题"},
    "test.missing": {"en": "missing:    {finding}", "zh": "缺少：{finding}"},
    "test.unexpected": {"en": "unexpected: {finding}", "zh": "多余：{finding}"},
    "test.event": {"en": " (event {event})", "zh": "（事件 {event}）"},
    "test.message": {"en": ": {message}", "zh": "：{message}"},
    "test.failed": {"en": "FAILED {rule} {name} ({location})", "zh": "未通过 {rule} {name}（{location}）"},
    "test.fixture": {"en": "fixture", "zh": "用例"},
    "test.totals": {"en": "{passed} passed, {failed} failed", "zh": "通过 {passed} 个，未通过 {failed} 个"},
    # --- usage errors (svccheck.cli.usage_line) ------------------------------------------------------
    # click's own errors are said in click's words in English; these say them in Chinese. Names
    # of options, arguments and commands, and the values given, stay as typed.
    "usage.see": {"en": " (see {path} --help)", "zh": "（见 {path} --help）"},
    "usage.no_such_option": {"en": "no such option {name}", "zh": "没有选项 {name}"},
    "usage.no_such_command": {"en": "no such command {name}", "zh": "没有命令 {name}"},
    "usage.missing_argument": {"en": "missing argument {name}", "zh": "缺少参数 {name}"},
    "usage.missing_option": {"en": "missing option {name}", "zh": "缺少选项 {name}"},
    "usage.requires_value": {"en": "option {name} requires an argument", "zh": "选项 {name} 需要一个值"},
    "usage.takes_no_value": {"en": "option {name} does not take a value", "zh": "选项 {name} 不接受值"},
    "usage.extra_arguments": {"en": "got unexpected extra arguments ({values})", "zh": "多余的参数：{values}"},
    "usage.bad_value": {"en": "{name}: {reason}", "zh": "{name}：{reason}"},
    "usage.not_one_of": {"en": "{value} is not one of {choices}", "zh": "{value} 不是可选的值：{choices}"},
    "usage.out_of_range": {"en": "{value} is not in the range {range}", "zh": "{value} 不在 {range} 范围内"},
    "usage.not_integer": {"en": "{value} is not a valid integer", "zh": "{value} 不是整数"},
    "usage.path_is_directory": {"en": "{path} is a directory", "zh": "{path} 是目录"},
    "usage.path_is_file": {"en": "{path} is a file", "zh": "{path} 是文件"},
    # svccheck's own usage errors, in both languages.
    "usage.not_a_date": {"en": "{value} is not a date written YYYY-MM-DD", "zh": "{value} 不是 YYYY-MM-DD 格式的日期"},
    "usage.invalid_date": {"en": "{value} is not a valid date ({reason})", "zh": "{value} 不是有效的日期"},
    "usage.rule_or_kinds": {"en": "give a RULE_ID or --kinds, not both", "zh": "请给出 RULE_ID 或 --kinds，不要同时给出"},
    "usage.rule_id_needed": {
        "en": "give a RULE_ID (`svccheck rules` lists them) or --kinds",
        "zh": "请给出 RULE_ID（`svccheck rules` 可列出）或 --kinds",
    },
    "usage.more_outputs": {"en": "more --output options than --format options", "zh": "--output 选项比 --format 选项多"},
    "usage.one_on_stdout": {
        "en": "only one --format can go to standard output; give the others an --output",
        "zh": "只有一个 --format 可以写到标准输出；请为其余格式指定 --output",
    },
    "usage.output_twice": {
        "en": "--output {path} is given for two reports; give each --format its own file",
        "zh": "--output {path} 被指定给了两个报告；请为每个 --format 指定各自的文件",
    },
    "usage.unknown_standard": {"en": "unknown standard {name}", "zh": "未知的标准 {name}"},
    "usage.standards_listed": {
        "en": "unknown standard {name} (`svccheck standards` lists them)",
        "zh": "未知的标准 {name}（`svccheck standards` 可列出）",
    },
    # --- `svccheck init` (svccheck.cli.init) ----------------------------------------------------------
    "init.exists.one": {"en": "{files} already exists; nothing written", "zh": "{files} 已存在；未写入任何文件"},
    "init.exists.many": {"en": "{files} already exist; nothing written", "zh": "{files} 已存在；未写入任何文件"},
    "init.wrote": {"en": "wrote {file}", "zh": "已写入 {file}"},
    "init.next": {
        "en": "next: svccheck lint && svccheck test  (docs/writing-rules.md explains the files)",
        "zh": "下一步：svccheck lint && svccheck test（docs/writing-rules.md 说明了这些文件）",
    },
    # --- auditing in worker processes and on Dask (svccheck.parallel, svccheck.distributed) ---------------
    "parallel.worker_died": {
        "en": "a worker process died while auditing; run again with --jobs 1",
        "zh": "审核时有一个工作进程意外退出；请用 --jobs 1 重新运行",
    },
    "dask.unavailable": {
        "en": "--dask needs dask.distributed: pip install 'svccheck[dask]'",
        "zh": "--dask 需要 dask.distributed：pip install 'svccheck[dask]'",
    },
    # {reason}, {error}: Dask's own words.
    "dask.cannot_connect": {
        "en": "cannot connect to the Dask scheduler at {address}: {reason}",
        "zh": "无法连接 {address} 的 Dask 调度器：{reason}",
    },
    "dask.failed": {
        "en": "the Dask cluster failed auditing {file}: {error}",
        "zh": "Dask 集群审核 {file} 时失败：{error}",
    },
    # --- `svccheck lint` (svccheck.lint) ---------------------------------------------------------------------------
    "lint.clean": {"en": "{rules} rule(s) checked, no problems", "zh": "已检查 {rules} 条规则，没有问题"},
    "lint.problems": {"en": "{count} problem(s) in {files} file(s)", "zh": "{files} 个文件中有 {count} 个问题"},
    # ============ `svccheck import` (svccheck.importer): survey exports and their mappings ===============
    # File names, column names, cell values (given as `repr`) and row numbers stay verbatim.
    # --- cells that cannot be converted (CellError) ---------------------------------------------------------
    # {hint}: the spellings accepted, written as people type them (the same in every language).
    "import.not_yes_no": {"en": "{value} is not a yes/no answer ({hint})", "zh": "{value} 不是有效的是/否答案（可填：{hint}）"},
    "import.not_number": {"en": "{value} is not a number", "zh": "{value} 不是数字"},
    "import.not_datetime": {
        "en": "{value} is not a date and time (write e.g. 2026-03-02 18:00)",
        "zh": "{value} 不是日期时间（应写作例如 2026-03-02 18:00）",
    },
    # {reason}: why the date does not exist, one of "import.date.*" or Python's own words.
    "import.invalid_date": {"en": "{value} is not a valid date ({reason})", "zh": "{value} 不是有效的日期（{reason}）"},
    # Python's reasons (datetime's ValueError), each as it words it in English.
    "import.date.day": {"en": "day is out of range for month", "zh": "该月没有这一天"},
    "import.date.month": {"en": "month must be in 1..12", "zh": "月份应在 1 到 12 之间"},
    "import.date.hour": {"en": "hour must be in 0..23", "zh": "小时应在 0 到 23 之间"},
    "import.date.minute": {"en": "minute must be in 0..59", "zh": "分钟应在 0 到 59 之间"},
    "import.date.second": {"en": "second must be in 0..59", "zh": "秒应在 0 到 59 之间"},
    # --- rejected rows (RowProblem): `FILE:ROW: column NAME: message` ---------------------------------------
    "label.column": {"en": "column {column}", "zh": "列 {column}"},
    "import.empty_id": {"en": "empty (every visit needs an id)", "zh": "为空（每次访问都必须有编号）"},
    "import.duplicate_id": {"en": "duplicate id {id} (first in row {first})", "zh": "编号 {id} 重复（首次出现在第 {first} 行）"},
    "import.too_many_cells": {
        "en": "row has {cells} cells, the header has {width}",
        "zh": "该行有 {cells} 个单元格，而表头只有 {width} 列",
    },
    # {message}: the interaction's own problem (see svccheck.interactions), said in the same language.
    "import.not_interaction": {"en": "not a valid interaction: {message}", "zh": "不是有效的交互记录：{message}"},
    # --- the mapping (MappingError) ---------------------------------------------------------------------------
    "import.invalid_mapping": {"en": "invalid mapping {path}", "zh": "映射文件 {path} 无效"},
    "import.needs_date": {
        "en": "needs a date column (mapping key 'date')",
        "zh": "需要日期列（映射中的 'date' 键）",
    },
    "import.not_utc_offset": {
        "en": "{value} is not a UTC offset (from -14:00 to +14:00, minutes 00-59; e.g. +08:00)",
        "zh": "{value} 不是有效的 UTC 时区偏移（范围 -14:00 到 +14:00，分钟为 00-59；例如 +08:00）",
    },
    "import.column_missing": {
        "en": "column {column} is not in the header of {file}",
        "zh": "{file} 的表头中没有列 {column}",
    },
    # {positions}: column numbers, all of them (`all_of`).
    "import.column_repeated": {
        "en": "column {column} appears {count} times in the header (columns {positions})",
        "zh": "列 {column} 在表头中出现了 {count} 次（第 {positions} 列）",
    },
    # {columns}: the header's column names as they are, joined with ", ".
    "import.mapping_does_not_fit": {
        "en": "the mapping does not fit {file} (its columns: {columns})",
        "zh": "映射与 {file} 不符（该文件的列：{columns}）",
    },
    # --- the export itself (TableError) -----------------------------------------------------------------------
    "import.no_header": {
        "en": "{file}: no header row (expected the column names in row {row})",
        "zh": "{file}：没有表头行（第 {row} 行应为列名）",
    },
    # {reason}: the operating system's reason (`os_reason`).
    "import.cannot_read": {"en": "{file}: cannot read: {reason}", "zh": "{file}：无法读取：{reason}"},
    "import.not_text": {
        "en": "{file}: neither UTF-8 nor GB18030 text",
        "zh": "{file}：既不是 UTF-8 也不是 GB18030 编码的文本",
    },
    # {reason}: the csv module's or openpyxl's own words.
    "import.bad_csv": {"en": "{file}: not a readable CSV file ({reason})", "zh": "{file}：无法读取该 CSV 文件（{reason}）"},
    "import.bad_xlsx": {
        "en": "{file}: not a readable .xlsx workbook ({reason})",
        "zh": "{file}：无法读取该 .xlsx 工作簿（{reason}）",
    },
    "import.no_sheet": {"en": "{file}: no sheet {sheet} (sheets: {sheets})", "zh": "{file}：没有工作表 {sheet}（现有工作表：{sheets}）"},
    # --- the summary line ---------------------------------------------------------------------------------------
    "import.summary": {
        "en": "{name}: {rows}, {imported} imported, {rejected} rejected",
        "zh": "{name}：共 {rows}，已导入 {imported} 行，{rejected} 行未导入",
    },
    "import.summary_blank": {
        "en": "{name}: {rows}, {imported} imported, {rejected} rejected ({blank} skipped)",
        "zh": "{name}：共 {rows}，已导入 {imported} 行，{rejected} 行未导入（跳过 {blank}）",
    },
    "import.rows.one": {"en": "{count} row", "zh": "{count} 行"},
    "import.rows.many": {"en": "{count} rows", "zh": "{count} 行"},
    "import.blank_rows.one": {"en": "{count} blank row", "zh": "{count} 个空行"},
    "import.blank_rows.many": {"en": "{count} blank rows", "zh": "{count} 个空行"},
    # The progress bar's label (a terminal's stderr, long jobs only: see svccheck.progress).
    "progress.auditing": {"en": "auditing", "zh": "审核中"},
    "progress.reading": {"en": "reading", "zh": "读取中"},
    "progress.importing": {"en": "importing", "zh": "导入中"},
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
    def of(cls, code: str, /, **params: Param) -> ProblemMessage:
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


def joined(glue: str, items: Sequence[str | ProblemMessage]) -> ProblemMessage:
    """Items joined by a glue message of the catalogue ("or", "and"), each time it is needed:
    `'a' or 'b' or 'c'`, `'a' 或 'b' 或 'c'` (for lists said with commas, see `Param`)."""
    first = items[0] if isinstance(items[0], ProblemMessage) else ProblemMessage.verbatim(items[0])
    if len(items) == 1:
        return first
    return ProblemMessage.of(glue, first=first, rest=joined(glue, items[1:]))


def all_of(items: Sequence[str]) -> ProblemMessage:
    """Every item of a list, all of them meant: `2, 5 and 12`, `2、5、12` (column numbers, say;
    `joined` says a choice between items)."""
    if len(items) == 1:
        return ProblemMessage.verbatim(items[0])
    return ProblemMessage.of("list.and", most=joined("list.comma", items[:-1]), last=items[-1])


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """" (did you mean 'x'?)" for the closest known names, or ""."""
    hint = _hint(name, known)
    return hint.text("en") if hint is not None else ""


def hinted(said: ProblemMessage, name: str, known: Iterable[str]) -> ProblemMessage:
    """`said`, followed by `did_you_mean` in its language when a known name is close to `name`."""
    return suggesting(said, _close(name, known))


def suggesting(said: ProblemMessage, names: Sequence[str] | None) -> ProblemMessage:
    """`said`, followed by "(did you mean 'a' or 'b'?)" in its language for `names` (none: as it is)."""
    hint = _suggestion(names)
    return ProblemMessage.of("hinted", message=said, hint=hint) if hint is not None else said


def _hint(name: str, known: Iterable[str]) -> ProblemMessage | None:
    return _suggestion(_close(name, known))


def _close(name: str, known: Iterable[str]) -> list[str]:
    return difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)


def _suggestion(names: Sequence[str] | None) -> ProblemMessage | None:
    return ProblemMessage.of("hint.did_you_mean", names=joined("or", [repr(c) for c in names])) if names else None


# What the operating system says for the errors a user meets reading inputs and rules and
# writing reports, in Chinese; any other error keeps the system's own (English) words.
_OS_REASONS_ZH: Mapping[int, str] = MappingProxyType({
    errno.ENOENT: "文件或目录不存在",
    errno.EACCES: "权限不足",
    errno.EPERM: "不允许此操作",
    errno.EISDIR: "这是一个目录",
    errno.ENOTDIR: "路径中有一部分不是目录",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EROFS: "文件系统是只读的",
    errno.EFBIG: "文件太大",
    errno.ENAMETOOLONG: "文件名太长",
    errno.ELOOP: "符号链接层数过多",
    errno.EIO: "输入/输出错误",
    errno.EMFILE: "打开的文件太多",
    errno.ENFILE: "系统中打开的文件太多",
    errno.EBUSY: "设备或资源忙",
    errno.ENXIO: "设备不存在",
    errno.EPIPE: "管道已断开",
    errno.EAGAIN: "资源暂时不可用",
    errno.ETXTBSY: "文件正被使用",
})


def counted(code: str, number: int) -> ProblemMessage:
    """`3 visits`, `3 次访问`: the catalogue's `<code>.one` or `<code>.many` for `number`."""
    return ProblemMessage.of(f"{code}.{'one' if number == 1 else 'many'}", count=str(number))


def os_reason(err: OSError) -> ProblemMessage:
    """Why the operating system refused: its own words (strerror) in English, byte for byte as
    before; in Chinese, a translation of the common reasons (others stay in the system's words)."""
    text = str(err.strerror or err)
    translated = _OS_REASONS_ZH.get(err.errno) if err.strerror and err.errno is not None else None
    return ProblemMessage.of("os.reason", text=text, zh=translated or text)


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
