"""state.json: what `start-airflow` leaves for the commands that find its stack again (`down`, `logs`,
`ps`, `exec`), declared once. Written by stack.prepare, read by stack.existing_stack."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypedDict, cast

from breeze.errors import BreezeError


class StackState(TypedDict):
    files: list[str]  # the compose files, in order
    env_file: str  # compose.env
    backend: str
    executor: str
    api_port: int
    components: list[str]
    profiles: list[str]


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
