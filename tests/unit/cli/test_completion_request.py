"""Tab completion through ``main()``: the answers Typer gives, without coercing option values."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import typer.core

Breeze = Callable[..., tuple[int, str, str]]


@pytest.fixture
def complete(breeze: Breeze, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], tuple[int, str, str]]:
    """``complete("breeze build-")``: the bash completion request for the words typed so far."""

    def request(words: str) -> tuple[int, str, str]:
        monkeypatch.setenv("_BREEZE_COMPLETE", "complete_bash")
        monkeypatch.setenv("COMP_WORDS", words)
        monkeypatch.setenv("COMP_CWORD", str(len(words.split()) - (0 if words.endswith(" ") else 1)))
        try:
            return breeze()
        finally:
            monkeypatch.delenv("_BREEZE_COMPLETE")

    return request


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("breeze build-", ["build-image"]),
        ("breeze setup a", ["autocomplete"]),
        ("breeze build-image --prod", ["--production", "--prod"]),
        ("breeze --proj", ["--project"]),
        ("breeze init --", ["--name", "--force", "--airflow-version", "--with-examples", "--help"]),
        ("breeze --answer maybe bu", ["build-image"]),
    ],
)
def test_completions(
    complete: Callable[[str], tuple[int, str, str]], words: str, expected: list[str]
) -> None:
    code, out, err = complete(words)

    assert (code, out.splitlines(), err) == (0, expected, "")


def test_no_value_is_coerced(
    complete: Callable[[str], tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Coercion builds a pydantic adapter per option: the import alone costs more than the completion.
    def refuse(*_args: object) -> None:
        raise AssertionError("completion coerced an option value")

    monkeypatch.setattr(typer.core, "build_runtime_param", refuse)

    assert complete("breeze --project /tmp --answer yes build-image --py")[1] == "--python\n"


def test_eager_options_do_not_fire_while_completing(complete: Callable[[str], tuple[int, str, str]]) -> None:
    assert complete("breeze --version bu")[1] == "build-image\n"


def test_commands_coerce_again_afterwards(
    complete: Callable[[str], tuple[int, str, str]], breeze: Breeze
) -> None:
    complete("breeze build-")

    code, _, err = breeze("verify-image", "--db-wait-seconds", "soon")

    assert code == 2 and "Invalid value for '--db-wait-seconds'" in err
