"""`breeze init` adopts the three fixture repositories (tests/fixtures/adopt/), and every later
command then works on them with no edit: both images build and verify, `breeze tests` passes, and
a DAG runs on postgres with a carried-over variable reaching its task.

One module-scoped project per fixture (a git-initialised temp copy with its own project name);
its tests run cheapest first and share its images; everything is removed at teardown."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import copy_adopt_fixture

from breeze.cli.app import main
from breeze.config import load_project
from breeze.paths import config_dir
from breeze.stack.params import compose_project_name
from breeze.stack.ports import free_port
from breeze.stack.secrets import load_or_create, project_key
from breeze.stack.state import stack_dir

pytestmark = pytest.mark.integration

BREEZE_OWN = {"breeze.toml", "breeze-settings.yaml", ".dockerignore", ".github/workflows/breeze.yml"}
# kind -> (config files breeze adds, DAG, task, what its return value must hold)
EXPECTED = {
    "handmade": ({"ruff.toml"}, "ledger_totals", "report", "total 1500 EUR"),
    "quickstart": ({"ruff.toml", "pytest.ini"}, "weekly_report", "render", "Weekly report"),
    "astro": ({"ruff.toml", "pytest.ini"}, "greet", "say", "HELLO FROM ASTRO! via api.example.com"),
}
# The secrets `breeze init` listed, set where it said: in the git-ignored .env.
DOTENV = {"astro": "AIRFLOW_CONN_GREETINGS_API_PASSWORD=from-dotenv\n"}
RUN_TIMEOUT = 300


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True)
    return done.stdout


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def adopted(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    kind = str(request.param)
    root = copy_adopt_fixture(kind, tmp_path_factory.mktemp("adopt") / kind)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(
        root,
        "-c",
        "user.name=team",
        "-c",
        "user.email=team@example.com",
        "commit",
        "-qm",
        "as the team had it",
    )
    name = f"breeze-it-adopt-{kind}-{uuid.uuid4().hex[:6]}"
    assert main(["init", str(root), "--name", name]) == 0
    if kind in DOTENV:
        with (root / ".env").open("a") as handle:
            handle.write(DOTENV[kind])
    yield kind, root
    _remove(root, name)


def _remove(root: Path, name: str) -> None:
    main(["--project", str(root), "--answer", "yes", "down", "--volumes"])
    config = load_project(root)
    refs = subprocess.run(
        ["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", f"reference={name}*"],
        capture_output=True,
        text=True,
    ).stdout.split()
    if refs:
        subprocess.run(["docker", "image", "rm", "-f", *refs], capture_output=True)
    shutil.rmtree(stack_dir(compose_project_name(config)), ignore_errors=True)
    shutil.rmtree(config_dir() / "projects" / project_key(root), ignore_errors=True)


def breeze(root: Path, *args: str) -> int:
    return main(["--project", str(root), *args])


def test_git_status_shows_only_breezes_own_files(adopted: tuple[str, Path]) -> None:
    kind, root = adopted
    changed = {line[3:] for line in git(root, "status", "--porcelain", "--untracked-files=all").splitlines()}

    assert changed == BREEZE_OWN | EXPECTED[kind][0]


def test_both_images_build_and_every_dag_imports_in_production(
    adopted: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, root = adopted
    assert breeze(root, "build-image") == 0
    capsys.readouterr()
    assert breeze(root, "build-image", "--production") == 0
    err = " ".join(capsys.readouterr().err.split())
    if (root / "Dockerfile").is_file():  # the team's old Dockerfile is not an extension
        assert "Dockerfile does not build FROM ${BREEZE_IMAGE}, so it is not used as an extension" in err
    assert breeze(root, "verify-image", "--production") == 0


def test_breeze_tests_pass(adopted: tuple[str, Path]) -> None:
    _, root = adopted
    assert breeze(root, "tests", "--type", "dag-integrity,unit") == 0


def test_a_dag_runs_on_postgres_and_a_carried_over_setting_reaches_its_task(
    adopted: tuple[str, Path],
) -> None:
    kind, root = adopted
    _, dag_id, task_id, expected = EXPECTED[kind]
    port = free_port()
    try:
        assert breeze(root, "start-airflow", "--backend", "postgres", "--postgres-version", "15",
                      "--detach", "--api-port", str(port)) == 0  # fmt: skip
        api = Api(root, port)
        run_id = api.run(dag_id)
        value = api.xcom(dag_id, run_id, task_id)
        assert expected in value, value
    finally:
        breeze(root, "--answer", "yes", "down", "--volumes")


class Api:
    """The stack's REST API as its admin (JWT from /auth/token)."""

    def __init__(self, root: Path, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        password = load_or_create(root).admin_password
        status, body = self.call("POST", "/auth/token", {"username": "admin", "password": password})
        assert status in (200, 201), body
        self.token = str(body["access_token"])

    def call(self, method: str, path: str, data: object = None) -> tuple[int, dict[str, object]]:
        headers = {"Content-Type": "application/json"}
        if getattr(self, "token", None):
            headers["Authorization"] = f"Bearer {self.token}"
        payload = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=payload, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read().decode() or "{}")
        except urllib.error.HTTPError as exc:
            return exc.code, {"detail": exc.read().decode(errors="replace")}

    def poll(self, path: str, done: object, what: str) -> dict[str, object]:
        """GET ``path`` until ``done(body)`` (bounded polling: a run has no event to wait on)."""
        deadline = time.monotonic() + RUN_TIMEOUT
        while True:
            status, body = self.call("GET", path)
            if status == 200 and done(body):  # type: ignore[operator]
                return body
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}: {status} {body}")
            time.sleep(2)

    def run(self, dag_id: str) -> str:
        self.poll(f"/api/v2/dags/{dag_id}", lambda body: True, f"{dag_id} parsed")
        status, body = self.call("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None})
        assert status == 200, body
        run_id = str(body["dag_run_id"])
        run = self.poll(
            f"/api/v2/dags/{dag_id}/dagRuns/{run_id}",
            lambda body: body.get("state") in ("success", "failed"),
            f"run {run_id} of {dag_id}",
        )
        assert run["state"] == "success", run
        return run_id

    def xcom(self, dag_id: str, run_id: str, task_id: str) -> str:
        path = f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/xcomEntries/return_value"
        status, body = self.call("GET", path)
        assert status == 200, body
        return str(body.get("value"))
