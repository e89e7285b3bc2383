"""`svccheck test`: run rules' embedded examples and fixture cases, pytest-like."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import click

from ..config import find_config, load_config, load_rule_set
from ..errors import ExitCode, RuleError, SvccheckError
from ..rules import Rule
from ..ruletest import expected_files, load_cases, render_results, run_cases, run_examples
from . import config_option, user_errors


def _under(rule: Rule, paths: tuple[Path, ...]) -> bool:
    file = Path(rule.location.file).resolve()
    return any(file == p.resolve() or file.is_relative_to(p.resolve()) for p in paths)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the messages that examples and cases compare.")
@config_option
@user_errors
def test(paths: tuple[Path, ...], lang: str, config_path: Path | None) -> None:
    """Run the embedded examples of the rules in PATH (rule files or directories; default: every
    rule in use) and the fixture cases (NAME.json + NAME.expected.yaml) found in PATH (default:
    the configuration's rule directories).

    Examples test each rule as its file writes it; fixture cases test the rule set as configured.
    Prints each failing case with expected vs actual, then `N passed, N failed`.

    Exit codes: 0 all passed; 1 a case failed; 2 a rule, case file or configuration is invalid.
    """
    config = load_config(find_config(config_path))
    as_written = load_rule_set(config, list(paths), overrides=False)
    configured = load_rule_set(config, list(paths))
    tested = [rule for rule in as_written.rules if not paths or _under(rule, paths)]
    cases, problems = load_cases(expected_files(paths or config.rule_dirs), [rule.id for rule in configured.rules])
    if problems:
        raise RuleError(f"{len(problems)} problem(s) in fixture cases", tuple(map(str, problems)))
    if not any(rule.examples for rule in tested) and not cases:
        raise SvccheckError("nothing to test: no rule examples or fixture cases found")
    results = itertools.chain(run_examples(tested, lang), run_cases(cases, configured.rules, lang))
    _, failed = render_results(results, sys.stdout)
    sys.exit(ExitCode.FINDINGS if failed else ExitCode.OK)
