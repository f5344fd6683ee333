"""SIGTERM ends breeze on podman the way it does on docker (tests/integration/test_signals_on_engine.py):
sent to breeze alone while `start-airflow` waits on postgres's healthcheck (which breeze runs on
podman), while it streams a healthy stack's logs, and while `breeze tests` runs; exit code 143 and
nothing left: no container or network of the stack (its data volumes are kept, as on docker and as
on Ctrl-C), no container, network or volume of the test run. Each stack test has a compose project
of its own: a start cut short while postgres initialises its volume leaves a volume no later start
should reuse. podman's API service, which breeze
started detached, is not a child of breeze and keeps serving the clean-up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from breeze.config import load_project
from breeze.stack.params import compose_project_name
from breeze.stack.ports import free_port
from tests.integration.podman.podman_helpers import podman_lines, podman_remains

pytestmark = pytest.mark.integration

PHASE_TIMEOUT = 300
POSTGRES = ["--backend", "postgres", "--postgres-version", "15"]


class Breeze:
    """`python -m breeze ...` on podman in its own session, its output in a file."""

    def __init__(self, root: Path, output: Path, *args: str) -> None:
        self.output = output
        with output.open("wb") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "breeze", "--project", str(root), *args],
                stdout=sink,
                stderr=subprocess.STDOUT,
                env={**os.environ, "CI": "true", "BREEZE_ENGINE": "podman"},
                start_new_session=True,
            )

    def text(self) -> str:
        return self.output.read_text(errors="replace")

    def wait_until(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + PHASE_TIMEOUT
        while not condition():
            assert self.process.poll() is None, f"breeze ended before {what}:\n{self.text()}"
            assert time.monotonic() < deadline, f"no {what} after {PHASE_TIMEOUT} s:\n{self.text()}"
            time.sleep(0.2)

    def terminate(self) -> tuple[int, str]:
        try:
            self.process.send_signal(signal.SIGTERM)
            code = self.process.wait(timeout=PHASE_TIMEOUT)
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return code, self.text()


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

    code, output = run.terminate()

    assert_terminated(code, output)
    assert without_volumes(podman_remains(name)) == [], output


@pytest.mark.usefixtures("podman_ci_image")
def test_start_airflow_while_running(podman_sibling: Path, tmp_path: Path) -> None:
    name = stack_name(podman_sibling)
    run = Breeze(
        podman_sibling, tmp_path / "out.txt", "start-airflow", *POSTGRES, "--api-port", str(free_port())
    )
    run.wait_until(lambda: "Streaming logs" in run.text(), "healthy stack")

    code, output = run.terminate()

    assert "Stopping the stack" in output
    assert_terminated(code, output)
    assert without_volumes(podman_remains(name)) == [], output


@pytest.mark.usefixtures("podman_ci_image")
def test_tests_while_running(podman_project: Path, tmp_path: Path) -> None:
    name = stack_name(podman_project) + "-test-"
    run = Breeze(podman_project, tmp_path / "out.txt", "tests", *POSTGRES, "--type", "unit")
    oneoff = ("--filter", "label=com.docker.compose.oneoff=True", "--filter", "status=running")
    run.wait_until(lambda: any(c for c in _test_containers(name, *oneoff)), "running test container")

    code, output = run.terminate()

    assert_terminated(code, output)
    assert podman_remains(name) == [], output


def _test_containers(prefix: str, *filters: str) -> list[str]:
    rows = podman_lines("ps", "-a", *filters, "--format", '{{index .Labels "com.docker.compose.project"}}')
    return [row for row in rows if row.startswith(prefix)]
