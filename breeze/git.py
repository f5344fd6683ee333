"""The one place breeze asks git about the project (for tags and OCI labels)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GitInfo:
    sha: str
    dirty: bool
    remote: str


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    """Run git in ``root``; None when git is missing or hangs."""
    try:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None


def git_code(root: Path, *args: str) -> int | None:
    """The exit code of a git command in ``root`` (None: no git)."""
    done = _git(root, *args)
    return None if done is None else done.returncode


def git_info(root: Path) -> GitInfo | None:
    """HEAD, whether the tree has changes, and the origin URL; None outside a git work tree."""

    def git(*args: str) -> str | None:
        done = _git(root, *args)
        return done.stdout.strip() if done is not None and done.returncode == 0 else None

    sha = git("rev-parse", "HEAD")
    if not sha:
        return None
    status = git("status", "--porcelain", "--untracked-files=no", "--", ".")
    remote = git("config", "--get", "remote.origin.url") or ""
    # Credentials in a remote URL must not end up in an image label.
    if "@" in remote and "://" in remote:
        scheme, rest = remote.split("://", 1)
        remote = f"{scheme}://{rest.split('@', 1)[1]}"
    return GitInfo(sha=sha, dirty=bool(status), remote=remote)
