"""`svccheck test`: run rules' embedded examples and fixture cases, pytest-like."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from ..config import find_config, load_config, load_rule_set
from ..errors import ExitCode, RuleError, SvccheckError
from ..problems import ProblemMessage
from ..rules import Rule
from ..ruletest import expected_files, load_cases, render_results, run_cases, run_examples
from ..yamlpos import Problem
from . import config_option, user_errors


def _under(rule: Rule, paths: tuple[Path, ...]) -> bool:
    file = Path(rule.location.file).resolve()
    return any(file == p.resolve() or file.is_relative_to(p.resolve()) for p in paths)


def _every_problem(rules: RuleError | None, cases: Sequence[Problem]) -> RuleError:
    """One error for all the problems, so one run shows them all: the rules' first (as
    `load_rule_set` raised them, in file order), then the case files' (in file order). Either
    kind alone reads as it always has ("2 problem(s) in rule files"); both together,
    "2 problem(s) in rule files and 1 in fixture cases"."""
    count = str(len(cases))
    if rules is None:
        return RuleError(ProblemMessage.of("cases.problems", count=count), cases)
    if not cases:
        return rules
    return RuleError(ProblemMessage.of("cases.and_problems", rules=rules.said, count=count), (*rules.located, *cases))


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the messages that examples and cases compare, and of the output.")
@config_option
@user_errors
def test(paths: tuple[Path, ...], lang: str, config_path: Path | None) -> None:
    """Run the embedded examples of the rules in PATH (rule files or directories; default: every
    rule in use) and the fixture cases (NAME.json + NAME.expected.yaml) found in PATH (default:
    the configuration's rule directories).

    Examples test each rule as its file writes it; fixture cases test the rule set as configured.
    Prints each failing case with expected vs actual, then `N passed, N failed`.

    Everything is said in --lang: the findings' messages compared, what a failing case expected
    and got, and the problems of rules and case files (file names, rule ids, keys and values as
    they are). It is English unless given, whatever the locale: examples are written against
    the messages of one language, and a run checks them the same way everywhere.

    Exit codes: 0 all passed; 1 a case failed; 2 a rule, case file or configuration is invalid
    (every such problem is listed, the rules' before the case files').
    """
    config = load_config(find_config(config_path))
    case_files = expected_files(paths or config.rule_dirs)
    try:
        as_written = load_rule_set(config, list(paths), overrides=False)
        configured = load_rule_set(config, list(paths))
    except RuleError as err:
        # The case files are still checked, so that one run reports every problem (as lint
        # does), but without the rule ids: with broken rules, which ids exist is not known (a
        # rule with a problem is left out of the set, one in an unparsable file has no id), so
        # "unknown rule" could name a rule that is only broken. Ids are checked once rules load.
        _, case_problems = load_cases(case_files)
        raise _every_problem(err, case_problems) from None
    tested = [rule for rule in as_written.rules if not paths or _under(rule, paths)]
    cases, problems = load_cases(case_files, [rule.id for rule in configured.rules])
    if problems:
        raise _every_problem(None, problems)
    if not any(rule.examples for rule in tested) and not cases:
        raise SvccheckError(ProblemMessage.of("cases.nothing_to_test"))
    results = itertools.chain(run_examples(tested, lang), run_cases(cases, configured.rules, lang))
    _, failed = render_results(results, sys.stdout, lang)
    sys.exit(ExitCode.FINDINGS if failed else ExitCode.OK)
