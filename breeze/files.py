"""The one helper that writes breeze's own files (stack state, secrets, env files): private
modes, and nothing at all under ``--dry-run``, so a dry run leaves the machine as it was."""

from __future__ import annotations

import os
from pathlib import Path


def make_private_dir(path: Path, *, dry_run: bool, mode: int = 0o700) -> None:
    if dry_run:
        return
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(mode)


def write_private(path: Path, text: str, mode: int, *, dry_run: bool) -> None:
    """Write ``text`` to ``path`` created with ``mode`` (never wider, even for a moment)."""
    if dry_run:
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    path.chmod(mode)
