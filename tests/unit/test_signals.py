"""SIGTERM and SIGHUP become a KeyboardInterrupt (the Ctrl-C path) with the signal's exit code;
breeze's child processes get SIGINT, as Ctrl-C would have given them. Real signals, real processes."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable, Iterator

import pytest

from breeze import signals
from breeze.context import AppContext
from breeze.images import build

Breeze = Callable[..., tuple[int, str, str]]


@pytest.fixture
def handlers() -> Iterator[None]:
    previous = signals.install()
    yield
    signals.restore(previous)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_signal_raises_keyboard_interrupt(handlers: None, signum: int) -> None:
    with pytest.raises(KeyboardInterrupt) as raised:
        os.kill(os.getpid(), signum)
        signal.sigtimedwait([], 0)  # the handler runs at the next bytecode; make sure it had one

    assert isinstance(raised.value, signals.Terminated)
    assert signals.received() == signum


def test_a_second_signal_lets_the_cleanup_finish(handlers: None) -> None:
    with pytest.raises(signals.Terminated):
        os.kill(os.getpid(), signal.SIGTERM)
        signal.sigtimedwait([], 0)
    os.kill(os.getpid(), signal.SIGTERM)  # ignored: no exception

    assert signals.received() == signal.SIGTERM


def test_children_get_sigint(handlers: None) -> None:
    child = subprocess.Popen(["sleep", "60"])
    try:
        assert child.pid in signals.children(os.getpid())
        with pytest.raises(signals.Terminated):
            os.kill(os.getpid(), signal.SIGTERM)
            signal.sigtimedwait([], 0)
        assert child.wait(timeout=30) == -signal.SIGINT
    finally:
        child.kill()
        child.wait()


def test_restore_gives_back_the_previous_handlers() -> None:
    before = signal.getsignal(signal.SIGTERM)
    signals.restore(signals.install())

    assert signal.getsignal(signal.SIGTERM) == before


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_command_ends_with_the_signals_code_after_its_cleanup(
    breeze: Breeze, monkeypatch: pytest.MonkeyPatch, signum: int, code: int
) -> None:
    cleaned: list[bool] = []

    def build_images(ctx: AppContext, request: object) -> int:
        try:
            os.kill(os.getpid(), signum)
            signal.sigtimedwait([], 0)
            return 0
        finally:
            cleaned.append(True)

    monkeypatch.setattr(build, "build_images", build_images)

    exit_code, _, err = breeze("build-image")

    assert (exit_code, cleaned) == (code, [True])
    assert f"Interrupted by {signal.Signals(signum).name}." in err


def test_a_command_that_stops_cleanly_on_a_signal_still_reports_it(
    breeze: Breeze, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Foreground start-airflow catches the interrupt, stops the stack and returns 0."""

    def build_images(ctx: AppContext, request: object) -> int:
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            signal.sigtimedwait([], 0)
        except KeyboardInterrupt:
            pass
        return 0

    monkeypatch.setattr(build, "build_images", build_images)

    assert breeze("build-image")[0] == 143


def test_an_ignored_signal_stays_ignored() -> None:
    """`nohup breeze ...` ignores SIGHUP: closing the terminal must not stop the stack."""
    before = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        previous = signals.install()
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
        assert signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN
        signals.restore(previous)
    finally:
        signal.signal(signal.SIGHUP, before)
