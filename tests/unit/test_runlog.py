"""The record of a run: what --verbose would have shown, in a file errors point to."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from breeze import runlog
from breeze.errors import ConfigError
from breeze.images import build
from breeze.paths import cache_dir

Breeze = Callable[..., tuple[int, str, str]]


def latest() -> Path:
    return (cache_dir() / "logs" / "last-run.log").resolve()


def test_an_error_names_the_log_that_holds_the_run(
    breeze: Breeze, monkeypatch: pytest.MonkeyPatch, project: Path
) -> None:
    def build_images(ctx: object, request: object) -> int:
        runlog.note("$ docker buildx build --tag demo-ci:1.0.0-python3.11 .")  # as the engine notes it
        raise ConfigError("The build broke.", fix="Fix it.")

    monkeypatch.setattr(build, "build_images", build_images)

    code, _, err = breeze("--project", str(project), "build-image", "--python", "3.11")

    assert code == 2
    log = Path(err.rsplit("Log of this run: ", 1)[1].strip())
    assert log == latest()
    text = log.read_text()
    assert f"breeze --project {project} build-image --python 3.11" in text.splitlines()[0]
    assert "$ docker buildx build --tag demo-ci:1.0.0-python3.11 ." in text  # not shown without -v
    assert "Error: The build broke." in text and "Fix: Fix it." in text
    assert text.rstrip().endswith("# exit code 2")


def test_engine_commands_are_recorded_without_verbose(capsys: pytest.CaptureFixture[str]) -> None:
    from breeze.context import AppContext

    ctx = AppContext()
    runlog.start(["doctor"])
    try:
        assert ctx.engine._trace(["docker", "image", "inspect", "x"]) is True
    finally:
        path = runlog.path()
        runlog.finish(0)

    assert capsys.readouterr().err == ""
    assert path is not None and "$ docker image inspect x" in path.read_text()


def test_nothing_is_written_for_help(breeze: Breeze) -> None:
    assert breeze("--help")[0] == 0
    assert not (cache_dir() / "logs").exists()


@pytest.mark.parametrize("where", ["before", "after"])
def test_a_dry_run_keeps_no_log(
    breeze: Breeze, monkeypatch: pytest.MonkeyPatch, project: Path, where: str
) -> None:
    def build_images(ctx: object, request: object) -> int:
        runlog.note("$ docker buildx build .")
        raise ConfigError("The build broke.", fix="Fix it.")

    monkeypatch.setattr(build, "build_images", build_images)
    args = ["--dry-run", "build-image"] if where == "before" else ["build-image", "-D"]

    code, _, err = breeze("--project", str(project), *args)

    assert code == 2 and "Error: The build broke." in err and "Log of this run" not in err
    assert not (cache_dir() / "logs").exists()


def test_runs_at_once_get_their_own_file_and_old_ones_go() -> None:
    made = []
    for index in range(runlog.KEEP + 3):
        runlog.start([f"run{index}"])
        runlog.note("something")
        made.append(runlog.path())
        runlog.finish(0)
    kept = sorted((cache_dir() / "logs" / "runs").glob("*.log"))

    assert len(set(made)) == len(made)
    assert len(kept) == runlog.KEEP
    assert latest() == made[-1] and made[-1] in kept


def test_escapes_are_not_recorded() -> None:
    runlog.start(["x"])
    runlog.note("\x1b[2K\x1b[1;31mError:\x1b[0m red")
    path = runlog.path()
    runlog.finish(1)

    assert path is not None and "Error: red" in path.read_text() and "\x1b" not in path.read_text()


def test_live_redraws_are_not_recorded(capsys: pytest.CaptureFixture[str]) -> None:
    from breeze.runlog import Tee

    runlog.start(["x"])
    tee = Tee("stderr")
    tee.write("kept line\n")
    tee.write("\r\x1b[2K⠋ Building: [ci 3/11] RUN\x1b[1A")
    path = runlog.path()
    runlog.finish(0)

    assert path is not None
    assert "kept line" in path.read_text() and "Building" not in path.read_text()
    assert "Building" in capsys.readouterr().err
