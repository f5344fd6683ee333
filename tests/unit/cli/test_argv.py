"""Global options before or after the command; only what follows `--` is handed on."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import pytest

from breeze.cli.argv import hoist_globals, split_dashes
from breeze.context import AppContext
from breeze.images import build
from breeze.stack import stack

Breeze = Callable[..., tuple[int, str, str]]


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[AppContext]:
    contexts: list[AppContext] = []

    def build_images(ctx: AppContext, request: object) -> int:
        contexts.append(ctx)
        return 0

    monkeypatch.setattr(build, "build_images", build_images)
    return contexts


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["build-image", "--dry-run"], ["--dry-run", "build-image"]),
        (["build-image", "-v", "--python", "3.11"], ["-v", "build-image", "--python", "3.11"]),
        (["tests", "-p", "/x", "-a", "yes"], ["-p", "/x", "-a", "yes", "tests"]),
        (["tests", "--project=/x"], ["--project=/x", "tests"]),
        (["shell", "--", "ls", "-v", "-p"], ["shell", "--", "ls", "-v", "-p"]),
        (["-D", "shell", "-v", "--", "-D"], ["-D", "-v", "shell", "--", "-D"]),
    ],
)
def test_hoist_globals(args: list[str], expected: list[str]) -> None:
    assert hoist_globals(args) == expected


def test_split_dashes() -> None:
    assert split_dashes(["a", "--", "b", "--"]) == (["a"], ("b", "--"))
    assert split_dashes(["a"]) == (["a"], None)


@pytest.mark.parametrize("where", ["before", "after"])
def test_global_options_anywhere(breeze: Breeze, seen: list[AppContext], project: Path, where: str) -> None:
    options = ["-v", "-D", "-a", "yes", "-p", str(project)]
    args = [*options, "build-image"] if where == "before" else ["build-image", *options]

    assert breeze(*args)[0] == 0

    (ctx,) = seen
    assert (ctx.verbose, ctx.dry_run, ctx.answer, ctx.project_dir) == (True, True, "yes", project)


def test_long_global_options_after_a_subcommand(
    breeze: Breeze, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))

    code, _, err = breeze("setup", "autocomplete", "--shell", "bash", "--dry-run", "--verbose")

    assert code == 0 and "Dry run" in err
    assert not (tmp_path / ".bashrc").exists()


def test_only_what_follows_dashes_is_handed_on(
    breeze: Breeze, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handed: list[tuple[str, ...]] = []
    monkeypatch.setattr(stack, "shell", lambda _ctx, request: handed.append(request.command) or 0)
    monkeypatch.chdir(project)

    assert breeze("shell", "--backend", "sqlite", "--", "pytest", "--backend", "-v")[0] == 0
    assert handed == [("pytest", "--backend", "-v")]


def test_typo_is_not_run_in_the_container(
    breeze: Breeze, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stack, "shell", lambda *_: pytest.fail("the typo reached the container"))
    monkeypatch.chdir(project)

    code, _, err = breeze("shell", "--backnd", "postgres")

    assert code == 2
    assert "No such option: --backnd. Did you mean --backend?" in err


def test_typer_completion_options_are_hidden(breeze: Breeze) -> None:
    code, out, _ = breeze("--help")
    assert code == 0 and "--install-completion" not in out and "--show-completion" not in out
    assert breeze("--install-completion")[0] == 2


def test_a_commands_option_value_is_never_taken_for_a_global() -> None:
    takes_value = frozenset({"-c", "--command", "--python"})

    assert hoist_globals(["shell", "-c", "-v", "-D"], takes_value) == ["-D", "shell", "-c", "-v"]
    assert hoist_globals(["shell", "--command", "-p", "-p", "/x"], takes_value) == [
        "-p",
        "/x",
        "shell",
        "--command",
        "-p",
    ]


def test_shell_command_that_looks_like_a_global(
    breeze: Breeze, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handed: list[tuple[tuple[str, ...], bool]] = []
    monkeypatch.setattr(
        stack, "shell", lambda ctx, request: handed.append((request.command, ctx.verbose)) or 0
    )
    monkeypatch.chdir(project)

    assert breeze("shell", "-c", "-v", "--dry-run")[0] == 0
    assert handed == [(("bash", "-c", "-v"), False)]


@pytest.mark.parametrize(
    ("args", "after"),
    [
        (["build-image", "--dry-run"], True),
        (["--dry-run", "build-image"], False),
        (["-p", "/x", "build-image"], False),
        (["-p", "/x", "shell", "--", "-v"], False),
        (["setup", "autocomplete", "-v"], True),
        (["--version"], False),
    ],
)
def test_globals_after_command(args: list[str], after: bool) -> None:
    from breeze.cli.argv import globals_after_command

    assert globals_after_command(args) is after


@pytest.mark.parametrize(
    ("args", "module", "function"),
    [
        (["config"], "breeze.config.show", "show_config"),
        (["k8s", "deploy", "--executor", "celery"], "breeze.k8s.flow", "deploy"),
        (["k8s", "run-complete-tests"], "breeze.k8s.flow", "run_complete_tests"),
        (["deploy", "--tag", "t1"], "breeze.k8s.release", "deploy"),
        (["rollback", "--revision", "2"], "breeze.k8s.release", "rollback"),
    ],
)
def test_global_options_after_the_newer_commands(
    breeze: Breeze,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    module: str,
    function: str,
) -> None:
    contexts: list[AppContext] = []
    monkeypatch.setattr(importlib.import_module(module), function, lambda ctx, *_: contexts.append(ctx) or 0)

    assert breeze(*args, "-v", "--dry-run", "-p", str(project))[0] == 0

    (ctx,) = contexts
    assert (ctx.verbose, ctx.dry_run, ctx.project_dir) == (True, True, project)
