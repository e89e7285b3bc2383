"""The fixed text of the `text` and `markdown` reports, in English and Simplified Chinese:
headings, column headers, the summary and gate sentences, baseline and waiver lines, and the
names of severities, dimensions, gaps and statuses. Both formatters word everything through
`Labels`, so a report says the same in the terminal and in a step summary; so does the one
line `svccheck audit` ends with on stderr when every report went to a file (`run_summary`).

English is what the formatters always printed, kept byte for byte (quirks included: "1 findings
waived"), so output and tests in English do not change. Chinese follows the mystery-shopper
reports (`svccheck.reports._labels`: 条问题, 、 between list items, full-width ：（）) and the
model's names (DIMENSION_NAMES_ZH, GAP_NAMES_ZH, SEVERITY_NAMES_ZH); it has no plural forms.
The formatters may not import the reports, hence a table of their own.

A template's {placeholders} are filled with data already escaped for the output format; the
templates themselves hold no control characters and no Markdown table syntax.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from ..model import DIMENSION_NAMES_ZH, GAP_NAMES_ZH, SEVERITY_NAMES_ZH, Evidence
from ..words import Phrasebook

_TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "list": ", ",
        "none": "none",
        "agent": "agent {agent}",
        "event": " [event {event}]",
        "event_at": " [event {event}, at {at}]",
        "status_mark": " ({status})",
        "waived_until": "waived until {expires} by {approved_by}: {reason} ({location})",
        "input_errors": "input errors ({n}):",
        "summary": "{interactions} audited, {clean} clean · {findings} ({counts}) · {errors}",
        "fail_on": "fail-on {level}: {findings} at or above it{allowed}",
        "allowed": " (--max-findings {n})",
        "expired_warning": "warning: {location}: waiver expired on {expires} ({scope}; approved by {approved_by}):"
                           " no longer applies, {findings} not waived",
        "stale_warning": "warning: {location}: stale waiver ({scope}): matches no finding",
        "baseline_line": "baseline {file}: {suppressed} suppressed, {fixed} of {fingerprints} fixed or not seen",
        "waivers_line": "waivers {file}: {waived} findings waived · {expired} expired, {stale} stale"
                        " of {total} waivers (as of {today})",
        # markdown
        "fail": "FAIL: {findings} at or above {level}{allowed}",
        "pass": "PASS: {n} new findings at or above {level}{allowed}",
        "md_summary": "{interactions} audited, {clean} clean · {findings} ({statuses}) · {errors}",
        "status_count": "{n} {status}",
        "by": "By {what}",
        "findings_heading": "Findings",
        "findings_first": "Findings (first {shown} of {total})",
        "input_errors_heading": "Input errors ({n})",
        "waivers_heading": "Waivers",
        "waivers_sentence": "{waived} findings waived by {total} waivers in {file} (as of {today}).",
        "expired_item": "- **expired** {expires}: {scope} ({location}, approved by {approved_by}):"
                        " no longer applies, {n} findings not waived",
        "stale_item": "- **stale**: {scope} ({location}): matches no finding",
        "baseline_heading": "Baseline",
        "baseline_sentence": "{file}: {suppressed} findings suppressed; {fixed} of its {fingerprints}"
                             " fingerprints not seen in this run (fixed).",
        "where_event": "{location} event {event}",
        "gap_name": "{number} {name}",
        # `svccheck audit`'s one stderr line when every report went to a file (cli/audit.py)
        "run_summary": "{interactions} audited, {findings} ({failing} at or above {level}{allowed}), {errors}",
        "run_allowed": ", --max-findings {n}",
    },
    "zh": {
        "list": "、",
        "none": "无",
        "agent": "员工 {agent}",
        "event": " [事件 {event}]",
        "event_at": " [事件 {event}，时间 {at}]",
        "status_mark": "（{status}）",
        "waived_until": "豁免至 {expires}，批准人 {approved_by}：{reason}（{location}）",
        "input_errors": "输入错误（{n}）：",
        "summary": "共审核 {interactions}，{clean} 条无问题 · {findings}（{counts}） · {errors}",
        "fail_on": "失败门槛为{level}级别：{findings}达到或高于该级别{allowed}",
        "allowed": "（--max-findings {n}）",
        "expired_warning": "警告：{location}：豁免已于 {expires} 过期（{scope}；批准人 {approved_by}）："
                           "不再适用，{findings}未豁免",
        "stale_warning": "警告：{location}：豁免未匹配任何问题（{scope}）",
        "baseline_line": "基线 {file}：{suppressed}被抑制，{fingerprints} 个指纹中 {fixed} 个已修复或未出现",
        "waivers_line": "豁免 {file}：{waived} 条问题已豁免 · 共 {total} 条豁免，{expired} 条已过期、{stale} 条未匹配"
                        "（截至 {today}）",
        "fail": "不通过：{findings}达到或高于{level}级别{allowed}",
        "pass": "通过：{n} 条新问题达到或高于{level}级别{allowed}",
        "md_summary": "共审核 {interactions}，{clean} 条无问题 · {findings}（{statuses}） · {errors}",
        "status_count": "{status} {n}",
        "by": "按{what}统计",
        "findings_heading": "问题列表",
        "findings_first": "问题列表（共 {total} 条，显示前 {shown} 条）",
        "input_errors_heading": "输入错误（{n}）",
        "waivers_heading": "豁免",
        "waivers_sentence": "{file} 中的 {total} 条豁免共豁免 {waived} 条问题（截至 {today}）。",
        "expired_item": "- **已过期** {expires}：{scope}（{location}，批准人 {approved_by}）："
                        "不再适用，{n} 条问题未豁免",
        "stale_item": "- **未匹配**：{scope}（{location}）：没有匹配的问题",
        "baseline_heading": "基线",
        "baseline_sentence": "{file}：{suppressed} 条问题被基线抑制；基线的 {fingerprints} 个指纹中有 {fixed} 个"
                             "本次未出现（已修复）。",
        "where_event": "{location} 事件 {event}",
        "gap_name": "{number} {name}",
        # The summary's and the gate's words ("fail" above), without the clean count the line
        # leaves out; the --max-findings clause follows a full-width comma as the English a comma.
        "run_summary": "共审核 {interactions} · {findings}（{failing}达到或高于{level}级别{allowed}） · {errors}",
        "run_allowed": "，--max-findings {n}",
    },
}

#: Counted nouns as (singular, plural); Chinese has no plural, so both are the same.
_NOUNS: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "en": {
        "interaction": ("interaction", "interactions"),
        "finding": ("finding", "findings"),
        "new finding": ("new finding", "new findings"),
        "input error": ("input error", "input errors"),
        # The stderr line's gate: "2 failing", "2 new failing" (a count, with no noun of its own)
        "failing": ("failing", "failing"),
        "new failing": ("new failing", "new failing"),
    },
    "zh": {
        "interaction": ("条交互", "条交互"),
        "finding": ("条问题", "条问题"),
        "new finding": ("条新问题", "条新问题"),
        "input error": ("个输入错误", "个输入错误"),
        "failing": ("条问题", "条问题"),
        "new failing": ("条新问题", "条新问题"),
    },
}

#: Markdown column headers in Chinese, by their English text (as in the aggregate reports).
_ZH_COLUMNS: Mapping[str, str] = {
    "severity": "严重程度", "new": "新增", "baselined": "已纳入基线", "waived": "已豁免", "total": "合计",
    "rule": "规则", "title": "标题", "findings": "问题数", "gap": "差距", "dimension": "维度",
    "interaction": "交互", "where": "位置", "message": "说明", "status": "状态",
}

#: Named values in Chinese, by kind; English shows the value (the code) as it is.
_ZH_NAMES: Mapping[str, Mapping[str, str]] = {
    "severity": SEVERITY_NAMES_ZH,
    "dimension": DIMENSION_NAMES_ZH,
    "gap": GAP_NAMES_ZH,
    "status": {"new": "新增", "baselined": "已纳入基线", "waived": "已豁免"},
}


@dataclass(frozen=True, slots=True)
class Labels(Phrasebook):
    """The formatters' fixed text in one language (en or zh)."""

    lang: str
    TEXT: ClassVar[Mapping[str, Mapping[str, str]]] = _TEXT
    NOUNS: ClassVar[Mapping[str, Mapping[str, tuple[str, str]]]] = _NOUNS
    COLUMNS_ZH: ClassVar[Mapping[str, str]] = _ZH_COLUMNS
    NAMES_ZH: ClassVar[Mapping[str, Mapping[str, str]]] = _ZH_NAMES

    def pointer(self, evidence: Evidence) -> str:
        """`" [event 3, at 9]"` (as `Evidence.pointer`), `" [事件 3，时间 9]"`; empty without an event."""
        if evidence.event is None:
            return ""
        if evidence.at is None:
            return self("event", event=evidence.event)
        return self("event_at", event=evidence.event, at=evidence.at)


def labels(lang: str) -> Labels:
    """The wording for a report in `lang` (a `Report.lang`). Any language but zh reads English,
    as `Localised.get` does: a report is always printable."""
    return Labels("zh" if lang == "zh" else "en")
