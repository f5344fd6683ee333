"""Local stacks on ROOTLESS podman, for real: a throwaway user set up by
scripts/setup-rootless-podman.sh runs breeze (runuser) on a copy of the example it owns, with the
session's CI image loaded into its own podman store. What the shell and the services write into
the mounted project is the user's (``userns_mode: keep-id``), as on Docker; start-airflow on
sqlite comes up healthy and `down --volumes` leaves nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from breeze.config import load_project
from breeze.stack.params import compose_project_name
from breeze.stack.ports import free_port
from tests.integration.podman.rootless_user import RootlessUser, make_user, unusable_reason

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def rootless_user() -> Iterator[RootlessUser]:
    reason = unusable_reason()
    if reason:
        pytest.skip(reason)
    yield from make_user()


@pytest.fixture(scope="session")
def rootless_project(rootless_user: RootlessUser, podman_project: Path, podman_ci_image: str) -> Path:
    """The session's podman project copied into the user's home and owned by it; its CI image (the
    only one a sqlite stack uses) in the user's store."""
    user = rootless_user
    root = user.home / "example"
    shutil.copytree(podman_project, root, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.chown(root, user.uid, user.uid)
    for path in root.rglob("*"):
        shutil.chown(path, user.uid, user.uid)
    user.load_image(f"{podman_ci_image}-ci:1.0.0-python3.11")
    return root


def test_the_users_podman_is_rootless_on_overlay_and_doctor_finds_nothing_missing(
    rootless_user: RootlessUser,
) -> None:
    info = json.loads(rootless_user.podman("info", "--format", "json").stdout)
    doctor = rootless_user.run(rootless_user.python, "-m", "breeze", "doctor", check=False)

    assert info["host"]["security"]["rootless"] is True
    assert info["store"]["graphDriverName"] == "overlay"  # not vfs, which copies every layer
    rows = [line.split("│")[1:3] for line in doctor.stderr.splitlines() if "│ rootless" in line]
    assert [[cell.strip() for cell in row] for row in rows] == [
        ["rootless IDs", "ok"], ["rootless runtime dir", "ok"], ["rootless network", "ok"], ["rootless storage", "ok"],
    ], doctor.stderr  # fmt: skip


def test_rootless_shell_writes_the_project_as_the_user(
    rootless_user: RootlessUser, rootless_project: Path
) -> None:
    script = "touch dags/made_rootless.py && mkdir include/made_rootless && id -u"

    done = rootless_user.breeze(rootless_project, "shell", "--command", script)

    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert str(rootless_user.uid) in done.stdout.split()
    assert (rootless_project / "dags" / "made_rootless.py").stat().st_uid == rootless_user.uid
    assert (rootless_project / "include" / "made_rootless").stat().st_uid == rootless_user.uid


def test_rootless_start_airflow_on_sqlite_is_healthy_and_down_leaves_nothing(
    rootless_user: RootlessUser, rootless_project: Path
) -> None:
    user, root = rootless_user, rootless_project
    name = compose_project_name(load_project(root))
    port = free_port()

    started = user.breeze(root, "start-airflow", "--detach", "--api-port", str(port))

    assert started.returncode == 0, started.stderr[-3000:]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/monitor/health", timeout=30) as answer:
        body = json.loads(answer.read())
    assert body["metadatabase"]["status"] == body["scheduler"]["status"] == "healthy", body
    written = user.breeze(root, "exec", "--", "touch", "dags/made_by_exec.py")
    assert written.returncode == 0, written.stderr[-3000:]
    assert (root / "dags" / "made_by_exec.py").stat().st_uid == user.uid

    down = user.breeze(root, "--answer", "yes", "down", "--volumes")

    assert down.returncode == 0, down.stderr[-3000:]
    names = user.podman("ps", "--all", "--format", "{{.Names}}").stdout.split()
    volumes = user.podman("volume", "ls", "--format", "{{.Name}}").stdout.split()
    assert [n for n in names + volumes if n.startswith(name)] == []


@pytest.fixture
def rootless_build_project(rootless_user: RootlessUser, podman_project: Path) -> Path:
    """Another copy of the session's project in the user's home under a name of its own (nothing of
    it in any store yet), with what a user of an offline machine has: the python stand-in in its
    own store and recorded in its own breeze config, a CA bundle it can read."""
    user = rootless_user
    root = user.home / "built" / "example"
    shutil.copytree(podman_project, root, ignore=shutil.ignore_patterns("__pycache__"))
    toml = (root / "breeze.toml").read_text()
    name = load_project(root).name
    (root / "breeze.toml").write_text(toml.replace(f'name = "{name}"', f'name = "{name}-rl"'))
    shutil.copy(podman_project.parent / "ca.pem", root.parent / "ca.pem")
    record = user.home / ".config" / "breeze" / "offline-images.json"
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"python": {"3.11": "breeze-offline/python:3.11"}}))
    for top in (root.parent, user.home / ".config"):
        subprocess.run(["chown", "-R", f"{user.uid}:{user.uid}", str(top)], check=True)
    user.load_image("breeze-offline/python:3.11")
    return root


def test_build_image_as_the_rootless_user(rootless_user: RootlessUser, rootless_build_project: Path) -> None:
    """The CI image built from scratch in the user's own store, then verified (95 s + 17 s on the
    2-core test machine, 146 s while another build ran).
    No TMPDIR is set: breeze gives a rootless build its own (podman 4.3 keeps RUN cache mounts in
    $TMPDIR/buildah-cache for every user, and root's there are unwritable: BREEZE.md, rootless)."""
    user, root = rootless_user, rootless_build_project
    ref = f"{load_project(root).image_name}-ci:1.0.0-python3.11"
    ca = str(root.parent / "ca.pem")

    built = user.breeze(root, "build-image", "--python", "3.11", "--ca-bundle", ca)

    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-3000:]
    labels = json.loads(user.podman("image", "inspect", "--format", "{{json .Labels}}", ref).stdout)
    assert labels["dev.breeze.project"] == load_project(root).name
    assert labels["dev.breeze.kind"] == "ci"
    verified = user.breeze(root, "verify-image", "--python", "3.11")
    assert verified.returncode == 0, verified.stdout[-2000:] + verified.stderr[-3000:]
