"""`svccheck explain RULE_ID`: what a rule checks, with its current parameters and examples."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import find_config, load_config, load_rule_set
from ..explain import explain_rule, find_rule, kinds_reference
from ..problems import ProblemMessage
from . import config_option, default_lang, lang_option, user_errors
from .usage import SaidUsageError


@click.command()
@click.argument("rule_id", required=False)
@click.option("--kinds", is_flag=True, help="Print the reference of every check kind instead.")
@config_option
@lang_option
@user_errors
def explain(rule_id: str | None, kinds: bool, config_path: Path | None, lang: str | None) -> None:
    """Explain a rule: titles, standard and manual, dimension, gap, severity, what it applies to
    and checks, its parameters as configured, and a passing and a failing example.

    Exit codes: 0 explained; 2 unknown rule, or a rule, configuration or usage problem.
    """
    if kinds and rule_id is not None:
        raise SaidUsageError(ProblemMessage.of("usage.rule_or_kinds"))
    if kinds:
        click.echo(kinds_reference(), nl=False)
        return
    if rule_id is None:
        raise SaidUsageError(ProblemMessage.of("usage.rule_id_needed"))
    config = load_config(find_config(config_path))
    rule_set = load_rule_set(config)
    rule = find_rule(rule_set.loaded, rule_id)
    click.echo(explain_rule(rule, rule_set.standards, config, lang or default_lang()), nl=False)
