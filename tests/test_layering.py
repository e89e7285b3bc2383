"""The import-layering contract (docs/architecture.md), read from the source with `ast`.

- The core never imports the CLI or the formatters.
- Formatters import only `svccheck.model`, `svccheck.words` (the counting words they share with
  the aggregate reports), their own package and the standard library; `svccheck.words` itself
  imports only the standard library, so it cannot pull anything else in.
- Only `svccheck.durable_adapter` imports durable-rules; nothing imports `durable.lang`.

Every import counts, including those inside functions and under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "checker"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["svccheck", *parts])


def _package_of(path: Path) -> str:
    name = _module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def imports(path: Path) -> set[str]:
    """Every module `path` imports, relative imports resolved to absolute names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                assert node.module is not None
                found.add(node.module)
                continue
            base = _package_of(path).split(".")
            base = base[: len(base) - (node.level - 1)]
            if node.module:
                found.add(".".join([*base, node.module]))
            else:  # `from . import a, b`: submodules of that package, or names defined in it
                for alias in node.names:
                    name = ".".join([*base, alias.name])
                    found.add(name if _is_module(name) else ".".join(base))
    return found


def _is_module(name: str) -> bool:
    relative = Path(*name.split(".")[1:])
    return (PACKAGE_DIR / relative).with_suffix(".py").is_file() or (PACKAGE_DIR / relative / "__init__.py").is_file()


def _modules(*under: str) -> list[Path]:
    return sorted(p for p in PACKAGE_DIR.rglob("*.py") if p.relative_to(PACKAGE_DIR).parts[0] in under or not under)


def _core() -> list[Path]:
    """Everything but the CLI, the formatters and `python -m svccheck` (which starts the CLI)."""
    return [p for p in _modules() if p.relative_to(PACKAGE_DIR).parts[0] not in ("cli", "formatters", "__main__.py")]


def _id(path: Path) -> str:
    return path.relative_to(PACKAGE_DIR).as_posix()


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_resolver_reads_relative_imports() -> None:
    formatters_init = PACKAGE_DIR / "formatters" / "__init__.py"
    assert {"svccheck.model", "svccheck.formatters.text", "svccheck.formatters.json_format"} <= imports(formatters_init)
    assert "svccheck.kinds" in imports(PACKAGE_DIR / "kinds" / "threshold.py")
    assert "svccheck.durable_adapter" in imports(PACKAGE_DIR / "audit.py")


@pytest.mark.parametrize("path", _core(), ids=_id)
def test_the_core_never_imports_the_cli_or_formatters(path: Path) -> None:
    bad = {name for name in imports(path) if _within(name, "svccheck.cli") or _within(name, "svccheck.formatters")}
    assert bad == set()


# Serialisation libraries a formatter may use: they know nothing of svccheck's layers.
SERIALISERS = {"orjson"}
# The svccheck modules a formatter may use: the records it renders and a leaf of wording helpers.
FORMATTER_MAY_IMPORT = {"svccheck.model", "svccheck.words"}


@pytest.mark.parametrize("path", _modules("formatters"), ids=_id)
def test_formatters_import_only_the_model_and_the_standard_library(path: Path) -> None:
    bad = {
        name
        for name in imports(path)
        if name not in FORMATTER_MAY_IMPORT
        and not _within(name, "svccheck.formatters")
        and name.partition(".")[0] not in sys.stdlib_module_names
        and name not in SERIALISERS
        and name != "__future__"
    }
    assert bad == set()


def test_the_wording_helpers_are_a_leaf() -> None:
    """Formatters may import `svccheck.words` only because it depends on nothing of svccheck."""
    path = PACKAGE_DIR / "words.py"
    bad = {name for name in imports(path) if name.partition(".")[0] not in sys.stdlib_module_names and name != "__future__"}
    assert bad == set()


@pytest.mark.parametrize("path", _modules(), ids=_id)
def test_only_the_adapter_imports_durable_rules(path: Path) -> None:
    engine = {name for name in imports(path) if _within(name, "durable_rules_engine") or _within(name, "durable")}
    if _module_name(path) == "svccheck.durable_adapter":
        assert engine == {"durable_rules_engine"}  # the extension itself, never durable.lang
    else:
        assert engine == set()
