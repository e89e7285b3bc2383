"""`svccheck import`: turn a survey export (CSV or .xlsx) into interactions (JSON Lines)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

import click

from ..errors import ExitCode
from ..importer import ImportStats, dump_record, import_rows, load_mapping, read_table, tally
from ..progress import progress_label, track
from . import default_lang, lang_option, say, user_errors
from .output import output_stream


def _write(records: Iterable[dict[str, Any]], out: TextIO) -> None:
    for record in records:
        out.write(dump_record(record) + "\n")


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--mapping", "mapping_path", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="YAML file naming which column is which field.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              help="Write the interactions here (JSON Lines). Default, or -: standard output.")
@lang_option
@user_errors
def import_(file: Path, mapping_path: Path, output: Path | None, lang: str | None) -> None:
    """Import a mystery-shopper export (.csv in UTF-8 or GB18030, or .xlsx) as interactions.

    Each bad row is reported as FILE:ROW: column NAME: message and the other rows are still
    imported; the last line on standard error counts rows, imported and rejected. Problems and
    that line are in --lang (file names, columns, values and row numbers as they are).
    Exit codes: 0 every row imported; 2 bad mapping; 3 the file is unreadable or a row was rejected.
    """
    language = lang or default_lang()
    mapping = load_mapping(mapping_path)
    table = read_table(file, mapping.sheet, mapping.header_row)
    stats = ImportStats()
    rows = track(import_rows(table, mapping), total=len(table.rows), label=progress_label("importing", language))
    records = tally(rows, stats)
    with output_stream(output) as handle:
        _write(records, handle)
    for problem in stats.problems:
        say(problem.describe(language))
    say(stats.summary(str(file), language))
    sys.exit(ExitCode.INPUT if stats.rejected else ExitCode.OK)
