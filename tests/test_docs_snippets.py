"""Every snippet of docs/writing-rules.md is run, so the guide cannot rot.

Fenced blocks are recognised by their info string (language, role, optional path):

- ``yaml rule PATH``: a rule file of the tutorial project: linted clean, its examples pass;
- ``yaml config [PATH]``: a svccheck.yaml, validated in the tutorial project (with PATH, it is
  the project's own configuration);
- ``yaml expected PATH`` / ``json interaction PATH``: a fixture case of the tutorial project;
- ``yaml broken PATH``: a rule with mistakes; the next ``text lint-output`` block is exactly
  what `svccheck lint` prints for it, and a ``text lint-output-zh`` block right after it what
  `svccheck lint --lang zh` prints;
- ``text test-output PATH``: exactly what `svccheck test PATH` prints in the tutorial project;
- ``text failing-test-output PATH``: exactly what it prints after the edits the guide describes;
- ``text explain-excerpt RULE``: lines that `svccheck explain RULE` prints in the tutorial project;
- the ``console`` block of ``$ svccheck init``: exactly what init prints.

A ``yaml`` or ``json`` block with any other role fails the suite. The check-kind reference
between the markers must equal `svccheck explain --kinds`, and every ``check:`` example in it
must validate and compile with its kind.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from svccheck.cli import main
from svccheck.config import load_config, resolve_rules
from svccheck.explain import REFERENCE_BEGIN, REFERENCE_END, with_kinds_reference
from svccheck.interactions import build_interaction
from svccheck.kinds import KINDS, CompileContext
from svccheck.model import InputProblem, SourceLocation
from svccheck.paths import builtin_rules_dir
from svccheck.rules import RULE_SCHEMA
from svccheck.yamlpos import YamlDoc, schema_problems

DOC = Path(__file__).resolve().parents[1] / "docs" / "writing-rules.md"
FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)
ROLES = {"yaml": {"rule", "config", "expected", "broken"}, "json": {"interaction"}}


@dataclass(frozen=True)
class Snippet:
    language: str
    role: str
    arg: str
    body: str
    line: int

    @property
    def name(self) -> str:
        return f"writing-rules.md:{self.line} {self.language} {self.role} {self.arg}".rstrip()


def _snippets() -> list[Snippet]:
    text = DOC.read_text(encoding="utf-8")
    out = []
    for match in FENCE.finditer(text):
        words = match["info"].split()
        language, role, arg = (words + ["", "", ""])[:3]
        out.append(Snippet(language, role, arg, match["body"], text.count("\n", 0, match.start()) + 1))
    return out


SNIPPETS = _snippets()


def _of(role: str) -> list[Snippet]:
    return [s for s in SNIPPETS if s.role == role]


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env={"LANG": "C", "LC_ALL": None})
    assert not result.exception or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tutorial project, built from the snippets that name a path."""
    for snippet in SNIPPETS:
        if snippet.role in ("rule", "config", "expected", "interaction") and snippet.arg:
            path = tmp_path / snippet.arg
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(snippet.body, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_yaml_and_json_snippet_has_a_known_role() -> None:
    unknown = [s.name for s in SNIPPETS if s.language in ROLES and s.role not in ROLES[s.language]]
    assert unknown == []
    assert {s.role for s in SNIPPETS if s.language in ROLES} == {"rule", "config", "expected", "broken", "interaction"}


def test_the_tutorial_project_lints_clean_and_its_tests_pass(project: Path) -> None:
    assert _run("lint")[0] == 0, _run("lint")[1]
    code, out, _ = _run("test")
    assert code == 0, out
    code, out, err = _run("audit", *[s.arg for s in _of("interaction")])
    assert err == "svccheck: configuration: svccheck.yaml\n"
    assert "local.callback-promised" in out and "local.no-compensation-amounts" in out


@pytest.mark.parametrize("snippet", _of("rule"), ids=lambda s: s.name)
def test_each_rule_snippet_is_a_complete_rule_with_passing_examples(project: Path, snippet: Snippet) -> None:
    data = YAML(typ="safe").load(snippet.body)
    assert schema_problems(YamlDoc(Path(snippet.arg), data), data, RULE_SCHEMA) == []
    assert data["examples"]["pass"] and data["examples"]["fail"]
    code, out, _ = _run("test", snippet.arg)
    assert code == 0, out
    assert out == f"{len(data['examples']['pass']) + len(data['examples']['fail'])} passed, 0 failed\n"


@pytest.mark.parametrize("snippet", _of("config"), ids=lambda s: s.name)
def test_each_configuration_snippet_is_valid_in_the_tutorial_project(project: Path, snippet: Snippet) -> None:
    path = project / "snippet-svccheck.yaml"
    path.write_text(snippet.body, encoding="utf-8")
    rule_set = resolve_rules(load_config(Path(path.name)))
    assert [str(p) for p in rule_set.problems] == []
    assert rule_set.config.overrides or rule_set.config.rule_dirs


@pytest.mark.parametrize("snippet", _of("interaction"), ids=lambda s: s.name)
def test_each_interaction_snippet_is_valid(snippet: Snippet) -> None:
    item = build_interaction(json.loads(snippet.body), SourceLocation(snippet.arg), 0)
    assert not isinstance(item, InputProblem), item


@pytest.mark.parametrize("snippet", _of("broken"), ids=lambda s: s.name)
def test_broken_rule_snippets_give_exactly_the_lint_output_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                snippet: Snippet) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / snippet.arg
    path.parent.mkdir(parents=True)
    path.write_text(snippet.body, encoding="utf-8")
    shown = SNIPPETS[SNIPPETS.index(snippet) + 1]
    assert (shown.language, shown.role) == ("text", "lint-output")
    code, out, _ = _run("lint", str(path.parent.relative_to(tmp_path)))
    assert (code, out) == (2, shown.body)
    after = SNIPPETS[SNIPPETS.index(snippet) + 2] if SNIPPETS.index(snippet) + 2 < len(SNIPPETS) else None
    if after is not None and (after.language, after.role) == ("text", "lint-output-zh"):
        assert _run("lint", str(path.parent.relative_to(tmp_path)), "--lang", "zh")[:2] == (2, after.body)
    code, _, _ = _run("audit", str(DOC.parents[1] / "examples" / "phone-calls.json"), "--rules", snippet.arg.split("/")[0])
    assert code == 2  # and the audit refuses to run


@pytest.mark.parametrize("snippet", _of("test-output"), ids=lambda s: s.name)
def test_test_output_shown_is_what_svccheck_test_prints(project: Path, snippet: Snippet) -> None:
    assert _run("test", snippet.arg)[:2] == (0, snippet.body)


@pytest.mark.parametrize("snippet", _of("failing-test-output"), ids=lambda s: s.name)
def test_the_failing_test_output_shown_is_what_the_described_edits_give(project: Path, snippet: Snippet) -> None:
    # The edits the guide describes: max-minutes 2 -> 4 (and the messages), the 赔您 phrase deleted.
    rules = project / "svccheck-rules"
    for path in [rules / "local.callback-promised.yaml", rules / "fixtures" / "late-callback.expected.yaml"]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("max-minutes: 2", "max-minutes: 4").replace("within 2 min", "within 4 min"),
                        encoding="utf-8")
    path = rules / "local.no-compensation-amounts.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if "- 赔[偿|付][给]您" not in line), encoding="utf-8")
    assert _run("test", snippet.arg)[:2] == (1, snippet.body)


@pytest.mark.parametrize("snippet", _of("explain-excerpt"), ids=lambda s: s.name)
def test_explain_excerpts_are_what_svccheck_explain_prints(project: Path, snippet: Snippet) -> None:
    code, out, _ = _run("explain", snippet.arg)
    assert code == 0
    assert snippet.body in out


def test_the_init_transcript_shown_is_what_init_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (shown,) = [s for s in SNIPPETS if s.language == "console" and s.body.startswith("$ svccheck init\n")]
    assert _run("init")[:2] == (0, shown.body.removeprefix("$ svccheck init\n"))


def test_the_kinds_reference_is_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert text == with_kinds_reference(text), (
        "docs/writing-rules.md's kinds reference is out of date; regenerate it with: python -c \"from pathlib "
        "import Path; from svccheck.explain import with_kinds_reference as w; p = Path('docs/writing-rules.md'); "
        "p.write_text(w(p.read_text(encoding='utf-8')), encoding='utf-8')\""
    )


def _reference_checks() -> list[tuple[str, str]]:
    """(kind heading, YAML text) of every indented block in the reference that has a `check:`."""
    text = DOC.read_text(encoding="utf-8")
    reference = text.split(REFERENCE_BEGIN)[1].split(REFERENCE_END)[0]
    found = []
    for section in reference.split("\n### ")[1:]:
        name = section.split("`")[1]
        for block in re.findall(r"\n\n((?: {4}[^\n]*\n?)+)", section):
            body = textwrap.dedent(block)
            if body.startswith("check:"):
                found.append((name, body))
    return found


@pytest.mark.parametrize(("name", "body"), _reference_checks(), ids=lambda v: v if len(v) < 40 else "")
def test_every_check_example_in_the_reference_compiles(name: str, body: str) -> None:
    params = YAML(typ="safe").load(body)["check"]
    assert params["kind"] == name
    kind = KINDS[name]
    assert schema_problems(YamlDoc(Path("doc"), params), params, kind.schema) == []
    kind.compile(params, CompileContext(rule_file=builtin_rules_dir() / "doc.yaml", rule_id="doc.example"))


def test_the_reference_shows_a_check_for_most_kinds() -> None:
    shown = {name for name, _ in _reference_checks()}
    assert len(shown) >= len(KINDS) - 1  # a kind whose docstring shows no `check:` is the exception


def test_every_rule_key_is_in_the_reference_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert [key for key in RULE_SCHEMA["properties"] if f"| `{key}` |" not in text] == []
