"""podman's API socket for compose: where it is, whether it answers, and starting
`podman system service` when it does not (against a simulated `podman` on PATH: a unit test does
not reach the engine; the real service is started in tests/integration/podman)."""

from __future__ import annotations

import io
import os
import signal
import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from breeze.errors import EngineError
from breeze.podmanservice import (
    ROOTFUL_SOCKET,
    ServiceFiles,
    answers,
    ensure_service,
    service_argv,
    socket_path,
)


def test_rootful_and_rootless_sockets() -> None:
    assert socket_path({}, 0) == ROOTFUL_SOCKET == Path("/run/podman/podman.sock")
    assert socket_path({"XDG_RUNTIME_DIR": "/run/user/1000"}, 1000) == Path(
        "/run/user/1000/podman/podman.sock"
    )
    assert socket_path({}, 1001) == Path("/run/user/1001/podman/podman.sock")
    assert service_argv(Path("/s.sock")) == ["podman", "system", "service", "--time=0", "unix:///s.sock"]


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A directory whose socket paths fit in AF_UNIX's 108 bytes (pytest's tmp_path may not)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bz-") as name:
        yield Path(name)


def serve(path: Path, reply: bytes) -> threading.Thread:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)

    def answer() -> None:
        with server:
            connection, _ = server.accept()
            with connection:
                connection.recv(1024)
                connection.sendall(reply)

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    return thread


def test_answers_a_ping_only_with_200(short_dir: Path) -> None:
    good, bad = short_dir / "good.sock", short_dir / "bad.sock"
    serve(good, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK")
    serve(bad, b"HTTP/1.1 404 Not Found\r\n\r\n")

    assert answers(good)
    assert not answers(bad)
    assert not answers(short_dir / "none.sock")


def test_a_stale_socket_file_does_not_answer(short_dir: Path) -> None:
    stale = short_dir / "stale.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(stale))
    assert stale.exists() and not answers(stale)


# A `podman` whose `system service --time=0 unix://PATH` serves pings on PATH, as podman does.
FAKE_PODMAN = """#!{python}
import socket, sys
path = sys.argv[-1].removeprefix("unix://")
if sys.argv[1:3] != ["system", "service"] or "FAIL" in path:
    print("Error: unable to create socket", file=sys.stderr)
    sys.exit(125)
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen(4)
print("serving", flush=True)
while True:
    connection, _ = server.accept()
    connection.recv(1024)
    connection.sendall(b"HTTP/1.1 200 OK\\r\\n\\r\\nOK")
    connection.close()
"""


@pytest.fixture
def simulated_podman(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import sys

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "podman"
    fake.write_text(FAKE_PODMAN.format(python=sys.executable))
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return fake


def console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=300, no_color=True), out


def test_simulated_podman_service_is_started_detached_and_announced(
    simulated_podman: Path, short_dir: Path, tmp_path: Path
) -> None:
    files = ServiceFiles(tmp_path / "service.log", tmp_path / "service.pid")
    shown, out = console()

    url = ensure_service(shown, verbose=True, env={"XDG_RUNTIME_DIR": str(short_dir)}, uid=1000, files=files)

    socket_file = short_dir / "podman" / "podman.sock"
    pid = int(files.pid.read_text())
    try:
        assert url == f"unix://{socket_file}" and answers(socket_file)
        assert f"$ podman system service --time=0 unix://{socket_file} &" in out.getvalue()
        assert f"`kill {pid}` stops it" in out.getvalue()
        assert os.getpid() != _parent(pid)  # not breeze's child: a SIGTERM to breeze's children spares it
        # Answering now: a second call starts nothing.
        assert ensure_service(shown, env={"XDG_RUNTIME_DIR": str(short_dir)}, uid=1000, files=files) == url
        assert int(files.pid.read_text()) == pid
    finally:
        os.kill(pid, signal.SIGTERM)


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_simulated_podman_service_that_ends_at_once_is_reported_with_its_log(
    simulated_podman: Path, tmp_path: Path
) -> None:
    runtime = tmp_path / "FAIL"
    files = ServiceFiles(tmp_path / "service.log", tmp_path / "service.pid")

    with pytest.raises(EngineError) as caught:
        ensure_service(console()[0], env={"XDG_RUNTIME_DIR": str(runtime)}, uid=1000, files=files, timeout=60)

    assert "ended at once" in caught.value.message
    assert "unable to create socket" in (caught.value.details or "")
    assert "podman system service --time=0" in (caught.value.fix or "")


def test_dry_run_prints_the_start_and_starts_nothing(
    short_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = ServiceFiles(tmp_path / "service.log", tmp_path / "service.pid")

    url = ensure_service(
        console()[0], dry_run=True, env={"XDG_RUNTIME_DIR": str(short_dir)}, uid=1000, files=files
    )

    assert url == f"unix://{short_dir}/podman/podman.sock"
    assert capsys.readouterr().out == f"podman system service --time=0 {url} &\n"
    assert not files.pid.exists() and not (short_dir / "podman").exists()
