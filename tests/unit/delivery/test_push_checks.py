"""The checks breeze push makes before it needs the engine, in real temporary git repositories."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

Breeze = Callable[..., tuple[int, str, str]]


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t.invalid", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def committed(project: Path) -> Path:
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "first")
    return project


def test_a_dirty_tree_is_refused_with_the_way_out(committed: Path, breeze: Breeze) -> None:
    (committed / "dags" / "hello.py").write_text("# changed\n")
    code, _out, err = breeze("--project", str(committed), "push", "--registry", "127.0.0.1:5000")
    assert code == 2
    assert "uncommitted changes" in err
    assert "--allow-dirty" in err


def test_untracked_files_do_not_make_the_tree_dirty(committed: Path) -> None:
    from breeze.config import load_project
    from breeze.delivery.push import commit_of

    (committed / ".breeze").mkdir()
    (committed / ".breeze" / "pushed.json").write_text("{}")
    assert commit_of(load_project(committed), allow_dirty=False).dirty is False
