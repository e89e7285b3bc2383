"""Aggregating an audited batch (mystery-shopper waves): scores, rankings, SERVQUAL, gap diagnosis.

`aggregate()` takes the interactions, the audit's findings and input problems, and optionally a
scorecard rule (see `svccheck.scorecard`), and builds one immutable `Aggregate` that the report
renderers (`svccheck.reports`) draw; it decides nothing about presentation beyond the language
of the rule and item titles it picks (``lang``, which the renderers also follow).

What it computes:

- per visit: the scorecard score and pass/fail, its findings, comments (``x-comments``) and
  evidence links (``x-evidence``);
- per group (``site``, ``agent``, ``channel`` or ``wave``; a visit without one is "(none)"):
  visits, mean score (auto-failed visits count as 0), pass rate, findings and findings per visit;
- the ranking of sites: mean score (highest first; unscored sites last), then pass rate, then
  fewer findings per visit, then the name;
- SERVQUAL per site: for each dimension, the mean of perceived minus expected over the visits
  that scored both (negative: service fell short), and a weighted overall gap using the
  importance weights Parasuraman, Berry and Zeithaml measured across industries (1991):
  reliability 32, responsiveness 22, assurance 19, empathy 16, tangibles 11 (`SERVQUAL_WEIGHTS`);
- the share of findings by gap and by dimension;
- the trend across waves: the visit's ``wave``, else the quarter of its ``started_at``
  (``2026-Q1``); no trend when no visit has either.

Gap diagnosis. For every audit rule with findings and every scorecard item not met, the visits
that failed it (each visit counted once) are compared with the visits where it was observed (a
rule: visits it applies to; an item: visits where it was not N/A):

- ``site_share``: sites with a failure / sites where it was observed;
- ``top_share``: failures by the `TOP_AGENTS` (2) agents with the most failures / failures with a
  known agent; ``top_repeat``: failures of the single worst agent.

Verdicts, in this order:

1. fewer than `MIN_FAILURES` (3) failures: ``too few`` (no verdict on so little data);
2. ``top_share >= CONCENTRATED_SHARE`` (0.6) and the worst agent failed at least twice:
   ``delivery`` (gap 3): a few people; coach them;
3. ``site_share >= SPREAD_SITE_SHARE`` (0.5): ``standards`` (gap 2): failures spread across
   most sites; the standard, or the process behind it, is the problem;
4. otherwise ``mixed``: neither a few people nor most sites; look at the sites involved.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .errors import ExitCode, SvccheckError
from .model import (
    DIMENSIONS,
    GAPS,
    SEVERITIES,
    Dimension,
    Evidence,
    Finding,
    Gap,
    InputProblem,
    Interaction,
    Localised,
    Severity,
    SourceLocation,
)
from .problems import ProblemMessage
from .rules import Rule
from .scorecard import Scorecard, ScoreError, VisitScore, score_visit

GROUP_KEYS: tuple[str, ...] = ("site", "agent", "channel", "wave")
LANGUAGES: tuple[str, ...] = ("en", "zh")
NONE = "(none)"

#: Importance weights of the SERVQUAL dimensions (Parasuraman, Berry & Zeithaml 1991, averaged
#: over five companies; points out of 100).
SERVQUAL_WEIGHTS: Mapping[str, float] = {
    "reliability": 32.0,
    "responsiveness": 22.0,
    "assurance": 19.0,
    "empathy": 16.0,
    "tangibles": 11.0,
}
MIN_FAILURES = 3
TOP_AGENTS = 2
CONCENTRATED_SHARE = 0.6
SPREAD_SITE_SHARE = 0.5

Verdict = Literal["delivery", "standards", "mixed", "too few"]


@dataclass(frozen=True, slots=True)
class Visit:
    """One interaction as the report shows it."""

    id: str
    site: str | None
    agent: str | None
    channel: str
    wave: str | None
    started_at: str | None
    score: float | None
    raw_score: float | None
    passed: bool | None
    auto_failed: tuple[str, ...]
    not_met: tuple[str, ...]
    findings: int
    worst: str | None  # the most severe finding's severity
    comments: tuple[tuple[str, str], ...]  # (column or key, text)
    evidence: tuple[tuple[str, str], ...]  # (column or key, link)
    location: str

    def key(self, group_by: str) -> str:
        value: str | None = getattr(self, group_by)
        return value if value else NONE


@dataclass(frozen=True, slots=True)
class GroupStats:
    key: str
    visits: int
    scored: int
    mean_score: float | None
    pass_rate: float | None  # 0..1 over scored visits
    findings: int
    findings_per_visit: float
    by_severity: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class ServqualRow:
    """Mean perceived-minus-expected per dimension (None: no visit scored both)."""

    site: str
    gaps: tuple[tuple[str, float | None, int], ...]  # (dimension, mean gap, visits)
    weighted: float | None


@dataclass(frozen=True, slots=True)
class Share:
    name: str
    count: int
    share: float  # 0..1


@dataclass(frozen=True, slots=True)
class Diagnosis:
    subject: str  # rule id, or "scorecard-id:item"
    kind: Literal["rule", "item"]
    title: str
    failures: int
    observed: int
    sites_affected: int
    sites_observed: int
    site_share: float
    agents_failing: int
    top_agents: tuple[tuple[str, int], ...]
    top_share: float
    verdict: Verdict  # the renderers word it, with these numbers, in the report's language


@dataclass(frozen=True, slots=True)
class SitePage:
    site: str
    rank: int
    stats: GroupStats
    servqual: ServqualRow
    visits: tuple[Visit, ...]
    findings: tuple[Finding, ...]
    items_not_met: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class ScorecardInfo:
    id: str
    title: Localised
    pass_mark: float
    items: tuple[tuple[str, str], ...]  # (item name, title in the aggregate's language)


@dataclass(frozen=True, slots=True)
class Aggregate:
    group_by: str
    scorecard: ScorecardInfo | None
    totals: GroupStats
    groups: tuple[GroupStats, ...]
    ranking: tuple[GroupStats, ...]
    servqual: tuple[ServqualRow, ...]
    by_gap: tuple[Share, ...]
    by_dimension: tuple[Share, ...]
    waves: tuple[GroupStats, ...]
    diagnoses: tuple[Diagnosis, ...]
    visits: tuple[Visit, ...]
    sites: tuple[SitePage, ...]
    errors: tuple[str, ...]
    inputs: tuple[str, ...] = ()
    # The report's language (one of LANGUAGES): titles here are in it, and the renderers write
    # their headings and sentences in it, so one report never mixes two languages of fixed text.
    lang: str = "en"


# --- visits ---------------------------------------------------------------------------------------


def wave_of(interaction: Interaction) -> str | None:
    """The visit's wave, else the quarter of its start as written (its own offset)."""
    if interaction.wave:
        return interaction.wave
    if interaction.started_at:
        year, month = interaction.started_at[:4], int(interaction.started_at[5:7])
        return f"{year}-Q{(month - 1) // 3 + 1}"
    return None


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    """x-comments / x-evidence as (label, text) pairs: a mapping of label to text or list,
    a list of texts, or one text."""
    out: list[tuple[str, str]] = []
    if isinstance(value, Mapping):
        for label, entry in value.items():
            for text in entry if isinstance(entry, list) else [entry]:
                if isinstance(text, (str, int, float)) and str(text).strip():
                    out.append((str(label), str(text)))
    elif isinstance(value, list):
        out += [("", str(v)) for v in value if isinstance(v, (str, int, float)) and str(v).strip()]
    elif isinstance(value, str) and value.strip():
        out.append(("", value))
    return tuple(out)


def _visit(interaction: Interaction, result: VisitScore | None, findings: Sequence[Finding]) -> Visit:
    worst = max(findings, key=lambda f: f.severity.rank).severity.value if findings else None
    return Visit(
        id=interaction.id,
        site=interaction.site,
        agent=interaction.agent,
        channel=interaction.channel,
        wave=wave_of(interaction),
        started_at=interaction.started_at,
        score=result.score if result else None,
        raw_score=result.raw_score if result else None,
        passed=result.passed if result else None,
        auto_failed=result.auto_failed if result else (),
        not_met=result.not_met if result else (),
        findings=len(findings),
        worst=worst,
        comments=_pairs(interaction.raw.get("x-comments")),
        evidence=_pairs(interaction.raw.get("x-evidence")),
        location=str(interaction.location),
    )


def _stats(key: str, visits: Sequence[Visit], by_visit: Mapping[str, Sequence[Finding]]) -> GroupStats:
    scores = [v.score for v in visits if v.score is not None]
    passed = [v.passed for v in visits if v.passed is not None]
    findings = [f for v in visits for f in by_visit.get(v.id, ())]
    severities = Counter(f.severity.value for f in findings)
    return GroupStats(
        key=key,
        visits=len(visits),
        scored=len(scores),
        mean_score=round(sum(scores) / len(scores), 2) if scores else None,
        pass_rate=round(sum(passed) / len(passed), 4) if passed else None,
        findings=len(findings),
        findings_per_visit=round(len(findings) / len(visits), 2) if visits else 0.0,
        by_severity=tuple((s, severities[s]) for s in SEVERITIES if severities[s]),
    )


def _grouped(visits: Sequence[Visit], by: str) -> dict[str, list[Visit]]:
    groups: dict[str, list[Visit]] = defaultdict(list)
    for visit in visits:
        groups[visit.key(by)].append(visit)
    # Visits without the field come last, under "(none)".
    return dict(sorted(groups.items(), key=lambda kv: (kv[0] == NONE, kv[0])))


def _rank_key(stats: GroupStats) -> tuple[int, float, float, float, str]:
    unscored = stats.mean_score is None
    return (
        1 if unscored else 0,
        -(stats.mean_score or 0.0),
        -(stats.pass_rate or 0.0),
        stats.findings_per_visit,
        stats.key,
    )


# --- SERVQUAL -------------------------------------------------------------------------------------


def servqual_row(site: str, interactions: Iterable[Interaction]) -> ServqualRow:
    sums: dict[str, float] = defaultdict(float)
    counts: Counter[str] = Counter()
    for interaction in interactions:
        survey = interaction.survey
        if survey is None:
            continue
        for dim in DIMENSIONS:
            if dim in survey.expected and dim in survey.perceived:
                sums[dim] += float(survey.perceived[dim]) - float(survey.expected[dim])
                counts[dim] += 1
    gaps = tuple((d, round(sums[d] / counts[d], 2) if counts[d] else None, counts[d]) for d in DIMENSIONS)
    weighted_parts = [(SERVQUAL_WEIGHTS[d], g) for d, g, _ in gaps if g is not None]
    total = sum(w for w, _ in weighted_parts)
    weighted = round(sum(w * g for w, g in weighted_parts) / total, 2) if total else None
    return ServqualRow(site, gaps, weighted)


# --- gap diagnosis --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    """One visit as the diagnosis sees it: which visit, where, who."""

    visit: str
    site: str | None
    agent: str | None


def diagnose(
    subject: str,
    kind: Literal["rule", "item"],
    title: str,
    failed: Sequence[Case],
    observed: Sequence[Case],
) -> Diagnosis:
    """The verdict for one rule or item (see the module docstring for the thresholds)."""
    sites_observed = {c.site or NONE for c in observed} | {c.site or NONE for c in failed}
    sites_affected = {c.site or NONE for c in failed}
    by_agent = Counter(c.agent for c in failed if c.agent)
    ranked = sorted(by_agent.items(), key=lambda kv: (-kv[1], kv[0]))
    top = tuple(ranked[:TOP_AGENTS])
    with_agent = sum(by_agent.values())
    top_share = round(sum(n for _, n in top) / with_agent, 4) if with_agent else 0.0
    site_share = round(len(sites_affected) / len(sites_observed), 4) if sites_observed else 0.0
    failures = len(failed)
    verdict: Verdict
    if failures < MIN_FAILURES:
        verdict = "too few"
    elif top and top_share >= CONCENTRATED_SHARE and top[0][1] >= 2:
        verdict = "delivery"
    elif site_share >= SPREAD_SITE_SHARE:
        verdict = "standards"
    else:
        verdict = "mixed"
    return Diagnosis(
        subject=subject,
        kind=kind,
        title=title,
        failures=failures,
        observed=len(observed),
        sites_affected=len(sites_affected),
        sites_observed=len(sites_observed),
        site_share=site_share,
        agents_failing=len(by_agent),
        top_agents=top,
        top_share=top_share,
        verdict=verdict,
    )


def _diagnoses(
    interactions: Sequence[Interaction],
    findings: Sequence[Finding],
    rules: Mapping[str, Rule],
    card: Scorecard | None,
    results: Mapping[str, VisitScore],
    lang: str,
) -> list[Diagnosis]:
    case = {i.id: Case(i.id, i.site, i.agent) for i in interactions}
    out: list[Diagnosis] = []
    failed_by_rule: dict[str, dict[str, Case]] = defaultdict(dict)
    for finding in findings:
        failed_by_rule[finding.rule][finding.interaction] = case.get(
            finding.interaction, Case(finding.interaction, finding.site, finding.agent)
        )
    for rule_id, failed in failed_by_rule.items():
        rule = rules.get(rule_id)
        if rule is not None and rule.kind == "scorecard":
            continue  # a scorecard is diagnosed item by item below
        observed = [case[i.id] for i in interactions if rule is None or rule.applies_to.matches(i)]
        title = rule.title.get(lang) if rule is not None else rule_id
        out.append(diagnose(rule_id, "rule", title, list(failed.values()), observed))
    if card is not None:
        for section, item in card.items():
            observed, failed_items = [], []
            for visit_id, result in results.items():
                outcome = next(r.outcome for r in result.items if r.item == item.name and r.section == section.id)
                if outcome != "n/a":
                    observed.append(case[visit_id])
                if outcome == "not met":
                    failed_items.append(case[visit_id])
            if failed_items:
                out.append(diagnose(f"{card.id}:{item.name}", "item", item.title.get(lang), failed_items, observed))
    order = {"delivery": 0, "standards": 1, "mixed": 2, "too few": 3}
    return sorted(out, key=lambda d: (order[d.verdict], -d.failures, d.subject))


# --- the whole aggregate --------------------------------------------------------------------------


def _shares(counts: Counter[str], names: Sequence[str]) -> tuple[Share, ...]:
    total = sum(counts.values())
    return tuple(Share(n, counts[n], round(counts[n] / total, 4) if total else 0.0) for n in names)


def aggregate(
    interactions: Sequence[Interaction],
    findings: Sequence[Finding],
    errors: Sequence[str] = (),
    rules: Sequence[Rule] = (),
    scorecard: Rule | None = None,
    group_by: str = "site",
    inputs: Sequence[str] = (),
    lang: str = "en",
) -> Aggregate:
    """Everything the aggregate report shows, in language `lang` (titles, and the renderers'
    fixed text). `scorecard` is a rule of kind scorecard."""
    if group_by not in GROUP_KEYS:
        raise ValueError(f"cannot group by {group_by!r} (one of: {', '.join(GROUP_KEYS)})")
    if lang not in LANGUAGES:
        raise ValueError(f"no report language {lang!r} (one of: {', '.join(LANGUAGES)})")
    card: Scorecard | None = getattr(scorecard.check, "card", None) if scorecard is not None else None
    by_visit: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_visit[finding.interaction].append(finding)
    results: dict[str, VisitScore] = {}
    visits: list[Visit] = []
    for interaction in interactions:
        result = None
        if card is not None and scorecard is not None and scorecard.applies_to.matches(interaction):
            try:
                result = score_visit(card, interaction)
            except ScoreError:
                result = None  # the audit reports the bad value; the visit stays unscored
        if result is not None:
            results[interaction.id] = result
        visits.append(_visit(interaction, result, by_visit.get(interaction.id, ())))

    totals = _stats("all", visits, by_visit)
    groups = tuple(_stats(k, vs, by_visit) for k, vs in _grouped(visits, group_by).items())
    site_groups = _grouped(visits, "site")
    site_stats = sorted((_stats(k, vs, by_visit) for k, vs in site_groups.items()), key=_rank_key)
    by_id = {i.id: i for i in interactions}
    servqual = {
        site: servqual_row(site, (by_id[v.id] for v in vs)) for site, vs in site_groups.items()
    }
    waves = tuple(
        _stats(k, vs, by_visit) for k, vs in _grouped([v for v in visits if v.wave], "wave").items()
    )
    sites = []
    for rank, stats in enumerate(site_stats, start=1):
        members = site_groups[stats.key]
        not_met = Counter(item for v in members for item in v.not_met)
        sites.append(
            SitePage(
                site=stats.key,
                rank=rank,
                stats=stats,
                servqual=servqual[stats.key],
                visits=tuple(members),
                findings=tuple(f for v in members for f in by_visit.get(v.id, ())),
                items_not_met=tuple(sorted(not_met.items(), key=lambda kv: (-kv[1], kv[0]))),
            )
        )
    info = None
    if card is not None and scorecard is not None:
        info = ScorecardInfo(
            scorecard.id,
            scorecard.title,
            card.pass_mark,
            tuple((item.name, item.title.get(lang)) for _, item in card.items()),
        )
    rule_map = {r.id: r for r in rules}
    return Aggregate(
        group_by=group_by,
        scorecard=info,
        totals=totals,
        groups=groups,
        ranking=tuple(site_stats),
        servqual=tuple(servqual[s.key] for s in site_stats),
        by_gap=_shares(Counter(f.gap.value for f in findings), GAPS),
        by_dimension=_shares(Counter(f.dimension.value for f in findings), DIMENSIONS),
        waves=waves,
        diagnoses=tuple(_diagnoses(interactions, findings, rule_map, card, results, lang)),
        visits=tuple(visits),
        sites=tuple(sites),
        errors=tuple(errors),
        inputs=tuple(inputs),
        lang=lang,
    )


# --- reading an audit's JSON report back --------------------------------------------------------------


class ResultsError(SvccheckError):
    """An audit JSON report (svccheck audit --format json) that cannot be read back."""

    exit_code = ExitCode.INPUT


def is_results(path: Path) -> bool:
    """Whether a file is an audit JSON report rather than interactions: a JSON object whose
    first key is "findings", as `svccheck audit --format json` writes it (an interaction can
    never have that key). Only the start of the file is read: inputs may be large."""
    if path.suffix != ".json" or not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8-sig", errors="replace")
    except OSError:
        return False
    return re.match(r'\s*\{\s*"findings"\s*:', head) is not None


def strangers(findings: Iterable[Finding], interactions: Iterable[Interaction]) -> list[str]:
    """The interactions findings are about that are not among `interactions`, each once, in the
    order the findings name them: non-empty when an audit report is paired with other inputs."""
    known = {i.id for i in interactions}
    return list(dict.fromkeys(f.interaction for f in findings if f.interaction not in known))


def load_results(path: Path) -> tuple[list[Finding], list[InputProblem]]:
    """The findings and input errors of an audit JSON report (the errors' messages as written,
    in the language the audit reported in)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        findings = [_finding(path, index, raw) for index, raw in enumerate(data["findings"])]
        errors = [_error(raw) for raw in data.get("errors", [])]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
        said = ProblemMessage.of("report.unreadable_results", path=str(path), error=f"{type(err).__name__}: {err}")
        raise ResultsError(said) from None
    return findings, errors


def _finding(path: Path, index: int, raw: Mapping[str, Any]) -> Finding:
    evidence = raw.get("evidence") or {}
    location = raw.get("location") or {}
    return Finding(
        rule=raw["rule"],
        interaction=raw["interaction"],
        severity=Severity(raw["severity"]),
        dimension=Dimension(raw["dimension"]),
        gap=Gap(raw["gap"]),
        message=raw["message"],
        evidence=Evidence(evidence.get("event"), evidence.get("at"), evidence.get("text")),
        location=SourceLocation(location.get("file", str(path)), location.get("line")),
        ordinal=index,
        site=raw.get("site"),
        agent=raw.get("agent"),
        standard=raw.get("standard"),
    )


def _error(raw: Mapping[str, Any]) -> InputProblem:
    location = SourceLocation(raw.get("file", "?"), raw.get("line"), raw.get("column"))
    return InputProblem(location, raw["message"], raw.get("interaction") or None, raw.get("rule") or None)
