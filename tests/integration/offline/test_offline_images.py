"""breeze setup offline-images against a real engine: the images work as stand-ins.

Needs root (or mmdebstrap), debootstrap and a reachable Debian mirror when the Debian bases do not
exist yet; with them in place each test takes seconds (the builds hit the layer cache).
"""

from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path

import pytest

from breeze.cli.app import main
from breeze.offline import registry

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def docker():  # type: ignore[no-untyped-def]
    from python_on_whales import DockerClient
    from python_on_whales.exceptions import DockerException

    client = DockerClient()
    try:
        client.version()
    except DockerException as exc:
        pytest.skip(f"no container engine: {exc}")
    return client


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The registry file of the test run, not the user's.
    monkeypatch.setenv("BREEZE_CONFIG_DIR", str(tmp_path))
    return tmp_path


def test_python_image_has_a_working_venv(docker) -> None:  # type: ignore[no-untyped-def]
    assert main(["setup", "offline-images", "--python", "3.11", "--skip-services"]) == 0

    image = registry.python_base("3.11")
    assert image == "breeze-offline/python:3.11"
    assert registry.service_image("postgres", "15") is None
    labels = docker.image.inspect(image).config.labels
    assert labels["dev.breeze.managed"] == "true" and labels["dev.breeze.offline"] == "true"
    assert (
        docker.image.inspect("breeze-offline/debian:bookworm").config.labels["dev.breeze.offline"] == "true"
    )

    out = docker.run(
        image,
        [
            "bash",
            "-c",
            "python3 -m venv /tmp/venv && /tmp/venv/bin/python -c "
            "'import sys; print(\"%d.%d\" % sys.version_info[:2], sys.prefix)' && command -v python python3",
        ],
        remove=True,
    )
    lines = str(out).splitlines()
    assert lines[0] == "3.11 /tmp/venv"
    # python and python3 resolve where python:*-slim has them.
    assert lines[1:] == ["/usr/local/bin/python", "/usr/local/bin/python3"]


def test_postgres_and_redis_answer(docker) -> None:  # type: ignore[no-untyped-def]
    assert main(["setup", "offline-images", "--python", "3.11"]) == 0

    postgres = registry.service_image("postgres", "15")
    redis = registry.service_image("redis", "7")
    assert (postgres, redis) == ("breeze-offline/postgres:15", "breeze-offline/redis:7")

    suffix = uuid.uuid4().hex[:8]
    containers = []
    try:
        pg = docker.run(
            postgres,
            detach=True,
            name=f"breeze-test-postgres-{suffix}",
            envs={"POSTGRES_USER": "airflow", "POSTGRES_PASSWORD": "airflow", "POSTGRES_DB": "airflow"},
        )
        containers.append(pg)
        rd = docker.run(redis, detach=True, name=f"breeze-test-redis-{suffix}")
        containers.append(rd)

        # Wait on what is used next: a query in the database POSTGRES_DB names.
        _wait_for(
            docker, pg, ["psql", "-U", "airflow", "-d", "airflow", "-tAc", "SELECT current_user"], "airflow"
        )
        # The server does not run as root.
        assert docker.execute(pg, ["id", "-un"]).strip() == "postgres"

        _wait_for(docker, rd, ["redis-cli", "ping"], "PONG")
        assert docker.execute(rd, ["id", "-un"]).strip() == "redis"
    finally:
        for container in containers:
            container.remove(force=True, volumes=True)


def _wait_for(docker, container, command: list[str], expected: str, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    from python_on_whales.exceptions import DockerException

    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            last = str(docker.execute(container, command))
            if expected in last:
                return
        except DockerException as exc:
            last = str(exc)
        time.sleep(1)
    logs = docker.logs(container)
    pytest.fail(f"{' '.join(command)} did not answer {expected!r} in {timeout} s: {last}\n{logs}")


def test_postgres_is_not_ready_before_its_database_exists(docker, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The stacks' healthcheck (pg_isready on the usual socket) must not pass while first-start
    initialisation still runs: an initdb.d script holds the set-up open until the test lets it go."""
    assert main(["setup", "offline-images", "--python", "3.11"]) == 0
    postgres = registry.service_image("postgres", "15")
    assert postgres is not None
    hold = tmp_path / "hold.sh"
    hold.write_text(
        "touch /tmp/init-running\n"
        "while [ ! -e /tmp/init-may-finish ]; do sleep 0.1; done\n"
        'psql -v ON_ERROR_STOP=1 -U airflow -d airflow -c "CREATE TABLE made_in_init (id int)"\n'
    )
    hold.chmod(0o755)
    pg = docker.run(
        postgres,
        detach=True,
        name=f"breeze-test-postgres-init-{uuid.uuid4().hex[:8]}",
        envs={"POSTGRES_USER": "airflow", "POSTGRES_PASSWORD": "airflow", "POSTGRES_DB": "airflow"},
        volumes=[(hold, "/docker-entrypoint-initdb.d/hold.sh", "ro")],
    )
    try:
        _wait_for(docker, pg, ["ls", "/tmp/init-running"], "/tmp/init-running")
        # Initialisation is running (its set-up server is up, the database exists): the probe of the
        # compose healthcheck still says "no response" (exit 2), as would any client of the socket.
        probe = subprocess.run(
            ["docker", "exec", pg.id, "pg_isready", "-U", "airflow", "-d", "airflow"],
            capture_output=True,
            text=True,
        )
        assert probe.returncode == 2, probe.stdout + probe.stderr
        docker.execute(pg, ["touch", "/tmp/init-may-finish"])
        _wait_for(docker, pg, ["pg_isready", "-U", "airflow", "-d", "airflow"], "accepting connections")
        # Ready means set up: what the init script made is there.
        assert (
            docker.execute(
                pg, ["psql", "-U", "airflow", "-d", "airflow", "-tAc", "SELECT count(*) FROM made_in_init"]
            ).strip()
            == "0"
        )
    finally:
        pg.remove(force=True, volumes=True)
