"""The compose commands a stack's life is made of: up, down, the logs; a failed one becomes a
StackError that says whether an image could not be pulled (the usual cause here)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable

from breeze.compose import ComposeProject
from breeze.errors import EngineCommandFailed, StackError

PULL_FIX = (
    "Run `breeze setup offline-images` for the postgres and redis stand-ins. MySQL has no offline "
    "stand-in (Debian ships only MariaDB, which Airflow does not support): use --backend postgres "
    "here, or run where a registry answers."
)


def compose_failure(exc: EngineCommandFailed, message: str) -> StackError:
    """A compose command failed: say whether an image could not be pulled."""
    if exc.pull_failed:
        return StackError(
            "A service image cannot be pulled: no container registry answers.",
            fix=PULL_FIX,
            details=exc.stderr.strip(),
        )
    return StackError(
        message,
        fix="Read compose's message above (a project compose.override.yaml may be at fault).",
        details=exc.stderr.strip(),
    )


def compose_up(project: ComposeProject) -> None:
    try:
        project.up()
    except EngineCommandFailed as exc:
        raise compose_failure(exc, "docker compose could not start the stack.") from None


def take_down(project: ComposeProject, *, volumes: bool) -> None:
    """Stop and remove the stack's containers (and its volumes if asked); never fails."""
    with contextlib.suppress(EngineCommandFailed):
        project.down(volumes=volumes)


def recent_logs(project: ComposeProject, services: list[str]) -> str:
    try:
        return project.logs(services, tail="40")
    except EngineCommandFailed as exc:  # the logs are a courtesy; the error that follows matters
        return f"(could not read logs: {exc.last_line or exc.message})"


def to_terminal(stream: Iterable[tuple[str, bytes]]) -> None:
    """Copy a (stdout|stderr, bytes) stream to this process's own stdout and stderr."""
    for source, chunk in stream:
        os.write(1 if source == "stdout" else 2, chunk)
