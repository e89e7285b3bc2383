"""The `svccheck` command line: thin click handlers over the audit engine and formatters.

Handlers parse options, call the library and pick an exit code; they never format reports
themselves. Every `SvccheckError` becomes a one-line message (plus one line per problem) on
stderr and its exit code; nothing the user can cause ends in a traceback.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..errors import SvccheckError

F = TypeVar("F", bound=Callable[..., Any])


def default_lang() -> str:
    """zh when the locale is Chinese (LC_ALL, LC_MESSAGES or LANG starting with zh), else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="svccheck")
def main() -> None:
    """Check recorded service interactions against declarative service standards."""


def _register() -> None:
    from . import audit

    main.add_command(audit.audit)


_register()
