"""Where the built-in data lives: installed inside the package, or beside it in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(installed: str, checkout: str) -> Path:
    # A wheel installs the top-level `rules/` and `standards/` as svccheck/_builtin_rules and
    # svccheck/_standards; an editable install or a source checkout keeps them beside checker/.
    inside = _PACKAGE / installed
    return inside if inside.is_dir() else _PACKAGE.parent / checkout


def builtin_rules_dir() -> Path:
    return _data_dir("_builtin_rules", "rules")


def standards_dir() -> Path:
    return _data_dir("_standards", "standards")
