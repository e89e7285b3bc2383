"""Where the wall time of one `svccheck audit` run goes: serial start, the audit, the serial end.

    python bench/timeline.py FILE... [AUDIT OPTIONS...]      (e.g. --format json --jobs 2)

Runs `svccheck audit` in this process with marks at its stages and prints, on stderr, the wall
and CPU seconds (this process only; workers' CPU is not counted) at each mark:

    imported        svccheck's CLI and the audit command (with the engine) imported
    rules loaded    the rule set loaded and checked
    first outcome   the first interaction's outcome reached the report (workers started)
    last outcome    every interaction audited
    report built    findings sorted, summary counted
    written         every report rendered and written
    exit            at exit

A report written while the audit runs (`--format json` or `jsonl` alone) has no "report
built" or "written": it is written by "last outcome".

Before "first outcome" and after "last outcome" one process works while the other cores wait:
that serial time is what parallel workers cannot shorten (bench/RESULTS.md, fourth follow-up).
The marks wrap functions of `svccheck.cli.audit`; a benchmark tool, not an interface.
"""

from __future__ import annotations

import atexit
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

STARTED = time.perf_counter()


def mark(what: str) -> None:
    print(f"{time.perf_counter() - STARTED:8.3f} s  {time.process_time():7.2f} s CPU  {what}", file=sys.stderr)


def _after(function: Callable[..., Any], what: str) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        mark(what)
        return result

    return wrapped


def _marked(outcomes: Iterable[Any]) -> Iterator[Any]:
    first = True
    for outcome in outcomes:
        if first:
            mark("first outcome")
            first = False
        yield outcome
    mark("last outcome")


def main(argv: list[str]) -> None:
    import svccheck.cli as cli
    from svccheck.cli import audit as command

    mark("imported")
    command.configured_rules = _after(command.configured_rules, "rules loaded")
    build_report = command.build_report
    command.build_report = _after(lambda found, *a, **k: build_report(_marked(found), *a, **k), "report built")
    stream_report = command.stream_report  # --format json or jsonl alone
    command.stream_report = lambda found, *a, **k: stream_report(_marked(found), *a, **k)
    command.write_reports = _after(command.write_reports, "written")
    atexit.register(mark, "exit")
    cli.main(["audit", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
