"""markdown: the aggregate report as GitHub-flavoured Markdown (tables, one section per site).

Sections, in order: summary, sites ranked, the chosen grouping (when not by site), trend by
wave, SERVQUAL gaps by site, findings by gap and by dimension, gap diagnosis, visits, one
section per site (findings, items not met, comments and evidence), input problems. Headings,
column headers and sentences are in the aggregate's language (`Aggregate.lang`, see `_labels`).
Table cells escape ``|`` and newlines, so any text from a survey keeps the table intact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TextIO

from ..aggregate import Aggregate, GroupStats, SitePage
from . import _numbers as fmt
from ._labels import Words, words


def cell(text: object) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _columns(w: Words, *headers: str) -> list[str]:
    return [w.column(h) for h in headers]


def _stats_row(w: Words, stats: GroupStats) -> list[object]:
    return [
        w.key(stats.key),
        stats.visits,
        fmt.score(stats.mean_score),
        fmt.percent(stats.pass_rate),
        stats.findings,
        f"{stats.findings_per_visit:.2f}",
    ]


_STATS_HEADER = ("visits", "mean score", "pass rate", "findings", "findings/visit")


def _summary(agg: Aggregate, w: Words) -> list[str]:
    lines = [f"# {w('title')}", ""]
    if agg.inputs:
        lines += [w("inputs", names=w.join([f"`{name}`" for name in agg.inputs])), ""]
    if agg.scorecard is not None:
        card = agg.scorecard
        lines += [w("scorecard", id=f"`{card.id}`", title=card.title.get(agg.lang), mark=f"{card.pass_mark:g}"), ""]
    t = agg.totals
    lines += [f"## {w('summary')}", ""]
    lines += table(
        _columns(w, "visits", "scored", "mean score", "pass rate", "findings", "findings/visit", "by severity"),
        [[t.visits, t.scored, fmt.score(t.mean_score), fmt.percent(t.pass_rate), t.findings,
          f"{t.findings_per_visit:.2f}", w.severities(t)]],
    )
    return lines


def _ranking(agg: Aggregate, w: Words) -> list[str]:
    lines = [f"## {w('ranking')}", ""]
    header = _columns(w, "rank", "site", *_STATS_HEADER)
    return lines + table(header, ([i, *_stats_row(w, s)] for i, s in enumerate(agg.ranking, 1)))


def _groups(agg: Aggregate, w: Words) -> list[str]:
    if agg.group_by == "site":
        return []
    lines = [f"## {w('by_group', field=w.column(agg.group_by))}", ""]
    return lines + table(_columns(w, agg.group_by, *_STATS_HEADER), (_stats_row(w, s) for s in agg.groups))


def _waves(agg: Aggregate, w: Words) -> list[str]:
    if not agg.waves:
        return []
    lines = [f"## {w('waves')}", ""]
    return lines + table(_columns(w, "wave", *_STATS_HEADER), (_stats_row(w, s) for s in agg.waves))


def _servqual(agg: Aggregate, w: Words) -> list[str]:
    if not any(g is not None for row in agg.servqual for _, g, _ in row.gaps):
        return []
    dims = [w.name("dimension", d) for d, _, _ in agg.servqual[0].gaps]
    lines = [f"## {w('servqual_formula')}", ""]
    rows = ([w.key(row.site), *(fmt.gap(g) for _, g, _ in row.gaps), fmt.gap(row.weighted)] for row in agg.servqual)
    return lines + table([w.column("site"), *dims, w.column("weighted")], rows)


def _shares(agg: Aggregate, w: Words) -> list[str]:
    lines = [f"## {w('by_gap')}", ""]
    lines += table(_columns(w, "gap", "findings", "share"),
                   ([w.name("gap", s.name), s.count, fmt.percent(s.share)] for s in agg.by_gap))
    lines += [f"## {w('by_dimension')}", ""]
    lines += table(_columns(w, "dimension", "findings", "share"),
                   ([w.name("dimension", s.name), s.count, fmt.percent(s.share)] for s in agg.by_dimension))
    return lines


def _diagnosis(agg: Aggregate, w: Words) -> list[str]:
    if not agg.diagnoses:
        return []
    lines = [f"## {w('diagnosis')}", ""]
    rows = (
        [d.subject, d.title, d.failures, f"{d.sites_affected}/{d.sites_observed} ({fmt.percent(d.site_share)})",
         w.top_agents(d), w.name("verdict", d.verdict), w.reason(d)]
        for d in agg.diagnoses
    )
    header = _columns(w, "rule or item", "title", "failures", "sites", "top agents", "verdict", "why")
    return lines + table(header, rows)


def _visits(agg: Aggregate, w: Words) -> list[str]:
    lines = [f"## {w('visits')}", ""]
    rows = (
        [v.id, v.site or "", v.agent or "", v.wave or "", v.started_at or "", fmt.score(v.score),
         w.name("result", fmt.result(v.passed, v.auto_failed)), v.findings]
        for v in agg.visits
    )
    header = _columns(w, "visit", "site", "agent", "wave", "started", "score", "result", "findings")
    return lines + table(header, rows)


def _site(page: SitePage, w: Words) -> list[str]:
    s = page.stats
    lines = [
        f"### {page.rank}. {w.key(page.site)}",
        "",
        w("site_line", visits=w.count(s.visits, "visit"), score=fmt.score(s.mean_score),
          rate=fmt.percent(s.pass_rate), findings=w.count(s.findings, "finding"), severities=w.severities(s),
          gap=fmt.gap(page.servqual.weighted)),
        "",
    ]
    if page.items_not_met:
        lines += [w("items_not_met", items=w.join([f"{item} ({n})" for item, n in page.items_not_met])), ""]
    if page.findings:
        lines += table(
            _columns(w, "visit", "agent", "rule", "severity", "gap", "message"),
            ([f.interaction, f.agent or "", f.rule, w.name("severity", f.severity.value), w.name("gap", f.gap.value),
              f.message] for f in page.findings),
        )
    notes = [(v.id, label, text) for v in page.visits for label, text in (*v.comments, *v.evidence)]
    if notes:
        lines += [w("notes_intro"), ""]
        lines += [f"- {v_id}{' · ' + label if label else ''}: {text}" for v_id, label, text in notes]
        lines.append("")
    return lines


def render(agg: Aggregate, out: TextIO) -> None:
    w = words(agg.lang)
    lines = _summary(agg, w) + _ranking(agg, w) + _groups(agg, w) + _waves(agg, w) + _servqual(agg, w)
    lines += _shares(agg, w) + _diagnosis(agg, w) + _visits(agg, w)
    lines += [f"## {w('sites')}", ""]
    for page in agg.sites:
        lines += _site(page, w)
    if agg.errors:
        lines += [f"## {w('errors')}", ""] + [f"- {cell(e)}" for e in agg.errors] + [""]
    out.write("\n".join(lines).rstrip("\n") + "\n")
