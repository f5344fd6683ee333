"""The only place the offline feature starts host processes (debootstrap / mmdebstrap, tar).

Everything else talks to the container engine through ``breeze.engine``; keeping the host side in
one small module makes it easy to see (and to fake in tests) what runs outside docker.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# Lines of a failed tool's output shown in the error (the full log stays in the log file).
TAIL_LINES = 25


@dataclass(frozen=True)
class Tool:
    """How a root filesystem tarball gets made on this host."""

    name: str  # "debootstrap" or "mmdebstrap"
    path: str

    @property
    def writes_tarball(self) -> bool:
        # mmdebstrap writes the tarball itself (and needs no root); debootstrap fills a directory.
        return self.name == "mmdebstrap"


class ToolFailed(Exception):
    def __init__(self, argv: list[str], return_code: int, tail: str) -> None:
        super().__init__(f"{shlex.join(argv)} exited with {return_code}")
        self.argv = argv
        self.return_code = return_code
        self.tail = tail


def is_root() -> bool:
    return os.geteuid() == 0


def which(name: str) -> str | None:
    # debootstrap lives in /usr/sbin, which is not on a normal user's PATH.
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")


def find_tool() -> Tool | None:
    """debootstrap as root (what engine.md measured); mmdebstrap otherwise, as it can run unprivileged."""
    debootstrap, mmdebstrap = which("debootstrap"), which("mmdebstrap")
    if is_root() and debootstrap:
        return Tool("debootstrap", debootstrap)
    if mmdebstrap:
        return Tool("mmdebstrap", mmdebstrap)
    if debootstrap:
        # Present but unusable without root: the caller explains that.
        return Tool("debootstrap", debootstrap)
    return None


def bootstrap_argv(
    tool: Tool, suite: str, target: Path, mirror: str, platform: str | None = None
) -> list[str]:
    """The command that makes a minimal Debian ``suite``: a directory (debootstrap) or a tarball.

    A foreign ``platform`` (``linux/arm64``) needs mmdebstrap, and QEMU emulation for its scripts."""
    if tool.writes_tarball:
        # --mode=auto picks unshare for normal users and root mode for root.
        arch = [f"--architectures={platform.split('/')[1]}"] if platform else []
        return [tool.name, "--variant=minbase", "--mode=auto", *arch, suite, str(target), mirror]
    return [tool.name, "--variant=minbase", suite, str(target), mirror]


def pack_argv(rootfs: Path, tarball: Path) -> list[str]:
    # Numeric owners: the tar is read by the engine, which must not map names through the host's passwd.
    # debootstrap leaves the downloaded .debs and the package lists behind: ~80 MB nobody needs.
    excludes = ["--exclude=./var/cache/apt/archives/*.deb", "--exclude=./var/lib/apt/lists/*_*"]
    return ["tar", "--numeric-owner", *excludes, "-C", str(rootfs), "-cf", str(tarball), "."]


def run(argv: list[str], *, log: Path, echo: Callable[[str], None] | None = None) -> None:
    """Run a host command, appending all its output to ``log`` (and to ``echo``, line by line).

    Raises ToolFailed with the last lines of output when it fails.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    tail: deque[str] = deque(maxlen=TAIL_LINES)
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ {shlex.join(argv)}\n")
        try:
            proc = subprocess.Popen(
                argv,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                errors="replace",
            )
        except OSError as exc:
            raise ToolFailed(argv, 127, str(exc)) from None
        assert proc.stdout is not None
        for line in proc.stdout:
            out.write(line)
            tail.append(line.rstrip("\n"))
            if echo is not None:
                echo(line.rstrip("\n"))
        code = proc.wait()
    if code != 0:
        raise ToolFailed(argv, code, "\n".join(tail))


def log_tail(path: Path, lines: int = TAIL_LINES) -> str:
    """The end of a log file debootstrap leaves in the target (``debootstrap/debootstrap.log``)."""
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            return "\n".join(line.rstrip("\n") for line in deque(f, maxlen=lines))
    except OSError:
        return ""


def _mounts_under(path: Path) -> list[str]:
    prefix = str(path.resolve()) + "/"
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return []
    # Mount points are octal-escaped in /proc/self/mounts (a space is \040); temp paths have none.
    return [fields[1] for fields in (line.split() for line in lines) if fields[1].startswith(prefix)]


def remove_tree(path: Path) -> bool:
    """Delete a work directory; return whether it is gone.

    A failed debootstrap can leave /proc, /sys or a bind-mounted /dev mounted inside the target:
    deleting through such a mount would delete host files, so unmount first and keep the
    directory when that does not work.
    """
    if not path.exists():
        return True
    for mount in sorted(_mounts_under(path), key=len, reverse=True):
        subprocess.run(["umount", "-l", mount], check=False, capture_output=True)
    if _mounts_under(path):
        return False
    shutil.rmtree(path, ignore_errors=True)
    return not path.exists()
