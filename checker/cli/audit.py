"""`svccheck audit`: audit interactions against the built-in rules and any --rules directories."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..audit import audit_paths, exit_code
from ..errors import SvccheckError
from ..formatters import FORMATTERS, get_formatter
from ..model import SEVERITIES, Report, Severity
from ..rules import load_rules
from ..standards import load_standards
from . import default_lang, user_errors


def write_reports(report: Report, formats: tuple[str, ...], outputs: tuple[Path, ...]) -> None:
    """Format i goes to output i; formats without an output go to stdout (at most one)."""
    if len(outputs) > len(formats):
        raise SvccheckError("more --output options than --format options")
    if len(formats) - len(outputs) > 1:
        raise SvccheckError("only one --format can go to standard output; give the others an --output")
    for index, name in enumerate(formats or ("text",)):
        render = get_formatter(name)
        if index < len(outputs):
            try:
                with outputs[index].open("w", encoding="utf-8", newline="\n") as handle:
                    render(report, handle)
            except OSError as err:
                raise SvccheckError(f"cannot write {outputs[index]}: {err.strerror or err}") from None
        else:
            render(report, sys.stdout)
            sys.stdout.flush()


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(path_type=Path, file_okay=False),
              help="Extra rule directory (repeatable); the built-in rules always apply.")
@click.option("--format", "formats", multiple=True, type=click.Choice(sorted(FORMATTERS)),
              help="Report format (repeatable, paired with --output in order). Default: text.")
@click.option("--output", "outputs", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Write the matching --format to this file instead of standard output.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="major", show_default=True,
              help="Exit 1 when a finding is at or above this severity.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
              help="Language of messages (default: from the locale).")
@user_errors
def audit(paths: tuple[Path, ...], rule_dirs: tuple[Path, ...], formats: tuple[str, ...],
          outputs: tuple[Path, ...], fail_on: str, lang: str | None) -> None:
    """Audit recorded interactions (.json / .jsonl files or directories).

    Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 rule, configuration
    or usage error (nothing audited); 3 an input could not be read or an interaction was invalid
    (the valid ones are still audited and reported).
    """
    standards = load_standards(rule_dirs)
    rules = load_rules(rule_dirs, standards)
    report = audit_paths(list(paths), rules, Severity(fail_on), lang or default_lang())
    write_reports(report, formats, outputs)
    sys.exit(exit_code(report))
