"""bench/timeline.py: the stages of one audit, marked in order, and the audit's own output intact."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MARKS = ["imported", "rules loaded", "first outcome", "last outcome", "report built", "written", "exit"]


STREAMED = [m for m in MARKS if m not in ("report built", "written")]


@pytest.mark.parametrize(("fmt", "marks"), [("text", MARKS), ("json", STREAMED), ("jsonl", STREAMED)])
def test_marks_come_in_order_and_the_report_is_untouched(fmt: str, marks: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "timeline.py"), str(ROOT / "examples" / "phone-calls.json"),
         "--format", fmt, "--fail-on", "critical"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    seen = [line.split("CPU", 1)[1].strip() for line in done.stderr.splitlines() if "CPU" in line]
    assert seen == marks
    seconds = [float(line.split()[0]) for line in done.stderr.splitlines() if "CPU" in line]
    assert seconds == sorted(seconds)
    if fmt == "json":
        assert json.loads(done.stdout)["summary"]["findings"] == 13
    elif fmt == "jsonl":
        assert json.loads(done.stdout.splitlines()[-1])["type"] == "summary"
    else:
        assert "12 interactions audited, 4 clean · 13 findings" in done.stdout
