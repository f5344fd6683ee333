"""Ctrl-C, SIGTERM and SIGHUP leave nothing behind when breeze runs throwaway containers outside a
compose stack (``Engine.run``): `breeze sbom` (one inventory container) and `breeze verify-image`
(check containers, two at a time). The stacks' commands are in tests/integration/test_signals_on_engine.py.

Here, next to the session's production image (conftest.py), which both commands read: no image is
built for these tests. Each waits for the engine's real state (an event, a running container),
sends the signal, and checks: the signal's exit code, one short line and no traceback, no
container of the image left, no new network or volume, every image still there (the tests run
under the shared engine lock, so what changes meanwhile is the command's)."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest

from breeze.config import load_project
from breeze.enginerun import RUN_LABEL, RUN_PREFIX
from breeze.images.build import specs_for
from tests.integration.signal_runs import (
    Breeze,
    EngineState,
    assert_ended_cleanly,
    containers,
    docker_lines,
    engine_events,
)

pytestmark = pytest.mark.integration

PAUSE_ATTEMPTS = 3


def production_ref(root: Path) -> str:
    return specs_for(load_project(root), "prod", "3.11").ref


def image_id(ref: str) -> str:
    return docker_lines("image", "inspect", "--format", "{{.Id}}", ref)[0]


def assert_nothing_left(ref: str, before: EngineState, ref_id: str) -> None:
    assert containers(f"ancestor={ref}") == []
    after = EngineState.now()
    assert after.networks == before.networks
    assert after.volumes == before.volumes
    assert before.images <= after.images  # nothing the user owns is removed
    assert image_id(ref) == ref_id


# --------------------------------------------------------------------------------------------
# breeze sbom: its inventory container lives a fraction of a second, so engine events find it
# --------------------------------------------------------------------------------------------


def test_sbom_sigterm_while_its_container_is_created(built_project: Path, tmp_path: Path) -> None:
    """The signal lands while `docker run` has not answered yet: breeze has no container ID, and
    still removes the container the engine created, by the name it gave it."""
    ref, output = production_ref(built_project), tmp_path / "sbom.json"
    before, ref_id = EngineState.now(), image_id(ref)
    with engine_events("event=create", f"image={ref}") as next_container:
        run = Breeze(built_project, tmp_path / "out.txt", "sbom", "--python", "3.11", "-o", str(output))
        created = next_container()
        code, text = run.signal(signal.SIGTERM)

    assert_ended_cleanly(signal.SIGTERM, code, text)
    assert created not in docker_lines("ps", "-aq", "--no-trunc")
    assert_nothing_left(ref, before, ref_id)
    assert not output.exists()


def test_sbom_ctrl_c_while_its_container_runs(built_project: Path, tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the whole process group, docker CLI included) while the inventory runs:
    the test freezes the container (`docker pause`) as soon as it started, so the signal surely
    finds it running. It carries breeze's name and label, for `breeze cleanup` after a kill -9."""
    ref, output = production_ref(built_project), tmp_path / "sbom.json"
    before, ref_id = EngineState.now(), image_id(ref)
    for attempt in range(PAUSE_ATTEMPTS):
        with engine_events("event=start", f"image={ref}") as next_container:
            run = Breeze(built_project, tmp_path / f"out{attempt}.txt", "sbom", "-o", str(output))
            started = next_container()
            paused = subprocess.run(["docker", "pause", started], capture_output=True).returncode == 0
        if paused:
            break
        run.process.wait()  # the inventory ended before the pause: once more
        output.unlink(missing_ok=True)
    else:
        pytest.fail(f"the inventory container ended before it could be paused, {PAUSE_ATTEMPTS} times")
    name, label = docker_lines(
        "inspect", "--format", f'{{{{.Name}}}} {{{{index .Config.Labels "{RUN_LABEL}"}}}}', started
    )

    code, text = run.signal(signal.SIGINT, group=True)

    assert (name.lstrip("/").startswith(RUN_PREFIX), label) == (True, "true")
    assert_ended_cleanly(signal.SIGINT, code, text)
    assert_nothing_left(ref, before, ref_id)
    assert not output.exists()


# --------------------------------------------------------------------------------------------
# breeze verify-image: the unreachable-database check waits as long as it is told
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "signum", [pytest.param(signal.SIGTERM, id="SIGTERM"), pytest.param(signal.SIGHUP, id="SIGHUP")]
)
def test_verify_image_signal_while_checks_run(built_project: Path, tmp_path: Path, signum: int) -> None:
    """The checks not yet started never start: the database check would otherwise wait 600 s,
    longer than the test's bound on breeze's end. Waits for a check container of this run (not one
    an earlier test may have left, which would have the signal sent too early)."""
    ref = production_ref(built_project)
    before, ref_id = EngineState.now(), image_id(ref)
    earlier = set(containers(f"ancestor={ref}"))
    run = Breeze(
        built_project, tmp_path / "out.txt", "verify-image", "--image", ref, "--db-wait-seconds", "600"
    )
    run.wait_until(
        lambda: bool(set(containers(f"ancestor={ref}", running=True)) - earlier), "running check container"
    )

    code, text = run.signal(signum)

    assert_ended_cleanly(signum, code, text)
    assert_nothing_left(ref, before, ref_id)
