"""The `svccheck` command table: every command is found by name, and running one imports only
its own module (the others are imported when used, which keeps start-up short)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from svccheck.cli import COMMANDS, main

HERE = Path(__file__).resolve().parent


def test_every_command_resolves_to_the_command_of_that_name() -> None:
    ctx = click.Context(main)
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        assert command is not None and command.name == name
    assert main.list_commands(ctx) == sorted(COMMANDS)
    assert main.get_command(ctx, "nosuch") is None


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.split("Commands:", 1)[1].splitlines() if line.strip()]
    assert listed == sorted(COMMANDS)


def test_a_mistyped_command_is_still_suggested() -> None:
    result = CliRunner().invoke(main, ["adit"])
    assert result.exit_code == 2
    assert result.output == "svccheck: error: no such command 'adit' (did you mean 'audit'?) (see svccheck --help)\n"


def test_running_audit_imports_no_other_command(tmp_path: Path) -> None:
    record = {"id": "a", "channel": "chat", "events": []}
    (tmp_path / "one.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    probe = (
        "import sys, svccheck.cli as cli\n"
        "try:\n    cli.main(['audit', sys.argv[1], '--format', 'json'])\n"
        "except SystemExit:\n    pass\n"
        "commands = {f'svccheck.cli.{module}' for module, _ in cli.COMMANDS.values()}\n"
        "print(sorted(m for m in sys.modules if m in commands), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "one.jsonl")],
                          capture_output=True, text=True, check=True)
    assert done.stderr.strip().splitlines()[-1] == "['svccheck.cli.audit']"


def test_the_version_is_the_installed_distributions() -> None:
    from importlib.metadata import version

    import svccheck

    assert svccheck.__version__ == version("svccheck")
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and version("svccheck") in result.output
