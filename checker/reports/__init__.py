"""Renderers of the aggregate report (`svccheck report`): one module per format, each a
`render(aggregate, out)` that reads an immutable `svccheck.aggregate.Aggregate` and writes text.

Renderers never audit, score or count: everything they show is in the `Aggregate`. Output is
deterministic (no timestamps, fixed orders), so the same batch gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TextIO

from ..aggregate import Aggregate
from . import html, markdown

Renderer = Callable[[Aggregate, TextIO], None]

RENDERERS: Mapping[str, Renderer] = {
    "html": html.render,
    "markdown": markdown.render,
}
