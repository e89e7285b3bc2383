"""Benchmark `svccheck audit` on input files, beside the parse-only floor and a plain script.

    python bench/run.py FILE... [--svccheck-arg=--jobs=1]... [--svccheck-cmd CMD] [--no-plain] [--json]

For each file, in one run on the same file:

- **parse floor**: interactions/second of merely parsing the file with the fastest parser
  available (orjson, line by line for JSON Lines, whole for .json): no checker can beat it;
- **svccheck**: interactions/second of the real CLI, `svccheck audit FILE --format json` (or
  ``--format``) with the built-in rules and any ``--svccheck-arg``, run as a subprocess; its
  CPU time (including its worker processes) and peak memory (`ru_maxrss`: the largest of the
  command and each of its workers, measured from a small launcher process);
- **plain script**: the same for `bench/plain_script.py` (the standard json module, one
  process, the built-in rules' checks hand-coded), whose findings per rule are compared with
  svccheck's (a mismatch is printed: it means the two no longer do the same checks).

Timings are wall-clock (time.perf_counter) including interpreter start-up, best of ``--repeat``
runs. Never a unit test: numbers depend on the machine; bench/RESULTS.md records them with the
machine described.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
PLAIN_RULES = frozenset(
    {
        "phone.answer-within-three-rings", "phone.greeting", "phone.hold-permission", "phone.closing-courtesy",
        "speech.forbidden-phrases", "complaint.apology", "complaint.confirm-satisfaction",
        "complaint.too-many-transfers", "complaint.acknowledged-in-time", "promise.kept",
        "promise.checkout-three-minutes", "promise.first-dish-ten-minutes", "food.holding-time-fries",
        "food.holding-time-burgers", "food.holding-time-coffee", "visit.greeted-promptly", "visit.staff-groomed",
        "visit.environment-clean", "visit.accompanied-guest", "visit.helped-with-luggage", "visit.smile-eye-contact",
        "survey.servqual-gap", "speech.no-over-promising", "scorecard.hotel-mystery-shopper",
    }
)


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float
    max_rss_mb: float
    output: str
    code: int
    stderr: str


# Started by a small launcher process, not by this one: on Linux a child's ru_maxrss starts at
# its parent's RSS at fork (exec keeps the old high-water mark), so a command forked from this
# process, which may hold a parsed file, would report this process's memory as its own.
_LAUNCHER = """
import json, os, subprocess, sys, time
with open(sys.argv[1], "wb") as out, open(sys.argv[2], "wb") as err:
    started = time.perf_counter()
    proc = subprocess.Popen(sys.argv[3:], stdout=out, stderr=err)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
print(json.dumps([elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, os.waitstatus_to_exitcode(status)]))
"""
TAIL = 1 << 16  # bytes of a command's output kept: its last line is the summary


def child_env() -> dict[str, str]:
    """This environment, but with Python's byte-code cache on: an installed svccheck imports
    compiled modules, and PYTHONDONTWRITEBYTECODE (set in some sandboxes and containers) would
    have both commands compile their Python sources on every run (0.06 s of svccheck's start)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_child(argv: list[str]) -> Run:
    """Run a command, returning wall time, CPU time (the command's and its waited-for workers'),
    peak RSS (MB: the largest of the command and each of its workers) and the end of stdout."""
    with tempfile.TemporaryDirectory() as tmp:
        out, err = Path(tmp) / "out", Path(tmp) / "err"
        done = subprocess.run([sys.executable, "-c", _LAUNCHER, str(out), str(err), *argv],
                              capture_output=True, text=True, check=True, env=child_env())
        elapsed, cpu, max_rss_kb, code = json.loads(done.stdout)
        with out.open("rb") as handle:
            handle.seek(max(0, out.stat().st_size - TAIL))
            text = handle.read().decode("utf-8", "replace")
        errors = err.read_text(encoding="utf-8", errors="replace")[-2000:]
    return Run(elapsed, cpu, max_rss_kb / 1024, text, code, errors)


def parse_floor(path: Path) -> tuple[int, float]:
    """(records, seconds) to parse the file with orjson and nothing else."""
    started = time.perf_counter()
    loads = orjson.loads
    count = 0
    if path.suffix == ".jsonl":
        with path.open("rb") as handle:
            for line in handle:
                if line.strip():
                    loads(line)
                    count += 1
    else:
        data = loads(path.read_bytes())
        count = len(data) if isinstance(data, list) else len(data.get("interactions", [data]))
    return count, time.perf_counter() - started


def best(argv: list[str], repeat: int) -> Run:
    runs = [run_child(argv) for _ in range(repeat)]
    return min(runs, key=lambda r: r.seconds)


def svccheck_argv(command: list[str], path: Path, extra: list[str], fmt: str) -> list[str]:
    if not command:
        command = [shutil.which("svccheck", path=str(Path(sys.executable).parent)) or "svccheck"]
    return [*command, "audit", str(path), "--format", fmt, *extra]


def summary_of(run: Run) -> dict[str, Any]:
    """The summary: the last line of --format jsonl, or the "summary" that ends --format json."""
    text = run.output.rstrip()
    try:
        if text.endswith("}\n}") or text.endswith("}\n  }\n}"):
            start = text.rindex('"summary": {')
            data: dict[str, Any] = json.loads("{" + text[start:].rstrip().removesuffix("}").rstrip() + "}")["summary"]
        else:
            data = json.loads(text.splitlines()[-1])
        return data
    except (ValueError, KeyError, IndexError):
        return {}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal"))
        mem = f"{mem_kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration):
        mem = "RAM unknown"
    return f"{cpu}, {os.cpu_count()} cores, {mem}, Python {platform.python_version()}, {platform.system()}"


def bench_file(path: Path, command: list[str], extra: list[str], repeat: int, plain: bool, fmt: str) -> dict[str, Any]:
    audit = best(svccheck_argv(command, path, extra, fmt), repeat)
    if audit.code not in (0, 1, 3):
        print(f"svccheck exited {audit.code}: {audit.stderr.strip()[-500:]}", file=sys.stderr)
    summary = summary_of(audit)
    row: dict[str, Any] = {
        "file": str(path),
        "svccheck_s": audit.seconds,
        "svccheck_cpu_s": audit.cpu_seconds,
        "svccheck_rss_mb": audit.max_rss_mb,
        "svccheck_exit": audit.code,
        "findings": summary.get("findings"),
        "errors": summary.get("errors"),
    }
    if plain:
        script = best([sys.executable, str(HERE / "plain_script.py"), str(path)], repeat)
        row["plain_s"] = script.seconds
        row["plain_cpu_s"] = script.cpu_seconds
        row["plain_rss_mb"] = script.max_rss_mb
        try:
            plain_rules = json.loads(script.output)["by_rule"]
        except (ValueError, KeyError):
            plain_rules = None
        # Compare the rules the plain script implements (other rules may have been added).
        ours = summary.get("by_rule", {})
        row["same_findings"] = plain_rules is not None and all(ours.get(k, 0) == v for k, v in plain_rules.items()) and all(
            k in plain_rules for k in ours if k in PLAIN_RULES
        )
    # Last, so that the parsed file is not in this process while the commands run.
    records, parse_seconds = min((parse_floor(path) for _ in range(repeat)), key=lambda r: r[1])
    row["records"] = records
    row["parse_per_s"] = records / parse_seconds
    row["svccheck_per_s"] = records / audit.seconds
    if plain:
        row["plain_per_s"] = records / row["plain_s"]
    return row


def markdown(rows: list[dict[str, Any]], extra: list[str], fmt: str) -> str:
    args = " ".join(["--format", fmt, *extra])
    lines = [
        f"svccheck arguments: {args}",
        "",
        "| file | records | parse floor /s | svccheck /s | svccheck wall s | svccheck CPU s | svccheck peak MB "
        "| plain script /s | plain CPU s | plain peak MB | same findings |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        plain = (
            f"{r['plain_per_s']:,.0f} | {r['plain_cpu_s']:.2f} | {r['plain_rss_mb']:,.0f} | "
            f"{'yes' if r['same_findings'] else 'NO'}"
            if "plain_per_s" in r
            else "- | - | - | -"
        )
        lines.append(
            f"| {Path(r['file']).name} | {r['records']:,} | {r['parse_per_s']:,.0f} | {r['svccheck_per_s']:,.0f} | "
            f"{r['svccheck_s']:.2f} | {r['svccheck_cpu_s']:.2f} | {r['svccheck_rss_mb']:,.0f} | {plain} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--svccheck-cmd", default="", help="command that runs svccheck (default: the svccheck "
                        "script beside this Python), e.g. 'env PYTHONPATH=/old/pkg python -m svccheck'")
    parser.add_argument("--svccheck-arg", action="append", default=[], help="extra argument for svccheck audit")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the best counts (default 1)")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain-script comparison")
    parser.add_argument("--format", default="json", choices=("json", "jsonl", "text"),
                        help="svccheck's report format (default json; its summary is checked)")
    parser.add_argument("--json", action="store_true", help="print rows as JSON instead of a Markdown table")
    args = parser.parse_args(argv)
    extra = [a for arg in args.svccheck_arg for a in arg.split("=", 1)] if args.svccheck_arg else []
    print(f"machine: {machine()}", file=sys.stderr)
    rows = []
    for path in args.files:
        row = bench_file(path, args.svccheck_cmd.split(), extra, args.repeat, not args.no_plain, args.format)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    print(json.dumps(rows, indent=1) if args.json else markdown(rows, extra, args.format))
    return 0


if __name__ == "__main__":
    sys.exit(main())
