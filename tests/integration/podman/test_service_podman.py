"""breeze starts the real `podman system service` where nothing answers (here on a socket of
the test's own, as a rootless user's XDG_RUNTIME_DIR would place it), detached from breeze, and
Docker's compose CLI talks to podman through it."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest
from rich.console import Console

from breeze.podmanservice import ServiceFiles, answers, ensure_service

pytestmark = pytest.mark.integration


def test_the_service_is_started_detached_and_compose_reaches_podman(tmp_path: Path) -> None:
    out = io.StringIO()
    files = ServiceFiles(tmp_path / "service.log", tmp_path / "service.pid")
    with tempfile.TemporaryDirectory(prefix="bz-") as runtime:
        url = ensure_service(
            Console(file=out, width=300), env={"XDG_RUNTIME_DIR": runtime}, uid=4321, files=files
        )
        pid = int(files.pid.read_text())
        try:
            socket = Path(runtime) / "podman" / "podman.sock"
            assert url == f"unix://{socket}" and answers(socket)
            assert f"`kill {pid}` stops it" in out.getvalue()
            done = subprocess.run(
                ["docker", "--host", url, "compose", "version"], capture_output=True, text=True, check=True
            )
            assert "Docker Compose version" in done.stdout
            server = subprocess.run(
                ["docker", "--host", url, "version", "--format", "{{.Server.Version}}"],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            assert server.stdout.strip().startswith("4.")  # podman's version, not Docker's engine
        finally:
            os.kill(pid, signal.SIGTERM)
