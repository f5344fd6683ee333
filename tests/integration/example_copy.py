"""A committed copy of examples/ under a name of its own: what the delivery and platform tests
build, push and tag by commit."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=breeze-tests", "-c", "user.email=tests@breeze.invalid", *args],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def committed_example(root: Path, name: str) -> Path:
    """examples/ copied to ``root`` with project and image named ``name``, in a fresh git repository."""
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    toml = (root / "breeze.toml").read_text().replace('name = "breeze-example"', f'name = "{name}"')
    (root / "breeze.toml").write_text(toml)
    (root / ".gitignore").write_text(".breeze/\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "example project")
    return root
