"""`svccheck report`: scores, rankings, SERVQUAL, gap diagnosis and trends for a batch of visits."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from ..aggregate import GROUP_KEYS, LANGUAGES, aggregate, is_results, load_results, strangers
from ..audit import Auditor, build_report
from ..errors import ExitCode, SvccheckError
from ..interactions import read_inputs
from ..model import Finding, InputProblem, Interaction, Severity
from ..problems import ProblemMessage, counted
from ..progress import progress_label, track
from ..reports import RENDERERS
from ..rules import Rule
from . import (
    config_option,
    configured_rules,
    default_lang,
    note_outputs,
    rules_option,
    user_errors,
)
from .output import output_stream, to_file


def choose_scorecard(rules: Sequence[Rule], wanted: str | None) -> Rule | None:
    """The scorecard rule named by --scorecard; else the only one; several need a choice."""
    cards = [r for r in rules if r.kind == "scorecard"]
    if wanted is not None:
        for rule in cards:
            if rule.id == wanted:
                return rule
        known = ", ".join(r.id for r in cards) or ProblemMessage.of("report.no_scorecards")
        raise SvccheckError(ProblemMessage.of("report.no_scorecard", wanted=repr(wanted), known=known))
    if len(cards) > 1:
        known = ", ".join(r.id for r in cards)
        raise SvccheckError(ProblemMessage.of("report.several_scorecards", known=known))
    return cards[0] if cards else None


def check_results_match(results: Path, findings: Sequence[Finding], interactions: Sequence[Interaction],
                        problems: Sequence[InputProblem]) -> None:
    """A results file from auditing other inputs would give a report with its findings silently
    dropped (they belong to no visit): refuse it, naming the first interaction it is about. The
    inputs' own problems (an input that can no longer be read) come first: they may be why."""
    missing = strangers(findings, interactions)
    if missing:
        said = ProblemMessage.of(
            "report.strangers", results=str(results), interactions=counted("report.interactions", len(missing)),
            first=missing[0],
        )
        raise SvccheckError(said, tuple(problems))


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--group-by", type=click.Choice(GROUP_KEYS), default="site", show_default=True,
              help="Group scores and findings by this field.")
@click.option("--format", "format_", type=click.Choice(sorted(RENDERERS)), default="markdown", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              help="Write the report here instead of standard output (- is standard output).")
@rules_option
@click.option("--scorecard", "scorecard_id", default=None,
              help="Scorecard rule id (needed only when several scorecards are loaded).")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="Language of the report, and of finding messages when auditing here (default: from the locale).")
@config_option
@user_errors
def report(paths: tuple[Path, ...], group_by: str, format_: str, output: Path | None,
           rule_dirs: tuple[Path, ...], scorecard_id: str | None, lang: str | None,
           config_path: Path | None = None) -> None:
    """Aggregate report of a batch: RESULTS.json INPUTS... or just INPUTS....

    RESULTS.json is the output of `svccheck audit --format json` for the same INPUTS; without
    it the inputs are audited here, with the rules `svccheck audit` would run (svccheck.yaml or
    --config, and --rules). Exit codes: 0 report written; 2 rule, configuration or usage error,
    or RESULTS.json has findings about interactions not in INPUTS; 3 some input could not be
    read (the rest is reported).
    """
    results = paths[0] if is_results(paths[0]) else None
    inputs = list(paths[1:] if results is not None else paths)
    if not inputs:
        raise SvccheckError(ProblemMessage.of("report.no_inputs"))
    _, rules = configured_rules(config_path, rule_dirs)
    scorecard = choose_scorecard(rules, scorecard_id)
    language = lang or default_lang()
    items = list(track(read_inputs(inputs), total=None, label=progress_label("reading", language)))
    interactions = [i for i in items if isinstance(i, Interaction)]
    if results is not None:
        # The findings keep the language they were audited in; the report's own text follows --lang.
        findings, recorded = load_results(results)
        problems = [p for p in items if isinstance(p, InputProblem)]
        check_results_match(results, findings, interactions, problems)
        # The inputs were read again here, so their problems are said now, in --lang; the audit
        # recorded them too, and they would be listed twice. What only auditing finds (a rule
        # that could not measure an interaction) comes from the results, as worded there.
        errors = [p.describe(language) for p in problems + [r for r in recorded if r.rule is not None]]
    else:
        auditor = Auditor(rules, language)
        tracked = track(items, len(items), progress_label("auditing", language))
        audited = build_report(auditor.outcomes(tracked), rules, Severity.MAJOR, language)
        findings, errors = list(audited.findings), [p.describe(language) for p in audited.errors]
    summary = aggregate(interactions, findings, errors, rules, scorecard, group_by, [str(p) for p in inputs], language)
    render = RENDERERS[format_]
    file = to_file(output)
    with output_stream(file) as handle:
        render(summary, handle)
    if file is not None:
        written = ProblemMessage.of(
            "report.written", visits=counted("report.visits", len(interactions)),
            findings=counted("report.findings", len(findings)), errors=counted("report.input_errors", len(errors)),
        )
        note_outputs(written.text(language), [file])
    sys.exit(ExitCode.INPUT if errors else ExitCode.OK)
