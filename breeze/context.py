"""The application context, built once in the root callback and handed to every command."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from rich.console import Console

    from breeze.engine import Engine

Answer = Literal["yes", "no"]


def _is_interactive() -> bool:
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        return False
    return sys.stdin.isatty() and sys.stdout.isatty()


@dataclass
class AppContext:
    verbose: bool = False
    dry_run: bool = False
    answer: Answer | None = None
    project_dir: Path | None = None
    interactive: bool = field(default_factory=_is_interactive)

    @cached_property
    def console(self) -> Console:
        """Messages and progress go to stderr so stdout stays clean for data."""
        from breeze.terminal import make_console

        return make_console(stderr=True)

    @cached_property
    def engine(self) -> Engine:
        from breeze.engine import Engine

        return Engine(console=self.console, verbose=self.verbose, dry_run=self.dry_run)

    def confirm(self, question: str, *, default: bool, timeout: float | None = None) -> bool:
        from breeze.prompts import confirm

        return confirm(self, question, default=default, timeout=timeout)
