"""Output that reads well both in a terminal and in a CI log.

Without a terminal, rich would wrap every line at 80 columns (breaking commands and paths in two)
and programs under breeze may still send terminal escapes (compose's `ESC[2K` before a log line):
a log, a pipe or `grep` gets neither. ``NO_COLOR`` and ``FORCE_COLOR`` are honoured (rich reads
them; ``FORCE_COLOR`` also keeps the escapes of streamed output)."""

from __future__ import annotations

import os
import re
from typing import IO, TYPE_CHECKING, cast

if TYPE_CHECKING:
    from rich.console import Console

# Width of tables and rules when there is no terminal to measure (COLUMNS still wins).
LOG_WIDTH = 200
_ESCAPE = re.compile(rb"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def make_console(*, stderr: bool = True) -> Console:
    """A rich console for breeze's messages; without a terminal, lines are never wrapped."""
    from rich.console import Console

    from breeze.runlog import Tee

    # Everything shown also goes to this run's log (breeze.runlog).
    stream = cast("IO[str]", Tee("stderr" if stderr else "stdout"))
    console = Console(file=stream, stderr=stderr, highlight=False)
    if not console.is_terminal:
        console.soft_wrap = True
        if not os.environ.get("COLUMNS"):
            console.width = LOG_WIDTH
    return console


def strip_escapes(data: bytes) -> bytes:
    """``data`` without terminal control sequences (colours, erase-line, cursor moves, titles)."""
    return _ESCAPE.sub(b"", data)


def keeps_escapes(fd: int) -> bool:
    """Whether streamed output to ``fd`` may keep its escapes: a terminal, or FORCE_COLOR."""
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("NO_COLOR"):
        return False
    return os.isatty(fd)


def write(fd: int, data: bytes) -> None:
    """Write streamed output from a container or tool, plain unless ``fd`` is a terminal."""
    os.write(fd, data if keeps_escapes(fd) else strip_escapes(data))


def write_stream(source: str, data: bytes) -> None:
    """A (source, bytes) item of a python-on-whales stream to our stdout or stderr."""
    write(1 if source == "stdout" else 2, data)
