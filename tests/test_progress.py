"""The progress bar: only on a terminal, only for big jobs, erased at the end, never on stdout."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from click.testing import CliRunner

from svccheck.cli import main
from svccheck import progress
from svccheck.progress import THRESHOLD, Progress, track


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_big_job_on_a_terminal_draws_and_erases() -> None:
    stream = Terminal()
    assert list(track(range(5), total=5, label="importing", stream=stream, threshold=4, interval=0)) == [0, 1, 2, 3, 4]
    text = stream.getvalue()
    frames = text.split("\r")
    assert frames[1:6] == [
        "importing [######........................] 1/5 20%\x1b[K",
        "importing [############..................] 2/5 40%\x1b[K",
        "importing [##################............] 3/5 60%\x1b[K",
        "importing [########################......] 4/5 80%\x1b[K",
        "importing [##############################] 5/5 100%\x1b[K",
    ]
    assert text.endswith("\r\x1b[K")  # the line is left clean


def test_small_job_draws_nothing() -> None:
    stream = Terminal()
    list(track(range(THRESHOLD), total=THRESHOLD, label="x", stream=stream, interval=0))
    assert stream.getvalue() == ""


def test_not_a_terminal_draws_nothing() -> None:
    stream = io.StringIO()
    list(track(range(10), total=10, label="x", stream=stream, threshold=1, interval=0))
    assert stream.getvalue() == ""
    assert not Progress(10, "x", stream, threshold=1).active


def test_unknown_total_counts_once_past_the_threshold() -> None:
    stream = Terminal()
    list(track(range(5), total=None, label="auditing", stream=stream, threshold=3, interval=0))
    assert stream.getvalue() == "\rauditing: 4\x1b[K\rauditing: 5\x1b[K\r\x1b[K"


def test_redraws_are_rate_limited() -> None:
    stream = Terminal()
    list(track(range(1000), total=1000, label="x", stream=stream, threshold=1, interval=3600))
    # the first item and the last one are drawn; nothing in between within the interval
    assert stream.getvalue().count("\r") == 3


def test_import_output_is_the_same_with_a_terminal_on_stderr(tmp_path: Path) -> None:
    """CliRunner's stderr is no terminal; the bar goes to stderr only, so stdout never changes."""
    mapping = tmp_path / "map.yaml"
    mapping.write_text("id: 编号\nchecklist: {微笑: smile_eye_contact}\n", encoding="utf-8")
    source = tmp_path / "e.csv"
    source.write_text("编号,微笑\n" + "".join(f"V{i},是\n" for i in range(THRESHOLD + 5)), encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(source), "--mapping", str(mapping)])
    assert result.exit_code == 0
    assert "\r" not in result.stderr and "\r" not in result.stdout
    assert result.stderr == f"{source}: {THRESHOLD + 5} rows, {THRESHOLD + 5} imported, 0 rejected\n"
    assert len(result.stdout.splitlines()) == THRESHOLD + 5


def test_audit_on_a_terminal_shows_progress_on_stderr_only(monkeypatch: pytest.MonkeyPatch) -> None:
    examples = str(Path(__file__).resolve().parent.parent / "examples" / "visits.json")
    args = ["audit", examples, "--format", "json", "--lang", "en", "--jobs", "1"]
    plain = CliRunner().invoke(main, args)
    monkeypatch.setattr(progress, "THRESHOLD", 1)
    monkeypatch.setattr(progress, "INTERVAL", 0)
    monkeypatch.setattr(progress, "isatty", lambda stream: True)
    shown = CliRunner().invoke(main, args)
    assert shown.exit_code == plain.exit_code == 1
    assert shown.stdout == plain.stdout
    assert "\rauditing: 2\x1b[K" in shown.stderr and shown.stderr.endswith("\r\x1b[K")
    assert plain.stderr == ""


@pytest.mark.parametrize(("lang", "label"), [("en", "auditing"), ("zh", "审核中")])
def test_the_bar_is_labelled_in_the_commands_language(monkeypatch: pytest.MonkeyPatch, lang: str, label: str) -> None:
    examples = str(Path(__file__).resolve().parent.parent / "examples" / "visits.json")
    monkeypatch.setattr(progress, "THRESHOLD", 1)
    monkeypatch.setattr(progress, "INTERVAL", 0)
    monkeypatch.setattr(progress, "isatty", lambda stream: True)
    shown = CliRunner().invoke(main, ["audit", examples, "--format", "json", "--lang", lang, "--jobs", "1"])
    assert f"\r{label}: 2\x1b[K" in shown.stderr


@pytest.mark.parametrize(("job", "zh"), [("auditing", "审核中"), ("reading", "读取中"), ("importing", "导入中")])
def test_every_label_is_said_in_both_languages(job: str, zh: str) -> None:
    assert (progress.progress_label(job, "en"), progress.progress_label(job, "zh")) == (job, zh)


def test_items_pass_untouched_and_uncounted_when_no_bar_can_show(monkeypatch: pytest.MonkeyPatch) -> None:
    # Not a terminal, or a small job of known size: the items are yielded as they are, without
    # a count per item (it was 0.5 us an item of the main process of an audit).
    counted: list[int] = []
    monkeypatch.setattr(Progress, "advance", lambda self, count=1: counted.append(count))
    items = [object(), None, 3]
    assert list(track(iter(items), total=None, label="x", stream=io.StringIO())) == items
    assert list(track(iter(items), total=3, label="x", stream=Terminal())) == items
    assert counted == []
    assert list(track(iter(items), total=None, label="x", stream=Terminal())) == items
    assert counted == [1, 1, 1]
