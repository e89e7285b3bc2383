"""The audit engine: rules + interactions -> an immutable `Report`.

For each interaction, only the rules that apply to it are measured (kinds compute facts in
Python); durable-rules decides which measurements violate their rule (one engine session per
interaction, or per batch of `BATCH` interactions in `Auditor.outcomes`, see `durable_adapter`);
each violation becomes a `Finding` with its message rendered in the chosen language. The engine
never imports the CLI or any formatter. For inputs too large to hold, `stream_report` hands
findings on as they come and keeps only the summary counters (`svccheck audit --format jsonl`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from datetime import date
from pathlib import Path
from typing import Any

from .baseline import Baseline, apply_baseline
from .durable_adapter import CompiledConditions, Fact
from .fingerprint import disambiguate, fingerprint
from .interactions import Item, read_inputs
from .kinds import MeasureError, Measurement
from .model import (
    DIMENSIONS,
    GAPS,
    SEVERITIES,
    Coverage,
    Evidence,
    Finding,
    InputProblem,
    Interaction,
    Localised,
    Report,
    Severity,
    SourceLocation,
    Summary,
)
from .rules import AppliesTo, Rule
from .waivers import WaiverFile, apply_waivers


class _Fields:
    """A finding's template fields as `str.format_map` reads them: the measured fields, then the
    common ones (`kinds.COMMON_FIELDS`); a `Localised` value said in `lang`; a name the
    template uses but nothing gives stays visible (`{name}`).

    Looked up only for the names the template uses (one or two), rather than merged into a
    dict and resolved whole for every finding (1.7 us a finding less, measured)."""

    __slots__ = ("measured", "rule", "interaction", "lang")

    def __init__(self, measured: Mapping[str, Any], rule: str, interaction: Interaction, lang: str) -> None:
        self.measured = measured
        self.rule = rule
        self.interaction = interaction
        self.lang = lang

    def __getitem__(self, key: str) -> Any:
        value = self.measured.get(key, _ABSENT)
        if value is _ABSENT:
            value = self._common(key)
        return value.get(self.lang) if isinstance(value, Localised) else value

    def _common(self, key: str) -> Any:
        interaction = self.interaction
        if key == "rule":
            return self.rule
        if key == "interaction":
            return interaction.id
        if key == "site":
            return interaction.site or ""
        if key == "agent":
            return interaction.agent or ""
        if key == "channel":
            return interaction.channel
        return "{" + key + "}"


_ABSENT: Any = object()


def render(template: Localised, fields: Mapping[str, Any], lang: str, rule: str, interaction: Interaction) -> str:
    """The message of a finding of `rule` in `interaction`: `template` in `lang`, filled with
    the measured `fields` and the common ones."""
    return template.get(lang).format_map(_Fields(fields, rule, interaction, lang))


@dataclass(slots=True)
class Outcome:
    """What auditing one interaction produced, and which interaction: its id, where it was read
    and its place in the input (`ordinal`). Not the interaction itself, which stays where it was
    audited: outcomes from worker processes are rebuilt in the main process from these alone.

    Its `findings` all carry its `ordinal` and are in `Finding.sort_key` order (`build_report`
    relies on it; tests/test_audit_batch.py checks it of every way outcomes are made)."""

    id: str
    location: SourceLocation
    ordinal: int
    findings: list[Finding] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    #: Ids of the rules that applied to the interaction (measured, or failed to measure).
    applied: tuple[str, ...] = ()


_new_fact = tuple.__new__
#: The rules that apply to an interaction (index, rule), their ids, and which of them to measure
#: by what the interaction holds of what rules need (`Auditor._to_measure`).
_Applicable = tuple[
    tuple[tuple[int, Rule], ...], tuple[str, ...], dict[tuple[frozenset[str], frozenset[str], bool, bool], tuple[tuple[int, Rule], ...]]
]
BATCH = 256  # interactions per durable-rules session in `Auditor.outcomes` (a worker's chunk)
_APPLICABLE_CACHE_SIZE = 4096  # combinations of channel, tags, source and site remembered
_APPLIES_TO_FIELDS = {"channels", "tags", "not_tags", "sources", "sites"}


class Auditor:
    """Rules compiled once (one durable-rules ruleset), applied to any number of interactions."""

    def __init__(self, rules: Sequence[Rule], lang: str = "en") -> None:
        self.rules = tuple(rules)
        self.lang = lang
        self._conditions = CompiledConditions([rule.check.condition for rule in self.rules])
        #: The speakers whose utterances any rule reads the text of: build interactions for this
        #: auditor with `text_of=` these, and the others' utterances are not normalised.
        self.text_of: frozenset[str] = frozenset().union(*(rule.check.text_speakers for rule in self.rules))
        self._channel_rules: dict[str, tuple[int, ...]] = {}
        # Interactions of one kind share their applied-rules tuple (see model.Coverage).
        self._applied: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._applicable_cache: dict[tuple[str, frozenset[str], str | None, str | None], _Applicable] = {}
        # The cache key holds what AppliesTo reads today; should it read more, stop caching.
        self._cacheable = {f.name for f in dataclass_fields(AppliesTo)} == _APPLIES_TO_FIELDS
        # What each rule needs to find anything (Check.needs), and all the metrics and checklist
        # items any rule needs: an interaction is asked only for those, not for its whole data.
        self._needs = tuple(rule.check.needs for rule in self.rules)
        self._needed_metrics = frozenset().union(*(n.metrics for n in self._needs if n is not None))
        self._needed_items = frozenset().union(*(n.checklist for n in self._needs if n is not None))
        self._any_needs = any(n is not None for n in self._needs)

    def _candidates(self, channel: str) -> tuple[int, ...]:
        # Channel filtering is the cheap, common case: cache the rule indices per channel.
        cached = self._channel_rules.get(channel)
        if cached is None:
            cached = tuple(
                i for i, r in enumerate(self.rules) if not r.applies_to.channels or channel in r.applies_to.channels
            )
            self._channel_rules[channel] = cached
        return cached

    def audit(self, interaction: Interaction) -> Outcome:
        outcome, facts, measured = self._measure(interaction)
        return self._conclude(outcome, interaction, measured, self._conditions.violations(facts))

    def audit_batch(self, interactions: Sequence[Interaction]) -> list[Outcome]:
        """`audit` of each interaction, with one durable-rules session for all of them."""
        measured = [self._measure(interaction) for interaction in interactions]
        verdicts = self._conditions.violations_batch([facts for _, facts, _ in measured])
        return [
            self._conclude(outcome, interaction, by_key, found)
            for interaction, (outcome, _, by_key), found in zip(interactions, measured, verdicts)
        ]

    def _measure(self, interaction: Interaction) -> tuple[Outcome, list[Fact], dict[tuple[int, int], Measurement]]:
        """Measure every applicable rule: the facts for the engine, and what each measured."""
        outcome = Outcome(interaction.id, interaction.location, interaction.ordinal)
        facts: list[Fact] = []
        measured: dict[tuple[int, int], Measurement] = {}
        applicable = self._applicable(interaction)
        outcome.applied = applicable[1]
        for index, rule in self._to_measure(interaction, applicable):
            try:
                measurements = rule.check.measure(interaction)
            except MeasureError as err:
                outcome.problems.append(
                    InputProblem.of(interaction.location, err.said, interaction=interaction.id, rule=rule.id)
                )
                continue
            for measurement in measurements:
                # tuple.__new__: see interactions._events (a named tuple's __new__ is Python code)
                facts.append(_new_fact(Fact, (index, measurement.subject, measurement.value)))
                measured[(index, measurement.subject)] = measurement
        return outcome, facts, measured

    def _applicable(self, interaction: Interaction) -> _Applicable:
        """The rules that apply to an interaction (index, rule), their ids, and the cache of
        `_to_measure` for them.

        Which rules apply depends only on what `AppliesTo` reads (channel, tags, source, site),
        so the answer is cached per combination: most interactions then cost one dict lookup
        instead of a `matches` call per rule."""
        key = (interaction.channel, interaction.tags, interaction.source, interaction.site)
        cached = self._applicable_cache.get(key) if self._cacheable else None
        if cached is None:
            pairs = tuple(
                (i, self.rules[i]) for i in self._candidates(interaction.channel)
                if self.rules[i].applies_to.matches(interaction)
            )
            ids = tuple(rule.id for _, rule in pairs)
            cached = (pairs, self._applied.setdefault(ids, ids), {})
            if self._cacheable and len(self._applicable_cache) < _APPLICABLE_CACHE_SIZE:
                self._applicable_cache[key] = cached
        return cached

    def _to_measure(self, interaction: Interaction, applicable: _Applicable) -> tuple[tuple[int, Rule], ...]:
        """The applicable rules that may find something in the interaction: not those whose
        `Check.needs` it lacks (a metric rule for a call without the metric, a checklist rule
        for a call...), which would measure nothing. They still applied (`Outcome.applied`).
        Cached with the applicable rules, per which of the keys any rule needs are present."""
        pairs, _, chosen_by_present = applicable
        if not self._any_needs:
            return pairs
        metrics = self._needed_metrics.intersection(interaction.metrics)
        items = self._needed_items.intersection(interaction.checklist)
        present = (metrics, items, interaction.survey is not None, bool(interaction.events))
        chosen = chosen_by_present.get(present)
        if chosen is None:
            needs = self._needs
            chosen = tuple((i, rule) for i, rule in pairs if (need := needs[i]) is None or need.met_by(*present))
            if len(chosen_by_present) < _APPLICABLE_CACHE_SIZE:
                chosen_by_present[present] = chosen
        return chosen

    def _conclude(
        self,
        outcome: Outcome,
        interaction: Interaction,
        measured: Mapping[tuple[int, int], Measurement],
        violations: set[tuple[int, int]],
    ) -> Outcome:
        """Findings for the (rule, subject) pairs durable-rules found in violation."""
        if not violations:  # most interactions: nothing to order or tell apart
            return outcome
        for index, subject in sorted(violations):
            outcome.findings.append(self._finding(self.rules[index], interaction, measured[(index, subject)]))
        if len(outcome.findings) > 1:
            outcome.findings.sort(key=Finding.sort_key)
            outcome.findings = disambiguate(outcome.findings)
        return outcome

    def _finding(self, rule: Rule, interaction: Interaction, measurement: Measurement) -> Finding:
        measured = measurement.template_fields()
        dimension = measurement.dimension or rule.dimension
        assert dimension is not None  # rules without a dimension have kinds that give one
        return Finding(
            rule=rule.id,
            interaction=interaction.id,
            severity=rule.severity,
            dimension=dimension,
            gap=rule.gap,
            message=render(rule.message, measured, self.lang, rule.id, interaction),
            evidence=measurement.evidence,
            location=interaction.location,
            ordinal=interaction.ordinal,
            site=interaction.site,
            agent=interaction.agent,
            standard=rule.standard,
            fingerprint=fingerprint(rule.id, interaction.id, measurement.evidence, measured, _normalised(interaction, measurement.evidence)),
        )

    def outcomes(self, items: Iterable[Item]) -> Iterator[Outcome | InputProblem]:
        """Outcomes in input order, audited `BATCH` interactions at a time (see `audit_batch`):
        at most one batch is held, so this streams."""
        pending: list[Item] = []
        audited = 0
        for item in items:
            pending.append(item)
            if not isinstance(item, InputProblem):
                audited += 1
                if audited == BATCH:
                    yield from self._flush(pending)
                    pending, audited = [], 0
        yield from self._flush(pending)

    def _flush(self, pending: Sequence[Item]) -> Iterator[Outcome | InputProblem]:
        yield from self.audit_items(pending)

    def audit_items(self, items: Sequence[Item]) -> list[Outcome | InputProblem]:
        """The outcome of each interaction of `items`, problems passed through, in their order:
        `outcomes` for items already in hand (a worker's chunk), with one engine session."""
        done = iter(self.audit_batch([item for item in items if not isinstance(item, InputProblem)]))
        return [item if isinstance(item, InputProblem) else next(done) for item in items]


def _normalised(interaction: Interaction, evidence: Evidence) -> str | None:
    """The evidence text normalised, when it quotes an utterance whole (most do): its `norm_text`."""
    index = evidence.event
    if index is None or evidence.text is None or not 0 <= index < len(interaction.events):
        return None
    event = interaction.events[index]
    # "" may be an utterance nobody's rules read (not normalised): normalised afresh then, which
    # gives "" again for one that normalises to "".
    return event.norm_text if event.norm_text and event.type == "utterance" and event.text == evidence.text else None


def summarise(findings: Sequence[Finding], errors: Sequence[InputProblem], interactions: int, clean: int) -> Summary:
    def counted(values: Iterable[str], order: Sequence[str] = ()) -> dict[str, int]:
        counts = Counter(values)
        keys = [k for k in order if k in counts] + sorted(k for k in counts if k not in order)
        return {k: counts[k] for k in keys}

    return Summary(
        interactions=interactions,
        clean=clean,
        findings=len(findings),
        errors=len(errors),
        by_severity=counted((f.severity.value for f in findings), SEVERITIES),
        by_rule=counted(f.rule for f in findings),
        by_gap=counted((f.gap.value for f in findings), GAPS),
        by_dimension=counted((f.dimension.value for f in findings), DIMENSIONS),
        by_site=counted(f.site or "(none)" for f in findings),
    )


def build_report(
    outcomes: Iterable[Outcome | InputProblem],
    rules: Sequence[Rule],
    fail_on: Severity,
    lang: str,
    config: str | None = None,
    inputs: Sequence[str] = (),
) -> Report:
    findings: list[Finding] = []
    errors: list[InputProblem] = []
    coverage: list[Coverage] = []
    audited = clean = 0
    in_order = True  # findings collected in `Finding.sort_key` order so far
    last = -1  # the ordinal of the last outcome with findings
    for outcome in outcomes:
        if isinstance(outcome, InputProblem):
            errors.append(outcome)
            continue
        audited += 1
        coverage.append(Coverage(outcome.id, outcome.location, outcome.applied))
        if outcome.findings:
            in_order = in_order and outcome.ordinal > last
            last = outcome.ordinal
            findings += outcome.findings
        errors += outcome.problems
        if not outcome.findings and not outcome.problems:
            clean += 1
    # An outcome's findings are in `sort_key` order and carry its ordinal (see `Outcome`), so
    # when outcomes come in input order, as they do from an Auditor or worker processes, the
    # findings already are: sorting them anyway cost 0.1 s (a key per finding) at 68,000.
    if not in_order:
        findings.sort(key=Finding.sort_key)
    return Report(
        findings=tuple(findings),
        errors=tuple(errors),
        summary=summarise(findings, errors, audited, clean),
        rules=tuple(rule.info() for rule in rules),
        fail_on=fail_on,
        lang=lang,
        config=config,
        inputs=tuple(inputs),
        coverage=tuple(coverage),
    )


class Tally:
    """The counters of `summarise`, kept while findings stream past instead of holding them."""

    def __init__(self) -> None:
        self.audited = self.clean = self.findings = self.errors = 0
        self.by_severity: Counter[str] = Counter()
        self.by_rule: Counter[str] = Counter()
        self.by_gap: Counter[str] = Counter()
        self.by_dimension: Counter[str] = Counter()
        self.by_site: Counter[str] = Counter()

    def finding(self, finding: Finding) -> None:
        # Once per finding in the main process of a streamed report: the members' `_value_`,
        # not `.value`, a Python-level property in 3.11 (see json_format.finding_dict).
        self.findings += 1
        self.by_severity[finding.severity._value_] += 1
        self.by_rule[finding.rule] += 1
        self.by_gap[finding.gap._value_] += 1
        self.by_dimension[finding.dimension._value_] += 1
        self.by_site[finding.site or "(none)"] += 1

    @staticmethod
    def _ordered(counts: Counter[str], order: Sequence[str] = ()) -> dict[str, int]:
        keys = [k for k in order if k in counts] + sorted(k for k in counts if k not in order)
        return {k: counts[k] for k in keys}

    def summary(self) -> Summary:
        return Summary(
            interactions=self.audited,
            clean=self.clean,
            findings=self.findings,
            errors=self.errors,
            by_severity=self._ordered(self.by_severity, SEVERITIES),
            by_rule=self._ordered(self.by_rule),
            by_gap=self._ordered(self.by_gap, GAPS),
            by_dimension=self._ordered(self.by_dimension, DIMENSIONS),
            by_site=self._ordered(self.by_site),
        )


def stream_report(
    outcomes: Iterable[Outcome | InputProblem],
    on_finding: Callable[[Finding], None],
    on_error: Callable[[InputProblem], None],
) -> Summary:
    """`build_report` for inputs of any size: each finding and error is handed on, in report
    order, as soon as its interaction is audited, and only counters are kept. Outcomes come in
    input order with their findings sorted, so this is the order `build_report` sorts into."""
    tally = Tally()
    for outcome in outcomes:
        if isinstance(outcome, InputProblem):
            tally.errors += 1
            on_error(outcome)
            continue
        tally.audited += 1
        if not outcome.findings and not outcome.problems:
            tally.clean += 1
        for finding in outcome.findings:
            tally.finding(finding)
            on_finding(finding)
        for problem in outcome.problems:
            tally.errors += 1
            on_error(problem)
    return tally.summary()


def summary_exit_code(summary: Summary, fail_on: Severity) -> int:
    """`exit_code` from a summary's counts (for streamed reports, which hold no findings)."""
    from .errors import ExitCode

    if summary.errors:
        return ExitCode.INPUT
    if summary.at_or_above(fail_on):
        return ExitCode.FINDINGS
    return ExitCode.OK


def audit_paths(
    paths: Sequence[Path], rules: Sequence[Rule], fail_on: Severity = Severity.MAJOR, lang: str = "en"
) -> Report:
    """The whole audit of some input files and directories: the library entry point."""
    auditor = Auditor(rules, lang)
    found = auditor.outcomes(read_inputs(paths, auditor.text_of))
    return build_report(found, rules, fail_on, lang, inputs=[str(p) for p in paths])


def exit_code(report: Report) -> int:
    """3 when any input could not be audited, else 1 when more new (not baselined, not waived)
    findings at or above `fail_on` than `--max-findings` allows (by default: any)."""
    from .errors import ExitCode

    if report.errors:
        return ExitCode.INPUT
    if report.gate_failed():
        return ExitCode.FINDINGS
    return ExitCode.OK


def triage(
    report: Report,
    baseline: Baseline | None = None,
    waivers: WaiverFile | None = None,
    today: date | None = None,
    max_findings: int | None = None,
) -> Report:
    """The CI gate's view of a report: waivers applied first (a waived finding is reported as
    waived even when the baseline has it), then the baseline, then the `--max-findings`
    allowance. See `svccheck.waivers` and `svccheck.baseline`."""
    if waivers is not None:
        report = apply_waivers(report, waivers, today or date.today())
    if baseline is not None:
        report = apply_baseline(report, baseline)
    return replace(report, max_findings=max_findings)
