"""The Markdown aggregate report: exact output, in English and in Chinese, for a small batch whose
numbers are worked out by hand; the CLI's --lang; deterministic bytes; and table cells that
survive any survey text."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from svccheck.aggregate import Aggregate, aggregate
from svccheck.model import Severity
from svccheck.reports import markdown
from svccheck.rules import load_rules
from svccheck.standards import load_standards
from conftest import CliRun
from test_aggregate import CARD, finding, interaction, write_batch

# Mini scorecard (section a: weight 3, smile + walk; section b: weight 1, clean, auto-fail), pass mark 75.
# v1: smile, not walk, clean -> (3 * 1/2 + 1 * 1) / 4 = 62.5, fail; v2: all met -> 100, pass.
# Mean (62.5 + 100) / 2 = 81.25; SERVQUAL north empathy 4.5 - 6 = -1.50 (the only dimension: weighted -1.50).
EXPECTED = """\
# Mystery-shopper report

Inputs: `batch.jsonl`

Scorecard: `scorecard.mini` (Mini scorecard), pass mark 75%.

## Summary

| visits | scored | mean score | pass rate | findings | findings/visit | by severity |
|---|---|---|---|---|---|---|
| 2 | 2 | 81.25 | 50% | 1 | 0.50 | minor 1 |

## Sites ranked

| rank | site | visits | mean score | pass rate | findings | findings/visit |
|---|---|---|---|---|---|---|
| 1 | south | 1 | 100 | 100% | 0 | 0.00 |
| 2 | north | 1 | 62.5 | 0% | 1 | 1.00 |

## By agent

| agent | visits | mean score | pass rate | findings | findings/visit |
|---|---|---|---|---|---|
| n1 | 1 | 62.5 | 0% | 1 | 1.00 |
| s1 | 1 | 100 | 100% | 0 | 0.00 |

## Trend by wave

| wave | visits | mean score | pass rate | findings | findings/visit |
|---|---|---|---|---|---|
| W1 | 1 | 62.5 | 0% | 1 | 1.00 |
| W2 | 1 | 100 | 100% | 0 | 0.00 |

## SERVQUAL gaps by site (perceived − expected)

| site | tangibles | reliability | responsiveness | assurance | empathy | weighted |
|---|---|---|---|---|---|---|
| south | – | – | – | – | – | – |
| north | – | – | – | – | -1.50 | -1.50 |

## Findings by gap

| gap | findings | share |
|---|---|---|
| knowledge | 0 | 0% |
| standards | 0 | 0% |
| delivery | 1 | 100% |
| communication | 0 | 0% |
| perception | 0 | 0% |

## Findings by dimension

| dimension | findings | share |
|---|---|---|
| tangibles | 0 | 0% |
| reliability | 0 | 0% |
| responsiveness | 0 | 0% |
| assurance | 0 | 0% |
| empathy | 1 | 100% |

## Gap diagnosis

| rule or item | title | failures | sites | top agents | verdict | why |
|---|---|---|---|---|---|---|
| scorecard.mini:walk | walk | 1 | 1/2 (50%) | n1 (1): 100% | too few | fewer than 3 failures: no verdict (1 failure in 2 visits; 1 of 2 sites (50%); top 1 agent 100% of failures) |
| visit.walk | visit.walk | 1 | 1/2 (50%) | n1 (1): 100% | too few | fewer than 3 failures: no verdict (1 failure in 2 visits; 1 of 2 sites (50%); top 1 agent 100% of failures) |

## Visits

| visit | site | agent | wave | started | score | result | findings |
|---|---|---|---|---|---|---|---|
| v1 | north | n1 | W1 |  | 62.5 | fail | 1 |
| v2 | south | s1 | W2 |  | 100 | pass | 0 |

## Sites

### 1. south

1 visit · mean score 100 · pass rate 100% · 0 findings (none) · weighted SERVQUAL gap –

### 2. north

1 visit · mean score 62.5 · pass rate 0% · 1 finding (minor 1) · weighted SERVQUAL gap -1.50

Scorecard items not met: walk (1)

| visit | agent | rule | severity | gap | message |
|---|---|---|---|---|---|
| v1 | n1 | visit.walk | minor | delivery | m |

Comments and evidence:

- v1 · 备注: 只用手指了方向 | 未引领
- v1 · 照片: https://e/1.jpg
"""


# The same batch in Chinese: every heading, column header, name and sentence in Chinese (dimension
# names as the model's finding messages use them, gap and severity names as `svccheck explain`
# shows them); no plural ("1 次访问"); the data (sites, agents, ids, messages, comments) as they are.
EXPECTED_ZH = """\
# 神秘顾客报告

输入：`batch.jsonl`

评分表：`scorecard.mini`（迷你评分表），及格线 75%。

## 概况

| 访问数 | 已评分 | 平均得分 | 合格率 | 问题数 | 每次访问问题数 | 各严重程度 |
|---|---|---|---|---|---|---|
| 2 | 2 | 81.25 | 50% | 1 | 0.50 | 次要 1 |

## 门店排名

| 排名 | 门店 | 访问数 | 平均得分 | 合格率 | 问题数 | 每次访问问题数 |
|---|---|---|---|---|---|---|
| 1 | south | 1 | 100 | 100% | 0 | 0.00 |
| 2 | north | 1 | 62.5 | 0% | 1 | 1.00 |

## 按员工统计

| 员工 | 访问数 | 平均得分 | 合格率 | 问题数 | 每次访问问题数 |
|---|---|---|---|---|---|
| n1 | 1 | 62.5 | 0% | 1 | 1.00 |
| s1 | 1 | 100 | 100% | 0 | 0.00 |

## 各轮次趋势

| 轮次 | 访问数 | 平均得分 | 合格率 | 问题数 | 每次访问问题数 |
|---|---|---|---|---|---|
| W1 | 1 | 62.5 | 0% | 1 | 1.00 |
| W2 | 1 | 100 | 100% | 0 | 0.00 |

## 各门店 SERVQUAL 差距（感知 − 期望）

| 门店 | 可感知性 | 可靠性 | 反应性 | 保证性 | 移情性 | 加权 |
|---|---|---|---|---|---|---|
| south | – | – | – | – | – | – |
| north | – | – | – | – | -1.50 | -1.50 |

## 按差距统计问题

| 差距 | 问题数 | 占比 |
|---|---|---|
| 认知差距 | 0 | 0% |
| 标准差距 | 0 | 0% |
| 服务交付差距 | 1 | 100% |
| 沟通差距 | 0 | 0% |
| 感知差距 | 0 | 0% |

## 按维度统计问题

| 维度 | 问题数 | 占比 |
|---|---|---|
| 可感知性 | 0 | 0% |
| 可靠性 | 0 | 0% |
| 反应性 | 0 | 0% |
| 保证性 | 0 | 0% |
| 移情性 | 1 | 100% |

## 差距诊断

| 规则或评分项 | 标题 | 未达标次数 | 门店 | 未达标最多的员工 | 结论 | 原因 |
|---|---|---|---|---|---|---|
| scorecard.mini:walk | walk | 1 | 1/2 (50%) | n1 (1)：100% | 数据不足 | 未达标不足 3 次：不下结论（2 次访问中 1 次未达标；2 家门店中 1 家（50%）；前 1 名员工占 100%） |
| visit.walk | visit.walk | 1 | 1/2 (50%) | n1 (1)：100% | 数据不足 | 未达标不足 3 次：不下结论（2 次访问中 1 次未达标；2 家门店中 1 家（50%）；前 1 名员工占 100%） |

## 访问记录

| 访问编号 | 门店 | 员工 | 轮次 | 访问时间 | 得分 | 结果 | 问题数 |
|---|---|---|---|---|---|---|---|
| v1 | north | n1 | W1 |  | 62.5 | 不合格 | 1 |
| v2 | south | s1 | W2 |  | 100 | 合格 | 0 |

## 各门店

### 1. south

1 次访问 · 平均得分 100 · 合格率 100% · 0 条问题（无） · SERVQUAL 加权差距 –

### 2. north

1 次访问 · 平均得分 62.5 · 合格率 0% · 1 条问题（次要 1） · SERVQUAL 加权差距 -1.50

未达标的评分项：walk (1)

| 访问编号 | 员工 | 规则 | 严重程度 | 差距 | 说明 |
|---|---|---|---|---|---|
| v1 | n1 | visit.walk | 次要 | 服务交付差距 | m |

备注与证据：

- v1 · 备注: 只用手指了方向 | 未引领
- v1 · 照片: https://e/1.jpg
"""

def build(tmp_path: Path, message: str = "m", lang: str = "en") -> Aggregate:
    # The scorecard's title in both languages: the report shows the one in its language.
    card_yaml = CARD.replace("title: Mini scorecard", "title: {zh: 迷你评分表, en: Mini scorecard}")
    (tmp_path / "card.yaml").write_text(card_yaml, encoding="utf-8")
    (card,) = load_rules([tmp_path], load_standards(), builtin=False)
    visits = [
        interaction("v1", 0, site="north", agent="n1", wave="W1", checklist={"smile": True, "walk": False, "clean": True},
                    survey={"expected": {"empathy": 6}, "perceived": {"empathy": 4.5}},
                    **{"x-comments": {"备注": "只用手指了方向 | 未引领"}, "x-evidence": {"照片": ["https://e/1.jpg"]}}),
        interaction("v2", 1, site="south", agent="s1", wave="W2", checklist={"smile": True, "walk": True, "clean": True}),
    ]
    findings = [replace(finding(visits[0], "visit.walk", severity=Severity.MINOR), message=message)]
    return aggregate(visits, findings, rules=[card], scorecard=card, group_by="agent", inputs=["batch.jsonl"], lang=lang)


def render(agg: Aggregate) -> str:
    out = io.StringIO()
    markdown.render(agg, out)
    return out.getvalue()


def test_exact_output(tmp_path: Path) -> None:
    assert render(build(tmp_path)) == EXPECTED


def test_exact_output_in_chinese(tmp_path: Path) -> None:
    assert render(build(tmp_path, lang="zh")) == EXPECTED_ZH


def test_same_input_same_bytes(tmp_path: Path) -> None:
    assert render(build(tmp_path)) == render(build(tmp_path))


def test_cells_escape_pipes_and_newlines(tmp_path: Path) -> None:
    text = render(build(tmp_path, message="说了 \"不知道\" | 然后\n离开"))
    assert "| v1 | n1 | visit.walk | minor | delivery | 说了 \"不知道\" \\| 然后 离开 |" in text.splitlines()
    assert markdown.cell("a\\b|c") == "a\\\\b\\|c"


def test_the_cli_writes_the_report_in_its_language(tmp_path: Path, run_cli: Callable[..., CliRun]) -> None:
    source = write_batch(tmp_path)
    results = tmp_path / "results.json"
    assert run_cli("audit", source, "--format", "json", "--output", results, "--lang", "en").exit_code == 1
    # from an audit report: the findings keep their English messages, the report's text follows --lang
    zh = run_cli("report", results, source, "--lang", "zh")
    assert zh.exit_code == 0
    assert zh.stdout.startswith("# 神秘顾客报告\n")
    assert "## 门店排名" in zh.stdout and "## Sites ranked" not in zh.stdout
    assert "1 次访问 · 平均得分 66.67 · 合格率 0% · 2 条问题（重要 1、次要 1）" in zh.stdout
    assert "| v1 | n1 | visit.smile-eye-contact | 次要 | 服务交付差距 | mystery shopper: smile_eye_contact was not met |" in zh.stdout
    # without --lang, the locale decides, as for finding messages
    assert run_cli("report", source, env={"LANG": "zh_CN.UTF-8"}).stdout.startswith("# 神秘顾客报告\n")
    assert run_cli("report", source).stdout.startswith("# Mystery-shopper report\n")
