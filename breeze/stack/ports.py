"""Host ports for a stack: 127.0.0.1 only; a taken default moves to a free port (and says so), a
port the user named fails with what holds it."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

from breeze.errors import ConfigError


@dataclass(frozen=True)
class PortChoice:
    port: int
    moved_from: int | None = None  # the default that was taken


def is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def choose(name: str, option: str, requested: int | None, default: int, taken: set[int]) -> PortChoice:
    """``requested`` came from the user (option/env/config): it must be free. Otherwise the
    default, or a free port when the default is taken. ``taken`` are ports chosen already."""
    if requested is not None:
        if not 1 <= requested <= 65535:
            raise ConfigError(f"{option} {requested} is not a port.", fix="Use a port between 1 and 65535.")
        if requested in taken or not is_free(requested):
            holder = who_holds(requested) or "another process"
            raise ConfigError(
                f"Port {requested} ({name}) on 127.0.0.1 is taken by {holder}.",
                fix=f"Stop it, or choose another port with {option}.",
            )
        return PortChoice(requested)
    if default not in taken and is_free(default):
        return PortChoice(default)
    port = free_port()
    while port in taken:
        port = free_port()
    return PortChoice(port, moved_from=default)


def who_holds(port: int) -> str | None:
    """The process listening on ``port`` (Linux /proc; None when it cannot be told)."""
    inodes = _listening_inodes(port)
    if not inodes:
        return None
    proc = Path("/proc")
    for pid_dir in proc.iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            for fd in (pid_dir / "fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    comm = (pid_dir / "comm").read_text().strip()
                    args = (pid_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                    if comm == "docker-proxy":
                        return f"a container's published port (docker-proxy, pid {pid_dir.name}; see `docker ps`)"
                    return f"{comm} (pid {pid_dir.name}: {args.strip()[:80]})"
        except OSError:
            continue
    return "a process breeze cannot see (try `ss -ltnp`)"


def _listening_inodes(port: int) -> set[str]:
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(inode)
    return inodes
