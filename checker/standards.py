"""The standards catalogue: every service standard the source manuals state (standards/*.yaml).

Rules name the standard they check; a rule naming a standard that is not in the catalogue is a
rule error. Extra catalogue files may sit in any `--rules` directory (a YAML file with a
top-level `standards:` list and no `check:`), so a business can add its own standards.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import RuleError
from .model import Dimension, Localised, SourceLocation
from .paths import standards_dir
from .problems import ProblemMessage
from .yamlpos import Problem, YamlLoadError, load_yaml, schema_problems

_SCHEMA: dict[str, Any] = json.loads(
    resources.files("svccheck").joinpath("schemas/standards.schema.json").read_text(encoding="utf-8")
)


@dataclass(frozen=True, slots=True)
class Standard:
    id: str
    title: Localised
    dimension: Dimension
    all_dimensions: bool
    observable_by: tuple[str, ...]
    manual: str
    manual_title: Localised
    quote: str
    number: int | None
    location: SourceLocation


def _is_catalogue(root: Any) -> bool:
    return isinstance(root, Mapping) and "standards" in root and "check" not in root


def catalogue_files(directories: Iterable[Path]) -> list[Path]:
    files = sorted(standards_dir().glob("*.yaml"))
    for directory in directories:
        if directory.is_dir():
            files += sorted(p for p in directory.rglob("*.y*ml") if "phrases" not in p.parts)
    return files


def load_standards(extra_directories: Iterable[Path] = ()) -> dict[str, Standard]:
    """The built-in catalogue plus catalogue files found in the given rule directories."""
    problems: list[Problem] = []
    standards: dict[str, Standard] = {}
    for path in catalogue_files(extra_directories):
        try:
            doc = load_yaml(path)
        except YamlLoadError as err:
            if path.parent == standards_dir():
                problems.append(err.problem)
            continue  # a broken rule file is reported by the rule loader
        if not _is_catalogue(doc.root):
            continue
        data = doc.plain()
        found = schema_problems(doc, data, _SCHEMA)
        if found:
            problems += found
            continue
        manual = data["manual"]
        for index, item in enumerate(data["standards"]):
            location = doc.locate(["standards", index])
            if item["id"] in standards:
                first = standards[item["id"]].location
                said = ProblemMessage.of("standards.duplicate_id", id=repr(item["id"]), first=str(first))
                problems.append(Problem.of(doc.locate(["standards", index, "id"]), f"standards[{index}].id", said))
                continue
            standards[item["id"]] = Standard(
                id=item["id"],
                title=Localised(item["title"]["en"], item["title"]["zh"]),
                dimension=Dimension(item["dimension"]),
                all_dimensions=bool(item.get("all-dimensions", False)),
                observable_by=tuple(item["observable-by"]),
                manual=manual["id"],
                manual_title=Localised(manual["title"]["en"], manual["title"]["zh"]),
                quote=item.get("quote", ""),
                number=item.get("number"),
                location=location,
            )
    if problems:
        raise RuleError(ProblemMessage.of("standards.problems", count=str(len(problems))), problems)
    return standards
