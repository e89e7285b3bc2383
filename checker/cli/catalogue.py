"""`svccheck rules` and `svccheck standards`: the rule set and the standards catalogue with its
coverage (which standards a rule checks, and which none does)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..config import find_config, load_config, load_rule_set
from ..explain import (
    COVERAGE_ORDER,
    coverage,
    coverage_record,
    coverage_table,
    filter_rules,
    rule_record,
    rules_table,
)
from ..model import DIMENSIONS, GAPS
from ..problems import ProblemMessage, did_you_mean, hinted
from . import config_option, default_lang, lang_option, user_errors
from .usage import SaidBadParameter

_FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)


def _dump(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.command()
@click.option("--standard", help="Only rules checking this standard id.")
@click.option("--dimension", type=click.Choice(DIMENSIONS), help="Only rules of this dimension.")
@click.option("--gap", type=click.Choice(GAPS), help="Only rules evidencing this gap.")
@click.option("--tag", help="Only rules applying to interactions with this tag (e.g. complaint).")
@_FORMAT
@config_option
@lang_option
@user_errors
def rules(standard: str | None, dimension: str | None, gap: str | None, tag: str | None, fmt: str,
          config_path: Path | None, lang: str | None) -> None:
    """List the rules in use (built-in rules selected by the configuration, plus its rule
    directories), one row each: id, severity, dimension, gap, applies-to, title."""
    rule_set = load_rule_set(load_config(find_config(config_path)))
    # A catalogued standard no rule checks rightly lists no rule; an id in no catalogue is a typo.
    known = {*rule_set.standards, *(rule.standard for rule in rule_set.rules)}
    if standard is not None and standard not in known:
        said = ProblemMessage.of("usage.unknown_standard", name=repr(standard))
        if not did_you_mean(standard, known):
            said = ProblemMessage.of("usage.standards_listed", name=repr(standard))
        raise SaidBadParameter(hinted(said, standard, known), param_hint="--standard")
    chosen = filter_rules(rule_set.rules, standard, dimension, gap, tag)
    language = lang or default_lang()
    if fmt == "json":
        _dump([rule_record(rule, language) for rule in chosen])
    else:
        click.echo(rules_table(chosen, language), nl=False)


@click.command()
@click.option("--coverage", "status", type=click.Choice(COVERAGE_ORDER),
              help="Only standards with this coverage (missing: checkable from records but no rule).")
@_FORMAT
@config_option
@lang_option
@user_errors
def standards(status: str | None, fmt: str, config_path: Path | None, lang: str | None) -> None:
    """The standards catalogue and its coverage by the rules in use: rule (checked by a rule),
    missing (a recording or metric could show it but no rule does), checklist (mystery-shopper
    checklist only), survey (customer survey only), none (not checkable from any record)."""
    rule_set = load_rule_set(load_config(find_config(config_path)))
    rows = [row for row in coverage(rule_set.standards, rule_set.rules) if status is None or row.status == status]
    language = lang or default_lang()
    if fmt == "json":
        _dump([coverage_record(row, language) for row in rows])
    else:
        click.echo(coverage_table(rows, language), nl=False)
