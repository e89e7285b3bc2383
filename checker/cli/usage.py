"""Usage errors as one line, in the command's language.

    svccheck audit: error: --jobs: 0 is not in the range 1<=x<=256 (see svccheck audit --help)
    svccheck audit: error: --jobs：0 不在 1<=x<=256 范围内（见 svccheck audit --help）

click words its own errors (an unknown option, a missing argument, a value its type rejects) in
English. In English they keep click's words; in Chinese, `_said` says the ones a user of
svccheck can meet from what the error carries (the option's name, the close matches) or, for a
type's complaint, from click's sentence, whose shape is matched exactly. An error it does not
know stays in click's English words rather than being guessed at. svccheck's own usage errors
(`SaidUsageError`, `SaidBadParameter`) carry their catalogue message and are said in either
language.

The language is the command line's `--lang` when it has a valid one (a usage error may come
before click has parsed it), else the locale's (`default_lang`). The `svccheck audit: error:`
prefix is the same in every language, for scripts and CI logs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

import click

from ..formatters.text import escape_controls
from ..problems import ProblemMessage, all_of, suggesting

LANGS = ("en", "zh")


def default_lang() -> str:
    """zh when the locale is Chinese (LC_ALL, LC_MESSAGES or LANG starting with zh), else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def lang_of(args: Sequence[str]) -> str:
    """The language of a command line's usage errors: its last valid `--lang`, else the locale's."""
    lang = None
    for i, arg in enumerate(args):
        if arg == "--":  # what follows is arguments, not options
            break
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        else:
            continue
        if value in LANGS:
            lang = value
    return lang or default_lang()


class SaidUsageError(click.UsageError):
    """A usage error of svccheck's own: its message from the catalogue."""

    def __init__(self, said: ProblemMessage) -> None:
        super().__init__(said.text("en"))
        self.said = said


class SaidBadParameter(click.BadParameter):
    """A value svccheck rejects itself (an option callback, a handler's check)."""

    def __init__(self, said: ProblemMessage, param_hint: str | None = None) -> None:
        super().__init__(said.text("en"), param_hint=param_hint)
        self.said = said


class OneLineUsageError(click.UsageError):
    """A usage error already worded as its one line (see `usage_line`)."""

    def show(self, file: Any = None) -> None:
        click.echo(self.message, file=file, err=file is None)


def usage_line(err: click.UsageError, command_path: str, lang: str = "en") -> str:
    """`svccheck audit: error: --jobs: 0 is not in the range 1<=x<=256 (see svccheck audit --help)`.
    `command_path` names the command when click did not attach its context to the error."""
    path = err.ctx.command_path if err.ctx is not None else command_path
    said = _said(err) if lang != "en" or isinstance(err, (SaidUsageError, SaidBadParameter)) else None
    message = _in_english(err) if said is None else said.text(lang)
    see = ProblemMessage.of("usage.see", path=path).text(lang if said is not None else "en")
    return escape_controls(f"{path}: error: {message}{see}")


def _in_english(err: click.UsageError) -> str:
    """click's own words, as one of svccheck's clauses."""
    possibilities = getattr(err, "possibilities", None)  # an unknown option or command
    if isinstance(err, click.BadParameter) and not isinstance(err, click.MissingParameter):
        name = _option_name(err)
        return f"{name}: {_clause(err.message)}" if name else _clause(err.message)
    if possibilities:
        close = " or ".join(repr(p) for p in possibilities)
        return f"{_clause(err.message)} (did you mean {close}?)"
    return _clause(err.format_message())


def _option_name(err: click.BadParameter) -> str | None:
    """The name a bad value is reported under: `--jobs` (the long form) or `FILE`."""
    hint = err.param_hint
    if isinstance(hint, str):
        return hint
    if hint:
        return str(list(hint)[0])
    if isinstance(err.param, click.Option) and err.param.opts:
        return max(err.param.opts, key=len)
    return err.param.human_readable_name if err.param is not None else None


def _clause(text: str) -> str:
    """Click's sentence as one of svccheck's: on one line, lower-case first word, no full stop."""
    text = re.sub(r"\s*\n\s*", " ", text.strip())
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]
    return text


def _said(err: click.UsageError) -> ProblemMessage | None:
    """The error as a catalogue message, or None for one svccheck does not know how to say."""
    if isinstance(err, SaidUsageError):
        return err.said
    if isinstance(err, click.MissingParameter):
        return _missing(err)
    if isinstance(err, click.BadParameter):
        reason = err.said if isinstance(err, SaidBadParameter) else _type_complaint(_clause(err.message))
        name = _option_name(err)
        if reason is None or name is None:
            return reason
        return ProblemMessage.of("usage.bad_value", name=name, reason=reason)
    if isinstance(err, click.NoSuchOption):
        return suggesting(ProblemMessage.of("usage.no_such_option", name=repr(err.option_name)), err.possibilities)
    no_such_command = getattr(click.exceptions, "NoSuchCommand", None)  # click 8.2+
    if no_such_command is not None and isinstance(err, no_such_command):
        said = ProblemMessage.of("usage.no_such_command", name=repr(err.command_name))
        return suggesting(said, err.possibilities)
    return _matched(_clause(err.message), _SENTENCES)


def _missing(err: click.MissingParameter) -> ProblemMessage | None:
    if err.param is None or err.ctx is None:
        return None
    name = err.param.get_error_hint(err.ctx)
    kind = err.param_type or err.param.param_type_name
    if kind == "argument":
        return ProblemMessage.of("usage.missing_argument", name=name)
    if kind == "option":
        return ProblemMessage.of("usage.missing_option", name=name)
    return None


# click's sentences (as `_clause` leaves them) for the errors that carry nothing but their text:
# the pattern, the catalogue code, and how each group becomes a parameter.
_Sentence = tuple[re.Pattern[str], str, tuple[str, ...]]
_SENTENCES: tuple[_Sentence, ...] = (
    (re.compile(r"option (.+) requires an argument"), "usage.requires_value", ("name",)),
    (re.compile(r"option (.+) does not take a value"), "usage.takes_no_value", ("name",)),
    (re.compile(r"got unexpected extra arguments? \((.*)\)"), "usage.extra_arguments", ("values",)),
)
# What click's parameter types say of a value they reject (the `reason` after the option name).
_TYPE_COMPLAINTS: tuple[_Sentence, ...] = (
    (re.compile(r"(.+) is not one of (.+)"), "usage.not_one_of", ("value", "choices")),
    (re.compile(r"(.+) is not in the range (.+)"), "usage.out_of_range", ("value", "range")),
    (re.compile(r"(.+) is not a valid integer(?: range)?"), "usage.not_integer", ("value",)),
    (re.compile(r"(?:file|directory|path) (.+) is a directory"), "usage.path_is_directory", ("path",)),
    (re.compile(r"(?:file|directory|path) (.+) is a file"), "usage.path_is_file", ("path",)),
)
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'")


def _type_complaint(text: str) -> ProblemMessage | None:
    said = _matched(text, _TYPE_COMPLAINTS)
    if said is not None and said.code == "usage.not_one_of":
        # click lists the choices "'a', 'b', 'c'": said as a list in the message's language.
        params = dict(said.params)
        choices = _QUOTED.findall(str(params["choices"]))
        if choices:
            return ProblemMessage.of("usage.not_one_of", value=params["value"], choices=all_of(choices))
    return said


def _matched(text: str, sentences: Sequence[_Sentence]) -> ProblemMessage | None:
    for pattern, code, names in sentences:
        match = pattern.fullmatch(text)
        if match:
            return ProblemMessage.of(code, **dict(zip(names, match.groups())))
    return None
