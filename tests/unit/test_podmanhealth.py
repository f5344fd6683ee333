"""breeze runs a podman project's healthchecks while compose waits on them: which containers,
when (Docker's schedule: one interval after start, then every interval), and the thread's life.
The engine is simulated at one seam: the container listing and `podman healthcheck run`."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest
from rich.console import Console

from breeze.podmanhealth import DEFAULT_INTERVAL, Checked, HealthChecks, Schedule, has_check, interval_seconds


def test_intervals_and_disabled_checks() -> None:
    assert interval_seconds(2_000_000_000) == 2.0
    assert interval_seconds(0) == interval_seconds(None) == DEFAULT_INTERVAL
    assert has_check(["CMD", "pg_isready"]) and not has_check(["NONE"]) and not has_check(None)


def test_the_schedule_follows_each_containers_interval() -> None:
    schedule = Schedule()
    postgres, api = Checked("p", "postgres-1", 2.0), Checked("a", "api-server-1", 5.0)

    assert schedule.take_due([postgres, api], now=0.0) == []  # first check one interval after start
    assert schedule.take_due([postgres, api], now=2.0) == [postgres]
    assert schedule.take_due([postgres, api], now=3.0) == []
    assert schedule.take_due([postgres, api], now=5.0) == [postgres, api]
    assert schedule.take_due([api], now=100.0) == [api]
    assert "p" not in schedule.due  # a removed container is forgotten


class Listed:
    """A running container as python-on-whales lists it: its id at once, its inspect on access."""

    def __init__(self, cid: str, test: list[str] | None, interval: int) -> None:
        self.id, self.name, self.inspected = cid, f"{cid}-1", 0
        self._check = None if test is None else SimpleNamespace(test=test, interval=interval)

    @property
    def config(self) -> Any:
        self.inspected += 1
        return SimpleNamespace(healthcheck=self._check)


def container(cid: str, *, test: list[str] | None, interval: int = 0) -> Any:
    return Listed(cid, test, interval)


class SimulatedHealthChecks(HealthChecks):
    """The one seam replaced: the `podman healthcheck run` commands are recorded, not run."""

    def __init__(self, engine: Any, project: str, tick: float = 0.01) -> None:
        super().__init__(engine, project, tick)
        self.ran: list[list[str]] = []
        self.ran_once = threading.Event()

    def _run(self, args: list[str]) -> None:
        self.ran.append(args)
        self.ran_once.set()


def simulated_engine(found: list[Any], filters: list[Any]) -> Any:
    def listing(filters: list[Any]) -> list[Any]:
        seen.append(filters)
        return found

    seen = filters
    docker = SimpleNamespace(container=SimpleNamespace(list=listing))
    return SimpleNamespace(docker=docker, verbose=True, console=Console(file=None, quiet=True))


def test_simulated_project_only_containers_with_a_check_are_run() -> None:
    filters: list[Any] = []
    found = [
        container("pg", test=["CMD", "pg_isready"], interval=2_000_000_000),
        container("init", test=None),
        container("off", test=["NONE"]),
    ]
    checks = SimulatedHealthChecks(simulated_engine(found, filters), "breeze-demo")

    assert checks.run_due(now=0.0) == []
    assert checks.run_due(now=2.0) == ["pg-1"]
    assert checks.ran == [["healthcheck", "run", "pg"]]
    assert filters[0] == [("label", "com.docker.compose.project=breeze-demo")]
    assert [c.inspected for c in found] == [1, 1, 1]  # each container's check read once, not per pass


def test_simulated_pump_runs_while_entered_and_stops_after_the_outermost_exit() -> None:
    found = [container("pg", test=["CMD", "pg_isready"], interval=1)]  # 1 ns: due at every tick
    checks = SimulatedHealthChecks(simulated_engine(found, []), "breeze-demo")

    with checks:
        with checks:  # re-entrant: compose up inside start-airflow's own span
            pass
        assert checks._thread is not None and checks._thread.is_alive()
        assert checks.ran_once.wait(timeout=30)
    assert checks._thread is None
    count = len(checks.ran)
    assert count >= 1 and checks._stop.is_set()


@pytest.mark.parametrize("error", [RuntimeError("boom")])
def test_simulated_pump_survives_an_unexpected_error(error: Exception) -> None:
    calls = threading.Event()

    class Failing(SimulatedHealthChecks):
        def containers(self) -> list[Checked]:
            if not calls.is_set():
                calls.set()
                raise error
            return [Checked("pg", "pg-1", 1e-9)]

    checks = Failing(simulated_engine([], []), "breeze-demo")
    with checks:
        assert checks.ran_once.wait(timeout=30)  # the loop went on after the error
