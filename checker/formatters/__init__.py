"""Output formats. Each module renders an immutable `Report` to a text stream, and nothing else:
formatters depend only on the model, never on the engine or the CLI. `json` and `jsonl` can also
be written while an audit runs, fed its findings, errors and summary one by one
(`json_format.StreamedReport`): the same bytes, without holding the findings.

The registry is a plain static mapping; an unknown format name is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TextIO

from ..model import Report
from . import github, json_format, jsonl, junit, markdown, sarif, text

Formatter = Callable[[Report, TextIO], None]

FORMATTERS: Mapping[str, Formatter] = {
    "text": text.render,
    "json": json_format.render,
    "jsonl": jsonl.render,
    "junit": junit.render,
    "sarif": sarif.render,
    "github": github.render,
    "markdown": markdown.render,
}


def get_formatter(name: str) -> Formatter:
    try:
        return FORMATTERS[name]
    except KeyError:
        raise KeyError(f"unknown format {name!r} (known: {', '.join(FORMATTERS)})") from None
