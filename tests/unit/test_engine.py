"""The engine seam without an engine: which commands a dry run still runs, and what it prints."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from breeze.engine import Engine, is_read_only

READ_ONLY = [
    ["docker", "version"],
    ["docker", "info"],
    ["docker", "image", "inspect", "demo:latest"],
    ["docker", "image", "ls", "--filter", "label=dev.breeze.managed=true"],
    ["docker", "inspect", "abc123"],
    ["docker", "buildx", "version"],
    ["docker", "buildx", "inspect"],
    ["docker", "buildx", "imagetools", "inspect", "--raw", "127.0.0.1:5000/demo:abc-python3.11"],
    ["docker", "compose", "version"],
    ["docker", "compose", "ps"],
    ["docker", "compose", "--project-name", "demo", "ps", "--all"],
    ["docker", "compose", "logs", "--follow", "airflow"],
    ["docker", "compose", "config"],
    ["docker", "container", "inspect", "demo-airflow-1"],
    ["docker"],
]
MUTATING = [
    ["docker", "build", "."],
    ["docker", "buildx", "build", "--load", "--tag", "demo:latest", "."],
    ["docker", "run", "--rm", "demo:latest", "true"],
    ["docker", "tag", "demo:1.0.0-python3.11", "demo:latest"],
    ["docker", "image", "tag", "a", "b"],
    ["docker", "image", "rm", "demo:latest"],
    ["docker", "import", "rootfs.tar", "breeze-offline/debian:bookworm"],
    ["docker", "compose", "up", "--detach"],
    ["docker", "compose", "--project-name", "demo", "down", "--volumes"],
    ["docker", "compose", "run", "airflow", "airflow", "dags", "list"],
    ["docker", "compose", "--project-name", "logs", "up"],
    ["docker", "container", "rm", "--force", "x"],
    ["docker", "volume", "rm", "x"],
    ["docker", "image", "push", "127.0.0.1:5000/demo:abc-python3.11"],
    ["docker", "image", "pull", "--quiet", "127.0.0.1:5000/python:3.11-slim"],
    ["docker", "buildx", "imagetools", "create", "--tag", "r/demo:latest", "r/demo:1.0"],
]


@pytest.mark.parametrize("argv", READ_ONLY, ids=" ".join)
def test_read_only(argv: list[str]) -> None:
    assert is_read_only(argv) is True


@pytest.mark.parametrize("argv", MUTATING, ids=" ".join)
def test_mutating(argv: list[str]) -> None:
    assert is_read_only(argv) is False


def test_compose_ps_after_many_options_is_read_only() -> None:
    argv = ["docker", "compose", "--file", "a.yml", "--file", "b.yml", "--project-name", "demo"]
    argv += ["--project-directory", "/p", "ps"]

    assert is_read_only(argv) is True


# -- _trace -------------------------------------------------------------------------------------------
def engine(*, verbose: bool = False, dry_run: bool = False) -> tuple[Engine, io.StringIO]:
    stream = io.StringIO()
    return Engine(Console(file=stream, width=200), verbose=verbose, dry_run=dry_run), stream


def test_dry_run_prints_a_mutating_command_instead_of_running_it(capsys: pytest.CaptureFixture[str]) -> None:
    seam, console = engine(dry_run=True)

    runs = seam._trace(
        ["/usr/bin/docker", "buildx", "build", "--label", "title=demo (ci)", "--tag", "d:1", "."]
    )

    assert runs is False
    assert capsys.readouterr().out == "docker buildx build --label 'title=demo (ci)' --tag d:1 .\n"
    assert console.getvalue() == ""


def test_dry_run_still_runs_read_only_commands(capsys: pytest.CaptureFixture[str]) -> None:
    seam, console = engine(dry_run=True)

    assert seam._trace(["docker", "image", "inspect", "demo:latest"]) is True
    assert capsys.readouterr().out == ""
    assert console.getvalue() == ""


def test_without_dry_run_everything_runs(capsys: pytest.CaptureFixture[str]) -> None:
    seam, console = engine()

    assert seam._trace(["docker", "run", "--rm", "demo", "true"]) is True
    assert capsys.readouterr().out == "" and console.getvalue() == ""


@pytest.mark.parametrize("dry_run", [False, True])
def test_verbose_shows_commands_that_run(capsys: pytest.CaptureFixture[str], dry_run: bool) -> None:
    seam, console = engine(verbose=True, dry_run=dry_run)

    assert seam._trace(["docker", "image", "inspect", "my image"]) is True
    assert console.getvalue() == "$ docker image inspect 'my image'\n"
    assert capsys.readouterr().out == ""


def test_verbose_dry_run_prints_a_mutating_command_once(capsys: pytest.CaptureFixture[str]) -> None:
    seam, console = engine(verbose=True, dry_run=True)

    assert seam._trace(["docker", "tag", "a", "b"]) is False
    assert capsys.readouterr().out == "docker tag a b\n"
    assert console.getvalue() == ""


# -- the guard this suite relies on ----------------------------------------------------------------
def test_unit_tests_cannot_reach_the_engine(engine_guard: list[str]) -> None:
    seam, _ = engine()

    with pytest.raises(AssertionError, match=r"mark it @pytest\.mark\.integration"):
        _ = seam.docker

    assert engine_guard  # recorded, so a test that swallows the error still fails at teardown
    engine_guard.clear()


def test_unit_tests_cannot_run_debootstrap(engine_guard: list[str], tmp_path: Path) -> None:
    from breeze.offline import rootfs

    with pytest.raises(AssertionError, match=r"mark it @pytest\.mark\.integration"):
        rootfs.run(["debootstrap", "bookworm", "/x"], log=tmp_path / "log")

    assert engine_guard
    engine_guard.clear()
