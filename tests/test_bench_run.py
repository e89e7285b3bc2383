"""bench/run.py: the commands it times run as an installed svccheck would."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench_run() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_commands_run_with_the_byte_code_cache_on(bench_run: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    # With PYTHONDONTWRITEBYTECODE set, every timed run compiled svccheck's sources again.
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("SVCCHECK_BENCH_PROBE", "kept")
    probe = [sys.executable, "-c", "import os, sys; print(sys.dont_write_bytecode, os.environ['SVCCHECK_BENCH_PROBE'])"]
    assert subprocess.run(probe, capture_output=True, text=True).stdout.split() == ["True", "kept"]
    run = bench_run.run_child(probe)
    assert run.code == 0 and run.output.split() == ["False", "kept"]
