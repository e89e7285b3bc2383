"""The one user-facing error type and the exit codes it maps to.

Anything the user can fix (a broken rule file, a bad option, an unreadable configuration) is
raised as a `SvccheckError` subclass carrying a one-line message; the CLI prints it and exits
with the class's code. Any other exception is a bug in svccheck.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Exit codes of `svccheck audit` (documented in the README; CI relies on them)."""

    OK = 0
    FINDINGS = 1
    USAGE = 2  # rule, configuration or usage error: nothing was audited
    INPUT = 3  # an input could not be read or an interaction was invalid


class SvccheckError(Exception):
    """An error the user can fix. `str(err)` is one line; `problems` may list several."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class RuleError(SvccheckError):
    """One or more rule files (or the configuration) are invalid; each problem is
    `file:line:col: key: message`."""


class EngineUnavailable(SvccheckError):
    """durable-rules cannot be imported on this Python."""


class EngineError(SvccheckError):
    """durable-rules behaved in a way the adapter guards against (see durable_adapter)."""
