"""The whole CLI's error conventions (svccheck.cli.Svccheck): every usage error is one line on
stderr with exit 2, `--output -` / `-o -` is standard output, control characters in error
lines are shown escaped, and a reader of standard output that goes away ends the command
quietly with exit 141. Per-command messages are tested with their commands."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import pytest

from conftest import EXAMPLES, CliRun
from svccheck.formatters import FORMATTERS

Run = Callable[..., CliRun]
PHONE = EXAMPLES / "phone-calls.json"
SHOPPER = EXAMPLES / "mystery-shopper"


def _one_line(command: str, message: str) -> str:
    return f"{command}: error: {message} (see {command} --help)\n"


# --- usage errors: one line, exit 2 --------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "command", "message"),
    [
        (["nosuch"], "svccheck", "no such command 'nosuch'"),
        (["--bogus"], "svccheck", "no such option '--bogus'"),
        (["import", "{tmp}", "--mapping", "m.yaml"], "svccheck import", "FILE: file '{tmp}' is a directory"),
        (["import", "x.csv"], "svccheck import", "missing option '--mapping'"),
        (["init", "--directory", "{tmp}/in.json"], "svccheck init", "--directory: directory '{tmp}/in.json' is a file"),
        # A subcommand of a subcommand is named in full.
        (["baseline", "create"], "svccheck baseline create", "missing argument 'PATHS...'"),
        (["baseline", "create", "{tmp}/in.json", "-o"], "svccheck baseline create", "option '-o' requires an argument"),
        (["report", "{tmp}/in.json", "--group-by", "colour"], "svccheck report",
         "--group-by: 'colour' is not one of 'site', 'agent', 'channel', 'wave'"),
        (["lint", "--format", "xml"], "svccheck lint", "--format: 'xml' is not one of 'text', 'json'"),
        (["test", "a", "--lang", "fr"], "svccheck test", "--lang: 'fr' is not one of 'en', 'zh'"),
    ],
)
def test_usage_errors_of_every_command_are_one_line(
    run_cli: Run, tmp_path: Path, args: list[str], command: str, message: str
) -> None:
    (tmp_path / "in.json").write_text("[]", encoding="utf-8")
    result = run_cli(*[arg.format(tmp=tmp_path) for arg in args])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == _one_line(command, message.format(tmp=tmp_path))


def _one_line_zh(command: str, message: str) -> str:
    return f"{command}: error: {message}（见 {command} --help）\n"


ZH = {"LANG": "zh_CN.UTF-8"}


@pytest.mark.parametrize(
    ("args", "command", "message"),
    [
        (["nosuch"], "svccheck", "没有命令 'nosuch'"),
        (["audi"], "svccheck", "没有命令 'audi'（是否应为 'audit'？）"),
        (["--bogus"], "svccheck", "没有选项 '--bogus'"),
        (["audit", "x", "--formt", "json"], "svccheck audit", "没有选项 '--formt'（是否应为 '--format'？）"),
        (["audit", "x", "--waivers-today"], "svccheck audit", "没有选项 '--waivers-today'（是否应为 '--waivers' 或 '--today'？）"),
        (["import", "{tmp}", "--mapping", "m.yaml"], "svccheck import", "FILE：'{tmp}' 是目录"),
        (["import", "x.csv"], "svccheck import", "缺少选项 '--mapping'"),
        (["init", "--directory", "{tmp}/in.json"], "svccheck init", "--directory：'{tmp}/in.json' 是文件"),
        (["baseline", "create"], "svccheck baseline create", "缺少参数 'PATHS...'"),
        (["baseline", "create", "{tmp}/in.json", "-o"], "svccheck baseline create", "选项 '-o' 需要一个值"),
        (["baseline", "frob"], "svccheck baseline", "没有命令 'frob'"),
        (["report", "{tmp}/in.json", "--group-by", "colour"], "svccheck report",
         "--group-by：'colour' 不是可选的值：'site'、'agent'、'channel'、'wave'"),
        (["audit", "x", "--jobs", "0"], "svccheck audit", "--jobs：0 不在 1<=x<=256 范围内"),
        (["audit", "x", "--jobs", "two"], "svccheck audit", "--jobs：'two' 不是整数"),
        (["audit", "x", "--today", "tomorrow"], "svccheck audit", "--today：'tomorrow' 不是 YYYY-MM-DD 格式的日期"),
        (["audit", "x", "--today", "2026-02-30"], "svccheck audit", "--today：'2026-02-30' 不是有效的日期"),
        (["audit", "x", "-o", "a", "-o", "b"], "svccheck audit", "--output 选项比 --format 选项多"),
        (["audit", "x", "--format", "json", "--format", "text"], "svccheck audit",
         "只有一个 --format 可以写到标准输出；请为其余格式指定 --output"),
        (["audit", "x", "--format", "json", "--format", "text", "-o", "a", "-o", "./a"], "svccheck audit",
         "--output a 被指定给了两个报告；请为每个 --format 指定各自的文件"),
        (["explain"], "svccheck explain", "请给出 RULE_ID（`svccheck rules` 可列出）或 --kinds"),
        (["explain", "phone.greeting", "--kinds"], "svccheck explain", "请给出 RULE_ID 或 --kinds，不要同时给出"),
        (["rules", "--standard", "nowhere"], "svccheck rules", "--standard：未知的标准 'nowhere'（`svccheck standards` 可列出）"),
        (["standards", "extra", "more"], "svccheck standards", "多余的参数：extra more"),
    ],
)
def test_usage_errors_are_said_in_chinese_under_a_chinese_locale(
    run_cli: Run, tmp_path: Path, args: list[str], command: str, message: str
) -> None:
    (tmp_path / "in.json").write_text("[]", encoding="utf-8")
    result = run_cli(*[arg.format(tmp=tmp_path) for arg in args], env=ZH)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == _one_line_zh(command, message.format(tmp=tmp_path))


@pytest.mark.parametrize(
    ("args", "env", "chinese"),
    [
        (["audit", "x", "--jobs", "0", "--lang", "zh"], {}, True),
        (["audit", "--lang=zh", "x", "--jobs", "0"], {}, True),
        (["audit", "x", "--jobs", "0", "--lang", "en"], ZH, False),
        (["audit", "x", "--jobs", "0", "--lang", "zh", "--lang", "en"], {}, False),  # the last one counts
        (["audit", "x", "--jobs", "0", "--lang", "fr"], ZH, True),  # not a language: the locale's
        (["audit", "--jobs", "0", "--", "--lang", "zh"], {}, False),  # after --: a file name
    ],
)
def test_a_usage_error_is_said_in_the_command_lines_lang_even_before_it_is_parsed(
    run_cli: Run, args: list[str], env: dict[str, str | None], chinese: bool
) -> None:
    result = run_cli(*args, env=env)
    assert result.exit_code == 2
    assert result.stderr.startswith("svccheck audit: error: ")
    assert ("不在 1<=x<=256 范围内" in result.stderr or "'fr' 不是可选的值" in result.stderr) is chinese
    assert ("is not in the range" in result.stderr or "is not one of" in result.stderr) is not chinese


def test_a_click_error_svccheck_cannot_say_in_chinese_stays_in_clicks_words() -> None:
    import click

    from svccheck.cli.usage import usage_line

    err = click.UsageError("Something click says that svccheck has never seen.")
    assert usage_line(err, "svccheck audit", "zh") == (
        "svccheck audit: error: something click says that svccheck has never seen (see svccheck audit --help)"
    )
    bad = click.BadParameter("Is too blue.", param_hint="--colour")
    assert usage_line(bad, "svccheck audit", "zh") == "svccheck audit: error: --colour: is too blue (see svccheck audit --help)"


def test_no_command_still_prints_the_help(run_cli: Run) -> None:
    result = run_cli()
    assert "Commands:\n" in result.stdout + result.stderr
    assert "error:" not in result.stderr


def test_help_is_unchanged(run_cli: Run) -> None:
    result = run_cli("baseline", "create", "--help")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("Usage: svccheck baseline create [OPTIONS] PATHS...\n")


def test_an_error_line_shows_control_characters_escaped(run_cli: Run, tmp_path: Path) -> None:
    missing = tmp_path / "b\x1b[2J\u202e.json"
    result = run_cli("audit", PHONE, "--baseline", missing)
    assert result.exit_code == 2
    shown = str(missing).replace("\x1b", "\\x1b").replace("\u202e", "\\u202e")
    assert result.stderr == f"svccheck: error: baseline {shown}: cannot read: No such file or directory\n"


# --- `-o -` is standard output, for every command that writes a file -------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["baseline", "create", str(PHONE)],
        ["report", str(EXAMPLES / "visits.json"), "--format", "markdown"],
        ["import", str(SHOPPER / "shopper-export-2026.csv"), "--mapping", str(SHOPPER / "mapping.yaml")],
    ],
    ids=["baseline-create", "report", "import"],
)
def test_output_dash_is_standard_output(run_cli: Run, here: Path, command: list[str]) -> None:
    plain = run_cli(*command)
    dashed = run_cli(*command, "-o", "-")
    assert plain.stdout and (dashed.exit_code, dashed.stdout, dashed.stderr) == (plain.exit_code, plain.stdout, plain.stderr)
    assert list(here.iterdir()) == []  # no file named `-`


# --- the reader of standard output goes away ---------------------------------------------------------


def _failing_text(error: OSError) -> Callable[[Any, TextIO], None]:
    def render(report: Any, out: TextIO) -> None:
        out.write("h-call-02 · hotel\n")
        raise error

    return render


def test_a_broken_pipe_ends_quietly_with_141(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(FORMATTERS, "text", _failing_text(BrokenPipeError(errno.EPIPE, "Broken pipe")))
    result = run_cli("audit", PHONE)
    assert (result.exit_code, result.stderr) == (141, "")


def test_another_write_error_on_standard_output_is_still_reported(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(FORMATTERS, "text", _failing_text(OSError(errno.ENOSPC, "No space left on device")))
    result = run_cli("audit", PHONE)
    assert (result.exit_code, result.stderr) == (2, "svccheck: error: cannot write standard output: No space left on device\n")


@pytest.mark.parametrize(
    "args",
    [["audit", str(PHONE)], ["audit", str(PHONE), "--format", "jsonl"], ["rules"], ["explain", "--kinds"]],
    ids=["audit", "audit-jsonl", "rules", "explain"],
)
def test_a_closed_pipe_on_standard_output(tmp_path: Path, args: list[str]) -> None:
    """A real pipe whose reader has gone (`svccheck audit | head -1` once head has exited): no
    "Broken pipe" error, no "Exception ignored" at the interpreter's exit, and exit 141."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = {**os.environ, "LANG": "C"}
    env.pop("LC_ALL", None)
    try:
        done = subprocess.run([sys.executable, "-m", "svccheck", *args], stdout=write_end, stderr=subprocess.PIPE,
                              cwd=tmp_path, env=env, timeout=120, check=False)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr.decode()) == (141, "")


@pytest.mark.parametrize("args", [["rules"], ["explain", "phone.greeting"], ["standards"]], ids=["rules", "explain", "standards"])
def test_a_full_disk_under_standard_output_is_one_line(tmp_path: Path, args: list[str]) -> None:
    """`svccheck rules > /dev/full`: these commands print with click.echo, outside output_stream."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    env = {**os.environ, "LANG": "C"}
    env.pop("LC_ALL", None)
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "svccheck", *args], stdout=full, stderr=subprocess.PIPE,
                              cwd=tmp_path, env=env, timeout=120, check=False)
    assert (done.returncode, done.stderr.decode()) == (2, "svccheck: error: cannot write standard output: No space left on device\n")


@pytest.mark.parametrize("to_file", [False, True])
@pytest.mark.parametrize("fmt", sorted(FORMATTERS))
def test_a_file_name_that_is_not_utf8_is_shown_not_refused(run_cli: Run, tmp_path: Path, fmt: str, to_file: bool) -> None:
    odd = os.fsencode(tmp_path) + b"/calls-\xff.json"  # Latin-1 bytes, say, from an old export
    try:
        with open(odd, "wb") as handle:
            handle.write(PHONE.read_bytes())
    except OSError:
        pytest.skip("this file system takes only UTF-8 names")
    from click.testing import CliRunner

    from svccheck.cli import main

    out = tmp_path / f"report.{fmt}"
    args = ["audit", os.fsdecode(odd), "--format", fmt, *(["-o", str(out)] if to_file else [])]
    result = CliRunner().invoke(main, args, env={"LANG": "C.UTF-8", "LC_ALL": None})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)  # no traceback
    assert result.exit_code == 1, result.stderr
    written = out.read_bytes() if to_file else result.stdout_bytes
    assert ("calls-%FF.json" if fmt == "sarif" else "calls-\ufffd.json").encode("utf-8") in written
    written.decode("utf-8")  # valid UTF-8 throughout


def test_max_findings_beyond_what_a_report_can_count_allows_as_much_as_it_can(run_cli: Run) -> None:
    result = run_cli("audit", PHONE, "--max-findings", str(10**30), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["summary"]["max_findings"] == 2**63 - 1
