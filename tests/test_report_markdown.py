"""The Markdown aggregate report: exact output for a small batch whose numbers are worked out by
hand, deterministic bytes, and table cells that survive any survey text."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from svccheck.aggregate import Aggregate, aggregate
from svccheck.model import Severity
from svccheck.reports import markdown
from svccheck.rules import load_rules
from svccheck.standards import load_standards
from test_aggregate import CARD, finding, interaction

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

1 visits · mean score 100 · pass rate 100% · 0 findings (none) · weighted SERVQUAL gap –

### 2. north

1 visits · mean score 62.5 · pass rate 0% · 1 findings (minor 1) · weighted SERVQUAL gap -1.50

Scorecard items not met: walk (1)

| visit | agent | rule | severity | gap | message |
|---|---|---|---|---|---|
| v1 | n1 | visit.walk | minor | delivery | m |

Comments and evidence:

- v1 · 备注: 只用手指了方向 | 未引领
- v1 · 照片: https://e/1.jpg
"""


def build(tmp_path: Path, message: str = "m") -> Aggregate:
    (tmp_path / "card.yaml").write_text(CARD, encoding="utf-8")
    (card,) = load_rules([tmp_path], load_standards(), builtin=False)
    visits = [
        interaction("v1", 0, site="north", agent="n1", wave="W1", checklist={"smile": True, "walk": False, "clean": True},
                    survey={"expected": {"empathy": 6}, "perceived": {"empathy": 4.5}},
                    **{"x-comments": {"备注": "只用手指了方向 | 未引领"}, "x-evidence": {"照片": ["https://e/1.jpg"]}}),
        interaction("v2", 1, site="south", agent="s1", wave="W2", checklist={"smile": True, "walk": True, "clean": True}),
    ]
    findings = [replace(finding(visits[0], "visit.walk", severity=Severity.MINOR), message=message)]
    return aggregate(visits, findings, rules=[card], scorecard=card, group_by="agent", inputs=["batch.jsonl"])


def render(agg: Aggregate) -> str:
    out = io.StringIO()
    markdown.render(agg, out)
    return out.getvalue()


def test_exact_output(tmp_path: Path) -> None:
    assert render(build(tmp_path)) == EXPECTED


def test_same_input_same_bytes(tmp_path: Path) -> None:
    assert render(build(tmp_path)) == render(build(tmp_path))


def test_cells_escape_pipes_and_newlines(tmp_path: Path) -> None:
    text = render(build(tmp_path, message="说了 \"不知道\" | 然后\n离开"))
    assert "| v1 | n1 | visit.walk | minor | delivery | 说了 \"不知道\" \\| 然后 离开 |" in text.splitlines()
    assert markdown.cell("a\\b|c") == "a\\\\b\\|c"
