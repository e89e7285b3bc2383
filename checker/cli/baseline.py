"""`svccheck baseline create`: record today's findings so that CI fails only on new ones."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import parallel
from ..baseline import write_baseline
from ..errors import ExitCode
from ..model import Severity
from ..parallel import default_jobs
from ..problems import ProblemMessage, counted
from .output import output_stream, to_file
from . import (
    Svccheck, config_option, configured_rules, default_lang, lang_option, rules_option, say,
    user_errors,
)


@click.group(cls=Svccheck)  # one-line usage errors for `baseline create` too
def baseline() -> None:
    """Baselines for gradual adoption (see `svccheck audit --baseline`)."""


@baseline.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@rules_option
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True), default=None,
              help="Write the baseline here (default, or -: standard output).")
@config_option
@lang_option
@user_errors
def create(paths: tuple[Path, ...], rule_dirs: tuple[Path, ...], output: Path | None,
           config_path: Path | None = None, lang: str | None = None) -> None:
    """Audit PATHS and write every finding's fingerprint as a baseline.

    The file lists each finding (fingerprint, rule, interaction, severity, message) sorted by
    rule and interaction; commit it and pass it to `svccheck audit --baseline`. Input errors are
    printed and give exit 3; the findings of the valid interactions are still written. Messages
    (in the file and on stderr) are in --lang; fingerprints do not depend on it.
    """
    _, rules = configured_rules(config_path, rule_dirs)
    language = lang or default_lang()
    report = parallel.audit_paths(list(paths), rules, Severity.INFO, language, default_jobs())
    file = to_file(output)
    with output_stream(file) as out:
        write_baseline(report, out)
    for problem in report.errors:
        say(problem.describe(language))
    findings = counted("report.findings", len(report.findings))
    interactions = counted("report.interactions", report.summary.interactions)
    created = ProblemMessage.of("baseline.created", findings=findings, interactions=interactions)
    if file is not None:
        created = ProblemMessage.of("baseline.created_file", findings=findings, interactions=interactions, file=str(file))
    say(f"svccheck: {created.text(language)}")
    sys.exit(ExitCode.INPUT if report.errors else ExitCode.OK)
