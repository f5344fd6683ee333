"""The compose commands a stack's life is made of: up, down, the logs; a failed one becomes a
StackError that says whether an image could not be pulled (the usual cause here)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from rich.console import Console

from breeze.compose import ComposeProject
from breeze.errors import EngineCommandFailed, StackError
from breeze.stack.pulls import PullProgress
from breeze.terminal import write_stream

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


def compose_up(project: ComposeProject, console: Console) -> None:
    """Start the stack; image pulls are shown as they happen (a first start is not a hang)."""
    pulls = PullProgress(console)
    try:
        for _source, chunk in project.stream_up():
            pulls.feed(chunk)
    except EngineCommandFailed as exc:
        raise compose_failure(exc, "docker compose could not start the stack.") from None
    finally:
        pulls.close()


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
    """Copy a (stdout|stderr, bytes) stream to this process's own stdout and stderr (terminal
    escapes kept only for a terminal: breeze.terminal)."""
    for source, chunk in stream:
        write_stream(source, chunk)
