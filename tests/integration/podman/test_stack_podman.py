"""Local stacks on podman (rootful, as root here): `breeze shell -c` writes the mounted project as
its owner; start-airflow on postgres comes up healthy (compose through podman's API socket, the
containers' healthchecks run by breeze) and stopping leaves nothing; `breeze tests` passes."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path

import pytest

from breeze.cli.app import main
from breeze.config import load_project
from breeze.stack.params import compose_project_name
from breeze.stack.ports import free_port
from tests.integration.podman.podman_helpers import podman_lines, podman_remains

pytestmark = pytest.mark.integration

POSTGRES = ["--backend", "postgres", "--postgres-version", "15"]
SCRIPT = "touch dags/made_on_podman.py && mkdir include/made_on_podman && id -u"


@pytest.mark.skipif(os.getuid() != 0, reason="chowning a checkout to another user needs root")
@pytest.mark.usefixtures("on_podman", "podman_ci_image")
def test_the_shell_writes_the_project_as_its_owner(
    podman_sibling: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    root = podman_sibling
    for path in [root, *root.rglob("*")]:
        os.lchown(path, 1234, 1234)

    code = main(["--project", str(root), "shell", "--command", SCRIPT])
    out, err = capfd.readouterr()

    assert code == 0, out + err[-3000:]
    assert (root / "dags" / "made_on_podman.py").stat().st_uid == 1234
    assert (root / "include" / "made_on_podman").stat().st_uid == 1234
    assert "1234" in out.split()


def api_health(port: int) -> dict[str, dict[str, str]]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/monitor/health", timeout=30) as answer:
        result: dict[str, dict[str, str]] = json.loads(answer.read())
    return result


@pytest.mark.usefixtures("on_podman", "podman_ci_image")
def test_start_airflow_on_postgres_is_healthy_and_down_leaves_nothing(
    podman_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = compose_project_name(load_project(podman_project))
    port = free_port()

    code = main(
        ["--project", str(podman_project), "start-airflow", "--detach", *POSTGRES, "--api-port", str(port)]
    )
    err = capsys.readouterr().err

    assert code == 0, err[-3000:]
    assert f"http://127.0.0.1:{port}" in err
    body = api_health(port)
    assert body["metadatabase"]["status"] == body["scheduler"]["status"] == "healthy", body
    # postgres became healthy only because breeze ran its healthcheck (podman here has no systemd),
    # and airflow-init, which waits on it, ran.
    assert podman_lines("inspect", f"{name}-postgres-1", "--format", "{{.State.Health.Status}}") == [
        "healthy"
    ]
    assert main(["--project", str(podman_project), "ps"]) == 0
    assert "healthy" in capsys.readouterr().out

    assert main(["--project", str(podman_project), "--answer", "yes", "down", "--volumes"]) == 0
    assert podman_remains(name) == []


@pytest.mark.usefixtures("on_podman", "podman_ci_image")
def test_breeze_tests_pass_on_podman(podman_project: Path, capfd: pytest.CaptureFixture[str]) -> None:
    name = compose_project_name(load_project(podman_project))

    code = main(["--project", str(podman_project), "tests", "--type", "all", "--dag-run", "example_report"])
    err = capfd.readouterr().err

    assert code == 0, err[-3000:]
    assert "breeze tests passed" in " ".join(err.split())
    assert podman_remains(f"{name}-test-") == []


@pytest.mark.usefixtures("on_podman", "podman_ci_image")
def test_breeze_tests_on_postgres_wait_for_its_healthcheck(
    podman_project: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    name = compose_project_name(load_project(podman_project))

    code = main([
        "--project", str(podman_project), "tests", *POSTGRES, "--type", "unit", "--", "-k", "config_loader",
    ])  # fmt: skip
    err = capfd.readouterr().err

    assert code == 0, err[-3000:]
    assert podman_remains(f"{name}-test-") == []


@pytest.mark.usefixtures("on_podman", "podman_ci_image")
def test_celery_on_postgres_waits_on_redis_and_postgres_and_down_leaves_nothing(
    podman_sibling: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = compose_project_name(load_project(podman_sibling))
    port = free_port()
    args = ["start-airflow", "--detach", *POSTGRES, "--executor", "celery", "--api-port", str(port)]

    code = main(["--project", str(podman_sibling), *args])
    err = capsys.readouterr().err

    assert code == 0, err[-3000:]
    assert api_health(port)["scheduler"]["status"] == "healthy"
    for service in ("postgres", "redis"):
        assert podman_lines("inspect", f"{name}-{service}-1", "--format", "{{.State.Health.Status}}") == [
            "healthy"
        ]
    assert f"{name}-worker-1" in podman_lines("ps", "--format", "{{.Names}}")

    assert main(["--project", str(podman_sibling), "--answer", "yes", "down", "--volumes"]) == 0
    assert podman_remains(name) == []
