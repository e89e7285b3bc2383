"""The shared YAML loader (svccheck.yamlpos.load_yaml): every way a file can be unreadable is one
located `YamlLoadError`, never a Python traceback, and alias bombs are refused before expansion.

Every YAML reader (rules, standards, waivers, svccheck.yaml, import mappings, expected-findings
fixtures) goes through this loader; their own tests check that the problem reaches the user.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from svccheck import yamlpos
from svccheck.yamlpos import ALIAS_BUDGET, MAX_DEPTH, YamlLoadError, load_yaml


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every document here is parsed: some tests break the parser on purpose."""
    monkeypatch.setenv("SVCCHECK_CACHE_DIR", "")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _error(tmp_path: Path, text: str) -> str:
    path = _write(tmp_path, text)
    with pytest.raises(YamlLoadError) as caught:
        load_yaml(path)
    return str(caught.value).removeprefix(f"{path}")


def _bomb(levels: int) -> str:
    """The "billion laughs": each anchor is a list of 9 aliases of the previous one."""
    lines = ["a0: &a0 [" + ", ".join(["lol"] * 9) + "]"]
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


BAD_VALUES = [
    ("impossible date", "d: 2027-02-30\n",
     ":1:4: yaml: cannot read '2027-02-30' as !!timestamp: day is out of range for month (quote it if it is meant as text)"),
    ("impossible month", "d: 2026-99-99\n",
     ":1:4: yaml: cannot read '2026-99-99' as !!timestamp: month must be in 1..12 (quote it if it is meant as text)"),
    ("offset of 25 hours", "x: 2026-01-01 10:00:00 +25:00\n",
     ":1:4: yaml: cannot read '2026-01-01 10:00:00 +25:00' as !!timestamp: offset must be a timedelta strictly between"
     " -timedelta(hours=24) and timedelta(hours=24), not datetime.timedelta(days=1, seconds=3600)."
     " (quote it if it is meant as text)"),
    ("explicit timestamp tag", "a:\n  - !!timestamp 2020-13-01\n",
     ":2:5: yaml: cannot read '2020-13-01' as !!timestamp: month must be in 1..12"),
    ("!!int", "n: !!int abc\n", ":1:4: yaml: cannot read 'abc' as !!int: invalid literal for int() with base 10: 'abc'"),
    ("!!float", "n: !!float xyz\n", ":1:4: yaml: cannot read 'xyz' as !!float: could not convert string to float: 'xyz'"),
    ("!!bool", "b: !!bool maybe\n", ":1:4: yaml: cannot read 'maybe' as !!bool"),
    ("lone high surrogate", 'd: "\\uD800"\n', ":1:4: yaml: lone surrogate \\ud800 in a string: not valid Unicode text"),
    ("lone low surrogate in a key", '"k\\udc00": 1\n', ":1:1: yaml: lone surrogate \\udc00 in a string: not valid Unicode text"),
    ("complex key", "? [a, b]\n: 1\n", ":1:3: yaml: a mapping key must be text or a number, not a list"),
    ("mapping as key", "{? {a: 1} : 2}\n", ":1:4: yaml: a mapping key must be text or a number, not a mapping"),
    ("date key", "ok: 1\n2026-01-01: x\n", ":2:1: yaml: a mapping key must be text or a number, not !!timestamp (quote it)"),
    ("recursive anchor", "a: &x [1, *x]\n", ":1:4: yaml: &x contains its own alias *x: recursive data is not supported"),
    ("too deep", "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n",
     f":1:{3 + MAX_DEPTH}: yaml: nested more than {MAX_DEPTH} levels deep"),
    ("syntax error", "a: [1\n", ":2:1: yaml: expected ',' or ']', but got '<stream end>'"),
    # A stray bracket is named where it is (the round-trip scanner, which reads ahead for
    # comments, said "mapping values are not allowed here" at the colon after it).
    ("stray bracket in a flow mapping", "check:\n  value: {cou]: transfer}\n",
     ":2:14: yaml: expected ',' or '}', but got ']'"),
    ("stray brace after a flow mapping", "title: {zh: }text, en: x}\n",
     ":1:14: yaml: expected <block end>, but found '<scalar>'"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in BAD_VALUES], ids=[c[0] for c in BAD_VALUES])
def test_an_unreadable_value_is_one_located_problem(tmp_path: Path, text: str, expected: str) -> None:
    assert _error(tmp_path, text) == expected


def test_the_problem_keeps_its_parts(tmp_path: Path) -> None:
    path = _write(tmp_path, "a: 1\nb: !!int x\n")
    with pytest.raises(YamlLoadError) as caught:
        load_yaml(path)
    problem = caught.value.problem
    assert (problem.location.file, problem.location.line, problem.location.column, problem.key) == (str(path), 2, 4, "yaml")


def test_an_error_outside_any_node_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Any, node: Any) -> Any:
        raise RuntimeError("no  such\nthing")

    monkeypatch.setattr(yamlpos._LocatingConstructor, "construct_document", broken)
    assert _error(tmp_path, "a: 1\n") == ": yaml: cannot read YAML: no such thing"


def test_an_alias_bomb_is_refused_quickly_and_names_the_alias(tmp_path: Path) -> None:
    started = time.perf_counter()
    # 9 levels stand for 9**9 (387 million) strings; expanding them takes minutes and gigabytes.
    assert _error(tmp_path, _bomb(9)) == (
        ":6:5: yaml: alias *a4 makes this list stand for more than 100000 nodes: refusing a possible alias bomb"
    )
    assert time.perf_counter() - started < 2


def test_the_alias_budget_counts_repeats_only(tmp_path: Path) -> None:
    # A list of 999 strings is 1,000 nodes; each alias of it repeats all of them.
    anchored = "a: &a [" + ", ".join(["x"] * 999) + "]\n"
    fits = ALIAS_BUDGET // 1000
    doc = load_yaml(_write(tmp_path, anchored + "b: [" + ", ".join(["*a"] * fits) + "]\n"))
    assert len(doc.plain(["b"])) == fits
    assert _error(tmp_path, anchored + "b: [" + ", ".join(["*a"] * (fits + 1)) + "]\n") == (
        ":2:4: yaml: alias *a makes this list stand for more than 100000 nodes: refusing a possible alias bomb"
    )


def test_a_big_document_without_aliases_is_not_limited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlpos, "ALIAS_BUDGET", 50)  # a 100,000-line file takes seconds to parse
    doc = load_yaml(_write(tmp_path, "items:\n" + "".join(f"  - {i}\n" for i in range(200))))
    assert doc.plain(["items"]) == list(range(200))


def test_aliases_merge_keys_and_quoted_dates_still_load_with_positions(tmp_path: Path) -> None:
    text = (
        "base: &base {severity: major, phrases: &p [a, b]}\n"
        "rule:\n"
        "  <<: *base\n"
        "  also: *p\n"
        "  when: '2026-02-30'\n"
        "  at: 2026-02-28\n"
        "  n: !!int '7'\n"
        '  ok: "\\u4e2d\\U0001F600"\n'
    )
    doc = load_yaml(_write(tmp_path, text))
    assert doc.plain(["rule"]) == {
        "severity": "major", "phrases": ["a", "b"], "also": ["a", "b"], "when": "2026-02-30", "at": "2026-02-28",
        "n": 7, "ok": "中\U0001f600",
    }
    assert (doc.locate(["rule", "when"]).line, doc.locate(["rule", "when"]).column) == (5, 9)


def test_an_empty_document_is_none(tmp_path: Path) -> None:
    assert load_yaml(_write(tmp_path, "# nothing\n")).root is None
