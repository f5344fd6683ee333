"""Local stacks on the real engine: start-airflow (LocalExecutor and Celery on postgres), shell,
ps, down, port handling, an interrupted start, and the errors that come before any container.

Stacks run one after another on a module-scoped copy of examples/ with its own image and project
name (so its compose project and volumes are its own); everything is removed at teardown."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from stack_http import call_json, wait_for

from breeze.cli.app import main
from breeze.config import load_project
from breeze.paths import config_dir
from breeze.stack.params import DEFAULT_API_PORT, compose_project_name
from breeze.stack.ports import free_port
from breeze.stack.secrets import load_or_create, project_key
from breeze.stack.state import stack_dir

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"
POSTGRES = ["--backend", "postgres", "--postgres-version", "15"]
RUN_TIMEOUT = 180
DAG_PARSE_TIMEOUT = 120

NEW_DAG = """\
from airflow.sdk import dag, task


@dag(dag_id="{dag_id}", schedule=None)
def new_dag():
    @task
    def hello():
        print("hello")

    hello()


new_dag()
"""


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def docker_lines(*args: str) -> list[str]:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, check=True)
    return done.stdout.split()


def project_name(root: Path) -> str:
    return compose_project_name(load_project(root))


def containers(name: str, *extra: str) -> list[str]:
    """IDs of the project's containers (any state)."""
    return docker_lines("ps", "-a", "-q", "--filter", f"label=com.docker.compose.project={name}", *extra)


def volumes(name: str) -> list[str]:
    return docker_lines("volume", "ls", "-q", "--filter", f"label=com.docker.compose.project={name}")


def anonymous_volumes(name: str) -> list[str]:
    """Volumes the project's containers got from an image's VOLUME (no compose label on them)."""
    ids = containers(name)
    if not ids:
        return []
    inspected = json.loads(subprocess.run(["docker", "inspect", *ids], capture_output=True, text=True).stdout)
    return [
        mount["Name"]
        for container in inspected
        for mount in container["Mounts"]
        if mount["Type"] == "volume" and not mount["Name"].startswith(f"{name}_")
    ]


def cleanup_stack(root: Path) -> None:
    """Whatever a test left of a project's stack: containers, volumes, networks, breeze's files."""
    name = project_name(root)
    main(["--project", str(root), "--answer", "yes", "down", "--volumes"])
    leftovers = containers(name)
    if leftovers:
        subprocess.run(["docker", "rm", "-f", "-v", *leftovers], capture_output=True)
    left_volumes = volumes(name)
    if left_volumes:
        subprocess.run(["docker", "volume", "rm", "-f", *left_volumes], capture_output=True)
    networks = docker_lines("network", "ls", "-q", "--filter", f"label=com.docker.compose.project={name}")
    if networks:
        subprocess.run(["docker", "network", "rm", *networks], capture_output=True)
    shutil.rmtree(stack_dir(name), ignore_errors=True)
    shutil.rmtree(config_dir() / "projects" / project_key(root), ignore_errors=True)


def copy_project(target: Path, source: Path = EXAMPLES) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    return target


def set_toml(root: Path, old: str, new: str) -> None:
    toml = root / "breeze.toml"
    text = toml.read_text()
    assert old in text, f"{old!r} not in {toml}"
    toml.write_text(text.replace(old, new))


def flat(text: str) -> str:
    """Rich wraps at the terminal width: compare messages with whitespace collapsed."""
    return " ".join(text.split())


class Api:
    """The stack's REST API as the admin user (JWT from /auth/token)."""

    def __init__(self, root: Path, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        password = load_or_create(root).admin_password
        _, body = self._call("POST", "/auth/token", {"username": "admin", "password": password}, token=None)
        self.token = body["access_token"]

    def _call(self, method: str, path: str, data: object, token: str | None) -> tuple[int, dict]:
        return call_json(self.base + path, method, data, f"Bearer {token}" if token else None)

    def get(self, path: str) -> tuple[int, dict]:
        return self._call("GET", path, None, self.token)

    def post(self, path: str, data: object) -> tuple[int, dict]:
        return self._call("POST", path, data, self.token)

    def run_dag(self, dag_id: str) -> tuple[str, dict]:
        """Trigger ``dag_id`` once it is parsed; return the run id and the finished run."""
        wait_for(lambda: self.get(f"/api/v2/dags/{dag_id}")[0] == 200, DAG_PARSE_TIMEOUT, f"{dag_id} parsed")
        status, body = self.post(f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None})
        assert status == 200, (status, body)
        run_id = body["dag_run_id"]

        def finished() -> dict | None:
            run = self.get(f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")[1]
            return run if run.get("state") in ("success", "failed") else None

        run = wait_for(finished, RUN_TIMEOUT, f"run {run_id} of {dag_id}")
        assert isinstance(run, dict)
        return run_id, run

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        status, body = self.get(f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances")
        assert status == 200, body
        return body["task_instances"]


def start(root: Path, *args: str) -> int:
    return main(["--project", str(root), "start-airflow", "--detach", *args])


def down(root: Path) -> int:
    return main(["--project", str(root), "down"])


def shell(root: Path, *args: str) -> int:
    return main(["--project", str(root), "shell", *args])


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of examples/ with its own image and project name; images, containers and volumes
    of every project made from it are removed at teardown."""
    root = copy_project(tmp_path_factory.mktemp("stack") / "example")
    name = f"breeze-it-stack-{uuid.uuid4().hex[:8]}"
    set_toml(root, '[project]\nname = "breeze-example"', f'[project]\nname = "{name}"')
    set_toml(root, '[image]\nname = "breeze-example"', f'[image]\nname = "{name}"')
    yield root
    cleanup_stack(root)
    refs = docker_lines(
        "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", f"reference={name}*"
    )
    if refs:
        subprocess.run(["docker", "image", "rm", "-f", *refs], capture_output=True)


@pytest.fixture
def sibling(project: Path, tmp_path: Path) -> Iterator[Callable[[], Path]]:
    """``sibling()``: another copy of the module project (same image, its own compose project),
    taken down at the end of the test."""
    made: list[Path] = []

    def make() -> Path:
        root = copy_project(tmp_path / f"copy{len(made)}" / "example", project)
        made.append(root)
        return root

    yield make
    for root in made:
        cleanup_stack(root)


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich tables and wrapped lines as wide as they need to be."""
    monkeypatch.setenv("COLUMNS", "250")


# --------------------------------------------------------------------------------------------
# 1. start-airflow on postgres: a run succeeds, a new DAG appears live, ps, down keeps the DB
# --------------------------------------------------------------------------------------------


def test_start_run_new_dag_ps_and_down_on_postgres(
    project: Path, capsys: pytest.CaptureFixture[str], wide: None
) -> None:
    name = project_name(project)
    port = free_port()
    capsys.readouterr()
    assert start(project, *POSTGRES, "--api-port", str(port)) == 0
    err = capsys.readouterr().err
    assert f"http://127.0.0.1:{port}" in err

    api = Api(project, port)
    _, run = api.run_dag("example_classic")
    assert run["state"] == "success", run

    dag_id = f"it_new_{uuid.uuid4().hex[:8]}"
    (project / "dags" / f"{dag_id}.py").write_text(NEW_DAG.format(dag_id=dag_id))

    def listed() -> bool:
        status, body = api.get(f"/api/v2/dags?dag_id_pattern={dag_id}")
        return status == 200 and dag_id in [dag["dag_id"] for dag in body.get("dags", [])]

    wait_for(listed, DAG_PARSE_TIMEOUT, f"new DAG {dag_id} in GET /api/v2/dags")

    capsys.readouterr()
    assert main(["--project", str(project), "ps"]) == 0
    out = capsys.readouterr().out
    for service in ("api-server", "scheduler", "dag-processor", "triggerer", "postgres"):
        assert service in out, out
    assert "running" in out
    assert f"127.0.0.1:{port}->8080" in out

    assert down(project) == 0
    assert containers(name) == []
    assert f"{name}_postgres-db" in docker_lines("volume", "ls", "-q")


# --------------------------------------------------------------------------------------------
# 2. CeleryExecutor: every task runs on the worker container
# --------------------------------------------------------------------------------------------


def test_celery_tasks_run_on_the_worker(project: Path) -> None:
    name = project_name(project)
    port = free_port()
    try:
        assert start(project, *POSTGRES, "--executor", "celery", "--api-port", str(port)) == 0
        workers = docker_lines(
            "ps", "-q",
            "--filter", "label=com.docker.compose.service=worker",
            "--filter", f"label=com.docker.compose.project={name}",
        )  # fmt: skip
        assert len(workers) == 1, workers
        api = Api(project, port)
        run_id, run = api.run_dag("example_report")
        assert run["state"] == "success", run
        instances = api.task_instances("example_report", run_id)
        assert instances
        for instance in instances:
            assert instance["hostname"] == workers[0], instance
    finally:
        # redis's image declares VOLUME /data: `down` (without --volumes) leaves that volume.
        anonymous = anonymous_volumes(name)
        assert down(project) == 0
        if anonymous:
            subprocess.run(["docker", "volume", "rm", "-f", *anonymous], capture_output=True)
    assert containers(name) == []


# --------------------------------------------------------------------------------------------
# 3./4. shell: exit codes, cleanup, file ownership
# --------------------------------------------------------------------------------------------


def test_shell_returns_the_command_exit_code_and_cleans_up(project: Path) -> None:
    name = project_name(project)
    assert containers(name) == []
    assert shell(project, "-c", "exit 3") == 3
    assert containers(name) == []
    assert shell(project, "-c", "airflow db check") == 0
    assert containers(name) == []
    assert shell(project, "--", "bash", "-c", "exit 5") == 5
    assert containers(name) == []


def test_shell_writes_files_as_the_project_owner(sibling: Callable[[], Path]) -> None:
    root = sibling()
    subprocess.run(["chown", "-R", "1234:1234", str(root)], check=True)
    written = root / "dags" / "written.txt"
    assert shell(root, "-c", "touch /opt/airflow/dags/written.txt") == 0
    assert written.stat().st_uid == 1234
    assert containers(project_name(root)) == []


# --------------------------------------------------------------------------------------------
# 5. Ports
# --------------------------------------------------------------------------------------------


def test_named_port_taken_fails_naming_the_holder(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = project_name(project)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        capsys.readouterr()
        assert start(project, "--api-port", str(port)) == 2
        err = flat(capsys.readouterr().err)
    assert f"Port {port} (API server) on 127.0.0.1 is taken by" in err, err
    assert "python" in err and f"pid {os.getpid()}" in err, err
    assert "--api-port" in err
    assert "Traceback" not in err
    assert containers(name) == []


def test_default_port_taken_moves_to_a_free_one(
    project: Path, capsys: pytest.CaptureFixture[str], wide: None
) -> None:
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        try:
            holder.bind(("127.0.0.1", DEFAULT_API_PORT))
            holder.listen(1)
        except OSError:
            pass  # something else holds it already: the default is busy either way
        capsys.readouterr()
        try:
            assert start(project) == 0
            err = flat(capsys.readouterr().err)
            moved = re.search(rf"Port {DEFAULT_API_PORT} \(API server\) is taken; using (\d+) instead", err)
            assert moved, err
            port = int(moved.group(1))
            assert port != DEFAULT_API_PORT
            assert re.search(rf"http://127\.0\.0\.1:{port}\b", err), err
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/api/v2/monitor/health", timeout=30
            ) as response:
                health = json.loads(response.read().decode())
            assert health["scheduler"]["status"] == "healthy", health
        finally:
            assert down(project) == 0
    finally:
        holder.close()
    assert containers(project_name(project)) == []


# --------------------------------------------------------------------------------------------
# 6. Ctrl-C during a start
# --------------------------------------------------------------------------------------------


def test_interrupted_start_leaves_no_containers(project: Path, tmp_path: Path) -> None:
    name = project_name(project)
    assert containers(name) == []
    output = tmp_path / "output.txt"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "breeze", "--project", str(project),
             "start-airflow", "--detach", "--api-port", str(free_port())],
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            wait_for(lambda: containers(name) or process.poll() is not None, 180, "a container", 0.5)
            assert process.poll() is None, output.read_text()
            os.killpg(process.pid, signal.SIGINT)
            code = process.wait(timeout=180)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    text = output.read_text()
    assert code == 130, text
    assert "Traceback" not in text, text
    assert containers(name) == [], text


def test_foreground_start_streams_logs_and_ctrl_c_stops_the_stack(project: Path, tmp_path: Path) -> None:
    name = project_name(project)
    port = free_port()
    output = tmp_path / "foreground.txt"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "breeze",
                "--project",
                str(project),
                "start-airflow",
                "--api-port",
                str(port),
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for(
                lambda: "Streaming logs" in output.read_text() or process.poll() is not None, 300, "healthy"
            )
            assert process.poll() is None, output.read_text()
            assert Api(project, port).get("/api/v2/monitor/health")[0] == 200
            wait_for(lambda: "scheduler-1" in output.read_text(), 60, "streamed component logs", 1)
            os.killpg(process.pid, signal.SIGINT)
            code = process.wait(timeout=180)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    text = output.read_text()
    assert code in (0, 130), text
    assert "Traceback" not in text, text
    assert containers(name) == [], text
    assert volumes(name), "the database volume was deleted"


# --------------------------------------------------------------------------------------------
# 7. Bad input: exit 2 with a message, before any container
# --------------------------------------------------------------------------------------------


@pytest.fixture
def bad_project(tmp_path: Path) -> Path:
    """A throwaway copy of examples/ for edits that make it invalid (never started)."""
    return copy_project(tmp_path / "bad" / "example")


def fails_with(capsys: pytest.CaptureFixture[str], args: list[str], *expected: str) -> str:
    capsys.readouterr()
    code = main(args)
    out, err = capsys.readouterr()
    text = flat(out + err)
    assert code == 2, text
    assert "Traceback" not in text and "internal error" not in text, text
    for part in expected:
        assert part in text, text
    return text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--backend", "oracle"], ["--backend 'oracle' is not a backend", "sqlite, postgres, mysql"]),
        (["--executor", "kubernetes"], ["--executor 'kubernetes' is not an executor", "CeleryExecutor"]),
        (["--backend", "postgres", "--postgres-version", "9"], ["--postgres-version '9'", "15"]),
    ],
    ids=["backend", "executor", "postgres-version"],
)
def test_unknown_option_values(
    bad_project: Path, capsys: pytest.CaptureFixture[str], args: list[str], expected: list[str]
) -> None:
    fails_with(capsys, ["--project", str(bad_project), "start-airflow", "--detach", *args], *expected)


def test_celery_with_sqlite(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Refused before any image is built or container started.
    fails_with(
        capsys,
        ["--project", str(project), "start-airflow", "--detach", "--executor", "celery"],
        "CeleryExecutor cannot use SQLite",
        "--backend postgres",
    )
    assert containers(project_name(project)) == []


def test_malformed_settings_file(bad_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (bad_project / "breeze-settings.yaml").write_text("variables:\n  a: 1\n  b: [unclosed\n")
    text = fails_with(capsys, ["--project", str(bad_project), "shell", "-c", "true"], "breeze-settings.yaml")
    assert re.search(r"line \d+", text), text


def test_settings_variable_missing(
    bad_project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    variable = f"BREEZE_IT_MISSING_{uuid.uuid4().hex[:6].upper()}"
    monkeypatch.delenv(variable, raising=False)
    (bad_project / "breeze-settings.yaml").write_text(f"variables:\n  target: ${{{variable}}}\n")
    fails_with(capsys, ["--project", str(bad_project), "shell", "-c", "true"], variable, "not set")


def test_project_without_dags(bad_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(bad_project / "dags")
    fails_with(capsys, ["--project", str(bad_project), "start-airflow", "--detach"], "no dags/ folder")


# --------------------------------------------------------------------------------------------
# 8. MySQL
# --------------------------------------------------------------------------------------------


def test_mysql_image_missing_fails_cleanly(
    sibling: Callable[[], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # A real MySQL run needs the registry's mysql image (Debian ships only MariaDB, which Airflow
    # does not support, so there is no offline stand-in). Here the pull must fail with compose's
    # reason and leave nothing behind. The CI image carries the mysql extra whatever breeze.toml
    # says (no edit needed); `--answer no` keeps the module's image.
    root = sibling()
    capsys.readouterr()
    code = main(["--project", str(root), "--answer", "no", "start-airflow", "--detach", "--backend", "mysql",
                 "--api-port", str(free_port())])  # fmt: skip
    text = flat("".join(capsys.readouterr()))
    assert code != 0, text
    assert "Traceback" not in text and "internal error" not in text, text
    assert re.search(r"cannot be pulled|could not start", text), text
    assert "mysql" in text and "pull" in text.lower(), text
    assert containers(project_name(root)) == []
