"""The CLI root through ``main([...])``: global options, and errors turned into exit codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from breeze import __version__
from breeze.context import AppContext
from breeze.errors import (
    BreezeError,
    BuildError,
    ConfigError,
    DeliveryError,
    EngineError,
    StackError,
    VerifyError,
)
from breeze.images import build
from breeze.k8s.runner import K8sError

Breeze = Callable[..., tuple[int, str, str]]


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[AppContext]:
    """build-image's domain function replaced: records the app context it was handed."""
    contexts: list[AppContext] = []

    def build_images(ctx: AppContext, request: object) -> int:
        contexts.append(ctx)
        return 0

    monkeypatch.setattr(build, "build_images", build_images)
    return contexts


def raising(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    def build_images(ctx: AppContext, request: object) -> int:
        raise exc

    monkeypatch.setattr(build, "build_images", build_images)


def test_version(breeze: Breeze) -> None:
    assert breeze("--version") == (0, f"breeze {__version__}\n", "")


def test_help_lists_the_commands(breeze: Breeze) -> None:
    code, out, _ = breeze("--help")

    assert code == 0
    for command in ("build-image", "verify-image", "setup"):
        assert command in out


def test_build_image_help(breeze: Breeze) -> None:
    code, out, _ = breeze("build-image", "--help")

    assert code == 0
    assert "--production" in out and "--python" in out and "--base-image" in out


def test_unknown_option_is_a_usage_error(breeze: Breeze) -> None:
    code, out, err = breeze("build-image", "--bogus")

    assert code == 2
    assert "Usage: breeze build-image" in err and "No such option: --bogus" in err
    assert "Traceback" not in out + err


def test_missing_option_value(breeze: Breeze) -> None:
    code, _, err = breeze("build-image", "--python")

    assert code == 2 and "requires an argument" in err


def test_bad_answer(breeze: Breeze, seen: list[AppContext]) -> None:
    code, _, err = breeze("--answer", "maybe", "build-image")

    assert code == ConfigError.exit_code == 2
    assert "Error: --answer 'maybe' is not an answer." in err
    assert "Fix: Use --answer yes or --answer no." in err
    assert seen == []


def test_bad_answer_from_env(breeze: Breeze, seen: list[AppContext], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BREEZE_ANSWER", "maybe")

    code, _, err = breeze("build-image")

    assert code == 2 and "--answer 'maybe'" in err
    assert seen == []


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (("--answer", "yes"), None, "yes"),
        (("-a", "N"), None, "no"),
        ((), " Y ", "yes"),
        ((), "no", "no"),
        (("--answer", "no"), "yes", "no"),
        ((), None, None),
    ],
)
def test_answer_reaches_the_context(
    breeze: Breeze,
    seen: list[AppContext],
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    env: str | None,
    expected: str | None,
) -> None:
    if env is not None:
        monkeypatch.setenv("BREEZE_ANSWER", env)

    assert breeze(*args, "build-image")[0] == 0
    assert [ctx.answer for ctx in seen] == [expected]


def test_global_options_reach_the_context(breeze: Breeze, seen: list[AppContext], project: Path) -> None:
    assert breeze("--verbose", "--dry-run", "--project", str(project), "build-image")[0] == 0

    (ctx,) = seen
    assert (ctx.verbose, ctx.dry_run, ctx.project_dir) == (True, True, project)
    assert ctx.interactive is False  # CI=true


@pytest.mark.parametrize(
    ("error_type", "code"),
    [
        (BreezeError, 1),
        (ConfigError, 2),
        (EngineError, 3),
        (BuildError, 4),
        (VerifyError, 5),
        (StackError, 6),
        (K8sError, 8),
        (DeliveryError, 9),
    ],
)
def test_breeze_error_becomes_its_exit_code(
    breeze: Breeze, monkeypatch: pytest.MonkeyPatch, error_type: type[BreezeError], code: int
) -> None:
    raising(
        monkeypatch, error_type("The [image] build broke.", fix="Do [bold]this[/].", details="#9 step log")
    )

    exit_code, out, err = breeze("build-image")

    assert exit_code == code
    lines = err.splitlines()
    # Details first (the log that explains it), then the message, then the fix; markup shown as text.
    assert lines[:3] == ["#9 step log", "Error: The [image] build broke.", "Fix: Do [bold]this[/]."]
    assert lines[3:] == [f"Log of this run: {lines[3].split(': ', 1)[1]}"]  # breeze.runlog
    assert out == ""


def test_each_kind_of_error_has_its_own_exit_code() -> None:
    def kinds(cls: type[BreezeError]) -> list[type[BreezeError]]:
        return [cls, *(k for sub in cls.__subclasses__() for k in kinds(sub))]

    own = {cls.__name__: cls.exit_code for cls in kinds(BreezeError) if "exit_code" in vars(cls)}

    assert {"DeliveryError", "K8sError", "StackError"} <= set(own)
    assert len(set(own.values())) == len(own), own


def test_breeze_error_without_fix(breeze: Breeze, monkeypatch: pytest.MonkeyPatch) -> None:
    raising(monkeypatch, EngineError("No container engine answers."))

    code, out, err = breeze("build-image")

    assert (code, out) == (3, "")
    assert err.startswith("Error: No container engine answers.\nLog of this run: ")


def test_unexpected_exception_is_a_bug(breeze: Breeze, monkeypatch: pytest.MonkeyPatch) -> None:
    raising(monkeypatch, RuntimeError("kaboom"))

    code, out, err = breeze("build-image")

    assert code == 70
    assert "breeze hit an internal error: RuntimeError: kaboom" in err
    assert "This is a bug in breeze" in err and "please report it" in err
    assert "Traceback" not in out + err
    log = Path(err.split("its traceback is in ", 1)[1].split(")", 1)[0])
    assert (
        "Traceback (most recent call last)" in log.read_text() and "RuntimeError: kaboom" in log.read_text()
    )


def test_verbose_shows_the_traceback_of_a_bug(breeze: Breeze, monkeypatch: pytest.MonkeyPatch) -> None:
    raising(monkeypatch, RuntimeError("kaboom"))

    code, _, err = breeze("--verbose", "build-image")

    assert code == 70
    assert "Traceback (most recent call last)" in err and "RuntimeError: kaboom" in err


def test_ctrl_c_exits_130(breeze: Breeze, monkeypatch: pytest.MonkeyPatch) -> None:
    raising(monkeypatch, KeyboardInterrupt())

    code, out, err = breeze("build-image")

    assert code == 130 and "Traceback" not in out + err


def test_ctrl_c_says_interrupted(breeze: Breeze, monkeypatch: pytest.MonkeyPatch) -> None:
    raising(monkeypatch, KeyboardInterrupt())

    assert "Interrupted." in breeze("build-image")[2]


def test_command_exit_code_is_returned(breeze: Breeze, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "build_images", lambda ctx, request: 7)

    assert breeze("build-image")[0] == 7
