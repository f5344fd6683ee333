"""BREEZE.md stays true: every command and every option the CLI has is documented there."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from breeze.cli.app import app

GUIDE = (Path(__file__).resolve().parents[2] / "BREEZE.md").read_text()
UNDOCUMENTED_OK = {"--help", "-h", "--show-completion"}


def walk(command: object, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], object]]:
    found = [(path, command)]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        found += walk(sub, (*path, name))
    return found


COMMANDS = walk(typer.main.get_command(app), ("breeze",))


def test_every_command_has_a_section_or_example() -> None:
    missing = [" ".join(path) for path, _ in COMMANDS[1:] if " ".join(path) not in GUIDE]
    assert not missing, f"commands not in BREEZE.md: {missing}"


def test_every_option_is_documented() -> None:
    missing = []
    for path, command in COMMANDS:
        for param in getattr(command, "params", []):
            for opt in getattr(param, "opts", []):
                documented = re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", GUIDE)
                if opt.startswith("--") and opt not in UNDOCUMENTED_OK and not documented:
                    missing.append(f"{' '.join(path)} {opt}")
    assert not missing, f"options not in BREEZE.md: {missing}"
