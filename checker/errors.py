"""The one user-facing error type and the exit codes it maps to.

Anything the user can fix (a broken rule file, a bad option, an unreadable configuration) is
raised as a `SvccheckError` subclass carrying a one-line message; the CLI prints it and exits
with the class's code. Any other exception is a bug in svccheck.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Protocol

from .problems import ProblemMessage


class ExitCode(enum.IntEnum):
    """Exit codes of `svccheck audit` (documented in the README; CI relies on them)."""

    OK = 0
    FINDINGS = 1
    USAGE = 2  # rule, configuration or usage error: nothing was audited
    INPUT = 3  # an input could not be read or an interaction was invalid


class Described(Protocol):
    """A located problem that can be said in a language (`svccheck.yamlpos.Problem`, ...)."""

    def describe(self, lang: str = "en") -> str: ...


class SvccheckError(Exception):
    """An error the user can fix. `str(err)` is one line; `problems` may list several.

    Both are English; an error made with a `ProblemMessage` and problems that can `describe`
    themselves can also be said in another language (`lines`), as the CLI does for a command's
    --lang. Plain strings are said as they are in every language."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str | ProblemMessage, problems: Sequence[str | Described] = ()) -> None:
        self.said = message if isinstance(message, ProblemMessage) else ProblemMessage.verbatim(message)
        super().__init__(self.said.text("en"))
        self.located = tuple(problems)
        self.problems = tuple(p if isinstance(p, str) else p.describe("en") for p in self.located)

    def lines(self, lang: str = "en") -> tuple[list[str], str]:
        """The problems, one a line, and the error's own line, in `lang` (English: `problems`
        and `str(self)`, byte for byte)."""
        if lang == "en":
            return list(self.problems), str(self)
        return [p if isinstance(p, str) else p.describe(lang) for p in self.located], self.said.text(lang)


class RuleError(SvccheckError):
    """One or more rule files (or the configuration) are invalid; each problem is
    `file:line:col: key: message`."""


class EngineUnavailable(SvccheckError):
    """durable-rules cannot be imported on this Python."""


class EngineError(SvccheckError):
    """durable-rules behaved in a way the adapter guards against (see durable_adapter)."""
