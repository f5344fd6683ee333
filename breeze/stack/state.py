"""What a stack leaves in the user cache for compose and for later commands (`ps`, `logs`,
`exec`, `down`): the env files, the mounts, and state.json (declared once, as StackState). Written
through breeze.files, so a dry run writes none of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypedDict, cast

from breeze.config import ProjectConfig
from breeze.errors import BreezeError, ConfigError
from breeze.files import make_private_dir, write_private
from breeze.paths import cache_dir
from breeze.stack.params import ADMIN_USER, StackParams, compose_project_name


class _StackStateRequired(TypedDict):
    files: list[str]  # the compose files, in order
    env_file: str  # compose.env
    backend: str
    executor: str
    api_port: int
    components: list[str]
    profiles: list[str]


class StackState(_StackStateRequired, total=False):
    """state.json: how the stack was started, so later commands address the same compose project."""

    production: bool  # since --production; a stack started before it is not one


def stack_dir(project_name: str) -> Path:
    return cache_dir() / "stacks" / project_name


def state_of(params: StackParams) -> StackState:
    return StackState(
        files=[str(f) for f in params.compose_files()],
        env_file=str(params.stack_dir / "compose.env"),
        backend=params.backend,
        executor=params.executor,
        api_port=params.api_port,
        components=params.components(),
        profiles=params.profiles(components=True),
        production=params.production,
    )


def write_files(params: StackParams, admin_password: str, pools_json: str | None, *, dry_run: bool) -> None:
    """Everything compose reads for this stack, in the user cache, private to the user."""
    directory = params.stack_dir
    make_private_dir(directory, dry_run=dry_run)
    write_private(directory / "compose.env", env_text(params.compose_env()), 0o600, dry_run=dry_run)
    # Group 0 may read what containers read: they run as the host UID, or as 50000, in group 0.
    write_private(directory / "airflow.env", env_text(params.airflow_env()), 0o640, dry_run=dry_run)
    write_private(directory / "pools.json", pools_json or "", 0o644, dry_run=dry_run)
    write_private(directory / "mounts.yaml", params.mounts_yaml(), 0o644, dry_run=dry_run)
    passwords = json.dumps({ADMIN_USER: admin_password})
    write_private(params.secrets_dir / "passwords.json", passwords, 0o660, dry_run=dry_run)
    if params.production:
        # The production image runs as its own UID, not the host user's: its copy of the users file
        # must be open to it; the stack folder (0700) keeps other host users out.
        write_private(directory / "passwords.json", passwords, 0o666, dry_run=dry_run)
    state = json.dumps(state_of(params), indent=2)
    write_private(directory / "state.json", state, 0o600, dry_run=dry_run)


def env_text(env: dict[str, str]) -> str:
    # compose env files take values literally after `=`: no quoting, one variable per line.
    lines = []
    for key, value in env.items():
        if "\n" in value:
            raise ConfigError(f"{key} holds a line break; compose env files cannot carry it.")
        lines.append(f"{key}={value}")
    return "\n".join(lines) + "\n"


def read_state(config: ProjectConfig) -> StackState | None:
    """The state a previous command left for this project's stack, if any."""
    state_file = stack_dir(compose_project_name(config)) / "state.json"
    if not state_file.is_file():
        return None
    return load_state(state_file)


def load_state(path: Path) -> StackState:
    """The state file; one without a key of StackState (written by another breeze) is an error
    naming the key, never a silent default."""
    data = json.loads(path.read_text())
    missing = sorted(set(StackState.__required_keys__) - set(data)) if isinstance(data, dict) else ["all"]
    if missing:
        raise BreezeError(
            f"{path} lacks {', '.join(missing)}: another version of breeze started this stack.",
            fix="Stop it with the breeze that started it, or `docker compose -p NAME down`; then start again.",
        )
    return cast(StackState, data)
