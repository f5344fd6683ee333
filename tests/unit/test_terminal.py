"""Output without a terminal: no wrapping at 80 columns, no terminal escapes."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from breeze import terminal

Breeze = Callable[..., tuple[int, str, str]]


def test_console_without_terminal_does_not_wrap(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    line = "docker buildx build " + " ".join(f"--build-arg ARG{i}=value{i}" for i in range(12))

    console = terminal.make_console(stderr=True)
    console.print(line)

    assert not console.is_terminal
    assert capsys.readouterr().err == line + "\n"


def test_columns_still_sets_the_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "132")

    assert terminal.make_console().width == 132


def test_no_colour_without_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    terminal.make_console().print("[bold red]Error:[/] x")

    assert capsys.readouterr().err == "Error: x\n"


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        (b"\x1b[2Kscheduler-1  | started\n", b"scheduler-1  | started\n"),
        (b"\x1b[36mapi-server-1  |\x1b[0m GET /\n", b"api-server-1  | GET /\n"),
        (b"\x1b]0;title\x07text\x1b[?25l\n", b"text\n"),
        (b"no escapes [1/3] here\n", b"no escapes [1/3] here\n"),
    ],
)
def test_strip_escapes(raw: bytes, plain: bytes) -> None:
    assert terminal.strip_escapes(raw) == plain


def pipe_output(monkeypatch: pytest.MonkeyPatch, data: bytes, **env: str) -> bytes:
    for name in ("FORCE_COLOR", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    read, write = os.pipe()
    terminal.write(write, data)
    os.close(write)
    with os.fdopen(read, "rb") as handle:
        return handle.read()


def test_a_pipe_gets_no_escapes(monkeypatch: pytest.MonkeyPatch) -> None:
    assert pipe_output(monkeypatch, b"\x1b[2Kline\n") == b"line\n"


def test_force_color_keeps_them(monkeypatch: pytest.MonkeyPatch) -> None:
    assert pipe_output(monkeypatch, b"\x1b[2Kline\n", FORCE_COLOR="1") == b"\x1b[2Kline\n"


def test_errors_are_not_wrapped_in_ci(
    breeze: Breeze, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    (tmp_path / "empty").mkdir()

    code, _, err = breeze("build-image", "--project", str(tmp_path / "empty"))

    assert code == 2
    fix = next(line for line in err.splitlines() if line.startswith("Fix:"))
    assert "`--project DIR`, or set BREEZE_PROJECT." in fix
