"""state.json is read through its declaration: a missing key names itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from breeze.errors import BreezeError
from breeze.stack.state import load_state

STATE = {
    "files": ["/x/airflow.yaml"],
    "env_file": "/x/compose.env",
    "backend": "sqlite",
    "executor": "LocalExecutor",
    "api_port": 28080,
    "components": ["api-server", "scheduler"],
    "profiles": ["airflow", "airflow3"],
}


def test_state_round_trips(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text(json.dumps(STATE))
    assert load_state(tmp_path / "state.json") == STATE


def test_a_state_without_a_key_names_it(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text(json.dumps({k: v for k, v in STATE.items() if k != "profiles"}))
    with pytest.raises(BreezeError, match="lacks profiles"):
        load_state(tmp_path / "state.json")
