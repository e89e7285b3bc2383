"""markdown: the aggregate report as GitHub-flavoured Markdown (tables, one section per site).

Sections, in order: summary, sites ranked, the chosen grouping (when not by site), trend by
wave, SERVQUAL gaps by site, findings by gap and by dimension, gap diagnosis, visits, one
section per site (findings, items not met, comments and evidence), input problems. Table cells
escape ``|`` and newlines, so any text from a survey keeps the table intact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TextIO

from ..aggregate import Aggregate, GroupStats, SitePage
from . import _numbers as fmt


def cell(text: object) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _stats_row(stats: GroupStats) -> list[object]:
    return [
        stats.key,
        stats.visits,
        fmt.score(stats.mean_score),
        fmt.percent(stats.pass_rate),
        stats.findings,
        f"{stats.findings_per_visit:.2f}",
    ]


_STATS_HEADER = ["visits", "mean score", "pass rate", "findings", "findings/visit"]


def _summary(agg: Aggregate) -> list[str]:
    lines = ["# Mystery-shopper report", ""]
    if agg.inputs:
        lines += ["Inputs: " + ", ".join(f"`{name}`" for name in agg.inputs), ""]
    if agg.scorecard is not None:
        card = agg.scorecard
        lines += [f"Scorecard: `{card.id}` ({card.title.get('en')}), pass mark {card.pass_mark:g}%.", ""]
    t = agg.totals
    lines += ["## Summary", ""]
    lines += table(
        ["visits", "scored", "mean score", "pass rate", "findings", "findings/visit", "by severity"],
        [[t.visits, t.scored, fmt.score(t.mean_score), fmt.percent(t.pass_rate), t.findings,
          f"{t.findings_per_visit:.2f}", fmt.severities(t)]],
    )
    return lines


def _ranking(agg: Aggregate) -> list[str]:
    lines = ["## Sites ranked", ""]
    return lines + table(["rank", "site", *_STATS_HEADER], ([i, *_stats_row(s)] for i, s in enumerate(agg.ranking, 1)))


def _groups(agg: Aggregate) -> list[str]:
    if agg.group_by == "site":
        return []
    return [f"## By {agg.group_by}", ""] + table([agg.group_by, *_STATS_HEADER], (_stats_row(s) for s in agg.groups))


def _waves(agg: Aggregate) -> list[str]:
    if not agg.waves:
        return []
    return ["## Trend by wave", ""] + table(["wave", *_STATS_HEADER], (_stats_row(s) for s in agg.waves))


def _servqual(agg: Aggregate) -> list[str]:
    if not any(g is not None for row in agg.servqual for _, g, _ in row.gaps):
        return []
    dims = [d for d, _, _ in agg.servqual[0].gaps]
    lines = ["## SERVQUAL gaps by site (perceived − expected)", ""]
    rows = ([row.site, *(fmt.gap(g) for _, g, _ in row.gaps), fmt.gap(row.weighted)] for row in agg.servqual)
    return lines + table(["site", *dims, "weighted"], rows)


def _shares(agg: Aggregate) -> list[str]:
    lines = ["## Findings by gap", ""]
    lines += table(["gap", "findings", "share"], ([s.name, s.count, fmt.percent(s.share)] for s in agg.by_gap))
    lines += ["## Findings by dimension", ""]
    lines += table(["dimension", "findings", "share"], ([s.name, s.count, fmt.percent(s.share)] for s in agg.by_dimension))
    return lines


def _diagnosis(agg: Aggregate) -> list[str]:
    if not agg.diagnoses:
        return []
    lines = ["## Gap diagnosis", ""]
    rows = (
        [d.subject, d.title, d.failures, f"{d.sites_affected}/{d.sites_observed} ({fmt.percent(d.site_share)})",
         fmt.top_agents(d), d.verdict, d.reason]
        for d in agg.diagnoses
    )
    return lines + table(["rule or item", "title", "failures", "sites", "top agents", "verdict", "why"], rows)


def _visits(agg: Aggregate) -> list[str]:
    lines = ["## Visits", ""]
    rows = (
        [v.id, v.site or "", v.agent or "", v.wave or "", v.started_at or "", fmt.score(v.score),
         fmt.result(v.passed, v.auto_failed), v.findings]
        for v in agg.visits
    )
    return lines + table(["visit", "site", "agent", "wave", "started", "score", "result", "findings"], rows)


def _site(page: SitePage) -> list[str]:
    s = page.stats
    lines = [
        f"### {page.rank}. {page.site}",
        "",
        f"{s.visits} visits · mean score {fmt.score(s.mean_score)} · pass rate {fmt.percent(s.pass_rate)} · "
        f"{s.findings} findings ({fmt.severities(s)}) · weighted SERVQUAL gap {fmt.gap(page.servqual.weighted)}",
        "",
    ]
    if page.items_not_met:
        lines += ["Scorecard items not met: " + ", ".join(f"{item} ({n})" for item, n in page.items_not_met), ""]
    if page.findings:
        lines += table(
            ["visit", "agent", "rule", "severity", "gap", "message"],
            ([f.interaction, f.agent or "", f.rule, f.severity.value, f.gap.value, f.message] for f in page.findings),
        )
    notes = [(v.id, label, text) for v in page.visits for label, text in (*v.comments, *v.evidence)]
    if notes:
        lines += ["Comments and evidence:", ""]
        lines += [f"- {v_id}{' · ' + label if label else ''}: {text}" for v_id, label, text in notes]
        lines.append("")
    return lines


def render(agg: Aggregate, out: TextIO) -> None:
    lines = _summary(agg) + _ranking(agg) + _groups(agg) + _waves(agg) + _servqual(agg)
    lines += _shares(agg) + _diagnosis(agg) + _visits(agg)
    lines += ["## Sites", ""]
    for page in agg.sites:
        lines += _site(page)
    if agg.errors:
        lines += ["## Input problems", ""] + [f"- {cell(e)}" for e in agg.errors] + [""]
    out.write("\n".join(lines).rstrip("\n") + "\n")
