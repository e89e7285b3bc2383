"""The `svccheck` command line: thin click handlers over the audit engine and formatters.

Handlers parse options, call the library and pick an exit code; they never format reports
themselves. Every `SvccheckError` becomes a one-line message (plus one line per problem) on
stderr and its exit code; nothing the user can cause ends in a traceback.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from ..errors import SvccheckError

if TYPE_CHECKING:
    from ..config import Config
    from ..rules import Rule

F = TypeVar("F", bound=Callable[..., Any])


def default_lang() -> str:
    """zh when the locale is Chinese (LC_ALL, LC_MESSAGES or LANG starting with zh), else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


@contextlib.contextmanager
def output_stream(path: Path | None) -> Iterator[TextIO]:
    """The file to write a report to (UTF-8, `\n` line ends), or standard output when `path` is
    None; a file that cannot be opened or written is a one-line user error, never a traceback."""
    try:
        if path is None:
            yield sys.stdout
            sys.stdout.flush()
            return
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            yield handle
    except OSError as err:
        raise SvccheckError(f"cannot write {path or 'standard output'}: {err.strerror or err}") from None


def user_errors(func: F) -> F:
    """Turn user errors into a message and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SvccheckError as err:
            for problem in err.problems:
                click.echo(problem, err=True)
            click.echo(f"svccheck: error: {err}", err=True)
            sys.exit(int(err.exit_code))

    return wrapper  # type: ignore[return-value]


def config_option(func: F) -> F:
    """`--config FILE`: the project configuration (default: ./svccheck.yaml when it exists)."""
    option = click.option(
        "--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
        help="Project configuration (default: svccheck.yaml in the working directory, if any).",
    )
    return option(func)


def rules_option(func: F) -> F:
    """`--rules DIR` (repeatable): rule directories on top of the configured ones."""
    option = click.option(
        "--rules", "rule_dirs", multiple=True, type=click.Path(path_type=Path, file_okay=False),
        help="Extra rule directory (repeatable), added to the built-in rules and svccheck.yaml's.",
    )
    return option(func)


def configured_rules(config_path: Path | None, rule_dirs: Sequence[Path]) -> tuple[Config, list[Rule]]:
    """The configuration (`--config`, else ./svccheck.yaml if any) and the rules it selects,
    with the `--rules` directories: what every command that audits runs. Any problem in the
    rules or the configuration raises RuleError (exit 2), so nothing runs on a broken one.
    Names the configuration used on stderr (never on stdout, which may carry a report)."""
    # Imported here: loading rules pulls in every check kind, which `svccheck --help` never needs.
    from ..config import find_config, load_config, load_rule_set

    config = load_config(find_config(config_path))
    rules = list(load_rule_set(config, list(rule_dirs)).rules)
    if config.path is not None:
        click.echo(f"svccheck: configuration: {config.describe()}", err=True)
    return config, rules


def note_outputs(summary: str, outputs: Sequence[Path]) -> None:
    """The one stderr line a run ends with when every report went to a file: the CI log then
    still says why the run failed, and where to look."""
    click.echo(f"svccheck: {summary} -> {', '.join(str(p) for p in outputs)}", err=True)


def lang_option(func: F) -> F:
    """`--lang zh|en`: the output language (default: from the locale, see `default_lang`)."""
    option = click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
                          help="Output language (default: from the locale).")
    return option(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="svccheck")
def main() -> None:
    """Check recorded service interactions against declarative service standards."""


def _register() -> None:
    from . import audit
    from . import importer as import_command
    from . import report as report_command

    main.add_command(audit.audit)
    from . import catalogue, explain, init, lint, test_cmd

    main.add_command(lint.lint)
    main.add_command(test_cmd.test)
    main.add_command(explain.explain)
    main.add_command(catalogue.rules)
    main.add_command(catalogue.standards)
    main.add_command(init.init)
    main.add_command(import_command.import_)
    main.add_command(report_command.report)
    from . import baseline as baseline_command

    main.add_command(baseline_command.baseline)


_register()
