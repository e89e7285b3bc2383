"""`svccheck audit`: exit codes and their precedence, --fail-on, the reports, and bad input.

Exit codes: 0 nothing at or above --fail-on (default major); 1 findings at or above it; 2 rule,
configuration or usage error (nothing audited); 3 input error (valid interactions still audited
and reported). 3 wins over 1, and 2 over both. No bad input ever ends in a traceback.

Every test runs in an empty working directory (no svccheck.yaml is picked up) on absolute paths.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, SHARED_DATA, CliRun
from svccheck.kinds import KINDS

Run = Callable[..., CliRun]

MAJOR_VISIT = {"id": "a", "channel": "visit", "site": "s1", "agent": "A-1", "metrics": {"checkout_seconds": 312, "first_dish_minutes": 14}}
CLEAN_VISIT = {"id": "c", "channel": "visit", "metrics": {"checkout_seconds": 100}}
# A call whose only fault is the missing greeting (phone.greeting is minor).
MINOR_CALL = {
    "id": "m",
    "channel": "phone",
    "events": [{"type": "utterance", "speaker": "agent", "text": "喂？请讲。"}, {"type": "utterance", "speaker": "agent", "text": "好的，谢谢，再见。"}],
}
REFUSING_CALL = {
    "id": "d",
    "channel": "phone",
    "site": "s1",
    "events": [
        {"type": "utterance", "at": 3, "speaker": "agent", "text": "您好，请问有什么可以帮您？"},
        {"type": "utterance", "at": 9, "speaker": "agent", "text": "这个我不知道。谢谢，再见。"},
    ],
}
BAD_RULE = """\
id: house.broken
title: Broken
standard: hotel.answer-phone-three-rings
severity: major
dimension: responsiveness
gap: delivery
check: {kind: thresold, value: {metric: rings}, max: 3}
"""


@pytest.fixture(autouse=True)
def _empty_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)


def _json_file(path: Path, *records: Any) -> Path:
    """A JSON array with record i on line i + 2, column 1."""
    path.write_text("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n]\n", encoding="utf-8")
    return path


def _jsonl_file(path: Path, *lines: str | bytes) -> Path:
    path.write_bytes(b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines))
    return path


def _rules_dir(path: Path, text: str) -> Path:
    path.mkdir()
    (path / "rule.yaml").write_text(text, encoding="utf-8")
    return path


# --- exit codes -------------------------------------------------------------------------------------


def test_exit_0_and_the_summary_when_everything_is_clean(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("audit", _json_file(tmp_path / "in.json", CLEAN_VISIT))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "1 interaction audited, 1 clean · 0 findings (none) · 0 input errors\n"
        "fail-on major: 0 findings at or above it\n"
    )


def test_exit_1_for_a_major_finding(run_cli: Run, tmp_path: Path) -> None:
    assert run_cli("audit", _json_file(tmp_path / "in.json", MAJOR_VISIT, CLEAN_VISIT)).exit_code == 1


@pytest.mark.parametrize(
    ("fail_on", "minor_only", "major"),
    [(None, 0, 1), ("critical", 0, 0), ("major", 0, 1), ("minor", 1, 1), ("info", 1, 1)],
)
def test_fail_on_sets_the_severity_that_fails(
    run_cli: Run, tmp_path: Path, fail_on: str | None, minor_only: int, major: int
) -> None:
    option = ["--fail-on", fail_on] if fail_on else []
    minor_file = _json_file(tmp_path / "minor.json", MINOR_CALL)
    major_file = _json_file(tmp_path / "major.json", MAJOR_VISIT)
    minor_result = run_cli("audit", minor_file, *option, "--format", "json")
    assert [f["severity"] for f in minor_result.json()["findings"]] == ["minor"]
    assert minor_result.exit_code == minor_only
    assert run_cli("audit", major_file, *option).exit_code == major


def test_exit_3_for_an_input_error_and_the_valid_interactions_are_still_reported(run_cli: Run, tmp_path: Path) -> None:
    good = _json_file(tmp_path / "good.json", CLEAN_VISIT)
    result = run_cli("audit", good, tmp_path / "missing.json", "--format", "json")
    assert result.exit_code == 3
    report = result.json()
    assert report["errors"] == [{"file": str(tmp_path / "missing.json"), "line": None, "message": "no such file or directory"}]
    assert (report["summary"]["interactions"], report["summary"]["clean"]) == (1, 1)


def test_exit_3_wins_over_exit_1(run_cli: Run, tmp_path: Path) -> None:
    path = _jsonl_file(tmp_path / "in.jsonl", json.dumps(MAJOR_VISIT), '{"id": "broken"}')
    result = run_cli("audit", path, "--format", "json")
    assert result.exit_code == 3
    report = result.json()
    assert [f["rule"] for f in report["findings"]] == ["promise.checkout-three-minutes", "promise.first-dish-ten-minutes"]
    assert report["errors"] == [
        {"file": str(path), "line": 2, "interaction": "broken", "message": "'channel' is a required property"}
    ]


def test_exit_2_wins_over_both_and_nothing_is_audited(run_cli: Run, tmp_path: Path) -> None:
    rules = _rules_dir(tmp_path / "rules", BAD_RULE)
    path = _jsonl_file(tmp_path / "in.jsonl", json.dumps(MAJOR_VISIT), '{"id": "broken"}')
    result = run_cli("audit", path, "--rules", rules)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1].startswith("svccheck: error: 1 problem(s) in rule files")


def test_a_data_problem_in_a_measured_interaction_is_exit_3_naming_interaction_and_rule(
    run_cli: Run, tmp_path: Path
) -> None:
    path = _json_file(tmp_path / "in.json", {"id": "x1", "channel": "phone", "metrics": {"rings": "5"}})
    result = run_cli("audit", path)
    assert result.exit_code == 3
    assert result.stdout == (
        "input errors (1):\n"
        f"  {path}:2:1: interaction x1: rule phone.answer-within-three-rings: metric 'rings' is '5', not a number\n"
        "\n"
        "1 interaction audited, 0 clean · 0 findings (none) · 1 input error\n"
        "fail-on major: 0 findings at or above it\n"
    )
    (error,) = run_cli("audit", path, "--format", "json").json()["errors"]
    assert error == {
        "file": str(path),
        "line": 2,
        "column": 1,
        "interaction": "x1",
        "rule": "phone.answer-within-three-rings",
        "message": "metric 'rings' is '5', not a number",
    }


#: `svccheck audit ARGS` (with one input file unless ARGS is empty) -> its whole stderr: one line
#: naming the command, the option and the fault, and where the help is; nothing on stdout, exit 2.
USAGE_ERRORS = [
    ([], "missing argument 'PATHS...'"),
    (["--format", "xml"], "--format: 'xml' is not one of 'github', 'json', 'jsonl', 'junit', 'markdown', 'sarif', 'text'"),
    (["--fail-on", "bad"], "--fail-on: 'bad' is not one of 'critical', 'major', 'minor', 'info'"),
    (["--jobs", "0"], "--jobs: 0 is not in the range 1<=x<=256"),
    (["--jobs", "257"], "--jobs: 257 is not in the range 1<=x<=256"),
    # Once an OverflowError traceback from the process pool.
    (["-j", "2147483648"], "--jobs: 2147483648 is not in the range 1<=x<=256"),
    (["--max-findings", "-1"], "--max-findings: -1 is not in the range x>=0"),
    # The day is what is wrong, not the format.
    (["--today", "2026-02-30"], "--today: '2026-02-30' is not a valid date (day is out of range for month)"),
    (["--today", "1 April"], "--today: '1 April' is not a date written YYYY-MM-DD"),
    (["--today", "2026-4-1"], "--today: '2026-4-1' is not a date written YYYY-MM-DD"),
    (["--output", "{tmp}"], "--output: file '{tmp}' is a directory"),
    (["--baseline", "{tmp}"], "--baseline: file '{tmp}' is a directory"),
    (["--format"], "option '--format' requires an argument"),
    (["--basline", "b.json"], "no such option '--basline' (did you mean '--baseline'?)"),
    (["--format", "json", "--output", "a", "--output", "b"], "more --output options than --format options"),
    (["--format", "json", "--format", "text"], "only one --format can go to standard output; give the others an --output"),
    (["--format", "json", "--output", "-", "--format", "text"],
     "only one --format can go to standard output; give the others an --output"),
    # The second report would silently overwrite the first.
    (["--format", "json", "--output", "{tmp}/a", "--format", "sarif", "--output", "{tmp}/sub/../a"],
     "--output {tmp}/sub/../a is given for two reports; give each --format its own file"),
    # A terminal control character in a value is shown, not obeyed.
    (["--fail-on", "\x1b[2J"], "--fail-on: '\\x1b[2J' is not one of 'critical', 'major', 'minor', 'info'"),
]


@pytest.mark.parametrize(("args", "message"), USAGE_ERRORS)
def test_usage_errors_are_one_line_and_exit_2(run_cli: Run, tmp_path: Path, args: list[str], message: str) -> None:
    paths = [_json_file(tmp_path / "in.json", MAJOR_VISIT)] if args else []
    result = run_cli("audit", *paths, *[arg.format(tmp=tmp_path) for arg in args])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"svccheck audit: error: {message.format(tmp=tmp_path)} (see svccheck audit --help)\n"
    assert not list(tmp_path.glob("a")), "nothing is written after a usage error"


def test_help_is_still_click_help(run_cli: Run) -> None:
    result = run_cli("audit", "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: svccheck audit [OPTIONS] PATHS...\n")
    assert "  -j, --jobs N " in result.stdout


def test_the_largest_jobs_is_accepted(run_cli: Run, tmp_path: Path) -> None:
    path = _json_file(tmp_path / "in.json", MAJOR_VISIT)  # under 1 MiB: audited in one process
    assert run_cli("audit", path, "--jobs", "256").exit_code == 1


# --- reports ------------------------------------------------------------------------------------------


def test_json_report_shape_and_summary_counts(run_cli: Run, tmp_path: Path) -> None:
    path = _json_file(tmp_path / "in.json", MAJOR_VISIT, MINOR_CALL, CLEAN_VISIT, REFUSING_CALL)
    result = run_cli("audit", path, "--format", "json")
    assert result.exit_code == 1
    report = result.json()
    assert {"findings", "errors", "summary"} <= set(report)
    assert [(f["interaction"], f["rule"]) for f in report["findings"]] == [
        ("a", "promise.checkout-three-minutes"),
        ("a", "promise.first-dish-ten-minutes"),
        ("m", "phone.greeting"),
        ("d", "speech.forbidden-phrases"),
    ]
    refusal = report["findings"][3]
    assert {k: refusal[k] for k in ("rule", "interaction", "severity", "dimension", "gap", "message", "evidence", "site")} == {
        "rule": "speech.forbidden-phrases",
        "interaction": "d",
        "severity": "major",
        "dimension": "empathy",
        "gap": "delivery",
        "message": "said a forbidden phrase: 不知道",
        "evidence": {"event": 1, "at": 9, "text": "这个我不知道。谢谢，再见。"},
        "site": "s1",
    }
    assert "agent" not in refusal and report["findings"][0]["agent"] == "A-1"
    summary = report["summary"]
    assert {k: summary[k] for k in ("interactions", "clean", "findings", "errors")} == {
        "interactions": 4,
        "clean": 1,
        "findings": 4,
        "errors": 0,
    }
    assert summary["by_severity"] == {"major": 3, "minor": 1}
    assert summary["by_rule"] == {
        "phone.greeting": 1,
        "promise.checkout-three-minutes": 1,
        "promise.first-dish-ten-minutes": 1,
        "speech.forbidden-phrases": 1,
    }
    assert summary["by_gap"] == {"delivery": 2, "communication": 2}
    assert summary["by_dimension"] == {"reliability": 2, "assurance": 1, "empathy": 1}
    assert summary["by_site"] == {"(none)": 1, "s1": 3}


def test_text_report_groups_findings_by_interaction(run_cli: Run, tmp_path: Path) -> None:
    path = _json_file(tmp_path / "in.json", MAJOR_VISIT, CLEAN_VISIT, REFUSING_CALL)
    result = run_cli("audit", path)
    assert result.exit_code == 1
    assert result.stdout == (
        f"a · s1 · agent A-1 ({path}:2:1)\n"
        "  MAJOR    promise.checkout-three-minutes  check-out took 5 min 12 s; promised: within 3 min\n"
        "  MAJOR    promise.first-dish-ten-minutes  first dish served after 14 min; promised: within 10 min\n"
        "\n"
        f"d · s1 ({path}:4:1)\n"
        "  MAJOR    speech.forbidden-phrases        said a forbidden phrase: 不知道 [event 1, at 9]\n"
        "                                           “这个我不知道。谢谢，再见。”\n"
        "\n"
        "3 interactions audited, 1 clean · 3 findings (major 3) · 0 input errors\n"
        "fail-on major: 3 findings at or above it\n"
    )


def test_lang_zh_renders_messages_in_chinese(run_cli: Run, tmp_path: Path) -> None:
    path = _json_file(tmp_path / "in.json", MAJOR_VISIT)
    messages = [f["message"] for f in run_cli("audit", path, "--format", "json", "--lang", "zh").json()["findings"]]
    assert messages == ["退房用时5分12秒；承诺：3分钟以内", "第一道菜14分钟后才上；承诺：10分钟以内"]
    from_locale = run_cli("audit", path, "--format", "json", env={"LANG": "zh_CN.UTF-8"}).json()
    assert [f["message"] for f in from_locale["findings"]] == messages


def test_output_writes_the_report_to_a_file(run_cli: Run, tmp_path: Path) -> None:
    path = _json_file(tmp_path / "in.json", MAJOR_VISIT)
    to_stdout = run_cli("audit", path, "--format", "json")
    to_file = run_cli("audit", path, "--format", "json", "--output", tmp_path / "report.json")
    assert (to_file.exit_code, to_file.stdout) == (1, "")
    assert (tmp_path / "report.json").read_text(encoding="utf-8") == to_stdout.stdout
    # -o, as `svccheck report`, `import` and `baseline` spell it too
    short = run_cli("audit", path, "--format", "json", "-o", tmp_path / "short.json")
    assert (short.exit_code, short.stdout) == (1, "")
    assert (tmp_path / "short.json").read_text(encoding="utf-8") == to_stdout.stdout


def test_several_formats_each_to_its_output(run_cli: Run, tmp_path: Path) -> None:
    path = _json_file(tmp_path / "in.json", MAJOR_VISIT)
    text = run_cli("audit", path).stdout
    data = run_cli("audit", path, "--format", "json").stdout
    both = run_cli("audit", path, "--format", "text", "--output", tmp_path / "r.txt", "--format", "json", "--output", tmp_path / "r.json")
    assert (both.exit_code, both.stdout) == (1, "")
    assert (tmp_path / "r.txt").read_text(encoding="utf-8") == text
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == data
    # The format without an --output goes to standard output.
    mixed = run_cli("audit", path, "--format", "json", "--output", tmp_path / "m.json", "--format", "text")
    assert mixed.stdout == text
    assert (tmp_path / "m.json").read_text(encoding="utf-8") == data


def test_output_dash_is_standard_output(run_cli: Run, here: Path) -> None:
    path = _json_file(here / "in.json", MAJOR_VISIT)
    data = run_cli("audit", path, "--format", "json").stdout
    dashed = run_cli("audit", path, "--format", "json", "--output", "-")
    assert (dashed.exit_code, dashed.stdout, dashed.stderr) == (1, data, "")  # a report on stdout: no summary line
    assert not (here / "-").exists()
    # Paired in order like any --output: the json to stdout, the sarif to its file.
    paired = run_cli("audit", path, "--format", "json", "--output", "-", "--format", "sarif", "--output", "r.sarif")
    assert (paired.exit_code, paired.stdout, paired.stderr) == (1, data, "")
    assert (here / "r.sarif").read_text(encoding="utf-8") == run_cli("audit", path, "--format", "sarif").stdout
    streamed = run_cli("audit", path, "--format", "jsonl", "--output", "-")  # the streaming path
    assert (streamed.exit_code, streamed.stdout) == (1, run_cli("audit", path, "--format", "jsonl").stdout)
    assert not (here / "-").exists()


def test_an_unwritable_output_is_exit_2(run_cli: Run, tmp_path: Path) -> None:
    path = _json_file(tmp_path / "in.json", MAJOR_VISIT)
    result = run_cli("audit", path, "--format", "json", "--output", tmp_path / "no-dir" / "r.json")
    assert result.exit_code == 2
    assert result.stderr == f"svccheck: error: cannot write {tmp_path / 'no-dir' / 'r.json'}: No such file or directory\n"
    zh = run_cli("audit", path, "--format", "json", "--output", tmp_path / "no-dir" / "r.json", "--lang", "zh")
    # the operating system's reason stays in its words
    assert zh.stderr == f"svccheck: error: 无法写入 {tmp_path / 'no-dir' / 'r.json'}：文件或目录不存在\n"


def test_an_output_that_is_a_symbolic_link_loop_is_exit_2(run_cli: Run, tmp_path: Path) -> None:
    path = _json_file(tmp_path / "in.json", MAJOR_VISIT)
    loop = tmp_path / "loop"
    loop.symlink_to(loop)  # once a RuntimeError traceback from the same-file check
    result = run_cli("audit", path, "--format", "json", "--output", loop)
    assert (result.exit_code, result.stderr) == (2, f"svccheck: error: cannot write {loop}: Too many levels of symbolic links\n")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_two_runs_are_byte_identical(run_cli: Run, fmt: str) -> None:
    first = run_cli("audit", EXAMPLES, "--format", fmt)
    second = run_cli("audit", EXAMPLES, "--format", fmt)
    assert first.exit_code == second.exit_code == 3  # examples/invalid/ is part of the tree
    assert first.stdout == second.stdout
    assert first.stdout


# --- one line on stderr when every report goes to a file -------------------------------------------


def test_exit_3_with_every_report_in_files_says_why_on_stderr(run_cli: Run, tmp_path: Path) -> None:
    good = _json_file(tmp_path / "good.json", CLEAN_VISIT)
    out = tmp_path / "wt.json"
    result = run_cli("audit", good, tmp_path / "missing.json", "--format", "json", "--output", out)
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == f"svccheck: 1 interaction audited, 0 findings (0 failing at or above major), 1 input error -> {out}\n"


def test_exit_1_with_several_files_names_them_all(run_cli: Run, tmp_path: Path) -> None:
    path = _json_file(tmp_path / "in.json", MAJOR_VISIT, MINOR_CALL)
    text, data = tmp_path / "r.txt", tmp_path / "r.json"
    result = run_cli("audit", path, "--format", "text", "--output", text, "--format", "json", "--output", data)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"svccheck: 2 interactions audited, 3 findings (2 failing at or above major), 0 input errors -> {text}, {data}\n"
    )


def test_the_streamed_jsonl_report_in_a_file_says_so_too(run_cli: Run, tmp_path: Path) -> None:
    path = _json_file(tmp_path / "in.json", MAJOR_VISIT, MINOR_CALL)
    out = tmp_path / "r.jsonl"
    result = run_cli("audit", path, "--format", "jsonl", "--output", out, "--fail-on", "minor")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"svccheck: 2 interactions audited, 3 findings (3 failing at or above minor), 0 input errors -> {out}\n"
    assert out.read_text(encoding="utf-8") == run_cli("audit", path, "--format", "jsonl", "--fail-on", "minor").stdout


def _failing_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every audit stops with an engine error after its last outcome (its report half written)."""
    from svccheck import parallel
    from svccheck.errors import EngineError

    outcomes = parallel.outcomes

    def failing(*args: Any, **kwargs: Any) -> Any:
        yield from outcomes(*args, **kwargs)  # written to a streamed report as they come
        raise EngineError("durable-rules did not read every fact of a session")

    monkeypatch.setattr(parallel, "outcomes", failing)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "text"])
def test_a_report_cut_short_by_an_error_leaves_the_previous_file_as_it_was(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    _failing_audit(monkeypatch)
    (tmp_path / "reports").mkdir()
    out = tmp_path / "reports" / f"r.{fmt}"
    out.write_text("yesterday's report\n", encoding="utf-8")
    result = run_cli("audit", EXAMPLES / "phone-calls.json", "--format", fmt, "-o", out)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "svccheck: error: durable-rules did not read every fact of a session\n"
    assert out.read_text(encoding="utf-8") == "yesterday's report\n"
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]  # no temporary file left
    out.unlink()
    assert run_cli("audit", EXAMPLES / "phone-calls.json", "--format", fmt, "-o", out).exit_code == 2
    assert not out.exists()  # no report rather than one cut short


def test_a_report_through_a_symbolic_link_replaces_the_file_and_keeps_the_link(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, link = tmp_path / "reports" / "today.json", tmp_path / "latest.json"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    link.symlink_to(target)
    done = run_cli("audit", EXAMPLES / "phone-calls.json", "--format", "json", "-o", link)
    assert done.exit_code == 1 and link.is_symlink()
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["findings"] == 13
    _failing_audit(monkeypatch)
    assert run_cli("audit", EXAMPLES / "promises.json", "--format", "json", "-o", link).exit_code == 2
    assert link.is_symlink() and json.loads(target.read_text(encoding="utf-8"))["summary"]["findings"] == 13
    assert sorted(p.name for p in target.parent.iterdir()) == ["today.json"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_report_to_a_named_pipe_is_written_to_it_and_the_pipe_kept(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    for failing in (False, True):
        if failing:
            _failing_audit(monkeypatch)
        reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
        reader.start()
        result = run_cli("audit", EXAMPLES / "phone-calls.json", "--format", "jsonl", "-o", fifo)
        reader.join()
        assert result.exit_code == (2 if failing else 1)
        assert fifo.is_fifo()
    assert got[0].count(b'"type": "finding"') == 13
    assert got[1].count(b'"type": "finding"') == 13 and b'"type": "summary"' not in got[1]  # cut short: its reader sees it


def test_a_new_report_gets_a_new_files_permissions_and_an_old_one_keeps_its_own(run_cli: Run, tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("", encoding="utf-8")  # as any new file is made here (the umask applies)
    new = tmp_path / "new.json"
    run_cli("audit", EXAMPLES / "promises.json", "--format", "json", "-o", new)
    assert new.stat().st_mode == plain.stat().st_mode
    private = tmp_path / "private.json"
    private.write_text("{}\n", encoding="utf-8")
    private.chmod(0o600)
    run_cli("audit", EXAMPLES / "promises.json", "--format", "json", "-o", private)
    assert private.stat().st_mode & 0o777 == 0o600 and json.loads(private.read_text(encoding="utf-8"))["findings"]


def _svccheck(*args: str | Path, env: dict[str, str] | None = None, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    """svccheck in a process of its own: standard output a real pipe or file, not a test buffer."""
    return subprocess.run([sys.executable, "-m", "svccheck", *map(str, args)], capture_output=kwargs.pop("capture", True),
                          env={**os.environ, "LANG": "C.UTF-8", **(env or {})}, **kwargs)


def test_output_dev_stdout_is_standard_output_whether_a_pipe_or_a_redirected_file(tmp_path: Path) -> None:
    piped = _svccheck("audit", EXAMPLES / "phone-calls.json", "--format", "json", "-o", "/dev/stdout")
    assert piped.returncode == 1, piped.stderr
    assert json.loads(piped.stdout)["summary"]["findings"] == 13
    log = tmp_path / "log"
    script = f'{{ echo before; "{sys.executable}" -m svccheck audit "{EXAMPLES / "phone-calls.json"}" --format text -o /dev/stdout; echo after; }} > "{log}"'
    subprocess.run(["bash", "-c", script], check=False, env={**os.environ, "LANG": "C.UTF-8"})
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "before" and lines[-1] == "after"  # written to the shell's file, not replacing it
    assert any("13 findings" in line for line in lines)


def test_a_long_report_name_needs_no_longer_temporary_name(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / ("r" * 250 + ".json")
    assert run_cli("audit", EXAMPLES / "promises.json", "--format", "json", "-o", out).exit_code == 1
    assert json.loads(out.read_text(encoding="utf-8"))["findings"]


def test_a_hard_linked_report_is_written_in_place_and_emptied_when_cut_short(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, other = tmp_path / "r.json", tmp_path / "same.json"
    out.write_text("old\n", encoding="utf-8")
    os.link(out, other)
    assert run_cli("audit", EXAMPLES / "promises.json", "--format", "json", "-o", out).exit_code == 1
    assert other.read_text(encoding="utf-8") == out.read_text(encoding="utf-8") != "old\n"  # still one file
    _failing_audit(monkeypatch)
    assert run_cli("audit", EXAMPLES / "promises.json", "--format", "json", "-o", out).exit_code == 2
    assert out.read_bytes() == other.read_bytes() == b""  # no report cut short is left


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give the file away")
def test_another_users_report_is_written_in_place_and_stays_theirs(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "theirs.json"
    out.write_text("{}\n", encoding="utf-8")
    os.chown(out, 65534, 65534)
    assert run_cli("audit", EXAMPLES / "promises.json", "--format", "json", "-o", out).exit_code == 1
    assert (out.stat().st_uid, out.stat().st_gid) == (65534, 65534)
    assert json.loads(out.read_text(encoding="utf-8"))["findings"]


def test_standard_output_that_cannot_show_the_report_is_one_line(tmp_path: Path) -> None:
    done = _svccheck("audit", EXAMPLES / "phone-calls.json", "--lang", "zh", env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 2
    assert done.stderr.decode("ascii", "backslashreplace").count("\n") == 1
    assert b"Traceback" not in done.stderr and b"PYTHONIOENCODING=utf-8" in done.stderr


def test_an_interrupted_audit_exits_130_and_keeps_the_previous_report(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from svccheck import parallel

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        yield from ()
        raise KeyboardInterrupt

    monkeypatch.setattr(parallel, "outcomes", interrupted)
    out = tmp_path / "r.json"
    out.write_text("yesterday's report\n", encoding="utf-8")
    result = run_cli("audit", EXAMPLES / "phone-calls.json", "--format", "json", "-o", out)
    assert (result.exit_code, result.stderr) == (130, "svccheck: interrupted\n")
    assert out.read_text(encoding="utf-8") == "yesterday's report\n"


def test_a_report_written_in_place_is_emptied_when_the_disk_fills(tmp_path: Path) -> None:
    import resource

    out, other = tmp_path / "r.json", tmp_path / "same.json"
    out.write_text("old\n", encoding="utf-8")
    os.link(out, other)  # written in place: a hard link is kept

    def small_files() -> None:  # what a full disk does to a write, for this process only
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    done = _svccheck("audit", EXAMPLES, "--format", "json", "-o", out, preexec_fn=small_files)
    assert done.returncode == 2
    assert done.stderr.decode().endswith(f"svccheck: error: cannot write {out}: File too large\n")
    assert out.read_bytes() == b""  # not 4,096 bytes of a report cut short


def test_a_replaced_report_keeps_its_group_and_one_with_extended_attributes_is_written_in_place(
    run_cli: Run, tmp_path: Path
) -> None:
    grouped = tmp_path / "grouped.json"
    grouped.write_text("{}\n", encoding="utf-8")
    if os.geteuid() == 0:
        os.chown(grouped, -1, 65534)
    gid = grouped.stat().st_gid
    assert run_cli("audit", EXAMPLES / "promises.json", "--format", "json", "-o", grouped).exit_code == 1
    assert grouped.stat().st_gid == gid and json.loads(grouped.read_text(encoding="utf-8"))["findings"]
    noted = tmp_path / "noted.json"
    noted.write_text("{}\n", encoding="utf-8")
    try:
        os.setxattr(noted, "user.note", b"keep")
    except (AttributeError, OSError):
        return  # no extended attributes here
    assert run_cli("audit", EXAMPLES / "promises.json", "--format", "json", "-o", noted).exit_code == 1
    assert os.getxattr(noted, "user.note") == b"keep"


def test_output_alone_names_the_default_text_report(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    result = run_cli("audit", EXAMPLES / "phone-calls.json", "-o", out)
    assert (result.exit_code, result.stdout) == (1, "")
    assert out.read_text(encoding="utf-8") == run_cli("audit", EXAMPLES / "phone-calls.json").stdout


def test_a_closed_standard_output_is_one_line_and_a_file_report_does_not_need_it(tmp_path: Path) -> None:
    base = f'"{sys.executable}" -m svccheck audit "{EXAMPLES / "phone-calls.json"}"'
    to_stdout = subprocess.run(["bash", "-c", f"{base} >&-"], capture_output=False, stderr=subprocess.PIPE, check=False)
    assert to_stdout.returncode == 2
    assert to_stdout.stderr.decode().splitlines() == ["svccheck: error: cannot write standard output: Bad file descriptor"]
    out = tmp_path / "r.txt"
    to_file = subprocess.run(["bash", "-c", f'{base} -o "{out}" >&-'], stderr=subprocess.PIPE, check=False)
    assert to_file.returncode == 1 and b"Traceback" not in to_file.stderr and "13 findings" in out.read_text(encoding="utf-8")


def test_a_long_chinese_report_name_that_the_shell_takes_is_taken(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / ("报告" * 40 + ".json")  # 246 bytes of UTF-8
    assert run_cli("audit", EXAMPLES / "promises.json", "--format", "json", "-o", out).exit_code == 1
    assert json.loads(out.read_text(encoding="utf-8"))["findings"]


def test_a_streamed_report_in_an_audited_directory_is_not_read_as_an_input(run_cli: Run, tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    calls.mkdir()
    (calls / "phone-calls.json").write_bytes((EXAMPLES / "phone-calls.json").read_bytes())
    result = run_cli("audit", calls, "--format", "json", "-o", calls / "report.json")
    assert result.exit_code == 1  # findings, and no input error about report.json (written after)
    assert json.loads((calls / "report.json").read_text(encoding="utf-8"))["errors"] == []


def test_with_a_baseline_the_line_counts_new_failing_findings(run_cli: Run, tmp_path: Path) -> None:
    old = _json_file(tmp_path / "old.json", MAJOR_VISIT)
    baseline = tmp_path / "baseline.json"
    run_cli("baseline", "create", old, "-o", baseline)
    path = _json_file(tmp_path / "in.json", MAJOR_VISIT, {**MAJOR_VISIT, "id": "b"})
    out = tmp_path / "r.json"
    result = run_cli("audit", path, "--baseline", baseline, "--max-findings", "2", "--format", "json", "--output", out)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (
        "svccheck: 2 interactions audited, 4 findings (2 new failing at or above major, --max-findings 2),"
        f" 0 input errors -> {out}\n"
    )


def test_a_report_on_standard_output_adds_nothing_to_stderr(run_cli: Run, tmp_path: Path) -> None:
    path = _json_file(tmp_path / "in.json", MAJOR_VISIT)
    mixed = run_cli("audit", path, "--format", "json", "--output", tmp_path / "r.json", "--format", "text")
    assert (mixed.exit_code, mixed.stderr) == (1, "")
    assert mixed.stdout.endswith("fail-on major: 2 findings at or above it\n")


# The line follows --lang (or the locale) in the text report's words (formatters/_labels.py).


def test_with_lang_zh_the_line_is_in_the_text_reports_chinese(run_cli: Run, tmp_path: Path) -> None:
    path = _json_file(tmp_path / "in.json", MAJOR_VISIT, MINOR_CALL)
    text, data = tmp_path / "r.txt", tmp_path / "r.json"
    result = run_cli("audit", path, "--lang", "zh", "--format", "text", "--output", text, "--format", "json",
                     "--output", data)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"svccheck: 共审核 2 条交互 · 3 条问题（2 条问题达到或高于重要级别） · 0 个输入错误 -> {text}, {data}\n"
    )
    # The same words as the report's own summary and gate lines.
    assert text.read_text(encoding="utf-8").splitlines()[-2:] == [
        "共审核 2 条交互，0 条无问题 · 3 条问题（重要 2、次要 1） · 0 个输入错误",
        "失败门槛为重要级别：2 条问题达到或高于该级别",
    ]


def test_the_streamed_jsonl_line_follows_lang_zh_too(run_cli: Run, tmp_path: Path) -> None:
    good = _json_file(tmp_path / "in.json", MAJOR_VISIT, MINOR_CALL)
    out = tmp_path / "r.jsonl"
    result = run_cli("audit", good, tmp_path / "missing.json", "--lang", "zh", "--format", "jsonl", "--output", out,
                     "--fail-on", "minor")
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == f"svccheck: 共审核 2 条交互 · 3 条问题（3 条问题达到或高于次要级别） · 1 个输入错误 -> {out}\n"


def test_in_chinese_with_a_baseline_the_line_counts_new_failing_findings(run_cli: Run, tmp_path: Path) -> None:
    old = _json_file(tmp_path / "old.json", MAJOR_VISIT)
    baseline = tmp_path / "baseline.json"
    run_cli("baseline", "create", old, "-o", baseline)
    path = _json_file(tmp_path / "in.json", MAJOR_VISIT, {**MAJOR_VISIT, "id": "b"})
    out = tmp_path / "r.json"
    result = run_cli("audit", path, "--lang", "zh", "--baseline", baseline, "--max-findings", "2", "--format", "json",
                     "--output", out)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (
        f"svccheck: 共审核 2 条交互 · 4 条问题（2 条新问题达到或高于重要级别，--max-findings 2） · 0 个输入错误 -> {out}\n"
    )


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_without_lang_the_line_follows_the_locale_and_lang_en_overrides_it(run_cli: Run, tmp_path: Path,
                                                                             fmt: str) -> None:
    path = _json_file(tmp_path / "in.json", MAJOR_VISIT, MINOR_CALL)
    out = tmp_path / f"r.{fmt}"
    chinese = {"LANG": "zh_CN.UTF-8"}
    by_locale = run_cli("audit", path, "--format", fmt, "--output", out, env=chinese)
    assert by_locale.stderr == f"svccheck: 共审核 2 条交互 · 3 条问题（2 条问题达到或高于重要级别） · 0 个输入错误 -> {out}\n"
    english = run_cli("audit", path, "--lang", "en", "--format", fmt, "--output", out, env=chinese)
    assert english.stderr == f"svccheck: 2 interactions audited, 3 findings (2 failing at or above major), 0 input errors -> {out}\n"


# --- bad input never ends in a traceback ------------------------------------------------------------

PHONE_OK = '{"id": "ok", "channel": "phone"}'

BAD_INPUTS: list[tuple[str, str, bytes | None, str]] = [
    # (case, file name, content, the error line after "<file>")
    ("malformed JSON", "bad.json", b'[{"id": "x", "channel": "phone",}]', ":1:33: invalid JSON: Expecting property name enclosed in double quotes"),
    ("wrong field", "wf.jsonl", b'{"id": "x", "chanel": "phone"}',
     ":1: interaction x: 'channel' is a required property (is 'chanel' a misspelling of it?)"),
    ("missing field", "mf.jsonl", b'{"id": "x", "site": "a"}', ":1: interaction x: 'channel' is a required property"),
    ("empty file", "empty.json", b"", ":1:1: invalid JSON: Expecting value (the file is empty)"),
    ("non-UTF-8 bytes", "latin.json", '[{"id": "x", "channel": "café"}]'.encode("latin-1"), ":1:29: not UTF-8 text"),
    ("garbage in a JSON Lines line", "bad.jsonl", b'{"id": 1 2}\n', ":1:10: invalid JSON: unexpected character, expected ',' or '}'"),
    ("non-UTF-8 line", "latin.jsonl", '{"id": "x", "channel": "café"}'.encode("latin-1"), ":1: invalid JSON: not UTF-8 text"),
    ("a JSON scalar", "scalar.json", b"42", ':1:1: expected an interaction, an array of them or {"interactions": [...]}'),
    (
        "duplicate ids",
        "dup.json",
        b'[{"id": "x", "channel": "phone"},\n {"id": "x", "channel": "phone"}]',
        ":2:2: interaction x: duplicate id (first seen at {file}:1:2)",
    ),
    (
        "events out of order",
        "order.json",
        b'{"id": "x", "channel": "phone", "events": [{"type": "ring", "at": 5}, {"type": "answer", "at": 2}]}',
        # located at the value at fault, not at the interaction (column 1)
        ":1:96: interaction x: events[1] at 2 is earlier than events[0] at 5: events must be in time order",
    ),
    (
        "mixed seconds and datetimes without started_at",
        "mixed.json",
        b'{"id": "x", "channel": "phone", "events": [{"type": "ring", "at": 0}, {"type": "answer", "at": "2026-03-02T10:00:00Z"}]}',
        ":1:1: interaction x: events mix datetimes and seconds since the start, but there is no started_at",
    ),
    (
        "an impossible date",
        "date.json",
        b'{"id": "x", "channel": "phone", "events": [{"type": "ring", "at": "2026-02-30T10:00:00+08:00"}]}',
        ":1:67: interaction x: events[0].at: '2026-02-30T10:00:00+08:00' is not an ISO 8601 datetime",
    ),
]


@pytest.mark.parametrize(("name", "content", "error"), [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_one_error_line_and_exit_3(run_cli: Run, tmp_path: Path, name: str, content: bytes, error: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = run_cli("audit", path)
    assert result.exit_code == 3
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "input errors (1):"
    assert lines[1] == f"  {path}{error.replace('{file}', str(path))}"


@pytest.mark.parametrize("number", ["0.000001", "1e-7", "1e16", "10000000000000000"])
def test_a_number_written_with_an_exponent_loses_no_finding(run_cli: Run, tmp_path: Path, number: str) -> None:
    # durable-rules once silently dropped every fact after such a number in its batch.
    lines = [f'{{"id": "a", "channel": "phone", "metrics": {{"rings": {number}}}}}']
    lines += [f'{{"id": "c{i}", "channel": "phone", "metrics": {{"rings": 5}}}}' for i in range(70)]
    path = tmp_path / "calls.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("audit", path, "--format", "json", "--jobs", "1")
    rings = [f["interaction"] for f in result.json()["findings"] if f["rule"] == "phone.answer-within-three-rings"]
    expected = [f"c{i}" for i in range(70)] + (["a"] if float(number) > 3 else [])
    assert sorted(rings) == sorted(expected)
    assert result.exit_code == 1


def test_a_time_without_offset_is_exit_3_naming_the_event(run_cli: Run, tmp_path: Path) -> None:
    path = _json_file(tmp_path / "t.json", {"id": "x", "channel": "phone", "events": [{"type": "ring", "at": "2026-03-02T18:00:00"}]})
    result = run_cli("audit", path)
    assert result.exit_code == 3
    assert result.stdout.splitlines()[1].startswith(f"  {path}:2:67: interaction x: events[0].at: '2026-03-02T18:00:00' ")


def test_times_with_offsets_are_valid(run_cli: Run, tmp_path: Path) -> None:
    record = {"id": "x", "channel": "delivery", "events": [
        {"type": "promise", "at": "2026-03-02T09:00:00+08:00", "id": "p", "what": "sofa", "due": "2026-03-02T18:00:00+08:00"},
        {"type": "fulfilled", "at": "2026-03-02T09:55:00Z", "promise": "p"},
    ]}
    assert run_cli("audit", _json_file(tmp_path / "t.json", record)).exit_code == 0


@pytest.mark.parametrize("missing", ["nope.json", "nope-dir"])
def test_a_missing_path(run_cli: Run, tmp_path: Path, missing: str) -> None:
    result = run_cli("audit", tmp_path / missing)
    assert result.exit_code == 3
    assert result.stdout.splitlines()[:2] == ["input errors (1):", f"  {tmp_path / missing}: no such file or directory"]


def test_a_directory_named_like_an_input(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "x.json").mkdir()
    result = run_cli("audit", tmp_path / "x.json")
    assert result.exit_code == 3
    assert result.stdout.splitlines()[1] == f"  {tmp_path / 'x.json'}: directory has no .json or .jsonl files"


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: chmod 000 does not stop root from reading")
def test_an_unreadable_file(run_cli: Run, tmp_path: Path) -> None:
    path = _json_file(tmp_path / "locked.json", CLEAN_VISIT)
    path.chmod(0)
    try:
        result = run_cli("audit", path)
    finally:
        path.chmod(0o600)
    assert result.exit_code == 3
    assert result.stdout.splitlines()[1] == f"  {path}: cannot read: Permission denied"


def test_bad_lines_do_not_hide_good_ones(run_cli: Run, tmp_path: Path) -> None:
    path = _jsonl_file(tmp_path / "in.jsonl", json.dumps(MAJOR_VISIT), "{oops", b"\xff\xfe", json.dumps(CLEAN_VISIT))
    report = run_cli("audit", path, "--format", "json").json()
    assert [e["line"] for e in report["errors"]] == [2, 3]
    assert (report["summary"]["interactions"], report["summary"]["clean"], report["summary"]["findings"]) == (2, 1, 2)


# --- broken rule files given with --rules --------------------------------------------------------------

BROKEN_RULES = [
    ("unknown check kind", BAD_RULE, f"7:15: check.kind: unknown check kind 'thresold' (known kinds: {', '.join(sorted(KINDS))})"),
    ("bad severity", BAD_RULE.replace("severity: major", "severity: urgent").replace("thresold", "threshold"),
     "4:11: severity: 'urgent' is not one of: critical, major, minor, info"),
    ("unparsable YAML", BAD_RULE.replace("max: 3}", "max: 3"), "8:1: yaml: expected ',' or '}', but got '<stream end>'"),
    ("unbalanced phrase bracket", BAD_RULE.replace("{kind: thresold, value: {metric: rings}, max: 3}", "{kind: forbidden-phrases, phrases: [\"不(知道\"]}"),
     "7:44: check.phrases[0]: phrase \"不(知道\": unbalanced '(' (no closing ')')"),
]


@pytest.mark.parametrize(("text", "problem"), [c[1:] for c in BROKEN_RULES], ids=[c[0] for c in BROKEN_RULES])
def test_a_broken_rule_file_is_exit_2_with_file_line_col(run_cli: Run, tmp_path: Path, text: str, problem: str) -> None:
    rules = _rules_dir(tmp_path / "rules", text)
    result = run_cli("audit", _json_file(tmp_path / "in.json", CLEAN_VISIT), "--rules", rules)
    assert (result.exit_code, result.stdout) == (2, "")
    first, last = result.stderr.splitlines()
    assert first == f"{rules / 'rule.yaml'}:{problem}"
    assert last.startswith("svccheck: error: 1 problem(s) in rule files")


# --- real helpdesk dialogues (kept outside the project) ----------------------------------------------------


@pytest.mark.skipif(not (SHARED_DATA / "stc3-cn-test.jsonl").is_file(), reason=f"{SHARED_DATA}/stc3-cn-test.jsonl is not here (it lives beside the clone, never in it)")
def test_real_helpdesk_dialogues_audit_without_input_errors(run_cli: Run) -> None:
    result = run_cli("audit", SHARED_DATA / "stc3-cn-test.jsonl", "--format", "json")
    assert result.exit_code in (0, 1)
    report = result.json()
    summary = report["summary"]
    assert report["errors"] == [] and summary["errors"] == 0
    assert summary["interactions"] == 390
    assert 0 <= summary["clean"] <= summary["interactions"]
    assert summary["findings"] == len(report["findings"])
    for key in ("by_severity", "by_rule", "by_gap", "by_dimension", "by_site"):
        assert sum(summary[key].values()) == summary["findings"], key
    with_findings = {f["interaction"] for f in report["findings"]}
    assert summary["clean"] == summary["interactions"] - len(with_findings)


SHOPPER = EXAMPLES / "mystery-shopper"


@pytest.mark.parametrize(
    "command",
    [
        ["audit", "{input}", "--format", "jsonl", "--output", "{out}"],
        ["baseline", "create", "{input}", "-o", "{out}"],
        ["report", "{input}", "--format", "markdown", "-o", "{out}"],
        ["import", str(SHOPPER / "shopper-export-2026.csv"), "--mapping", str(SHOPPER / "mapping.yaml"), "-o", "{out}"],
    ],
    ids=["audit-jsonl", "baseline-create", "report", "import"],
)
def test_every_command_reports_an_unwritable_output_in_one_line(
    run_cli: Run, tmp_path: Path, command: list[str]
) -> None:
    path = _json_file(tmp_path / "in.json", MAJOR_VISIT)
    out = tmp_path / "no-dir" / "out"
    result = run_cli(*[part.format(input=path, out=out) for part in command])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"svccheck: error: cannot write {out}: No such file or directory"


def test_outcomes_kept_for_the_report_pass_through_in_order_and_are_frozen_now_and_then(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import svccheck.cli.audit as command

    frozen: list[int] = []
    seen: list[int] = []

    def outcomes() -> Any:
        for number in range(10):
            seen.append(number)
            yield number

    monkeypatch.setattr(command, "_KEPT_EVERY", 4)
    monkeypatch.setattr(command.gc, "freeze", lambda: frozen.append(len(seen)))
    assert list(command._kept(outcomes())) == list(range(10))
    assert frozen == [4, 8]  # after the 4th and the 8th, never ahead of what was read


def test_an_selinux_label_does_not_stop_a_report_being_replaced_whole(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from svccheck.cli import output

    report = tmp_path / "r.json"
    report.write_text("{}\n", encoding="utf-8")
    monkeypatch.setattr(os, "listxattr", lambda path: ["security.selinux"], raising=False)
    assert output._replaceable(report) == (report.resolve(), os.stat(report))
    monkeypatch.setattr(os, "listxattr", lambda path: ["security.selinux", "system.posix_acl_access"], raising=False)
    assert output._replaceable(report) is None  # an ACL: written in place, keeping it
