"""Healthchecks of a compose project's containers on podman, run by breeze while it waits.

podman 4.3 schedules healthchecks with systemd timers; without systemd (containers, CI machines,
WSL) they never run ("unable to get systemd connection to add healthchecks" in the service's
log), every container stays "starting", and compose's `depends_on: condition: service_healthy`
waits forever. `podman healthcheck run CONTAINER` runs a container's check once and records the
result as the timer would have. So, while compose starts or runs a project on podman (and while
`start-airflow` keeps its stack in the foreground), a background thread runs the check of each of
the project's running containers that has one, on that container's own interval (the first one
interval after start, as Docker does), and podman honours each check's start period and retries.
Part of the engine seam (breeze.engine makes it for podman's compose projects): its commands are
routine and quiet; --verbose says once which containers it checks."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from python_on_whales import utils as pow_utils
from python_on_whales.exceptions import DockerException

from breeze import runlog

if TYPE_CHECKING:
    from types import TracebackType

    from breeze.engine import Engine

PROJECT_LABEL = "com.docker.compose.project"
DEFAULT_INTERVAL = 30.0  # Docker's and podman's default healthcheck interval, in seconds
TICK = 1.0  # how often the pump looks for new containers and due checks


@dataclass(frozen=True)
class Checked:
    """One running container with a healthcheck: its id, name and the check's interval (s)."""

    id: str
    name: str
    interval: float


def interval_seconds(nanoseconds: int | float | None) -> float:
    """A healthcheck's interval as inspect reports it (nanoseconds; 0 or absent: the default)."""
    value = float(nanoseconds or 0) / 1e9
    return value if value > 0 else DEFAULT_INTERVAL


def has_check(test: list[str] | None) -> bool:
    """Whether a healthcheck test runs anything (``["NONE"]`` disables an image's check)."""
    return bool(test) and test != ["NONE"]


class Schedule:
    """When each container's check is due: one interval after it is first seen, then every
    interval, as Docker schedules them (compose files are written for Docker: postgres's
    `pg_isready` answers during the image's first-run initialisation, whose server restarts
    afterwards; a check at once would report that server healthy)."""

    def __init__(self) -> None:
        self.due: dict[str, float] = {}

    def take_due(self, containers: list[Checked], now: float) -> list[Checked]:
        present = {c.id for c in containers}
        self.due = {cid: when for cid, when in self.due.items() if cid in present}
        ready = [c for c in containers if self.due.setdefault(c.id, now + c.interval) <= now]
        for container in ready:
            self.due[container.id] = now + container.interval
        return ready


class HealthChecks:
    """A context manager (re-entrant) that runs a project's healthchecks in a thread meanwhile."""

    def __init__(self, engine: Engine, project: str, tick: float = TICK) -> None:
        self._engine = engine
        self.project = project
        self._tick = tick
        self._depth = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._schedule = Schedule()
        self._announced: set[str] = set()
        self._known: dict[str, Checked | None] = {}  # container id -> its check (None: none)

    def __enter__(self) -> HealthChecks:
        self._depth += 1
        if self._depth == 1:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="podman-healthchecks", daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._depth -= 1
        if self._depth == 0 and self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=30)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_due(time.monotonic())
            except Exception as exc:
                runlog.note(f"podman healthchecks: {exc!r}")
            self._stop.wait(self._tick)

    def run_due(self, now: float) -> list[str]:
        """One pass: run every check that is due; returns the names of the containers checked."""
        checked = []
        for container in self._schedule.take_due(self.containers(), now):
            if self._stop.is_set() and self._thread is not None:
                break
            self._announce(container)
            self._run(["healthcheck", "run", container.id])
            checked.append(container.name)
        return checked

    def containers(self) -> list[Checked]:
        """The project's running containers that have a healthcheck: one listing per pass; a
        container's check (fixed when it was created) is read once."""
        try:
            found = self._engine.docker.container.list(filters=[("label", f"{PROJECT_LABEL}={self.project}")])
        except DockerException:
            return []
        for container in found:
            if container.id not in self._known:
                self._known[container.id] = _checked(container)
        return [known for c in found if (known := self._known.get(c.id)) is not None]

    def _run(self, args: list[str]) -> None:
        # A failing check exits 1 ("unhealthy"); a container that stopped meanwhile is an error:
        # both are states compose and breeze's wait see and report, not errors of the pump.
        argv = [*self._engine.docker.client_config.docker_cmd, *args]
        try:
            pow_utils.run(argv)
        except DockerException:
            return

    def _announce(self, container: Checked) -> None:
        if container.id in self._announced:
            return
        self._announced.add(container.id)
        message = (
            f"podman: breeze runs the healthcheck of {container.name} every {container.interval:g} s "
            "(podman's own scheduler needs systemd)"
        )
        if self._engine.verbose:
            self._engine.console.print(f"[dim]{message}[/]", soft_wrap=True, markup=True)
        runlog.note(message)


def _checked(container: Any) -> Checked | None:
    """A listed (running) container's check, read from its inspect (None: it has none, or it is
    gone already)."""
    try:
        check: Any = container.config.healthcheck
        if check is None or not has_check(check.test):
            return None
        return Checked(container.id, container.name, interval_seconds(check.interval))
    except DockerException:
        return None
