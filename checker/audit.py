"""The audit engine: rules + interactions -> an immutable `Report`.

For each interaction, only the rules that apply to it are measured (kinds compute facts in
Python); durable-rules decides which measurements violate their rule (one engine session per
interaction, see `durable_adapter`); each violation becomes a `Finding` with its message
rendered in the chosen language. The engine never imports the CLI or any formatter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .durable_adapter import CompiledConditions, Fact
from .interactions import Item, read_inputs
from .kinds import MeasureError, Measurement
from .model import (
    DIMENSIONS,
    GAPS,
    SEVERITIES,
    Finding,
    InputProblem,
    Interaction,
    Localised,
    Report,
    Severity,
    Summary,
)
from .rules import Rule


class _Fields(dict[str, Any]):
    """Template fields; a name the template uses but the measurement lacks stays visible."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: Localised, fields: Mapping[str, Any], lang: str) -> str:
    resolved = _Fields({k: (v.get(lang) if isinstance(v, Localised) else v) for k, v in fields.items()})
    return template.get(lang).format_map(resolved)


@dataclass
class Outcome:
    """What auditing one interaction produced."""

    interaction: Interaction
    findings: list[Finding] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)


class Auditor:
    """Rules compiled once (one durable-rules ruleset), applied to any number of interactions."""

    def __init__(self, rules: Sequence[Rule], lang: str = "en") -> None:
        self.rules = tuple(rules)
        self.lang = lang
        self._conditions = CompiledConditions([rule.check.condition for rule in self.rules])
        self._channel_rules: dict[str, tuple[int, ...]] = {}

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
        outcome = Outcome(interaction)
        facts: list[Fact] = []
        measured: dict[tuple[int, int], Measurement] = {}
        for index in self._candidates(interaction.channel):
            rule = self.rules[index]
            if not rule.applies_to.matches(interaction):
                continue
            try:
                measurements = rule.check.measure(interaction)
            except MeasureError as err:
                outcome.problems.append(
                    InputProblem(interaction.location, str(err), interaction=interaction.id, rule=rule.id)
                )
                continue
            for measurement in measurements:
                facts.append(Fact(index, measurement.subject, measurement.value))
                measured[(index, measurement.subject)] = measurement
        for index, subject in sorted(self._conditions.violations(facts)):
            outcome.findings.append(self._finding(self.rules[index], interaction, measured[(index, subject)]))
        outcome.findings.sort(key=Finding.sort_key)
        return outcome

    def _finding(self, rule: Rule, interaction: Interaction, measurement: Measurement) -> Finding:
        fields = {
            "rule": rule.id,
            "interaction": interaction.id,
            "site": interaction.site or "",
            "agent": interaction.agent or "",
            "channel": interaction.channel,
            **measurement.fields,
        }
        dimension = measurement.dimension or rule.dimension
        assert dimension is not None  # rules without a dimension have kinds that give one
        return Finding(
            rule=rule.id,
            interaction=interaction.id,
            severity=rule.severity,
            dimension=dimension,
            gap=rule.gap,
            message=render(rule.message, fields, self.lang),
            evidence=measurement.evidence,
            location=interaction.location,
            ordinal=interaction.ordinal,
            site=interaction.site,
            agent=interaction.agent,
            standard=rule.standard,
        )

    def outcomes(self, items: Iterable[Item]) -> Iterator[Outcome | InputProblem]:
        for item in items:
            yield item if isinstance(item, InputProblem) else self.audit(item)


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
    audited = clean = 0
    for outcome in outcomes:
        if isinstance(outcome, InputProblem):
            errors.append(outcome)
            continue
        audited += 1
        findings += outcome.findings
        errors += outcome.problems
        if not outcome.findings and not outcome.problems:
            clean += 1
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
    )


def audit_paths(
    paths: Sequence[Path], rules: Sequence[Rule], fail_on: Severity = Severity.MAJOR, lang: str = "en"
) -> Report:
    """The whole audit of some input files and directories: the library entry point."""
    auditor = Auditor(rules, lang)
    return build_report(auditor.outcomes(read_inputs(paths)), rules, fail_on, lang, inputs=[str(p) for p in paths])


def exit_code(report: Report) -> int:
    """3 when any input could not be audited, else 1 when a finding is at or above `fail_on`."""
    from .errors import ExitCode

    if report.errors:
        return ExitCode.INPUT
    if report.failing():
        return ExitCode.FINDINGS
    return ExitCode.OK
