"""docs/ci.md is a working recipe: its shell blocks, the GitHub Actions `run:` steps and the GitLab
`script:` are run exactly as written (with `svccheck` being `python -m svccheck` of this checkout)
against a copy of the shipped examples, and what they produce is valid.

Only the install steps are left out (svccheck is already installed here), and steps that `uses:`
an action are not run: the test checks the files those actions would upload instead.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema
from ruamel.yaml import YAML

from svccheck.baseline import load_baseline
from svccheck.waivers import load_waivers

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "ci.md"
CI_DATA = Path(__file__).resolve().parent / "data" / "ci"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)


def blocks(lang: str) -> list[str]:
    return [body for kind, body in FENCE.findall(DOC.read_text(encoding="utf-8")) if kind == lang]


def yaml_blocks() -> list[Any]:
    return [YAML(typ="safe").load(body) for body in blocks("yaml")]


def github_workflow() -> Any:
    [workflow] = [b for b in yaml_blocks() if isinstance(b, dict) and "jobs" in b]
    return workflow


def gitlab_job() -> Any:
    [job] = [v for b in yaml_blocks() if isinstance(b, dict) and "jobs" not in b for v in b.values()
             if isinstance(v, dict) and "script" in v]
    return job


def waivers_text() -> str:
    [text] = [body for body in blocks("yaml") if body.startswith("version: 1\nwaivers:")]
    return text


def run_script(script: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    prelude = f"svccheck() {{ {shlex.quote(sys.executable)} -m svccheck \"$@\"; }}\n"
    return subprocess.run(
        ["bash", "-c", prelude + script],
        cwd=cwd,
        env={**os.environ, "LANG": "C", "LC_ALL": "C", **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A repository as CI checks it out: the export, the committed baseline and waivers."""
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    (tmp_path / "waivers.yaml").write_text(waivers_text(), encoding="utf-8")
    adoption = run_script("\n".join(blocks("sh")), tmp_path)
    assert adoption.returncode == 0, adoption.stderr
    return tmp_path


def _validate_sarif(path: Path) -> Any:
    log = json.loads(path.read_text(encoding="utf-8"))
    for name in ("sarif-2.1.0-rtm.5.json", "sarif-2.1.0-draft2020.json"):
        schema = json.loads((CI_DATA / name).read_text(encoding="utf-8"))
        cls = jsonschema.validators.validator_for(schema)
        cls(schema, format_checker=cls.FORMAT_CHECKER).validate(log)
    return log


def test_doc_has_the_blocks_the_recipe_needs() -> None:
    assert len(blocks("sh")) == 2
    assert "svccheck baseline create $INTERACTIONS -o svccheck-baseline.json" in blocks("sh")[0]
    assert github_workflow()["jobs"]["audit"]["env"]["INTERACTIONS"].startswith("examples/")
    assert gitlab_job()["artifacts"]["reports"]["junit"] == "svccheck-junit.xml"


def test_waivers_example_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(waivers_text(), encoding="utf-8")
    assert [w.scope() for w in load_waivers(path).waivers] == [
        "rule phone.closing-courtesy, site bank-cc-*",
        "interaction h-call-11, rule speech.forbidden-phrases",
    ]


def test_adoption_and_expiry_preview(workdir: Path) -> None:
    baseline = load_baseline(workdir / "svccheck-baseline.json")
    assert len(baseline.fingerprints) > 20
    # The sh blocks ran in order: the second previews the waivers as of a later day.
    preview = run_script("\n".join(blocks("sh")), workdir)
    assert preview.returncode == 0
    assert re.search(r"^warning: waivers\.yaml:\d+:5: waiver expired on 2027-03-31 \(interaction h-call-11, rule"
                     r" speech\.forbidden-phrases; approved by j\.smith@example\.com\): no longer applies, 2 findings"
                     r" not waived$", preview.stdout, re.M), preview.stdout


def test_github_actions_recipe(workdir: Path) -> None:
    job = github_workflow()["jobs"]["audit"]
    summary = workdir / "step-summary.md"
    env = {**{k: str(v) for k, v in job["env"].items()}, "GITHUB_STEP_SUMMARY": str(summary)}
    steps = [s for s in job["steps"] if "run" in s and not s.get("name", "").startswith("Install")]
    assert [s["name"] for s in steps] == ["Audit"]
    result = run_script(steps[0]["run"], workdir, env)
    assert result.returncode == 0, result.stderr  # everything is in the baseline or waived

    # Nothing is new, so the only annotation is the closing notice.
    [notice] = result.stdout.splitlines()
    assert re.fullmatch(r"::notice::svccheck: \d+ interactions audited, (\d+) findings \(0 new, \d+ baselined, [1-9]\d*"
                        r" waived\), 0 failing at or above major, 0 input errors", notice), notice

    uploaded = {s["with"].get("sarif_file") or s["with"].get("report_paths") or s["with"].get("path")
                for s in job["steps"] if "uses" in s and "with" in s and "python-version" not in s["with"]}
    assert uploaded == {"svccheck.sarif", "svccheck-junit.xml", "svccheck-report.json"}
    log = _validate_sarif(workdir / "svccheck.sarif")
    states = {r.get("baselineState") for r in log["runs"][0]["results"]}
    assert states <= {"unchanged", "new"} and "unchanged" in states
    xmlschema.XMLSchema(str(CI_DATA / "junit-10.xsd")).validate(str(workdir / "svccheck-junit.xml"))
    report = json.loads((workdir / "svccheck-report.json").read_text(encoding="utf-8"))
    assert report["summary"]["failing"] == 0
    assert report["baseline"]["fixed"] == 0
    assert summary.read_text(encoding="utf-8").startswith("## svccheck PASS: 0 new findings at or above major\n")


def test_gitlab_ci_recipe(workdir: Path) -> None:
    job = gitlab_job()
    env = {k: str(v) for k, v in job["variables"].items()}
    [script] = job["script"]
    result = run_script(script, workdir, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "fail-on major: 0 new findings at or above it"
    xmlschema.XMLSchema(str(CI_DATA / "junit-10.xsd")).validate(str(workdir / job["artifacts"]["reports"]["junit"]))
    for path in job["artifacts"]["paths"]:
        assert (workdir / path).stat().st_size > 0
    _validate_sarif(workdir / "svccheck.sarif")


def test_recipes_are_deterministic(workdir: Path) -> None:
    job = gitlab_job()
    env = {k: str(v) for k, v in job["variables"].items()}
    outputs = []
    for _ in range(2):
        result = run_script(job["script"][0], workdir, env)
        files = [(workdir / p).read_bytes() for p in ("svccheck-junit.xml", *job["artifacts"]["paths"])]
        outputs.append((result.stdout, files))
    assert outputs[0] == outputs[1]
