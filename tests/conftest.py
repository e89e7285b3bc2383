"""Shared fixtures of the core suite: where the shipped data is, a CLI runner, the built-in rules.

Everything here is read-only: no fixture writes into the repository.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner, Result

from svccheck.rules import Rule, load_rules
from svccheck.standards import load_standards

# YAML is parsed through the cache of parsed documents (svccheck.yamlcache) in a folder of the
# suite's own, never the user's ~/.cache: commands run in subprocesses inherit it, and every
# test that loads the same rule file again gets it from the cache, as a second command would.
_YAML_CACHE = tempfile.mkdtemp(prefix="svccheck-tests-cache-")
os.environ["SVCCHECK_CACHE_DIR"] = _YAML_CACHE
atexit.register(shutil.rmtree, _YAML_CACHE, True)

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
INVALID = EXAMPLES / "invalid"
BUILTIN_RULES = REPO / "rules"
CASES = Path(__file__).resolve().parent / "cases"
DATA = Path(__file__).resolve().parent / "data"
#: Real helpdesk dialogues kept outside the project (`../shared/data` beside the clone).
SHARED_DATA = REPO.parent / "shared" / "data"


#: A small survey-export mapping and the header of a sheet it fits (svccheck import tests).
IMPORT_MAPPING = """\
id: 编号
site: 门店
agent: 员工
date: 时间
timezone: "+08:00"
wave: {from-date: quarter}
checklist: {微笑: smile_eye_contact, 引领: accompanied_guest}
metrics: {响铃次数: rings}
survey: {期望-移情性: expected.empathy, 感知-移情性: perceived.empathy}
comments: [备注]
evidence: [照片]
"""
IMPORT_HEADER = ["编号", "门店", "员工", "时间", "微笑", "引领", "响铃次数", "期望-移情性", "感知-移情性", "备注", "照片"]


@dataclass(frozen=True)
class CliRun:
    """The outcome of one `svccheck` invocation: exit code and the two streams, separately."""

    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    def json(self) -> Any:
        return json.loads(self.stdout)


def _invoke(args: Sequence[str | Path], env: dict[str, str | None] | None = None) -> CliRun:
    from svccheck.cli import main  # imported here: tests of the core must not need the CLI

    result: Result = CliRunner().invoke(main, [str(a) for a in args], env=env)
    # SystemExit is how click reports an exit code; anything else escaped a handler (a traceback).
    escaped = None if isinstance(result.exception, SystemExit) else result.exception
    return CliRun(result.exit_code, result.stdout, result.stderr, escaped)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh empty working directory (for commands that discover svccheck.yaml or write files)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def run_cli() -> Callable[..., CliRun]:
    """`run_cli("audit", path, "--format", "json")`: run the CLI in-process (LANG unset: en)."""

    def run(*args: str | Path, env: dict[str, str | None] | None = None) -> CliRun:
        outcome = _invoke(args, {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "C", **(env or {})})
        assert outcome.exception is None, f"uncaught {outcome.exception!r}"
        return outcome

    return run


@pytest.fixture(scope="session")
def generate() -> ModuleType:
    """bench/generate.py (not a package module): `interactions(count, seed, invalid)`, `write`."""
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def builtin_rules() -> list[Rule]:
    """The shipped rule set, loaded and compiled once (with the standards catalogue)."""
    return load_rules([], load_standards())


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture
def invalid_dir() -> Path:
    return INVALID
