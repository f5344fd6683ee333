"""breeze setup autocomplete in a temporary HOME: files per shell, one marked line, idempotent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from breeze.completion import MARKER


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("ZDOTDIR", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("BREEZE_CONFIG_DIR", str(home / ".config" / "breeze"))
    return home


def test_bash_from_shell_env_is_idempotent(
    home: Path, breeze: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHELL", "/usr/bin/bash")
    (home / ".bashrc").write_text("alias ll='ls -l'\n")
    code, _, err = breeze("setup", "autocomplete")
    assert code == 0 and "added" in err
    script = home / ".config" / "breeze" / "completion.bash"
    assert "_BREEZE_COMPLETE=complete_bash" in script.read_text()
    rc = (home / ".bashrc").read_text()
    assert rc.startswith("alias ll='ls -l'\n")
    assert rc.count(MARKER) == 1 and str(script) in rc

    code, _, err = breeze("setup", "autocomplete")
    assert code == 0 and "already installed" in err
    assert (home / ".bashrc").read_text() == rc


def test_zsh_line_loads_compinit(home: Path, breeze: Callable) -> None:
    assert breeze("setup", "autocomplete", "--shell", "zsh")[0] == 0
    assert breeze("setup", "autocomplete", "--shell", "zsh")[0] == 0
    rc = (home / ".zshrc").read_text()
    assert rc.count(MARKER) == 1 and "compinit" in rc
    assert "compdef" in (home / ".config" / "breeze" / "completion.zsh").read_text()


def test_fish_writes_its_completions_file_only(home: Path, breeze: Callable) -> None:
    assert breeze("setup", "autocomplete", "--shell", "fish")[0] == 0
    fish = home / ".config" / "fish" / "completions" / "breeze.fish"
    assert "complete --command breeze" in fish.read_text()
    assert not (home / ".bashrc").exists() and not (home / ".zshrc").exists()


def test_a_stale_marked_line_is_replaced(home: Path, breeze: Callable) -> None:
    (home / ".bashrc").write_text(f". /old/place/completion.bash  {MARKER}\necho hi\n")
    assert breeze("setup", "autocomplete", "--shell", "bash")[0] == 0
    rc = (home / ".bashrc").read_text()
    assert rc.count(MARKER) == 1 and "/old/place" not in rc and "echo hi" in rc


def test_dry_run_writes_nothing(home: Path, breeze: Callable) -> None:
    code, _, err = breeze("--dry-run", "setup", "autocomplete", "--shell", "bash")
    assert code == 0 and "Dry run: would write " in err and "; add `# breeze completion` to " in err
    assert "would have" not in err
    assert list(home.iterdir()) == []


@pytest.mark.parametrize(("args", "shell_env"), [(("--shell", "tcsh"), "/bin/bash"), ((), "/bin/tcsh")])
def test_unknown_shell_exits_2_with_the_fix(
    home: Path, breeze: Callable, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], shell_env: str
) -> None:
    monkeypatch.setenv("SHELL", shell_env)
    code, _, err = breeze("setup", "autocomplete", *args)
    assert code == 2
    assert "tcsh" in err and "Fix: Use --shell bash, --shell zsh or --shell fish." in err
    assert list(home.iterdir()) == []
