"""A breeze command started as a process of its own, for the tests that end one with a signal
(tests/integration/*/test_*signals*.py), and what the engine holds before and after it."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

TIMEOUT = 300  # the bound of every wait: the CI machine has 2 cores


def docker_lines(*args: str) -> list[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=True).stdout.split()


class Breeze:
    """`python -m breeze --project ROOT ...` in its own session (its own process group, as a
    terminal's foreground job is), its output in a file. ``ENV``: what a test's subclass sets."""

    ENV: tuple[tuple[str, str], ...] = (("BREEZE_ANSWER", "no"),)

    def __init__(self, root: Path, output: Path, *args: str) -> None:
        self.output = output
        with output.open("wb") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "breeze", "--project", str(root), *args],
                stdout=sink,
                stderr=subprocess.STDOUT,
                env={**os.environ, "CI": "true", "NO_COLOR": "1", **dict(self.ENV)},
                start_new_session=True,
            )

    def text(self) -> str:
        return self.output.read_text(errors="replace")

    def wait_until(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not condition():
            assert self.process.poll() is None, f"breeze ended before {what}:\n{self.text()}"
            assert time.monotonic() < deadline, f"no {what} after {TIMEOUT} s:\n{self.text()}"
            time.sleep(0.1)

    def signal(self, signum: int, *, group: bool = False) -> tuple[int, str]:
        """Send ``signum`` to breeze alone (`kill PID`: a cancelled CI job, a closed terminal) or to
        its process group (Ctrl-C in a terminal); its exit code and output once it ended."""
        try:
            if group:
                os.killpg(self.process.pid, signum)
            else:
                self.process.send_signal(signum)
            code = self.process.wait(timeout=TIMEOUT)
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return code, self.text()

    def children(self) -> list[tuple[int, str]]:
        """breeze's child processes: (pid, command line)."""
        done = subprocess.run(
            ["ps", "-o", "pid=,args=", "--ppid", str(self.process.pid)], capture_output=True, text=True
        )
        rows = (line.strip().partition(" ") for line in done.stdout.splitlines())
        return [(int(pid), args) for pid, _, args in rows]


@contextmanager
def engine_events(*filters: str) -> Iterator[Callable[[], str]]:
    """`docker events` with these filters (`event=create`, `image=REF`) from now on (``--since``: none
    is missed, however late the listener subscribes); yields a function that waits (bounded) for
    the next event's container ID. For containers too short-lived to be caught polling `docker ps`."""
    argv = ["docker", "events", "--since", f"{time.time():.6f}", "--format", "{{.Actor.ID}}"]
    for item in filters:
        argv += ["--filter", item]
    lines: queue.Queue[str] = queue.Queue()
    with subprocess.Popen(argv, stdout=subprocess.PIPE, text=True) as events:
        assert events.stdout is not None
        reader = threading.Thread(
            target=lambda: [lines.put(line.strip()) for line in events.stdout], daemon=True
        )
        reader.start()

        def next_id() -> str:
            try:
                return lines.get(timeout=TIMEOUT)
            except queue.Empty:
                raise AssertionError(f"no engine event {filters} in {TIMEOUT} s") from None

        try:
            yield next_id
        finally:
            events.terminate()


@dataclass(frozen=True)
class EngineState:
    """What the engine holds: images (by ID), networks and volumes. The tests run under the shared
    engine lock, so whatever appears between two snapshots is the command's."""

    images: frozenset[str]
    networks: frozenset[str]
    volumes: frozenset[str]

    @classmethod
    def now(cls) -> EngineState:
        return cls(
            frozenset(docker_lines("image", "ls", "-q", "--no-trunc")),
            frozenset(docker_lines("network", "ls", "-q", "--no-trunc")),
            frozenset(docker_lines("volume", "ls", "-q")),
        )


def containers(*filters: str, running: bool = False) -> list[str]:
    """IDs of the containers matching every filter (`label=...`, `ancestor=REF`)."""
    argv = ["ps", "-q", "--no-trunc"] + ([] if running else ["-a"])
    for item in filters:
        argv += ["--filter", item]
    return docker_lines(*argv)


def assert_ended_cleanly(signum: int, code: int, output: str) -> None:
    """The signal's exit code (130 for Ctrl-C), one short line saying why, no traceback."""
    assert code == 128 + signum, output
    expected = "Interrupted." if signum == signal.SIGINT else f"Interrupted by {signal.Signals(signum).name}."
    assert expected in output, output
    assert "Traceback" not in output and "internal error" not in output, output
