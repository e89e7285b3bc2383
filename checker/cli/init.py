"""`svccheck init`: start a project with a commented svccheck.yaml and one sample rule."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from ..errors import SvccheckError
from ..problems import ProblemMessage, joined
from . import default_lang, user_errors

#: Template file (in svccheck/templates) -> where `init` writes it, relative to the directory.
FILES: tuple[tuple[str, str], ...] = (
    ("svccheck.yaml", "svccheck.yaml"),
    ("local.thank-for-complaint.yaml", "svccheck-rules/local.thank-for-complaint.yaml"),
    ("complaint-thanked.json", "svccheck-rules/fixtures/complaint-thanked.json"),
    ("complaint-thanked.expected.yaml", "svccheck-rules/fixtures/complaint-thanked.expected.yaml"),
)


@click.command()
@click.option("--directory", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              show_default=True, help="Where to write the files.")
@user_errors
def init(directory: Path) -> None:
    """Write a commented svccheck.yaml, a sample rule with examples and a fixture case
    (svccheck-rules/). Refuses to overwrite any existing file (exit 2, nothing written)."""
    lang = default_lang()  # no --lang: a first command, said in the locale's language
    targets = [(source, directory / target) for source, target in FILES]
    existing = [str(path) for _, path in targets if path.exists()]
    if existing:
        code = "init.exists.one" if len(existing) == 1 else "init.exists.many"
        raise SvccheckError(ProblemMessage.of(code, files=joined("list.comma", existing)))
    templates = resources.files("svccheck").joinpath("templates")
    for source, path in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(templates.joinpath(source).read_text(encoding="utf-8"), encoding="utf-8", newline="\n")
        click.echo(ProblemMessage.of("init.wrote", file=str(path)).text(lang))
    click.echo(ProblemMessage.of("init.next").text(lang))
