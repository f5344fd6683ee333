"""Shows a BuildKit plain-progress stream: the current step on a terminal, one line per step in
CI logs, every line under --verbose; the whole log always goes to a file."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable
from pathlib import Path

from rich.console import Console
from rich.markup import escape

_HEADER = re.compile(r"^#(?P<id>\d+) (?P<what>\[.+)$")


def follow(
    lines: Iterable[str], *, console: Console, title: str, log_path: Path | None, verbose: bool
) -> list[str]:
    """Consume the build stream; return every line. Raises whatever the stream raises, after
    the log file is complete. No log file (``None``) in a dry run: the last build's log stays."""

    collected: list[str] = []
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    seen_steps: set[str] = set()
    with log_path.open("w") if log_path is not None else open(os.devnull, "w") as log:
        status = None if verbose or not console.is_terminal else console.status(f"{title}: starting")
        if status is not None:
            status.start()
        try:
            for raw in lines:
                line = raw.rstrip("\n")
                collected.append(line)
                log.write(line + "\n")
                if verbose:
                    console.print(escape(line), highlight=False, soft_wrap=True)
                    continue
                header = _HEADER.match(line)
                if header and header["id"] not in seen_steps:
                    seen_steps.add(header["id"])
                    what = header["what"][:100]
                    if status is not None:
                        status.update(f"{title}: {escape(what)}  [dim]{time.monotonic() - started:.0f}s[/]")
                    else:
                        console.print(f"  {escape(what)}", highlight=False, soft_wrap=True)
        finally:
            if status is not None:
                status.stop()
    return collected
