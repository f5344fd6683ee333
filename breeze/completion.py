"""breeze setup autocomplete: the shell completion script in a file of breeze's, and one marked
line in the shell's rc file that sources it. Running it again changes nothing."""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from breeze.errors import ConfigError

if TYPE_CHECKING:
    from breeze.context import AppContext

SHELLS = ("bash", "zsh", "fish")
MARKER = "# breeze completion"
PROG = "breeze"
COMPLETE_VAR = "_BREEZE_COMPLETE"


@dataclass(frozen=True)
class AutocompleteRequest:
    shell: str | None = None  # None: from $SHELL


@dataclass(frozen=True)
class Plan:
    shell: str
    script: Path
    script_text: str
    rc_file: Path | None  # fish reads its completions directory itself
    rc_line: str | None


def choose_shell(requested: str | None, env: dict[str, str]) -> str:
    fix = "Use --shell bash, --shell zsh or --shell fish."
    if requested is None:
        login = Path(env.get("SHELL", "")).name
        if login not in SHELLS:
            raise ConfigError(
                f"Cannot tell the shell from $SHELL ({login or 'not set'}): breeze completes bash, zsh and fish.",
                fix=fix,
            )
        return login
    shell = requested.strip().lower()
    if shell not in SHELLS:
        raise ConfigError(f"breeze cannot install completion for the shell {requested!r}.", fix=fix)
    return shell


def completion_script(shell: str) -> str:
    """The script Typer prints for ``breeze --show-completion`` (it calls back into breeze)."""
    from typer._completion_shared import get_completion_script

    return get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell) + "\n"


def plan(shell: str, env: dict[str, str]) -> Plan:
    from breeze.paths import config_dir

    home = Path.home()
    text = completion_script(shell)
    if shell == "fish":
        config = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
        return Plan(shell, config / "fish" / "completions" / "breeze.fish", text, None, None)
    script = config_dir() / f"completion.{shell}"
    source = f"[ -f {shlex.quote(str(script))} ] && . {shlex.quote(str(script))}"
    if shell == "zsh":
        rc = Path(env.get("ZDOTDIR") or home) / ".zshrc"
        # Typer's zsh script calls compdef, which exists only once compinit ran.
        line = f"(( $+functions[compdef] )) || {{ autoload -Uz compinit && compinit; }}; {source}  {MARKER}"
    else:
        rc, line = home / ".bashrc", f"{source}  {MARKER}"
    return Plan(shell, script, text, rc, line)


def with_line(rc_text: str, line: str) -> str:
    """``rc_text`` with exactly one marked line, ``line`` (an older marked line is replaced)."""
    lines = rc_text.splitlines()
    kept = [existing for existing in lines if MARKER not in existing]
    if len(kept) == len(lines) - 1 and line in lines:
        return rc_text
    if kept and kept[-1] != "":
        kept.append("")
    return "\n".join([*kept, line]) + "\n"


def install(ctx: AppContext, request: AutocompleteRequest) -> int:
    env = dict(os.environ)
    steps = plan(choose_shell(request.shell, env), env)
    changed = []
    old_script = steps.script.read_text() if steps.script.is_file() else None
    if old_script != steps.script_text:
        changed.append(f"{'write' if ctx.dry_run else 'wrote'} {steps.script}")
        if not ctx.dry_run:
            steps.script.parent.mkdir(parents=True, exist_ok=True)
            steps.script.write_text(steps.script_text)
    if steps.rc_file is not None and steps.rc_line is not None:
        old_rc = steps.rc_file.read_text() if steps.rc_file.is_file() else ""
        new_rc = with_line(old_rc, steps.rc_line)
        if new_rc != old_rc:
            changed.append(f"{'add' if ctx.dry_run else 'added'} `{MARKER}` to {steps.rc_file}")
            if not ctx.dry_run:
                steps.rc_file.write_text(new_rc)
    if not changed:
        ctx.console.print(
            f"{steps.shell} completion for breeze is already installed ({steps.script}).", soft_wrap=True
        )
        return 0
    prefix = "Dry run: would " if ctx.dry_run else ""
    ctx.console.print(f"{prefix}{'; '.join(changed)}.", markup=False, soft_wrap=True)
    if not ctx.dry_run:
        now = f" (or now: `source {steps.rc_file}`)" if steps.rc_file else ""
        ctx.console.print(f"Completion works in new {steps.shell} shells{now}.", markup=False, soft_wrap=True)
    return 0
