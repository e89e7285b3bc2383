"""`svccheck audit`: audit interactions against the built-in rules and any --rules directories."""

from __future__ import annotations

import dataclasses
import gc
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path

import click

from .. import parallel
from ..audit import Outcome, build_report, exit_code, stream_report, summary_exit_code, triage
from ..baseline import load_baseline
from ..waivers import load_waivers
from ..formatters import FORMATTERS, get_formatter
from ..formatters._labels import labels
from ..formatters.json_format import JsonWriter
from ..formatters.jsonl import JsonlWriter
from ..model import SEVERITIES, InputProblem, Report, Severity, Summary
from ..parallel import default_jobs
from ..problems import ProblemMessage
from ..progress import progress_label, track
from .output import output_stream, to_file
from .usage import SaidUsageError
from . import (
    config_option,
    configured_rules,
    default_lang,
    note_outputs,
    parse_date,
    rules_option,
    user_errors,
)

#: The most worker processes `--jobs` takes. Each is a forked interpreter holding the rules, and
#: beyond the number of cores more only add memory and start-up time; 256 leaves room for big
#: machines while a typo (`-j 1000`, `-j 2147483648`) is a usage error instead of a fork storm.
MAX_JOBS = 256
MAX_COUNT = 2**63 - 1  # the largest count a JSON report writes (orjson's integers are 64-bit)


def _countable(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    """Option callback: --max-findings beyond `MAX_COUNT` allows as much as `MAX_COUNT` (no audit
    has that many findings), which a JSON report can write."""
    return None if value is None else min(value, MAX_COUNT)


def report_targets(formats: tuple[str, ...], outputs: tuple[Path, ...]) -> list[tuple[str, Path | None]]:
    """Each report format with where it goes: format i to output i, the formats beyond the outputs
    (and `--output -`) to standard output, None. Checked before anything is audited: at most one
    report on standard output, and no two in the same file (the second would overwrite the first).
    No --format is the text report, which one --output may name (`svccheck audit x -o report.txt`)."""
    chosen = formats or ("text",)
    if len(outputs) > len(chosen):
        raise SaidUsageError(ProblemMessage.of("usage.more_outputs"))
    targets = [(name, to_file(outputs[i]) if i < len(outputs) else None) for i, name in enumerate(chosen)]
    if sum(path is None for _, path in targets) > 1:
        raise SaidUsageError(ProblemMessage.of("usage.one_on_stdout"))
    seen: set[str] = set()
    for _, path in targets:
        if path is None:
            continue
        # `a`, `./a` and a link to it are one file. realpath, not Path.resolve: that raises
        # RuntimeError on a symbolic link loop, which opening the file reports properly.
        key = os.path.realpath(path)
        if key in seen:
            raise SaidUsageError(ProblemMessage.of("usage.output_twice", path=str(path)))
        seen.add(key)
    return targets


def write_reports(report: Report, targets: Sequence[tuple[str, Path | None]]) -> None:
    """Each format to its file, or to standard output for None."""
    for name, path in targets:
        render = get_formatter(name)
        with output_stream(path) as handle:
            render(report, handle)


def run_summary(summary: Summary, failing: int, fail_on: Severity, lang: str, new: bool = False,
                max_findings: int | None = None) -> str:
    """One line for stderr: "29 interactions audited, 101 findings (24 failing at or above
    major), 0 input errors", in the words of the text report's summary and in its language
    (`lang`, as `Report.lang`): "共审核 29 条交互 · 101 条问题（24 条问题达到或高于重要级别） ·
    0 个输入错误"."""
    say = labels(lang)
    allowed = say("run_allowed", n=max_findings) if max_findings is not None else ""
    return say("run_summary", interactions=say.count(summary.interactions, "interaction"),
               findings=say.count(summary.findings, "finding"),
               failing=say.count(failing, "new failing" if new else "failing"),
               level=say.name("severity", fail_on.value), allowed=allowed,
               errors=say.count(summary.errors, "input error"))


#: The formats written while the audit runs when one of them is the only report and nothing
#: (baseline, waivers, --max-findings) can change a finding after it is made: its findings are
#: never held, so memory stays flat, and the report is written while the workers work instead
#: of after them (0.25 s less at the end of 100k interactions as JSON).
STREAMED: Mapping[str, type[JsonWriter] | type[JsonlWriter]] = {"json": JsonWriter, "jsonl": JsonlWriter}


def stream_findings(outcomes: Iterable[Outcome | InputProblem], fmt: str, fail_on: Severity, output: Path | None,
                    lang: str, config: str | None = None) -> int:
    """One `STREAMED` report: findings are written as they come and never held. `lang`: the
    language of input errors and of the stderr line (findings' messages are already worded)."""
    with output_stream(output) as handle:
        writer = STREAMED[fmt](handle, fail_on, config=config, lang=lang)
        summary = stream_report(outcomes, writer.finding, writer.error)
        writer.close(summary)
    if output is not None:
        note_outputs(run_summary(summary, summary.at_or_above(fail_on), fail_on, lang), [output])
    return summary_exit_code(summary, fail_on)


_KEPT_EVERY = 4096  # outcomes between moving what the report keeps out of the collector's sight


def _kept(outcomes: Iterable[Outcome | InputProblem]) -> Iterator[Outcome | InputProblem]:
    """`outcomes`, every object made so far frozen now and then (`gc.freeze`): the report keeps
    every outcome and finding until exit, so the collector's young generations walked each of
    them once or twice for nothing (0.1 s of the main process for 100,000 interactions,
    measured). Frozen objects are still freed when nothing refers to them."""
    for count, outcome in enumerate(outcomes, 1):
        if count % _KEPT_EVERY == 0:
            gc.freeze()
        yield outcome


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@rules_option
@click.option("--format", "formats", multiple=True, type=click.Choice(sorted(FORMATTERS)),
              help="Report format (repeatable, paired with --output in order). Default: text.")
@click.option("-o", "--output", "outputs", multiple=True,
              type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              help="Write the matching --format to this file instead of standard output (- is standard "
                   "output); each report needs its own file.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Exit 1 when a finding is at or above this severity (default: the "
                   "configuration's fail-on, else major).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
              help="Language of messages (default: from the locale).")
@click.option("--jobs", "-j", type=click.IntRange(1, MAX_JOBS), default=None, metavar="N",
              help=f"Worker processes, 1 to {MAX_JOBS} (default: all cores). Inputs under 1 MiB are "
                   "audited in one process. The output is the same for any number.")
@click.option("--dask", "dask_address", default=None, metavar="SCHEDULER_ADDRESS",
              help="Audit the input files on a Dask cluster, one task per file (needs svccheck[dask] "
                   "and the files at the same paths on the workers).")
@click.option("--baseline", "baseline_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Previous JSON report or `svccheck baseline create` output: findings in it are "
                   "reported as baselined and do not fail the run.")
@click.option("--waivers", "waivers_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="waivers.yaml: findings an unexpired waiver covers are reported as waived and do not "
                   "fail the run; expired and stale waivers are reported.")
@click.option("--today", callback=parse_date, default=None, metavar="YYYY-MM-DD",
              help="The date waivers expire against (default: today's local date).")
@click.option("--max-findings", type=click.IntRange(min=0), callback=_countable, default=None, metavar="N",
              help="Exit 1 only when more than N new, unwaived findings are at or above --fail-on "
                   "(default: any).")
@config_option
@user_errors
def audit(paths: tuple[Path, ...], rule_dirs: tuple[Path, ...], formats: tuple[str, ...],
          outputs: tuple[Path, ...], fail_on: str | None, lang: str | None, jobs: int | None,
          dask_address: str | None, config_path: Path | None = None, baseline_path: Path | None = None,
          waivers_path: Path | None = None, today: date | None = None,
          max_findings: int | None = None) -> None:
    """Audit recorded interactions (.json / .jsonl files or directories).

    Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 rule, configuration
    or usage error (nothing audited); 3 an input could not be read or an interaction was invalid
    (the valid ones are still audited and reported). Only new findings count: not in --baseline,
    not covered by an unexpired waiver; with --max-findings N, exit 1 needs more than N of them.
    """
    # Auditing allocates millions of short-lived containers (every decoded record): with the
    # default thresholds (700, 10, 10) the garbage collector took a tenth of a one-process run
    # (measured, bench/RESULTS.md). This process and its workers (forked) collect less often.
    gc.set_threshold(50_000, 20, 20)
    targets = report_targets(formats, outputs)  # a usage error here costs no audit
    files = [path for _, path in targets if path is not None]
    baseline = load_baseline(baseline_path) if baseline_path is not None else None
    waivers = load_waivers(waivers_path) if waivers_path is not None else None
    gated = baseline is not None or waivers is not None or max_findings is not None
    config, rules = configured_rules(config_path, rule_dirs)
    language = lang or default_lang()
    severity = Severity(fail_on) if fail_on else (config.fail_on or Severity.MAJOR)
    if dask_address is not None:
        from ..distributed import audit_on_dask

        report = audit_on_dask(dask_address, list(paths), rules, severity, language)
    elif len(formats) == 1 and formats[0] in STREAMED and not gated:
        found = track(parallel.outcomes(list(paths), rules, language, jobs or default_jobs()), None,
                      progress_label("auditing", language))
        config_file = str(config.path) if config.path is not None else None
        sys.exit(stream_findings(found, formats[0], severity, targets[0][1], language, config_file))
    else:
        # parallel.audit_paths, with a progress bar on a terminal's stderr for big inputs
        found = track(parallel.outcomes(list(paths), rules, language, jobs or default_jobs()), None,
                      progress_label("auditing", language))
        report = build_report(_kept(found), rules, severity, language, inputs=[str(p) for p in paths])
    if config.path is not None:
        report = dataclasses.replace(report, config=str(config.path))
    report = triage(report, baseline, waivers, today, max_findings)
    # The report lives until exit: out of the garbage collector's sight, the collections that
    # rendering triggers no longer walk its million objects (a third of a JSON report's time).
    gc.freeze()
    write_reports(report, targets)
    if len(files) == len(targets):  # nothing on stdout: say on stderr how it went
        triaged = report.baseline is not None or report.waivers is not None  # "failing" counts new ones
        note_outputs(run_summary(report.summary, len(report.failing()), report.fail_on, report.lang,
                                 triaged, report.max_findings), files)
    sys.exit(exit_code(report))
