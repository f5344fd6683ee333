"""The application context, built once in the root callback and handed to every command."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
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


def _real_engine(ctx: AppContext) -> Engine:
    from breeze.engine import Engine  # python-on-whales is slow to import: not for --help
    from breeze.enginechoice import engine_name

    name = engine_name(ctx.project_dir)
    return Engine(console=ctx.console, verbose=ctx.verbose, dry_run=ctx.dry_run, name=name)


@dataclass
class AppContext:
    verbose: bool = False
    dry_run: bool = False
    answer: Answer | None = None
    project_dir: Path | None = None
    interactive: bool = field(default_factory=_is_interactive)
    # How the engine is made: tests pass a factory for a fake one (the one seam they replace).
    make_engine: Callable[[AppContext], Engine] = field(default=_real_engine, repr=False)

    @cached_property
    def console(self) -> Console:
        """Messages and progress go to stderr so stdout stays clean for data."""
        from breeze.terminal import make_console

        return make_console(stderr=True)

    @cached_property
    def engine(self) -> Engine:
        return self.make_engine(self)

    def confirm(self, question: str, *, default: bool, timeout: float | None = None) -> bool:
        from breeze.prompts import confirm

        return confirm(self, question, default=default, timeout=timeout)
