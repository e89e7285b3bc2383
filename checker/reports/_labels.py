"""The fixed text of the aggregate reports, in English and Simplified Chinese: headings, column
headers, chart titles, sentences, and the names of dimensions, gaps, severities, verdicts and
results. Both renderers word everything through `Words`, so HTML and Markdown say the same.

English column headers and values are shown as they are (the keys below are the English);
Chinese reuses the project's one vocabulary (`svccheck.model`'s DIMENSION_NAMES_ZH, GAP_NAMES_ZH
and SEVERITY_NAMES_ZH, which finding messages and `svccheck explain` use too).

Templates are plain text without ``<>&"'``: the HTML renderer escapes what it fills in, and a
template filled with escaped fields stays valid HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from ..aggregate import MIN_FAILURES, NONE, SERVQUAL_WEIGHTS, Diagnosis, GroupStats
from ..model import DIMENSION_NAMES_ZH, GAP_NAMES_ZH, SEVERITY_NAMES_ZH
from ..words import Phrasebook
from . import _numbers as fmt

_TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "html_lang": "en",
        "title": "Mystery-shopper report",
        "inputs": "Inputs: {names}",
        "scorecard": "Scorecard: {id} ({title}), pass mark {mark}%.",
        "summary": "Summary",
        "charts": "Charts",
        "ranking": "Sites ranked",
        "by_group": "By {field}",
        "waves": "Trend by wave",
        "servqual": "SERVQUAL gaps by site",
        "servqual_formula": "SERVQUAL gaps by site (perceived − expected)",
        "servqual_note": "Mean of perceived minus expected per dimension; negative means the service fell short. "
                         "Weighted: {weights}.",
        "by_gap": "Findings by gap",
        "by_dimension": "Findings by dimension",
        "diagnosis": "Gap diagnosis",
        "visits": "Visits",
        "sort_hint": "Click a column header to sort.",
        "sites": "Sites",
        "site_line": "{visits} · mean score {score} · pass rate {rate} · {findings} ({severities}) · "
                     "weighted SERVQUAL gap {gap}",
        "items_not_met": "Scorecard items not met: {items}",
        "notes": "Comments and evidence",
        "notes_intro": "Comments and evidence:",
        "errors": "Input problems",
        "chart_scores": "Mean score by site",
        "chart_waves": "Mean score by wave",
        "pass_marker": "pass {mark}",
        "none": "none",
        "none_key": NONE,
        "list": ", ",
        "top_agents": "{names}: {share}",
        "why_too_few": "fewer than {failures}: no verdict",
        "why_delivery": "concentrated in a few agents: coach {who}",
        "why_standards": "spread across most sites: fix the standard or the process behind it",
        "why_mixed": "neither a few agents nor most sites: review the sites involved",
        "numbers": "{failures} in {visits}; {affected} of {sites} ({site_share}); top {agents} {top_share} of failures",
        "reason": "{why} ({numbers})",
    },
    "zh": {
        "html_lang": "zh-Hans",
        "title": "神秘顾客报告",
        "inputs": "输入：{names}",
        "scorecard": "评分表：{id}（{title}），及格线 {mark}%。",
        "summary": "概况",
        "charts": "图表",
        "ranking": "门店排名",
        "by_group": "按{field}统计",
        "waves": "各轮次趋势",
        "servqual": "各门店 SERVQUAL 差距",
        "servqual_formula": "各门店 SERVQUAL 差距（感知 − 期望）",
        "servqual_note": "各维度感知减期望的平均值；负值表示服务未达期望。加权：{weights}。",
        "by_gap": "按差距统计问题",
        "by_dimension": "按维度统计问题",
        "diagnosis": "差距诊断",
        "visits": "访问记录",
        "sort_hint": "点击列标题可排序。",
        "sites": "各门店",
        "site_line": "{visits} · 平均得分 {score} · 合格率 {rate} · {findings}（{severities}） · SERVQUAL 加权差距 {gap}",
        "items_not_met": "未达标的评分项：{items}",
        "notes": "备注与证据",
        "notes_intro": "备注与证据：",
        "errors": "输入问题",
        "chart_scores": "各门店平均得分",
        "chart_waves": "各轮次平均得分",
        "pass_marker": "及格 {mark}",
        "none": "无",
        "none_key": "（无）",
        "list": "、",
        "top_agents": "{names}：{share}",
        "why_too_few": "未达标不足 {n} 次：不下结论",
        "why_delivery": "集中在少数员工：辅导 {who}",
        "why_standards": "遍及多数门店：修订标准或其背后的流程",
        "why_mixed": "既非集中在少数员工，也非遍及多数门店：检查涉及的门店",
        "numbers": "{visits}中 {failures}；{sites}中 {affected} 家（{site_share}）；前 {agents}占 {top_share}",
        "reason": "{why}（{numbers}）",
    },
}

#: Counted nouns as (singular, plural); Chinese has no plural, so both are the same.
_NOUNS: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "en": {
        "visit": ("visit", "visits"),
        "finding": ("finding", "findings"),
        "failure": ("failure", "failures"),
        "site": ("site", "sites"),
        "agent": ("agent", "agents"),
    },
    "zh": {
        "visit": ("次访问", "次访问"),
        "finding": ("条问题", "条问题"),
        "failure": ("次未达标", "次未达标"),
        "site": ("家门店", "家门店"),
        "agent": ("名员工", "名员工"),
    },
}

#: Column headers in Chinese, by their English text.
_ZH_COLUMNS: Mapping[str, str] = {
    "visits": "访问数", "scored": "已评分", "mean score": "平均得分", "pass rate": "合格率",
    "findings": "问题数", "findings/visit": "每次访问问题数", "by severity": "各严重程度",
    "rank": "排名", "site": "门店", "agent": "员工", "channel": "渠道", "wave": "轮次",
    "visit": "访问编号", "started": "访问时间", "score": "得分", "result": "结果",
    "rule": "规则", "severity": "严重程度", "gap": "差距", "message": "说明",
    "dimension": "维度", "share": "占比", "weighted": "加权", "rule or item": "规则或评分项",
    "title": "标题", "failures": "未达标次数", "sites": "门店", "top agents": "未达标最多的员工",
    "verdict": "结论", "why": "原因",
}

#: Values in Chinese, by kind: the model's names; verdicts delivery and standards are gaps 3 and 2.
_ZH_NAMES: Mapping[str, Mapping[str, str]] = {
    "dimension": DIMENSION_NAMES_ZH,
    "gap": GAP_NAMES_ZH,
    "severity": SEVERITY_NAMES_ZH,
    "verdict": {"too few": "数据不足", "delivery": "服务交付差距", "standards": "标准差距", "mixed": "原因不一"},
    "result": {"pass": "合格", "fail": "不合格", "auto-fail": "一票否决", "not scored": "未评分"},
}


@dataclass(frozen=True, slots=True)
class Words(Phrasebook):
    """The report's fixed text in one language (en or zh)."""

    lang: str
    TEXT: ClassVar[Mapping[str, Mapping[str, str]]] = _TEXT
    NOUNS: ClassVar[Mapping[str, Mapping[str, tuple[str, str]]]] = _NOUNS
    COLUMNS_ZH: ClassVar[Mapping[str, str]] = _ZH_COLUMNS
    NAMES_ZH: ClassVar[Mapping[str, Mapping[str, str]]] = _ZH_NAMES

    def key(self, key: str) -> str:
        """A group key (a site, agent, ...): data, shown as it is, except the one for "none"."""
        return self("none_key") if key == NONE else key

    def severities(self, stats: GroupStats) -> str:
        parts = [f"{self.name('severity', name)} {n}" for name, n in stats.by_severity]
        return self.join(parts) or self("none")

    def weights(self) -> str:
        """The SERVQUAL importance weights, as the aggregate uses them."""
        return self.join([f"{self.name('dimension', d)} {w:g}" for d, w in SERVQUAL_WEIGHTS.items()])

    def top_agents(self, diagnosis: Diagnosis) -> str:
        names = self.join([f"{agent} ({n})" for agent, n in diagnosis.top_agents]) or "–"
        return self("top_agents", names=names, share=fmt.percent(diagnosis.top_share))

    def reason(self, d: Diagnosis) -> str:
        """Why the diagnosis has its verdict, with the numbers behind it."""
        numbers = self(
            "numbers",
            failures=self.count(d.failures, "failure"),
            visits=self.count(d.observed, "visit"),
            affected=d.sites_affected,
            sites=self.count(d.sites_observed, "site"),
            site_share=fmt.percent(d.site_share),
            agents=self.count(len(d.top_agents), "agent"),
            top_share=fmt.percent(d.top_share),
        )
        return self("reason", why=self._why(d), numbers=numbers)

    def _why(self, d: Diagnosis) -> str:
        if d.verdict == "too few":
            return self("why_too_few", n=MIN_FAILURES, failures=self.count(MIN_FAILURES, "failure"))
        if d.verdict == "delivery":
            return self("why_delivery", who=self.join([f"{agent} ({n})" for agent, n in d.top_agents]))
        return self("why_standards" if d.verdict == "standards" else "why_mixed")


def words(lang: str) -> Words:
    """The wording of a report in `lang` (an `Aggregate.lang`)."""
    if lang not in _TEXT:
        raise ValueError(f"no report wording in {lang!r} (one of: {', '.join(_TEXT)})")
    return Words(lang)
