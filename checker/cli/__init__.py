"""The `svccheck` command line: thin click handlers over the audit engine and formatters.

Handlers parse options, call the library and pick an exit code; they never format reports
themselves. Every `SvccheckError` becomes a one-line message (plus one line per problem) on
stderr and its exit code; nothing the user can cause ends in a traceback. A usage error (a bad
option value, a missing argument) is one line too, `svccheck audit: error: --jobs: ...`, exit 2
(see `Svccheck`); when the reader of standard output goes away (`svccheck audit | head -1`) the
command stops quietly with exit 141, as a program that SIGPIPE ends would; interrupted, it
exits 130. Report files are written by `output.output_stream`.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from ..errors import ExitCode, SvccheckError
from ..formatters.text import escape_controls
from ..problems import ProblemMessage
from .usage import OneLineUsageError, SaidBadParameter, lang_of, usage_line
from .usage import default_lang as default_lang  # re-exported: the commands take it from here

if TYPE_CHECKING:
    from ..config import Config
    from ..rules import Rule

F = TypeVar("F", bound=Callable[..., Any])


#: The exit status when the reader of standard output has gone: 128 + SIGPIPE (13), what a shell
#: reports for `cat` or `grep` in the same place. Python's suggestion (1) would read as "findings
#: at or above --fail-on"; 141 cannot be mistaken for any of svccheck's own codes (0 to 3).
EXIT_BROKEN_PIPE = 141
#: The exit status when interrupted (Ctrl-C): 128 + SIGINT (2), as a shell reports it.
EXIT_INTERRUPTED = 130


def say(line: str) -> None:
    """One line on stderr; control characters from the data (a file name, a quoted value) are
    shown escaped, as in the text report, so they cannot act on the terminal."""
    click.echo(escape_controls(line), err=True)


def user_errors(func: F) -> F:
    """Turn user errors into a message and an exit code. They are said in the command's --lang
    (its `lang` parameter), else in the locale's language (`default_lang`), as usage errors are;
    the `svccheck: error:` prefix is the same in every language, for scripts and CI logs."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SvccheckError as err:
            problems, message = err.lines(kwargs.get("lang") or default_lang())
            for problem in problems:
                say(problem)
            say(f"svccheck: error: {message}")
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
        say(f"svccheck: configuration: {config.describe()}")
    return config, rules


def note_outputs(summary: str, outputs: Sequence[Path]) -> None:
    """The one stderr line a run ends with when every report went to a file: the CI log then
    still says why the run failed, and where to look."""
    say(f"svccheck: {summary} -> {', '.join(str(p) for p in outputs)}")


def lang_option(func: F) -> F:
    """`--lang zh|en`: the output language (default: from the locale, see `default_lang`)."""
    option = click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
                          help="Output language (default: from the locale).")
    return option(func)


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """Option callback: a date written YYYY-MM-DD. 2026-02-30 is "not a valid date", where
    click's DateTime said it "does not match the format" (it does: the day is what is wrong)."""
    if value is None:
        return None
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise SaidBadParameter(ProblemMessage.of("usage.not_a_date", value=repr(value)))
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise SaidBadParameter(ProblemMessage.of("usage.invalid_date", value=repr(value), reason=str(err))) from None


#: Usage errors that are not errors to reword: click's "no arguments: print the help" (click 8.2+).
_SHOWN_AS_IS = tuple(t for t in [getattr(click.exceptions, "NoArgsIsHelpError", None)] if t is not None)


def _reader_gone() -> NoReturn:
    """Stop quietly: standard output's reader has gone (Python docs, "Note on SIGPIPE"). Standard
    output now points at /dev/null, so the interpreter's last flush of what is still buffered
    cannot fail again and print "Exception ignored ... BrokenPipeError" on its way out."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (a test runner's buffer): nothing to redirect
        pass
    sys.exit(EXIT_BROKEN_PIPE)


def _stdout_failed(reason: str) -> NoReturn:
    """Standard output cannot be written (a full disk under `> rules.txt`): say why on stderr, exit
    2; like `_reader_gone`, point standard output at /dev/null so the last flush cannot fail again."""
    say(f"svccheck: error: {reason}")
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.exit(int(ExitCode.USAGE))


def _one_line(err: click.UsageError, command_path: str, lang: str) -> NoReturn:
    """Raise `err` as its one line (already-worded errors and click's help-instead go as they are)."""
    if isinstance(err, (OneLineUsageError, *_SHOWN_AS_IS)):
        raise err
    raise OneLineUsageError(usage_line(err, command_path, lang)) from None


_LANG = "svccheck.lang"  # the command line's language for usage errors, in the context's meta


class Svccheck(click.Group):
    """The `svccheck` group (and `svccheck baseline`): every click usage error, wherever it is
    raised (parsing the group's or a command's options, or a handler's own check), becomes one
    line on stderr with exit 2, in place of click's four (usage, "Try --help", blank, error);
    a broken pipe on standard output ends the command quietly (exit 141)."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        lang = parent.meta[_LANG] if parent is not None and _LANG in parent.meta else lang_of(args)
        try:
            ctx = super().make_context(info_name, args, parent, **extra)
        except click.UsageError as err:
            _one_line(err, " ".join(p for p in (parent.command_path if parent else "", info_name or "") if p), lang)
        ctx.meta[_LANG] = lang
        return ctx

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                return super().invoke(ctx)
            finally:  # what is still buffered fails here, not at exit, if the reader has gone
                if sys.stdout is not None:  # None: closed by the caller (`>&-`)
                    sys.stdout.flush()
        except BrokenPipeError:
            _reader_gone()
        except OSError as err:
            # A report written with click.echo (rules, explain, lint...) to a full disk or a
            # device that refuses it: one line, as output_stream says it for audit.
            _stdout_failed(f"cannot write standard output: {err.strerror or err}")
        except UnicodeEncodeError as err:
            # Standard output in an encoding that cannot show the report (PYTHONIOENCODING=ascii,
            # a Latin-1 terminal) and Chinese text in it: one line, not a traceback.
            encoding = getattr(sys.stdout, "encoding", None) or err.encoding
            said = ProblemMessage.of("output.stdout_encoding", encoding=str(encoding))
            _stdout_failed(said.text(ctx.meta.get(_LANG, "en")))
        except KeyboardInterrupt:
            # Interrupted (Ctrl-C): 130, as a shell reports it, not click's 1 ("findings").
            say("svccheck: interrupted")
            sys.exit(EXIT_INTERRUPTED)
        except click.UsageError as err:
            # The option parser's errors carry no context: the command is the one being invoked.
            _one_line(err, " ".join(p for p in (ctx.command_path, ctx.invoked_subcommand or "") if p), ctx.meta.get(_LANG, "en"))


#: Each command of `svccheck`: the module under svccheck.cli that defines it, and its name there.
#: Imported when the command is run (or listed by --help), not at start-up: a run of `audit`
#: then imports none of the other commands' modules (60 ms of a 0.6 s start, measured).
COMMANDS: dict[str, tuple[str, str]] = {
    "audit": ("audit", "audit"),
    "lint": ("lint", "lint"),
    "test": ("test_cmd", "test"),
    "explain": ("explain", "explain"),
    "rules": ("catalogue", "rules"),
    "standards": ("catalogue", "standards"),
    "init": ("init", "init"),
    "import": ("importer", "import_"),
    "report": ("report", "report"),
    "baseline": ("baseline", "baseline"),
}


class LazySvccheck(Svccheck):
    """The top-level group: its commands come from `COMMANDS`, each imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in COMMANDS:
            # Not a command: register them all, so that click words the error and its
            # suggestions ("did you mean 'audit'?") exactly as for a group built eagerly.
            for name in COMMANDS:
                command = self.get_command(ctx, name)
                assert command is not None
                self.add_command(command)
        return super().resolve_command(ctx, args)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = COMMANDS.get(cmd_name)
        if where is None:
            return None
        module = importlib.import_module(f"{__name__}.{where[0]}")
        command = getattr(module, where[1])
        assert isinstance(command, click.Command) and command.name == cmd_name, cmd_name
        return command


@click.group(name="svccheck", cls=LazySvccheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="svccheck")
def main() -> None:
    """Check recorded service interactions against declarative service standards."""
