"""The `svccheck` command line: thin click handlers over the audit engine and formatters.

Handlers parse options, call the library and pick an exit code; they never format reports
themselves. Every `SvccheckError` becomes a one-line message (plus one line per problem) on
stderr and its exit code; nothing the user can cause ends in a traceback. A usage error (a bad
option value, a missing argument) is one line too, `svccheck audit: error: --jobs: ...`, exit 2
(see `Svccheck`); when the reader of standard output goes away (`svccheck audit | head -1`) the
command stops quietly with exit 141, as a program that SIGPIPE ends would.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import importlib
import io
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, TypeVar

import click

from ..errors import ExitCode, SvccheckError
from ..formatters.text import escape_controls
from ..problems import ProblemMessage, os_reason
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


def to_file(path: Path | None) -> Path | None:
    """`--output -` means standard output, as for most tools: None for it (and for None)."""
    return None if path is None or str(path) == "-" else path


def say(line: str) -> None:
    """One line on stderr; control characters from the data (a file name, a quoted value) are
    shown escaped, as in the text report, so they cannot act on the terminal."""
    click.echo(escape_controls(line), err=True)


def _shown(err: UnicodeError) -> tuple[bytes, int]:
    """Codec error handler: a lone surrogate (a byte of a file name that is not UTF-8, as Python
    reads it) written as U+FFFD, as `json_format.shown` does for JSON. Bytes, not "\ufffd": the
    UTF-8 encoder takes only ASCII text from an error handler."""
    if isinstance(err, UnicodeEncodeError):
        return "\ufffd".encode("utf-8") * (err.end - err.start), err.end
    raise err


SHOWN = "svccheck.shown"
codecs.register_error(SHOWN, _shown)


@contextlib.contextmanager
def output_stream(path: Path | None) -> Iterator[TextIO]:
    """The file to write a report to (UTF-8, `\n` line ends), or standard output when `path` is
    None or `-`; a file that cannot be opened or written is a one-line user error, never a
    traceback. A broken pipe on standard output is not an error: it goes up to `Svccheck`.
    A file name that is not UTF-8, quoted in a report, is written with U+FFFD for its odd bytes
    (`SHOWN`), not refused.

    A report file is written beside its place under a temporary name (`.NAME.PID.tmp`, which no
    audit reads as an input) and moved into place when it is whole: a run that stops on an error
    (a full disk, or an audit that stops while its report is being written: `cli.audit.STREAMED`
    formats are written as it runs) leaves the previous file as it was, or none, never a report
    cut short. Through a symbolic link, the file it names is replaced and the link kept; a
    device or a named pipe (/dev/null, /dev/stdout) is written to directly, as is a file in a
    directory svccheck may not create files in."""
    file = to_file(path)
    if file is None:
        if isinstance(sys.stdout, io.TextIOWrapper):
            sys.stdout.reconfigure(errors=SHOWN)
        try:
            yield sys.stdout
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as err:  # a full disk under `> report.txt`
            raise SvccheckError(ProblemMessage.of("output.stdout", reason=os_reason(err))) from None
        return
    target = Path(os.path.realpath(file))
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode) if _regular(target) else None
        temporary = _temporary(target)
    except _InPlace:
        temporary = None
    except OSError as err:
        raise _cannot_write(file, err) from None
    if temporary is None:
        with _written_in_place(file) as handle:
            yield handle
        return
    try:
        with open(temporary, "w", encoding="utf-8", newline="\n", errors=SHOWN) as handle:
            yield handle
        if mode is not None:  # an existing report's permissions stay as they were
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(err, OSError):
            raise _cannot_write(file, err) from None
        raise


class _InPlace(Exception):
    """The target is written to directly: a device or a named pipe, or a file in a directory
    where no temporary file can be made."""


def _regular(target: Path) -> bool:
    """Whether `target` is an existing regular file (False: it does not exist yet); raises
    `_InPlace` for anything else that exists."""
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(mode):
        raise _InPlace
    return True


def _temporary(target: Path) -> Path:
    """A new, empty file beside `target` for its next content, made with the permissions a new
    file gets (0666 less the umask)."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except PermissionError:
        if target.exists() and os.access(target, os.W_OK):
            raise _InPlace from None
        raise
    return temporary


@contextlib.contextmanager
def _written_in_place(file: Path) -> Iterator[TextIO]:
    try:
        handle = file.open("w", encoding="utf-8", newline="\n", errors=SHOWN)
    except OSError as err:
        raise _cannot_write(file, err) from None
    try:
        with handle:
            yield handle
    except OSError as err:
        raise _cannot_write(file, err) from None


def _cannot_write(file: Path, err: OSError) -> SvccheckError:
    return SvccheckError(ProblemMessage.of("output.file", file=str(file), reason=os_reason(err)))


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


def _stdout_failed(err: OSError) -> NoReturn:
    """Standard output cannot be written (a full disk under `> rules.txt`): say so on stderr, exit
    2; like `_reader_gone`, point standard output at /dev/null so the last flush cannot fail again."""
    say(f"svccheck: error: cannot write standard output: {err.strerror or err}")
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
                sys.stdout.flush()
        except BrokenPipeError:
            _reader_gone()
        except OSError as err:
            # A report written with click.echo (rules, explain, lint...) to a full disk or a
            # device that refuses it: one line, as output_stream says it for audit.
            _stdout_failed(err)
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
