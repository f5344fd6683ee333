"""A real registry for tests: Debian's ``docker-registry`` (distribution 2.8) on 127.0.0.1 with a
free port and its own storage, stopped by its pid (see /work/shared/engine.md §7)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STARTUP_ATTEMPTS = 100


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def local_registry(directory: Path) -> Iterator[str]:
    """Yields ``127.0.0.1:PORT``; the registry's data lives under ``directory``."""
    binary = shutil.which("docker-registry")
    if binary is None:
        raise RuntimeError("docker-registry is not installed: `apt-get install docker-registry`")
    port = free_port()
    config = directory / "config.yml"
    config.write_text(
        "version: 0.1\n"
        f"storage: {{filesystem: {{rootdirectory: {directory / 'data'}}}, delete: {{enabled: true}}}}\n"
        f"http: {{addr: 127.0.0.1:{port}}}\n"
    )
    log = (directory / "registry.log").open("w")
    process = subprocess.Popen([binary, "serve", str(config)], stdout=log, stderr=subprocess.STDOUT)
    try:
        # Polls the API until it answers; between attempts it waits on the process itself, so a
        # registry that exits (bad config, port taken) is reported at once.
        for _ in range(STARTUP_ATTEMPTS):
            if answers(f"http://127.0.0.1:{port}/v2/"):
                break
            try:
                process.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                continue
            raise RuntimeError(f"docker-registry exited: {(directory / 'registry.log').read_text()}")
        else:
            raise RuntimeError("docker-registry did not answer")
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
