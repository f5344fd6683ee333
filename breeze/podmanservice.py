"""podman's Docker-compatible API socket, which compose needs: found, and started when nothing
answers there.

podman 4.3 has no `podman compose`; Docker's compose CLI drives podman through the socket of
`podman system service` instead (breeze.engine.Engine.compose_project points the compose client,
and only it, at that socket with `--host`). Where podman's own socket unit is not running (no
systemd, as on this project's CI machine), breeze starts `podman system service --time=0` itself,
detached from breeze (so it outlives the command and a Ctrl-C does not stop it in the middle of
`compose down`), logging to and recording its pid in the user cache. It keeps running until
stopped: `kill $(cat ~/.cache/breeze/podman-service.pid)`; BREEZE.md says so. Started once per
machine boot, never behind the user's back: the start is announced, printed by --verbose, and
printed instead of run by --dry-run."""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from breeze import runlog
from breeze.errors import EngineError
from breeze.paths import cache_dir

ROOTFUL_SOCKET = Path("/run/podman/podman.sock")
PODMAN_COMPOSE_MISSING = (
    "Stacks on podman need Docker's compose CLI (`docker compose`), which drives podman through "
    "its API socket; it is not installed (podman 4.3 has no `podman compose`)."
)
PODMAN_COMPOSE_FIX = (
    "Install Docker's command-line client and its compose plugin, no Docker engine needed (Debian "
    "trixie: `apt-get install -t trixie docker-cli docker-compose`; elsewhere Docker's "
    "`docker-ce-cli` and `docker-compose-plugin` packages), then check `docker compose version`."
)
START_TIMEOUT = 30.0
SERVICE_FIX = (
    "Start it yourself and run again: `podman system service --time=0 unix://{socket} &` (or "
    "`systemctl --user start podman.socket` / `sudo systemctl start podman.socket` where systemd "
    "runs); its log is {log}."
)


def socket_path(env: Mapping[str, str], uid: int) -> Path:
    """Where podman serves its API by default: rootful /run/podman/podman.sock, rootless
    $XDG_RUNTIME_DIR/podman/podman.sock (podman's own defaults, and its socket units')."""
    if uid == 0:
        return ROOTFUL_SOCKET
    runtime = env.get("XDG_RUNTIME_DIR") or f"/run/user/{uid}"
    return Path(runtime) / "podman" / "podman.sock"


def host_url(path: Path) -> str:
    return f"unix://{path}"


def answers(path: Path, timeout: float = 3.0) -> bool:
    """Whether an API server answers `GET /_ping` on the socket (a stale socket file does not)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(timeout)
            client.connect(str(path))
            client.sendall(b"GET /_ping HTTP/1.0\r\nHost: podman\r\n\r\n")
            reply = client.recv(256)
    except OSError:
        return False
    status = reply.split(b"\r\n", 1)[0].split()
    return len(status) >= 2 and status[0].startswith(b"HTTP/") and status[1] == b"200"


def service_argv(path: Path, podman: str = "podman") -> list[str]:
    return [podman, "system", "service", "--time=0", host_url(path)]


@dataclass(frozen=True)
class ServiceFiles:
    """Where a service breeze started writes its log and pid (in the user cache)."""

    log: Path
    pid: Path

    @classmethod
    def default(cls) -> ServiceFiles:
        return cls(cache_dir() / "podman-service.log", cache_dir() / "podman-service.pid")


def ensure_service(
    console: Console,
    *,
    verbose: bool = False,
    dry_run: bool = False,
    env: Mapping[str, str] | None = None,
    uid: int | None = None,
    files: ServiceFiles | None = None,
    timeout: float = START_TIMEOUT,
) -> str:
    """The host URL (``unix://...``) of podman's API socket, starting the service when nothing
    answers there. Under --dry-run the start is printed and the URL returned."""
    path = socket_path(os.environ if env is None else env, os.getuid() if uid is None else uid)
    if answers(path):
        return host_url(path)
    files = files or ServiceFiles.default()
    argv = service_argv(path, shutil.which("podman") or "podman")
    shown = shlex.join(["podman", *argv[1:]]) + " &"
    if dry_run:
        print(shown, flush=True)
        return host_url(path)
    if verbose:
        console.print(f"[dim]$ {shown}[/]", soft_wrap=True, markup=True)
    runlog.note(f"$ {shown}")
    path.parent.mkdir(parents=True, exist_ok=True)
    pid = start_detached(argv, files)
    wait_until_answering(path, pid, files, timeout)
    console.print(
        f"Started podman's API service for compose at {path} (pid {pid}); it keeps running for "
        f"later commands: `kill {pid}` stops it (log: {files.log})."
    )
    return host_url(path)


def start_detached(argv: list[str], files: ServiceFiles) -> int:
    """Start ``argv`` in the background through a shell that exits at once: the service is no child
    of breeze (breeze passes a SIGTERM on to its children), and no session of its (it outlives the
    terminal). Returns its pid, also written to ``files.pid``."""
    files.log.parent.mkdir(parents=True, exist_ok=True)
    script = 'log=$1; shift; "$@" </dev/null >>"$log" 2>&1 & echo $!'
    done = subprocess.run(
        ["sh", "-c", script, "sh", str(files.log), *argv],
        capture_output=True,
        text=True,
        start_new_session=True,
        check=False,
    )
    try:
        pid = int(done.stdout.strip())
    except ValueError:
        raise EngineError(
            "podman's API service could not be started.",
            fix=SERVICE_FIX.format(socket=argv[-1].removeprefix("unix://"), log=files.log),
            details=done.stderr,
        ) from None
    files.pid.write_text(f"{pid}\n")
    return pid


def wait_until_answering(path: Path, pid: int, files: ServiceFiles, timeout: float) -> None:
    """Poll the socket until the service answers; fail when it ended or at the deadline."""
    deadline = time.monotonic() + timeout
    while not answers(path):
        ended = not _alive(pid)
        if ended or time.monotonic() > deadline:
            what = "ended at once" if ended else f"did not answer at {path} within {timeout:.0f} s"
            raise EngineError(
                f"podman's API service {what}.",
                fix=SERVICE_FIX.format(socket=path, log=files.log),
                details=_tail(files.log),
            )
        time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process now holds the number: not ours
        return False
    return True


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
