"""SIGTERM and SIGHUP end breeze the way Ctrl-C does.

A cancelled CI job sends SIGTERM, a closed terminal SIGHUP; both reach breeze alone, not the
docker processes it started (Ctrl-C in a terminal reaches the whole process group). So the first
such signal is passed on to breeze's own child processes as SIGINT, as Ctrl-C would have been, and
then raised in breeze as ``Terminated``, a KeyboardInterrupt: every ``finally`` and ``except
KeyboardInterrupt`` that cleans up after Ctrl-C (stack down, test containers, network and volumes
removed) runs the same way. Further signals are ignored while that cleanup runs. The exit code is
128 + the signal's number (143 for SIGTERM, 129 for SIGHUP), as a shell reports it."""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path
from types import FrameType

HANDLED = (signal.SIGTERM, signal.SIGHUP)
_received: list[int] = []


class Terminated(KeyboardInterrupt):
    """breeze received SIGTERM or SIGHUP."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


Handlers = dict[int, "signal._HANDLER"]


def install() -> Handlers:
    """Handle SIGTERM and SIGHUP from now on (call from the main thread); returns the handlers
    they had, for ``restore``."""
    _received.clear()
    # A signal ignored by whoever started breeze stays ignored: `nohup breeze start-airflow &`
    # must outlive the terminal.
    wanted = [signum for signum in HANDLED if signal.getsignal(signum) is not signal.SIG_IGN]
    return {signum: signal.signal(signum, _handle) for signum in wanted}


def restore(previous: Handlers) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)


def received() -> int | None:
    """The signal that ended this run, if one did."""
    return _received[0] if _received else None


def exit_code(signum: int) -> int:
    return 128 + signum


def _handle(signum: int, _frame: FrameType | None) -> None:
    if _received:  # already stopping: let the cleanup finish
        return
    _received.append(signum)
    for pid in children(os.getpid()):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGINT)
    raise Terminated(signum)


def children(parent: int, proc: Path = Path("/proc")) -> list[int]:
    """The direct child processes of ``parent`` (Linux /proc; none found elsewhere)."""
    found = []
    for stat in proc.glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after it.
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == parent:
                found.append(int(stat.parent.name))
    return found
