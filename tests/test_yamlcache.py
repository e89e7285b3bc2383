"""svccheck.yamlcache: a YAML file parsed before is read back from the cache, exactly as parsed;
a changed file is parsed again; errors are never kept; a cache that cannot be trusted, read or
written is ignored."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import pytest

from svccheck import yamlcache, yamlpos
from svccheck.yamlpos import YamlLoadError, load_yaml

RULE = (
    "id: phone.quick\n"
    "title: {zh: 快速接听, en: Answer quickly}\n"
    "check:\n"
    "  kind: threshold\n"
    "  max: 3\n"
    "examples:\n"
    "  - {metrics: {rings: 2}}\n"
)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SVCCHECK_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "yaml"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts actually parsed (not read back from the cache)."""
    seen: list[str] = []
    parse = yamlpos._parse

    def counting(path: Path, text: str) -> Any:
        seen.append(text)
        return parse(path, text)

    monkeypatch.setattr(yamlpos, "_parse", counting)
    return seen


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_document_parsed_before_is_read_back_with_its_positions(tmp_path: Path, cache: Path, parses: list[str]) -> None:
    first = load_yaml(_write(tmp_path / "a.yaml", RULE))
    again = load_yaml(_write(tmp_path / "b.yaml", RULE))  # same text, another file
    assert parses == [RULE]
    assert again.path == tmp_path / "b.yaml"
    assert again.plain() == first.plain()
    for keys in (["check", "max"], ["title", "en"], ["examples", 0, "metrics", "rings"]):
        here, there = again.locate(keys), first.locate(keys)
        assert (here.line, here.column) == (there.line, there.column)
    assert str(again.locate(["check", "max"])) == f"{tmp_path / 'b.yaml'}:5:8"
    assert len(list(cache.glob("*.pickle"))) == 1


def test_a_changed_file_is_parsed_again(tmp_path: Path, cache: Path, parses: list[str]) -> None:
    path = _write(tmp_path / "a.yaml", RULE)
    load_yaml(path)
    changed = RULE.replace("max: 3", "max: 4")
    assert load_yaml(_write(path, changed)).plain(["check", "max"]) == 4
    assert parses == [RULE, changed]


def test_an_empty_document_is_kept_as_none(tmp_path: Path, cache: Path, parses: list[str]) -> None:
    path = _write(tmp_path / "a.yaml", "# nothing yet\n")
    assert load_yaml(path).root is None and load_yaml(path).root is None
    assert len(parses) == 1


def test_errors_are_found_every_time_and_never_kept(tmp_path: Path, cache: Path, parses: list[str]) -> None:
    path = _write(tmp_path / "a.yaml", "a: [1\n")
    for _ in range(2):
        with pytest.raises(YamlLoadError, match=r":2:1: yaml: expected ',' or '\]'"):
            load_yaml(path)
    assert len(parses) == 2 and not list(cache.glob("*.pickle"))


def test_a_corrupt_entry_is_parsed_again_and_replaced(tmp_path: Path, cache: Path, parses: list[str]) -> None:
    path = _write(tmp_path / "a.yaml", RULE)
    load_yaml(path)
    (entry,) = cache.glob("*.pickle")
    entry.write_bytes(b"\x80\x05not a pickle")
    assert load_yaml(path).plain(["check", "max"]) == 3
    assert len(parses) == 2
    assert pickle.loads(entry.read_bytes())["check"]["max"] == 3


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_folder_others_may_write_to_is_not_trusted(tmp_path: Path, cache: Path, parses: list[str]) -> None:
    # Reading a pickle can run code: an entry someone else could have written is never read.
    path = _write(tmp_path / "a.yaml", RULE)
    load_yaml(path)
    cache.chmod(0o777)
    assert load_yaml(path).plain(["check", "max"]) == 3
    assert len(parses) == 2
    cache.chmod(0o700)
    load_yaml(path)
    assert len(parses) == 2


def test_an_unwritable_cache_costs_only_the_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]) -> None:
    blocker = _write(tmp_path / "file", "not a folder")
    monkeypatch.setenv("SVCCHECK_CACHE_DIR", str(blocker))
    path = _write(tmp_path / "a.yaml", RULE)
    assert load_yaml(path).plain(["check", "max"]) == load_yaml(path).plain(["check", "max"]) == 3
    assert len(parses) == 2


def test_an_empty_setting_turns_the_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]) -> None:
    monkeypatch.setenv("SVCCHECK_CACHE_DIR", "")
    path = _write(tmp_path / "a.yaml", RULE)
    load_yaml(path)
    load_yaml(path)
    assert len(parses) == 2 and yamlcache.cache_dir() is None


def test_the_default_folder_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SVCCHECK_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert yamlcache.cache_dir() == tmp_path / "svccheck" / "yaml"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert yamlcache.cache_dir() == tmp_path / "home" / ".cache" / "svccheck" / "yaml"


def test_a_new_parser_makes_every_key_new(monkeypatch: pytest.MonkeyPatch) -> None:
    before = yamlcache._key(RULE.encode())
    monkeypatch.setattr(yamlcache, "_salt", b"another svccheck.yamlpos")
    assert yamlcache._key(RULE.encode()) != before


def test_past_the_limit_the_oldest_entries_go(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlcache, "MAX_ENTRIES", 4)
    monkeypatch.setattr(yamlcache, "_pruned", False)
    cache.mkdir(parents=True, mode=0o700)
    for number in range(5):
        entry = cache / f"old{number}.pickle"
        entry.write_bytes(pickle.dumps(number))
        os.utime(entry, (1_000_000 + number, 1_000_000 + number))
    load_yaml(_write(tmp_path / "a.yaml", RULE))  # the sixth entry: two remain, the newest
    names = sorted(p.name for p in cache.glob("*.pickle"))
    assert len(names) == 2 and "old4.pickle" in names and "old0.pickle" not in names


def test_loading_the_built_in_rules_twice_gives_the_same_rules(cache: Path) -> None:
    # Every rule and standards file, parsed once and then read back: the rules are equal.
    from svccheck.rules import load_rules

    fresh = load_rules([])
    assert len(list(cache.glob("*.pickle"))) >= 24
    assert [(r.id, r.location, r.title, r.message, r.severity) for r in load_rules([])] == [
        (r.id, r.location, r.title, r.message, r.severity) for r in fresh
    ]


def _validator(found: list[str], problems: list[str]) -> Any:
    def validate() -> list[str]:
        found.append("validated")
        return list(problems)

    return validate


def test_a_valid_instance_is_known_valid_the_next_time(cache: Path) -> None:
    schema = {"type": "object", "required": ["id"]}
    calls: list[str] = []
    assert yamlcache.known_valid({"id": "a"}, schema, _validator(calls, [])) == []
    assert yamlcache.known_valid({"id": "a"}, dict(schema), _validator(calls, [])) == []
    assert calls == ["validated"]


def test_problems_are_found_every_time(cache: Path) -> None:
    schema = {"type": "object", "required": ["id"]}
    calls: list[str] = []
    for _ in range(2):
        assert yamlcache.known_valid({}, schema, _validator(calls, ["'id' is a required property"])) == [
            "'id' is a required property"
        ]
    assert len(calls) == 2


def test_another_schema_or_other_types_are_validated_afresh(cache: Path) -> None:
    import datetime

    calls: list[str] = []
    yamlcache.known_valid({"at": "2026-01-01"}, {"type": "object"}, _validator(calls, []))
    yamlcache.known_valid({"at": "2026-01-01"}, {"type": "object", "required": ["at"]}, _validator(calls, []))
    # the same text as a date (unquoted in YAML) is another instance: a string schema rejects it
    yamlcache.known_valid({"at": datetime.date(2026, 1, 1)}, {"type": "object"}, _validator(calls, []))
    yamlcache.known_valid({"at": 1}, {"type": "object"}, _validator(calls, []))
    yamlcache.known_valid({"at": True}, {"type": "object"}, _validator(calls, []))
    assert len(calls) == 5


def test_without_a_cache_every_instance_is_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVCCHECK_CACHE_DIR", "")
    calls: list[str] = []
    for _ in range(2):
        yamlcache.known_valid({"id": "a"}, {"type": "object"}, _validator(calls, []))
    assert len(calls) == 2


def test_with_the_rules_unchanged_a_command_needs_no_jsonschema(tmp_path: Path) -> None:
    # The second run reads every rule file and its validity from the cache: jsonschema (50 ms
    # to import, 50 ms to validate thirty files) is not even imported.
    import subprocess
    import sys

    env = {**os.environ, "SVCCHECK_CACHE_DIR": str(tmp_path / "cache")}
    probe = (
        "import sys\n"
        "from svccheck.config import load_config, load_rule_set\n"
        "rules = load_rule_set(load_config(None)).rules\n"
        "print(len(rules), 'jsonschema' in sys.modules)\n"
    )
    runs = [subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path) for _ in range(2)]
    assert [r.stdout.split() for r in runs] == [["24", "True"], ["24", "False"]], [r.stderr for r in runs]
