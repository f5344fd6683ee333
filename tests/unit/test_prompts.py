"""Questions never block: --answer decides, otherwise the default is taken (and said) without a TTY."""

from __future__ import annotations

import pytest

from breeze import prompts
from breeze.context import AppContext
from breeze.prompts import confirm


@pytest.fixture(autouse=True)
def no_prompt_library(monkeypatch: pytest.MonkeyPatch) -> None:
    # questionary (the only way to ask) is gone: a question that would block errors instead.
    monkeypatch.setattr(prompts, "questionary", None)


@pytest.mark.parametrize(("answer", "expected"), [("yes", True), ("no", False)])
@pytest.mark.parametrize("default", [True, False])
def test_answer_decides(
    capsys: pytest.CaptureFixture[str], answer: str, expected: bool, default: bool
) -> None:
    ctx = AppContext(answer=answer, interactive=True)  # type: ignore[arg-type]

    assert confirm(ctx, "Remove the old image?", default=default) is expected
    assert f"Remove the old image? {answer} (from --answer)" in capsys.readouterr().err


@pytest.mark.parametrize(("default", "said"), [(True, "yes"), (False, "no")])
def test_without_a_terminal_the_default_is_taken_and_said(
    capsys: pytest.CaptureFixture[str], default: bool, said: str
) -> None:
    ctx = AppContext(interactive=False)

    assert confirm(ctx, "Rebuild?", default=default, timeout=30) is default
    err = capsys.readouterr().err
    assert f"Rebuild? {said} (default: no terminal; use --answer to choose)" in err


def test_context_confirm_uses_the_same_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert AppContext(answer="no", interactive=False).confirm("Pull?", default=True) is False
    assert "(from --answer)" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["true", "1", "YES"])
def test_ci_is_never_interactive(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)

    assert AppContext().interactive is False


def test_the_suite_runs_non_interactive(capsys: pytest.CaptureFixture[str]) -> None:
    # conftest sets CI=true: a default context answers without asking.
    assert confirm(AppContext(), "Continue?", default=True) is True
    assert "default: no terminal" in capsys.readouterr().err
