"""A real registry for the tests and the benchmark: Debian's `docker-registry` (distribution 2.8) on
127.0.0.1 with a free port and its own storage, optionally behind htpasswd; stopped by its pid."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

READY_TIMEOUT = 20.0


@dataclass(frozen=True)
class Registry:
    host: str  # 127.0.0.1:PORT
    root: Path

    def tags(self, repository: str) -> list[str]:
        with urllib.request.urlopen(f"http://{self.host}/v2/{repository}/tags/list", timeout=5) as answer:
            import json

            return sorted(json.load(answer).get("tags") or [])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def available() -> str | None:
    """Why no registry can be started here (None: it can)."""
    if shutil.which("docker-registry") is None:
        return "docker-registry is not installed (apt-get install docker-registry; scripts/install-engine.sh)"
    return None


@contextmanager
def registry_server(
    root: Path, *, user: str | None = None, password: str | None = None
) -> Iterator[Registry]:
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    auth = ""
    if user is not None and password is not None:
        subprocess.run(
            ["htpasswd", "-Bbc", str(root / "htpasswd"), user, password], check=True, capture_output=True
        )
        auth = f"auth: {{htpasswd: {{realm: breeze-tests, path: {root / 'htpasswd'}}}}}\n"
    (root / "config.yml").write_text(
        "version: 0.1\n"
        f"storage: {{filesystem: {{rootdirectory: {root / 'data'}}}, delete: {{enabled: true}}}}\n"
        f"http: {{addr: 127.0.0.1:{port}}}\n"
        "log: {level: warn}\n" + auth
    )
    log = (root / "registry.log").open("w")
    process = subprocess.Popen(["docker-registry", "serve", str(root / "config.yml")], stdout=log, stderr=log)
    try:
        _wait_ready(port, process)
        yield Registry(f"127.0.0.1:{port}", root)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _wait_ready(port: int, process: subprocess.Popen[bytes]) -> None:
    """Until /v2/ answers (200, or 401 behind htpasswd); fails when the server exits first."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"docker-registry exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=1).close()
            return
        except urllib.error.HTTPError as exc:
            if exc.code == 401:
                return
        except OSError:
            time.sleep(0.05)  # the server is still binding its port
    raise RuntimeError(f"docker-registry did not answer on 127.0.0.1:{port} within {READY_TIMEOUT} s")
