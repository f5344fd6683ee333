"""Throwaway containers (Engine.run) without an engine: none starts once a signal arrived."""

from __future__ import annotations

import io
import signal

import pytest
from rich.console import Console

from breeze import signals
from breeze.engine import Engine


def test_no_throwaway_container_starts_after_a_signal(
    monkeypatch: pytest.MonkeyPatch, engine_guard: list[str]
) -> None:
    """A check thread of verify-image between two containers when SIGTERM came: breeze is ending,
    so the next container is not started (the engine guard fails the test if docker is reached)."""
    monkeypatch.setattr(signals, "_received", [signal.SIGTERM])
    engine = Engine(Console(file=io.StringIO()))

    with pytest.raises(signals.Terminated) as raised:
        engine.run("demo:1.0.0-python3.11", ["airflow", "version"])

    assert raised.value.signum == signal.SIGTERM
    assert engine_guard == []
