"""Describing rules and standards to people: `svccheck explain`, `svccheck rules`,
`svccheck standards` and the check-kind reference of docs/writing-rules.md.

- `explain_rule`: a rule's titles (Chinese and English), its standard and manual, dimension, gap,
  severity, what it applies to and checks in plain words, its parameters with their current
  values (overrides marked with where they were written), and one passing and one failing example
  rendered as a short transcript (``customer (0s): …`` lines, events as ``[ring 3s]``) with what
  the rule, as configured, says about it.
- `rules_table`: one row per rule (id, severity, dimension, gap, applies-to, title).
- `coverage`: for every standard in the catalogue, the rules that check it, or why none does:
  ``rule`` (checked by a rule), ``missing`` (a recording or metric could show it, but no rule
  checks it: the standards gap), ``checklist`` (only a mystery-shopper checklist can show it),
  ``survey`` (only a customer survey can), ``none`` (no record can show it).
- `kinds_reference`: every check kind's reference page (its module docstring) and its keys,
  generated, so the documentation cannot drift from the code.

Output is plain text in the chosen language (en or zh) or JSON-ready data; same input, same bytes.
"""

from __future__ import annotations

import inspect
import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .audit import Auditor
from .config import Config
from .errors import SvccheckError
from .interactions import build_interaction
from .kinds import KINDS
from .model import DIMENSION_NAMES_ZH, GAP_NAMES_ZH, SEVERITY_NAMES_ZH, Gap, InputProblem, Interaction
from .problems import ProblemMessage, hinted
from .rules import Example, Rule
from .standards import Standard

_LABELS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "standard": "standard",
        "manual": "manual",
        "quote": "quote",
        "dimension": "dimension",
        "gap": "gap",
        "severity": "severity",
        "applies": "applies to",
        "checks": "checks",
        "file": "rule file",
        "config": "configuration",
        "params": "parameters",
        "overridden": "overridden at",
        "passing": "passing example",
        "failing": "failing example",
        "no_example": "(no {which} example)",
        "no_finding": "→ no finding",
        "finding": "→ {message}",
        "measure_problem": "→ cannot be measured: {message}",
        "invalid": "→ not a valid interaction: {message}",
        "empty": "(no events)",
        "by_dimension": "(each finding carries its own dimension)",
        "unknown_standard": "(not in the catalogue)",
        "gap_n": "gap {n}",
        "all": "all interactions",
        "none": "(none)",
    },
    "zh": {
        "standard": "服务标准",
        "manual": "来源手册",
        "quote": "原文",
        "dimension": "质量维度",
        "gap": "差距",
        "severity": "严重程度",
        "applies": "适用范围",
        "checks": "检查内容",
        "file": "规则文件",
        "config": "配置文件",
        "params": "参数",
        "overridden": "覆盖于",
        "passing": "合格示例",
        "failing": "不合格示例",
        "no_example": "（没有{which}）",
        "no_finding": "→ 无问题",
        "finding": "→ {message}",
        "measure_problem": "→ 无法检查：{message}",
        "invalid": "→ 不是有效的交互记录：{message}",
        "empty": "（没有事件）",
        "by_dimension": "（每条问题各自标注维度）",
        "unknown_standard": "（不在标准目录中）",
        "gap_n": "差距{n}",
        "all": "所有交互",
        "none": "（无）",
    },
}


def _label(lang: str, key: str, **fields: Any) -> str:
    return _LABELS["zh" if lang == "zh" else "en"][key].format(**fields)


def find_rule(rules: Iterable[Rule], rule_id: str) -> Rule:
    """The rule with this id, or a SvccheckError (exit 2) suggesting the closest ids."""
    by_id = {rule.id: rule for rule in rules}
    if rule_id in by_id:
        return by_id[rule_id]
    raise SvccheckError(hinted(ProblemMessage.of("cases.unknown_rule", rule=repr(rule_id)), rule_id, by_id))


# --- values in flow style -----------------------------------------------------------------------

_PLAIN_UNSAFE = set(":#{}[],&*!|>'\"%@`")


def flow(value: Any, limit: int = 12) -> str:
    """A parameter value written as YAML flow style, long lists shortened."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str):
        plain = value and not (_PLAIN_UNSAFE & set(value)) and value.strip() == value
        return value if plain else json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {flow(v, limit)}" for k, v in value.items()) + "}"
    if isinstance(value, Sequence):
        items = [flow(v, limit) for v in value[:limit]]
        if len(value) > limit:
            items.append(f"… ({len(value)} in all)")
        return "[" + ", ".join(items) + "]"
    return str(value)


# --- transcripts --------------------------------------------------------------------------------


def _offset(seconds: float) -> str:
    total = round(seconds)
    sign = "-" if total < 0 else ""
    hours, rest = divmod(abs(total), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}h{minutes:02d}m" if not secs else f"{sign}{hours}h{minutes:02d}m{secs:02d}s"
    if minutes:
        return f"{sign}{minutes}m{secs:02d}s" if secs else f"{sign}{minutes}m"
    return f"{sign}{secs}s"


def _value(value: Any) -> str:
    """An event field in `key=value` form: quoted when it has spaces, so the line reads unambiguously."""
    shown = flow(value)
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) and " " in value and shown == value else shown


def transcript(interaction: Interaction, lang: str = "en") -> list[str]:
    """The interaction as short lines: context, metrics, then one line per event."""
    lines = []
    context = [f"channel {interaction.channel}"] + [f"#{tag}" for tag in sorted(interaction.tags)]
    lines.append(" ".join(context))
    if interaction.metrics:
        lines.append("metrics: " + ", ".join(f"{k}={flow(v)}" for k, v in interaction.metrics.items()))
    if interaction.checklist:
        lines.append("checklist: " + ", ".join(f"{k}={flow(v)}" for k, v in interaction.checklist.items()))
    if interaction.survey is not None:
        survey = interaction.survey
        scores = [f"{d} {flow(survey.expected.get(d))}→{flow(survey.perceived.get(d))}" for d in survey.expected]
        lines.append("survey (expected→perceived): " + ", ".join(scores))
    timed = [e.at for e in interaction.events if e.at is not None]
    origin = interaction.start if interaction.start is not None and interaction.timeline == "absolute" else None
    if origin is None:
        origin = 0.0 if interaction.timeline == "relative" else (min(timed) if timed else 0.0)
    for event in interaction.events:
        when = _offset(event.at - origin) if event.at is not None else None
        if event.type == "utterance":
            stamp = f" ({when})" if when is not None else ""
            lines.append(f"{event.speaker or '?'}{stamp}: {event.text}")
            continue
        extra = [f"{k}={_value(v)}" for k, v in event.data.items() if k not in ("type", "at", "speaker", "text")]
        parts = [event.type] + ([when] if when is not None else []) + extra
        lines.append("[" + " ".join(parts) + "]")
    if not interaction.events and not (interaction.metrics or interaction.checklist or interaction.survey):
        lines.append(_label(lang, "empty"))
    return lines


def _example_block(rule: Rule, auditor: Auditor, example: Example, lang: str) -> list[str]:
    item = build_interaction(example.record, example.location, 0)
    if isinstance(item, InputProblem):
        return [_label(lang, "invalid", message=item.text(lang))]
    lines = transcript(item, lang)
    outcome = auditor.audit(item)
    if outcome.problems:
        lines.append(_label(lang, "measure_problem", message=outcome.problems[0].text(lang)))
    elif not outcome.findings:
        lines.append(_label(lang, "no_finding"))
    lines += [_label(lang, "finding", message=f.message) for f in outcome.findings]
    return lines


def _pick(rule: Rule, auditor: Auditor, expect_fail: bool) -> Example | None:
    """The first example of that outcome that still behaves so with the rule as configured
    (an override may change the outcome), else the first one."""
    candidates = [e for e in rule.examples if e.expect_fail == expect_fail]
    for example in candidates:
        item = build_interaction(example.record, example.location, 0)
        if isinstance(item, Interaction) and bool(auditor.audit(item).findings) == expect_fail:
            return example
    return candidates[0] if candidates else None


# --- explain ------------------------------------------------------------------------------------


#: Chinese names of dimensions, gaps and severities, shown beside the English value in zh output.
_ZH_NAMES = {**DIMENSION_NAMES_ZH, **GAP_NAMES_ZH, **SEVERITY_NAMES_ZH}


def _named(value: str, lang: str) -> str:
    return f"{value}（{_ZH_NAMES[value]}）" if lang == "zh" and value in _ZH_NAMES else value


def _gap_words(gap: Gap, lang: str) -> str:
    if lang == "zh":
        return f"{_named(gap.value, lang)}，{_label(lang, 'gap_n', n=gap.number)}"
    return f"{gap.value} ({_label(lang, 'gap_n', n=gap.number)})"


def explain_rule(rule: Rule, standards: Mapping[str, Standard], config: Config, lang: str = "en") -> str:
    out = [rule.id, f"  {rule.title.zh}", f"  {rule.title.en}", ""]
    fields: list[tuple[str, str]] = []
    standard = standards.get(rule.standard)
    if standard is None:
        fields.append((_label(lang, "standard"), f"{rule.standard} {_label(lang, 'unknown_standard')}"))
    else:
        fields.append((_label(lang, "standard"), f"{standard.id}: {standard.title.get(lang)}"))
        fields.append((_label(lang, "manual"), f"{standard.manual}: {standard.manual_title.get(lang)}"))
        if standard.quote:
            fields.append((_label(lang, "quote"), standard.quote))
    dimension = _named(rule.dimension.value, lang) if rule.dimension is not None else _label(lang, "by_dimension")
    fields += [
        (_label(lang, "dimension"), dimension),
        (_label(lang, "gap"), _gap_words(rule.gap, lang)),
        (_label(lang, "severity"), _named(rule.severity.value, lang) + _mark(config, rule, "severity", lang)),
        (_label(lang, "applies"), _applies(rule, lang) + _mark(config, rule, "applies-to", lang)),
        (_label(lang, "checks"), rule.description or rule.check.describe(lang)),
        (_label(lang, "file"), str(rule.location)),
        (_label(lang, "config"), config.describe()),
    ]
    width = max(_width(name) for name, _ in fields) + 2
    out += [_pad(f"{name}:", width) + value for name, value in fields]
    out += ["", f"{_label(lang, 'params')} (kind {rule.kind}):"]
    params = [(key, value) for key, value in rule.params.items() if key != "kind"]
    out += [f"  {key}: {flow(value)}{_mark(config, rule, key, lang)}" for key, value in params]
    if not params:
        out.append(f"  {_label(lang, 'none')}")
    auditor = Auditor([rule], lang)
    for expect_fail, which in ((False, "passing"), (True, "failing")):
        example = _pick(rule, auditor, expect_fail)
        out.append("")
        if example is None:
            out.append(_label(lang, "no_example", which=_label(lang, which)))
            continue
        out.append(f"{_label(lang, which)} ({example.location}):")
        out += [f"  {line}" for line in _example_block(rule, auditor, example, lang)]
    return "\n".join(out) + "\n"


def _applies(rule: Rule, lang: str) -> str:
    words = rule.applies_to.describe()
    return _label(lang, "all") if words == "all interactions" else words


def _mark(config: Config, rule: Rule, key: str, lang: str) -> str:
    override = config.overrides.get(rule.id)
    if override is None:
        return ""
    if key == "phrases" and any(k in override.changes for k in ("phrases-add", "phrases-remove")):
        key = "phrases-remove" if "phrases-remove" in override.changes else "phrases-add"
    if key not in override.changes:
        return ""
    where = override.doc.locate([*override.keys, key], at_key=True)
    return f"  ({_label(lang, 'overridden')} {where})"


# --- tables -------------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns (East Asian wide characters count double); the last is not padded."""
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [_pad(cell, widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def rule_record(rule: Rule, lang: str) -> dict[str, Any]:
    applies = rule.applies_to
    return {
        "id": rule.id,
        "title": rule.title.get(lang),
        "standard": rule.standard,
        "severity": rule.severity.value,
        "dimension": rule.dimension.value if rule.dimension is not None else None,
        "gap": rule.gap.value,
        "kind": rule.kind,
        "applies_to": {
            "channel": sorted(applies.channels),
            "tags": sorted(applies.tags),
            "not_tags": sorted(applies.not_tags),
            "source": sorted(applies.sources),
            "site": sorted(applies.sites),
        },
        "file": rule.location.file,
    }


def rules_table(rules: Sequence[Rule], lang: str) -> str:
    header = ["id", "severity", "dimension", "gap", "applies-to", "title"] if lang != "zh" else [
        "规则", "严重程度", "维度", "差距", "适用范围", "标题"]
    rows = [
        [r.id, r.severity.value, r.dimension.value if r.dimension else "*", r.gap.value, _applies(r, lang), r.title.get(lang)]
        for r in rules
    ]
    return table(header, rows) + (f"{len(rules)} rule(s)\n" if lang != "zh" else f"共 {len(rules)} 条规则\n")


def filter_rules(
    rules: Iterable[Rule], standard: str | None, dimension: str | None, gap: str | None, tag: str | None
) -> list[Rule]:
    """Rules matching every filter given; `tag` keeps rules that apply to interactions with it."""
    return [
        r
        for r in rules
        if (standard is None or r.standard == standard)
        and (dimension is None or (r.dimension is not None and r.dimension.value == dimension))
        and (gap is None or r.gap.value == gap)
        and (tag is None or tag in r.applies_to.tags)
    ]


# --- standards coverage -------------------------------------------------------------------------

COVERAGE_ORDER = ("rule", "missing", "checklist", "survey", "none")
_COVERAGE_WORDS = {
    "en": {
        "rule": "checked by a rule",
        "missing": "checkable from records, but no rule",
        "checklist": "mystery-shopper checklist only",
        "survey": "customer survey only",
        "none": "not checkable from any record",
    },
    "zh": {
        "rule": "已有规则检查",
        "missing": "可从记录检查，但尚无规则",
        "checklist": "仅能由神秘顾客检查表检查",
        "survey": "仅能由顾客调查检查",
        "none": "无法从任何记录检查",
    },
}


@dataclass(frozen=True, slots=True)
class Coverage:
    standard: Standard
    rules: tuple[str, ...]
    status: str  # one of COVERAGE_ORDER


def coverage(standards: Mapping[str, Standard], rules: Iterable[Rule]) -> list[Coverage]:
    by_standard: dict[str, list[str]] = {}
    for rule in rules:
        by_standard.setdefault(rule.standard, []).append(rule.id)
    out = []
    for ident in sorted(standards):
        standard = standards[ident]
        ids = tuple(sorted(by_standard.get(ident, ())))
        observable = set(standard.observable_by) - {"none"}
        if ids:
            status = "rule"
        elif observable & {"recording", "metric"}:
            status = "missing"
        elif "checklist" in observable:
            status = "checklist"
        elif observable:
            status = "survey"
        else:
            status = "none"
        out.append(Coverage(standard, ids, status))
    return out


def coverage_table(rows: Sequence[Coverage], lang: str) -> str:
    words = _COVERAGE_WORDS["zh" if lang == "zh" else "en"]
    header = ["standard", "dimension", "coverage", "rules / observable by", "title"] if lang != "zh" else [
        "服务标准", "维度", "覆盖情况", "规则 / 可观察方式", "标题"]
    body = [
        [c.standard.id, c.standard.dimension.value, c.status,
         ", ".join(c.rules) if c.rules else "(" + ", ".join(c.standard.observable_by) + ")", c.standard.title.get(lang)]
        for c in rows
    ]
    counts = {status: sum(1 for c in rows if c.status == status) for status in COVERAGE_ORDER}
    summary = [f"{len(rows)} standard(s):" if lang != "zh" else f"共 {len(rows)} 条标准："]
    summary += [f"  {status:<10} {counts[status]:>3}  {words[status]}" for status in COVERAGE_ORDER]
    return table(header, body) + "\n" + "\n".join(summary) + "\n"


def coverage_record(row: Coverage, lang: str) -> dict[str, Any]:
    standard = row.standard
    return {
        "id": standard.id,
        "title": standard.title.get(lang),
        "manual": standard.manual,
        "dimension": standard.dimension.value,
        "observable_by": list(standard.observable_by),
        "coverage": row.status,
        "rules": list(row.rules),
    }


# --- the check-kind reference -------------------------------------------------------------------


def kinds_reference() -> str:
    """Markdown: one section per check kind, its module docstring and its keys from its schema."""
    parts = []
    for name in sorted(KINDS):
        kind = KINDS[name]
        module = inspect.getmodule(kind)
        doc = inspect.cleandoc(module.__doc__ or "") if module is not None else ""
        schema = kind.schema
        keys = [k for k in schema.get("properties", {}) if k != "kind"]
        required = [k for k in schema.get("required", ()) if k != "kind"]
        listed = ", ".join(f"`{k}`" for k in keys)
        needed = f" Required: {', '.join(f'`{k}`' for k in required)}." if required else ""
        fields = ", ".join(f"`{{{f}}}`" for f in sorted(kind.template_fields))
        parts.append(
            f"### `{name}`\n\n{doc}\n\nKeys: {listed}.{needed} Message fields: {fields}.\n"
        )
    return "\n".join(parts)


REFERENCE_BEGIN = "<!-- BEGIN kinds reference (generated: svccheck explain --kinds) -->"
REFERENCE_END = "<!-- END kinds reference -->"


def with_kinds_reference(markdown: str) -> str:
    """`markdown` with the text between the reference markers replaced by `kinds_reference()`
    (how docs/writing-rules.md is regenerated when a kind's docstring changes)."""
    head, _, rest = markdown.partition(REFERENCE_BEGIN)
    _, _, tail = rest.partition(REFERENCE_END)
    return f"{head}{REFERENCE_BEGIN}\n\n{kinds_reference()}\n{REFERENCE_END}{tail}"
