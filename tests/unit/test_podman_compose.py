"""Compose on podman goes through Docker's compose CLI pointed (with `--host`) at podman's API
socket: under --dry-run the service start and the compose commands are printed and nothing that
changes anything runs (a simulated `docker` and `podman` on PATH record every call); without
Docker's compose CLI the message says what to install."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import test_engine_dry_run as dry_run
from rich.console import Console

from breeze import podmanservice
from breeze.engine import Engine
from breeze.enginecompose import compose_cli
from breeze.enginetrace import is_read_only
from breeze.errors import EngineError

# The dry-run tests' simulated docker and offline project, shared.
simulated_docker = dry_run.simulated_docker
offline_project = dry_run.offline_project
Breeze = dry_run.Breeze
calls, mutating = dry_run.calls, dry_run.mutating


@pytest.fixture
def simulated_podman(simulated_docker: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The simulated docker answers as `podman` too; podman's socket is a fresh path nothing serves."""
    fake_docker = Path(os.environ["PATH"].split(os.pathsep)[0]) / "docker"
    (fake_docker.parent / "podman").symlink_to(fake_docker)
    monkeypatch.setenv("BREEZE_ENGINE", "podman")
    with tempfile.TemporaryDirectory(prefix="bz-") as runtime:
        socket = Path(runtime) / "podman" / "podman.sock"
        monkeypatch.setattr(podmanservice, "socket_path", lambda env, uid: socket)
        yield socket


def test_dry_run_shell_on_simulated_podman_prints_the_service_and_compose_at_its_socket(
    simulated_podman: Path, simulated_docker: Path, offline_project: Path, breeze: Breeze
) -> None:
    code, out, err = breeze("--dry-run", "--project", str(offline_project), "shell", "-c", "true")

    assert code == 0, err
    url = f"unix://{simulated_podman}"
    assert f"podman system service --time=0 {url} &" in out
    assert f"docker --host {url} compose" in out and " run " in out
    assert mutating(simulated_docker) == []
    assert ["compose", "version"] in [argv[:2] for argv in calls(simulated_docker)]  # Docker's compose CLI
    assert not simulated_podman.parent.exists()


def test_compose_at_podmans_socket_is_still_read_only_when_it_only_reads() -> None:
    host = ["docker", "--host", "unix:///run/podman/podman.sock", "compose"]
    assert is_read_only([*host, "--project-name", "p", "ps"])
    assert not is_read_only([*host, "--project-name", "p", "up", "--detach"])


def test_podman_without_dockers_compose_cli_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # neither docker nor its compose plugin here
    engine = Engine(Console(file=io.StringIO()), name="podman")

    with pytest.raises(EngineError) as caught:
        compose_cli(engine)

    assert "Docker's compose CLI" in caught.value.message and "podman compose" in caught.value.message
    assert "docker compose version" in (caught.value.fix or "")
