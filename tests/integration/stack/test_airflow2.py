"""Airflow 2 projects on the real engine: compose accepts every Airflow 2/3 stack, and
start-airflow runs the webserver (health, basic-auth REST API, a DAG run) and `down` cleans up.

The project is a tmp project with its own image and project name; everything it made is removed
at teardown."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from stack_http import call_json, wait_for

from breeze.cli.app import main
from breeze.config import load_project
from breeze.paths import config_dir
from breeze.stack.params import StackParams, compose_project_name
from breeze.stack.ports import free_port
from breeze.stack.secrets import load_or_create, project_key
from breeze.stack.state import env_text as _env_text
from breeze.stack.state import stack_dir

pytestmark = pytest.mark.integration

AIRFLOW2 = "2.11.0"
DAG_ID = "airflow2_hello"
DAG = f"""\
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG(dag_id="{DAG_ID}", schedule=None, start_date=datetime(2024, 1, 1), catchup=False):
    BashOperator(task_id="hello", bash_command="echo hi")
"""
TIMEOUT = 180


def docker_lines(*args: str) -> list[str]:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, check=True)
    return done.stdout.split()


def containers(name: str) -> list[str]:
    return docker_lines("ps", "-a", "-q", "--filter", f"label=com.docker.compose.project={name}")


def make_project(root: Path, name: str, version: str) -> Path:
    (root / "dags").mkdir(parents=True)
    (root / "breeze.toml").write_text(
        f'[project]\nname = "{name}"\nversion = "1.0.0"\n\n[airflow]\nversion = "{version}"\n\n'
        f'[python]\ndefault = "3.11"\n\n[image]\nname = "{name}"\n'
    )
    return root


def cleanup(root: Path, image: str) -> None:
    name = compose_project_name(load_project(root))
    main(["--project", str(root), "--answer", "yes", "down", "--volumes"])
    leftovers = containers(name)
    if leftovers:
        subprocess.run(["docker", "rm", "-f", "-v", *leftovers], capture_output=True)
    left_volumes = docker_lines("volume", "ls", "-q", "--filter", f"label=com.docker.compose.project={name}")
    if left_volumes:
        subprocess.run(["docker", "volume", "rm", "-f", *left_volumes], capture_output=True)
    shutil.rmtree(stack_dir(name), ignore_errors=True)
    shutil.rmtree(config_dir() / "projects" / project_key(root), ignore_errors=True)
    refs = docker_lines(
        "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", f"reference={image}*"
    )
    if refs:
        subprocess.run(["docker", "image", "rm", "-f", *refs], capture_output=True)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    name = f"breeze-it-af2-{uuid.uuid4().hex[:8]}"
    root = make_project(tmp_path / "af2", name, AIRFLOW2)
    (root / "dags" / "hello.py").write_text(DAG)
    yield root
    cleanup(root, name)


# --------------------------------------------------------------------------------------------
# docker compose accepts the files of every stack, for Airflow 2 and 3
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [AIRFLOW2, "3.3.2"])
@pytest.mark.parametrize(
    ("backend", "executor"),
    [("sqlite", "LocalExecutor"), ("postgres", "LocalExecutor"), ("mysql", "CeleryExecutor")],
)
def test_compose_config_accepts_every_stack(
    tmp_path: Path, version: str, backend: str, executor: str
) -> None:
    root = make_project(tmp_path / "cfg", "cfg", version)
    params = StackParams(
        config=load_project(root, env={}),
        ci_image="cfg-ci:1",
        backend=backend,  # type: ignore[arg-type]
        executor=executor,  # type: ignore[arg-type]
        flower=executor == "CeleryExecutor",
        stack_dir=tmp_path / "stack",
        secrets_dir=tmp_path / "secrets",
    )
    params.stack_dir.mkdir()
    (params.stack_dir / "mounts.yaml").write_text(params.mounts_yaml())
    (params.stack_dir / "compose.env").write_text(_env_text(params.compose_env()))
    (params.stack_dir / "airflow.env").write_text(_env_text(params.airflow_env()))
    command = ["docker", "compose", "--env-file", str(params.stack_dir / "compose.env"), "-p", "cfg"]
    for file in params.compose_files():
        command += ["-f", str(file)]
    for profile in params.profiles(components=True):
        command += ["--profile", profile]
    done = subprocess.run([*command, "config", "--format", "json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    services = set(json.loads(done.stdout)["services"])
    assert set(params.components()) <= services
    assert ("webserver" in services) == version.startswith("2.")
    assert ("api-server" in services) == version.startswith("3.")


# --------------------------------------------------------------------------------------------
# start-airflow on Airflow 2: the webserver, its health, a DAG run over the basic-auth REST API
# --------------------------------------------------------------------------------------------


class Api:
    """The webserver's REST API (v1) as the admin user, with basic auth."""

    def __init__(self, root: Path, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        password = load_or_create(root).admin_password
        self.auth = "Basic " + base64.b64encode(f"admin:{password}".encode()).decode()

    def call(self, method: str, path: str, data: object = None) -> tuple[int, dict]:
        return call_json(self.base + path, method, data, self.auth)


def poll(check, what: str, timeout: float = TIMEOUT) -> object:  # type: ignore[no-untyped-def]
    return wait_for(check, timeout, what)


def test_airflow2_webserver_runs_a_dag_and_down_cleans_up(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = compose_project_name(load_project(project))
    port = free_port()
    code = main(
        ["--project", str(project), "--answer", "yes", "start-airflow", "--detach", "--api-port", str(port)]
    )
    err = capsys.readouterr().err
    assert code == 0, err[-3000:]
    assert f"http://127.0.0.1:{port}" in err
    assert "webserver" in err

    api = Api(project, port)
    status, health = api.call("GET", "/health")
    assert status == 200, health
    assert health["metadatabase"]["status"] == "healthy", health
    assert health["scheduler"]["status"] == "healthy", health

    status, body = api.call("GET", "/api/v1/dags?limit=1")
    assert status == 200, body  # basic auth as admin works
    poll(lambda: api.call("GET", f"/api/v1/dags/{DAG_ID}")[0] == 200, f"{DAG_ID} parsed")
    status, dag = api.call("PATCH", f"/api/v1/dags/{DAG_ID}", {"is_paused": False})
    assert status == 200 and dag["is_paused"] is False, dag
    status, run = api.call("POST", f"/api/v1/dags/{DAG_ID}/dagRuns", {})
    assert status == 200, run
    run_id = run["dag_run_id"]

    def finished() -> dict | None:
        body = api.call("GET", f"/api/v1/dags/{DAG_ID}/dagRuns/{run_id}")[1]
        return body if body.get("state") in ("success", "failed") else None

    done = poll(finished, f"run {run_id}")
    assert isinstance(done, dict) and done["state"] == "success", done

    capsys.readouterr()
    assert main(["--project", str(project), "--answer", "yes", "down", "--volumes"]) == 0
    assert containers(name) == []


# --------------------------------------------------------------------------------------------
# breeze tests on Airflow 2: its DagBag, its dag.test(), its task states
# --------------------------------------------------------------------------------------------


def test_breeze_tests_on_airflow2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "tests").mkdir()
    (project / "tests" / "test_hello.py").write_text(
        "from airflow.models.dagbag import DagBag\n\n\n"
        "def test_hello_dag_loads():\n"
        "    assert DagBag(dag_folder='dags', include_examples=False).dags\n"
    )
    code = main(["--project", str(project), "tests", "--type", "unit,dag-integrity", "--dag-run", DAG_ID])
    err = capsys.readouterr().err

    assert code == 0, err[-3000:]
    run_dir = (project / "test-results" / "latest").resolve()
    summary = {entry["type"]: entry for entry in json.loads((run_dir / "summary.json").read_text())}
    assert [summary[kind]["exit_code"] for kind in ("dag-integrity", "unit", "dag-run")] == [0, 0, 0]
    assert (summary["unit"]["tests"], summary["dag-integrity"]["tests"]) == (1, 1)
    assert summary["dag-run"]["dag_run"]["tasks"] == [
        {"task": "hello", "state": "success", "expected": "success", "ok": True, "error": None}
    ]
