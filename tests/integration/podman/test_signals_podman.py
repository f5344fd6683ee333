"""SIGTERM ends breeze on podman the way it does on docker (tests/integration/test_signals_on_engine.py):
sent to breeze alone while `start-airflow` waits on postgres's healthcheck (which breeze runs on
podman), while it streams a healthy stack's logs, and while `breeze tests` runs; exit code 143 and
nothing left: no container or network of the stack (its data volumes are kept, as on docker and as
on Ctrl-C), no container, network or volume of the test run. Each stack test has a compose project
of its own: a start cut short while postgres initialises its volume leaves a volume no later start
should reuse. podman's API service, which breeze
started detached, is not a child of breeze and keeps serving the clean-up."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from breeze.config import load_project
from breeze.stack.params import compose_project_name
from breeze.stack.ports import free_port
from tests.integration import signal_runs
from tests.integration.podman.podman_helpers import podman_lines, podman_remains

pytestmark = pytest.mark.integration

POSTGRES = ["--backend", "postgres", "--postgres-version", "15"]


class Breeze(signal_runs.Breeze):
    ENV = (("BREEZE_ENGINE", "podman"),)


def stack_name(root: Path) -> str:
    return compose_project_name(load_project(root))


def containers(name: str, *filters: str) -> list[str]:
    return podman_lines("ps", "-a", "-q", "--filter", f"label=com.docker.compose.project={name}", *filters)


def assert_terminated(code: int, output: str) -> None:
    assert code == 128 + signal.SIGTERM, output
    assert "Interrupted by SIGTERM" in output, output
    assert "Traceback" not in output, output


def without_volumes(remains: list[str]) -> list[str]:
    return [item for item in remains if not item.startswith("volume:")]


@pytest.mark.usefixtures("podman_ci_image")
def test_start_airflow_while_waiting_on_a_healthcheck(podman_sibling: Path, tmp_path: Path) -> None:
    name = stack_name(podman_sibling)
    run = Breeze(
        podman_sibling, tmp_path / "out.txt", "start-airflow", *POSTGRES, "--api-port", str(free_port())
    )
    run.wait_until(
        lambda: bool(containers(name, "--filter", "label=com.docker.compose.service=postgres")), "postgres"
    )

    code, output = run.signal(signal.SIGTERM)

    assert_terminated(code, output)
    assert without_volumes(podman_remains(name)) == [], output


@pytest.mark.usefixtures("podman_ci_image")
def test_start_airflow_while_running(podman_sibling: Path, tmp_path: Path) -> None:
    name = stack_name(podman_sibling)
    run = Breeze(
        podman_sibling, tmp_path / "out.txt", "start-airflow", *POSTGRES, "--api-port", str(free_port())
    )
    run.wait_until(lambda: "Streaming logs" in run.text(), "healthy stack")

    code, output = run.signal(signal.SIGTERM)

    assert "Stopping the stack" in output
    assert_terminated(code, output)
    assert without_volumes(podman_remains(name)) == [], output


@pytest.mark.usefixtures("podman_ci_image")
def test_tests_while_running(podman_project: Path, tmp_path: Path) -> None:
    name = stack_name(podman_project) + "-test-"
    run = Breeze(podman_project, tmp_path / "out.txt", "tests", *POSTGRES, "--type", "unit")
    oneoff = ("--filter", "label=com.docker.compose.oneoff=True", "--filter", "status=running")
    run.wait_until(lambda: any(c for c in _test_containers(name, *oneoff)), "running test container")

    code, output = run.signal(signal.SIGTERM)

    assert_terminated(code, output)
    assert podman_remains(name) == [], output


def _test_containers(prefix: str, *filters: str) -> list[str]:
    rows = podman_lines("ps", "-a", *filters, "--format", '{{index .Labels "com.docker.compose.project"}}')
    return [row for row in rows if row.startswith(prefix)]
