"""svccheck.distributed: the audit on a Dask cluster gives the findings of a local run."""

from __future__ import annotations

import io
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import svccheck
import svccheck.errors
from svccheck.audit import audit_paths
from svccheck.cli import main
from svccheck.distributed import DaskUnavailable, audit_on_dask, merge_partitions
from svccheck.formatters import json_format
from svccheck.model import InputProblem
from svccheck.parallel import Audited
from svccheck.rules import load_rules
from svccheck.standards import load_standards

distributed = pytest.importorskip("distributed", reason="needs the dask extra: pip install 'svccheck[dask]'")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as local:
        yield local


@pytest.fixture()
def inputs(tmp_path: Path) -> list[Path]:
    """Several JSON Lines files, one repeating ids of another, one broken line."""
    folder = tmp_path / "calls"
    folder.mkdir()
    shutil.copy(EXAMPLES / "complaint-chats.jsonl", folder / "a.jsonl")
    shutil.copy(EXAMPLES / "complaint-chats.jsonl", folder / "b-again.jsonl")
    (folder / "c.jsonl").write_text('{"id": "x1", "channel": "phone", "metrics": {"rings": 6}}\n{oops\n', encoding="utf-8")
    return [folder, EXAMPLES / "phone-calls.json"]


def _json(report: object) -> str:
    out = io.StringIO()
    json_format.render(report, out)  # type: ignore[arg-type]
    return out.getvalue()


def test_dask_cluster_gives_the_report_of_a_local_run(cluster: object, inputs: list[Path]) -> None:
    rules = load_rules([], load_standards([]))
    local = audit_paths(inputs, rules)
    with distributed.Client(cluster) as client:
        remote = audit_on_dask(client, inputs, rules)
    assert _json(remote) == _json(local)
    assert local.summary.findings > 10 and "duplicate id" in _json(local) and "invalid JSON" in _json(local)


def test_cli_dask_option_prints_the_local_output(cluster: object, inputs: list[Path]) -> None:
    args = ["audit", *map(str, inputs), "--format", "json"]
    local = CliRunner().invoke(main, args)
    remote = CliRunner().invoke(main, [*args, "--dask", cluster.scheduler_address])  # type: ignore[attr-defined]
    assert (remote.exit_code, remote.stdout) == (local.exit_code, local.stdout)
    assert local.exit_code == 3


def test_audit_partition_is_public_and_partitions_merge_like_one_run(inputs: list[Path]) -> None:
    files = sorted(inputs[0].glob("*.jsonl"))
    parts = [svccheck.audit_partition([f]) for f in files]
    assert all(isinstance(r, (Audited, InputProblem)) for part in parts for r in part)
    rules = load_rules([], load_standards([]))
    assert _json(merge_partitions(parts, rules)) == _json(audit_paths(files, rules))


@pytest.mark.parametrize(
    ("lang", "start"),
    [("en", "cannot connect to the Dask scheduler at tcp://127.0.0.1:9: "), ("zh", "无法连接 tcp://127.0.0.1:9 的 Dask 调度器：")],
)
def test_unreachable_scheduler_is_a_one_line_error(inputs: list[Path], lang: str, start: str) -> None:
    result = CliRunner().invoke(main, ["audit", str(inputs[1]), "--dask", "tcp://127.0.0.1:9", "--lang", lang])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"svccheck: error: {start}")
    assert len(result.stderr.splitlines()) == 1


def test_dask_workers_use_the_clients_rules_including_extra_directories(
    cluster: object, inputs: list[Path], tmp_path: Path
) -> None:
    extra = tmp_path / "extra-rules"
    extra.mkdir()
    text = (ROOT / "rules" / "phone.answer-within-three-rings.yaml").read_text(encoding="utf-8")
    custom = text.replace("id: phone.answer-within-three-rings", "id: custom.answer-within-one-ring").replace(
        "max: 3", "max: 1"
    )
    assert custom != text
    (extra / "custom.yaml").write_text(custom, encoding="utf-8")
    args = ["audit", *map(str, inputs), "--rules", str(extra), "--format", "json"]
    local = CliRunner().invoke(main, args)
    remote = CliRunner().invoke(main, [*args, "--dask", cluster.scheduler_address])  # type: ignore[attr-defined]
    assert '"custom.answer-within-one-ring"' in local.stdout
    assert (remote.exit_code, remote.stdout) == (local.exit_code, local.stdout)


class _FailingFuture:
    def result(self) -> object:
        raise RuntimeError("worker tcp://10.0.0.7:4000 was killed")

    def release(self) -> None:
        raise AssertionError("a failed task has nothing to release")


class _FailingClient:
    def scatter(self, data: object, broadcast: bool) -> object:
        return data

    def submit(self, *args: object, **kwargs: object) -> _FailingFuture:
        return _FailingFuture()


def test_cluster_failures_become_one_line_errors(inputs: list[Path]) -> None:
    rules = load_rules([], load_standards([]))
    with pytest.raises(svccheck.errors.SvccheckError) as caught:
        audit_on_dask(_FailingClient(), [inputs[1]], rules)
    assert str(caught.value) == (
        f"the Dask cluster failed auditing {inputs[1]}: RuntimeError: worker tcp://10.0.0.7:4000 was killed"
    )
    assert caught.value.lines("zh")[1] == (
        f"Dask 集群审核 {inputs[1]} 时失败：RuntimeError: worker tcp://10.0.0.7:4000 was killed"
    )


def test_dask_cluster_gives_the_chinese_report_of_a_local_run(cluster: object, inputs: list[Path]) -> None:
    """Problems found on the workers come back able to say themselves in the run's language."""
    rules = load_rules([], load_standards([]))
    local = audit_paths(inputs, rules, lang="zh")
    with distributed.Client(cluster) as client:
        remote = audit_on_dask(client, inputs, rules, lang="zh")
    assert _json(remote) == _json(local)
    assert "id 重复（首次出现在 " in _json(local) and "JSON 无效：" in _json(local)


def test_dask_not_installed_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, inputs: list[Path]) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` raises ImportError
    with pytest.raises(DaskUnavailable) as caught:
        audit_on_dask("tcp://127.0.0.1:9", [inputs[1]], [])
    assert str(caught.value) == "--dask needs dask.distributed: pip install 'svccheck[dask]'"
    assert caught.value.lines("zh")[1] == "--dask 需要 dask.distributed：pip install 'svccheck[dask]'"
