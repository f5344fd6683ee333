"""Helpers of the delivery tests: git in the copied project, a committed DAG edit, a rebuild."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

from breeze.cli.app import main


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        [
            "git",
            "-C",
            str(root),
            "-c",
            "user.name=breeze-tests",
            "-c",
            "user.email=tests@breeze.invalid",
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def commit_edit(root: Path, relative: str = "dags/report_taskflow.py") -> None:
    """Edit a DAG and commit it (a new commit, a new project layer)."""
    dag = root / relative
    dag.write_text(dag.read_text() + f"\n# edit {uuid.uuid4().hex}\n")
    git(root, "commit", "-qam", "edit a DAG")


def build(root: Path) -> None:
    assert main(["--project", str(root), "build-image", "--production", "--python", "3.11"]) == 0
