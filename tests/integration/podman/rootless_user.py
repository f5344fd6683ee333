"""A throwaway user set up for rootless podman by scripts/setup-rootless-podman.sh, and breeze run
as that user (runuser) from this checkout: what the rootless podman tests drive."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import sys
import sysconfig
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SETUP = REPO / "scripts" / "setup-rootless-podman.sh"


@dataclass(frozen=True)
class RootlessUser:
    name: str
    uid: int
    home: Path
    python: str
    pythonpath: str  # breeze and its dependencies, where the user can read them

    @property
    def runtime_dir(self) -> str:
        return f"/run/user/{self.uid}"

    def env(self) -> list[str]:
        path = self.pythonpath
        return [
            f"HOME={self.home}", f"USER={self.name}", f"XDG_RUNTIME_DIR={self.runtime_dir}",
            "PATH=/usr/local/bin:/usr/bin:/bin", f"PYTHONPATH={path}", "BREEZE_ENGINE=podman", "CI=true", "COLUMNS=200",
        ]  # fmt: skip

    def run(
        self, *argv: str, stdin: bytes | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """argv as the user, in its home, with a clean environment (nothing of root's)."""
        command = ["runuser", "-u", self.name, "--", "env", "-i", *self.env(), *argv]
        return subprocess.run(command, cwd=self.home, capture_output=True, text=True, check=check)

    def podman(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("podman", *args, check=check)

    def breeze(self, root: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(self.python, "-m", "breeze", "--project", str(root), *args, check=False)

    def load_image(self, ref: str) -> None:
        """Copy one image of root's podman store into the user's own (rootless podman has its own)."""
        saved = subprocess.Popen(["podman", "save", ref], stdout=subprocess.PIPE)
        command = ["runuser", "-u", self.name, "--", "env", "-i", *self.env(), "podman", "load"]
        subprocess.run(command, cwd=self.home, stdin=saved.stdout, capture_output=True, check=True)
        assert saved.wait() == 0


def unusable_reason() -> str:
    """Why a rootless user cannot be made here ('' when it can)."""
    if os.getuid() != 0:
        return "making a throwaway user for rootless podman needs root (useradd, /etc/subuid)"
    for tool in ("podman", "runuser", "useradd", "newuidmap", "newgidmap"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (scripts/install-podman.sh installs podman and uidmap)"
    return ""


def make_user() -> Iterator[RootlessUser]:
    """A new user, set up by the script; everything of it (processes, containers, home) removed after."""
    name = f"breeze-rl-{uuid.uuid4().hex[:8]}"
    subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name], check=True)
    entry = pwd.getpwnam(name)
    try:
        subprocess.run([str(SETUP), name], capture_output=True, text=True, check=True)
        python = _python_for(name)
        user = RootlessUser(name, entry.pw_uid, Path(entry.pw_dir), python, _pythonpath_for(name, entry))
        yield user
    finally:
        _remove(name, entry.pw_uid)


def _pythonpath_for(name: str, entry: pwd.struct_passwd) -> str:
    """This checkout and this environment's packages, or, when the user cannot read them (a clone
    or venv under root's 0700 home), a copy of the packages (breeze included: the venv holds the
    checkout installed) in the user's home."""
    site = list(dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib")))
    wanted = [str(REPO), *site]
    probe = ["runuser", "-u", name, "--", "test", "-r", str(REPO / "breeze" / "__init__.py")]
    readable = subprocess.run(probe, cwd="/", capture_output=True).returncode == 0 and all(
        subprocess.run(["runuser", "-u", name, "--", "test", "-x", p], cwd="/").returncode == 0 for p in site
    )
    if readable:
        return os.pathsep.join(wanted)
    staged = Path(entry.pw_dir) / "breeze-packages"
    skip = shutil.ignore_patterns("__pycache__")
    for each in site:
        shutil.copytree(each, staged, dirs_exist_ok=True, ignore=skip)
    # This checkout's breeze, laid out as its wheel is (breeze/_data), over whatever the venv holds.
    shutil.rmtree(staged / "breeze", ignore_errors=True)
    shutil.copytree(REPO / "breeze", staged / "breeze", ignore=skip)
    for folder in ("images", "compose", "scaffold", "scripts"):
        shutil.copytree(REPO / folder, staged / "breeze" / "_data" / folder, ignore=skip)
    subprocess.run(["chown", "-R", f"{entry.pw_uid}:{entry.pw_gid}", str(staged)], check=True)
    return str(staged)


def _python_for(name: str) -> str:
    """An interpreter of this version the user can run (this one may live in root's home)."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for python in (sys.executable, f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"):
        check = ["runuser", "-u", name, "--", python, "-c", "import sys; print(sys.version[:4])"]
        if subprocess.run(check, cwd="/", capture_output=True, text=True).stdout.startswith(version):
            return python
    raise RuntimeError(f"no python{version} that {name} can run (this one is {sys.executable})")


def _remove(name: str, uid: int) -> None:
    env = ["env", "-i", f"HOME={pwd.getpwuid(uid).pw_dir}", f"XDG_RUNTIME_DIR=/run/user/{uid}"]
    subprocess.run(
        ["runuser", "-u", name, "--", *env, "podman", "rm", "--all", "--force", "--time", "0"],
        cwd="/", capture_output=True, check=False,
    )  # fmt: skip
    # Its podman API service, conmon and pause processes: each by its id.
    pids = subprocess.run(["pgrep", "-u", str(uid)], capture_output=True, text=True).stdout.split()
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid), signal.SIGKILL)
    subprocess.run(["userdel", "--remove", "--force", name], capture_output=True, check=False)
    shutil.rmtree(f"/run/user/{uid}", ignore_errors=True)
