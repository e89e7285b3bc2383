"""`svccheck lint`: validate rule files and the configuration without auditing anything."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..config import find_config, load_config
from ..errors import ExitCode
from ..lint import lint as run_lint
from ..lint import render_json, render_text, summary
from . import config_option, default_lang, lang_option, user_errors


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one FILE:LINE:COL: RULE: KEY: MESSAGE line per problem; json: a list for editors.")
@config_option
@lang_option
@user_errors
def lint(paths: tuple[Path, ...], fmt: str, config_path: Path | None, lang: str | None) -> None:
    """Check rule files (PATH: files or directories, added to the built-in rules and the
    configuration's rule directories) and the configuration; report every problem at once.

    The problems and the summary are in --lang (file names, lines, rule ids, keys and values as
    they are); --format json keeps its fields and says only `message` in it.

    Exit codes: 0 no problems; 2 problems (the audit would refuse to run).
    """
    language = lang or default_lang()
    result = run_lint(load_config(find_config(config_path)), list(paths))
    (render_json if fmt == "json" else render_text)(result, sys.stdout, language)
    click.echo(f"svccheck lint: {summary(result, language)}", err=True)
    sys.exit(ExitCode.OK if result.ok else ExitCode.USAGE)
