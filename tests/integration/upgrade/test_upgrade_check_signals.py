"""SIGTERM ends `breeze upgrade-check` like Ctrl-C while it builds the candidate image: the build
stops with it, and nothing of the run is left (containers, networks, volumes, a candidate image).
Its later steps run containers through the same code as other commands, tested elsewhere: ruff in
a throwaway container (tests/integration/delivery/test_signals_on_run_containers.py), the tests in
a test stack (tests/integration/test_signals_on_engine.py); reaching them here would mean building
the whole candidate image first."""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

import pytest

from breeze.config import load_project
from breeze.upgrade.candidate import image_name
from breeze.versions import DEFAULT_AIRFLOW
from tests.integration.signal_runs import (
    TIMEOUT,
    Breeze,
    EngineState,
    assert_ended_cleanly,
    containers,
    docker_lines,
)
from tests.integration.upgrade.test_upgrade_check import copy_project, remove_images

pytestmark = pytest.mark.integration


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_upgrade_check_sigterm_while_the_candidate_builds(tmp_path: Path) -> None:
    name = f"breeze-it-upgsig-{uuid.uuid4().hex[:6]}"
    root = copy_project(tmp_path, name)
    candidate = image_name(load_project(root), DEFAULT_AIRFLOW)
    before = EngineState.now()
    try:
        run = Breeze(root, tmp_path / "out.txt", "upgrade-check", "--airflow-version", DEFAULT_AIRFLOW)
        run.wait_until(lambda: any("buildx" in args for _, args in run.children()), "candidate image build")
        builds = [pid for pid, args in run.children() if "buildx" in args]

        code, output = run.signal(signal.SIGTERM)

        assert_ended_cleanly(signal.SIGTERM, code, output)
        deadline = time.monotonic() + TIMEOUT
        while any(alive(pid) for pid in builds):
            assert time.monotonic() < deadline, "the build went on after breeze ended"
            time.sleep(0.1)
        assert containers(f"label=dev.breeze.project={name}") == []
        after = EngineState.now()
        assert (after.networks, after.volumes) == (before.networks, before.volumes)
        assert before.images <= after.images
        assert docker_lines("image", "ls", "-q", "--filter", f"reference={candidate}*") == []
    finally:
        remove_images(name)
