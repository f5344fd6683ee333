"""Port choice: a taken default moves (and says from where); a named port that is taken fails
with what holds it. Real sockets on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from breeze.errors import ConfigError
from breeze.stack import ports


@pytest.fixture
def listening() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_free_default_is_kept() -> None:
    port = ports.free_port()
    assert ports.choose("API server", "--api-port", None, port, set()) == ports.PortChoice(port)


def test_taken_default_moves_to_a_free_port(listening: int) -> None:
    choice = ports.choose("API server", "--api-port", None, listening, set())
    assert choice.moved_from == listening
    assert choice.port != listening and ports.is_free(choice.port)


def test_named_port_that_is_taken_names_the_holder(listening: int) -> None:
    with pytest.raises(ConfigError) as error:
        ports.choose("API server", "--api-port", listening, 28080, set())
    assert f"Port {listening} (API server) on 127.0.0.1 is taken by" in error.value.message
    assert "python" in error.value.message  # this test process holds it
    assert "--api-port" in (error.value.fix or "")


def test_named_port_out_of_range() -> None:
    with pytest.raises(ConfigError):
        ports.choose("API server", "--api-port", 70000, 28080, set())


def test_ports_already_chosen_are_not_reused() -> None:
    port = ports.free_port()
    choice = ports.choose("flower", "--flower-port", None, port, {port})
    assert choice.port != port and choice.moved_from == port
