"""The CLI's promises on the real engine, on one copy of examples/ with its image built once.

Signals: SIGTERM and SIGHUP end breeze like Ctrl-C: each is sent to a foreground
`breeze start-airflow` and to `breeze tests` at each phase (building, starting, running), and
nothing of the run may remain (containers, networks, volumes, by label); the exit code is the
signal's (143, 129). The signal goes to breeze's process alone (`kill -TERM PID`, a cancelled CI
job), not to its process group as Ctrl-C would. Each phase is reached by polling the engine's real
state. Also, while a stack runs: `breeze ps` (and `--json`) shows the URL and login, and piped
`breeze logs` carry no terminal escapes; `build-image --json` names the image IDs; and last (it
removes the project's images), `breeze cleanup --only-project` finds what a killed test run left."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from breeze.cli.app import main
from breeze.config import load_project
from breeze.stack.params import compose_project_name
from breeze.stack.ports import free_port
from breeze.stack.secrets import load_or_create
from tests.integration import signal_runs

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
SIGNALS = [pytest.param(signal.SIGTERM, id="SIGTERM"), pytest.param(signal.SIGHUP, id="SIGHUP")]


def docker_lines(*args: str) -> list[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=True).stdout.split()


def compose_prefix(root: Path) -> str:
    return compose_project_name(load_project(root))


def remains(root: Path, what: str = "all") -> list[str]:
    """Containers, networks and volumes of the project: of its stack and test runs ("all"), of its
    test runs only ("test-runs"), or containers and networks of either ("stack": a stack keeps its
    data volumes when it stops, as on Ctrl-C and `breeze down`, so the database outlives a start)."""
    prefix, name = compose_prefix(root), load_project(root).name
    if what == "test-runs":
        prefix += "-test-"
    kinds = [["ps", "-a"], ["network", "ls"]] + ([] if what == "stack" else [["volume", "ls"]])
    found = []
    for kind in kinds:
        labels = docker_lines(*kind, "--format", '{{.Label "com.docker.compose.project"}}')
        found += [f"{kind[0]}:{label}" for label in labels if label.startswith(prefix)]
    found += [
        f"labelled:{c}" for c in docker_lines("ps", "-aq", "--filter", f"label=dev.breeze.project={name}")
    ]
    return found


def copy_examples(target: Path, name: str) -> Path:
    shutil.copytree(
        EXAMPLES, target, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "test-results")
    )
    toml = target / "breeze.toml"
    text = toml.read_text()
    text = text.replace('[project]\nname = "breeze-example"', f'[project]\nname = "{name}"')
    toml.write_text(text.replace('[image]\nname = "breeze-example"', f'[image]\nname = "{name}"'))
    return target


def remove_images(name: str) -> None:
    refs = docker_lines(
        "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", f"reference={name}*"
    )
    if refs:
        subprocess.run(["docker", "image", "rm", "-f", *refs], capture_output=True)


def force_remove(root: Path) -> None:
    prefix = compose_prefix(root)
    for listing, remove in (
        ("ps", ["rm", "-f", "-v"]),
        ("network", ["network", "rm"]),
        ("volume", ["volume", "rm"]),
    ):
        argv = ["ps", "-a"] if listing == "ps" else [listing, "ls"]
        column = "{{.Name}}" if listing == "volume" else "{{.ID}}"  # `volume ls` has no ID column
        rows = docker_lines(*argv, "--format", column + '|{{.Label "com.docker.compose.project"}}')
        ids = [row.split("|")[0] for row in rows if row.split("|")[1].startswith(prefix)]
        if ids:
            subprocess.run(["docker", *remove, *ids], capture_output=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of examples/ with its own names and its CI image built once."""
    name = f"breeze-it-signals-{uuid.uuid4().hex[:8]}"
    root = copy_examples(tmp_path_factory.mktemp("signals") / "example", name)
    assert main(["--project", str(root), "build-image"]) == 0
    yield root
    force_remove(root)
    remove_images(name)


class Breeze(signal_runs.Breeze):
    ENV = (("BREEZE_ANSWER", "yes"),)


def stack_containers(root: Path) -> list[str]:
    prefix = compose_prefix(root)
    labels = docker_lines("ps", "-a", "--format", '{{.Label "com.docker.compose.project"}}')
    return [label for label in labels if label == prefix]


def run_containers(root: Path, *, oneoff: bool = False) -> list[str]:
    prefix = compose_prefix(root) + "-test-"
    extra = (
        ["--filter", "label=com.docker.compose.oneoff=True", "--filter", "status=running"]
        if oneoff
        else ["-a"]
    )
    labels = docker_lines("ps", *extra, "--format", '{{.Label "com.docker.compose.project"}}')
    return [label for label in labels if label.startswith(prefix)]


def assert_ended_by(signum: int, code: int, output: str, root: Path, what: str) -> None:
    """Ended with the signal's code, as Ctrl-C would have, and left nothing (see ``remains``)."""
    assert code == 128 + signum, output
    assert f"Interrupted by {signal.Signals(signum).name}" in output, output
    assert "Traceback" not in output, output
    assert remains(root, what) == [], output


# --------------------------------------------------------------------------------------------
# breeze start-airflow (foreground)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("signum", SIGNALS)
def test_start_airflow_while_starting(project: Path, tmp_path: Path, signum: int) -> None:
    run = Breeze(project, tmp_path / "out.txt", "start-airflow", "--api-port", str(free_port()))
    run.wait_until(lambda: bool(stack_containers(project)), "container of the stack")

    assert_ended_by(signum, *run.signal(signum), project, "stack")


@pytest.mark.parametrize("signum", SIGNALS)
def test_start_airflow_while_running(project: Path, tmp_path: Path, signum: int) -> None:
    run = Breeze(project, tmp_path / "out.txt", "start-airflow", "--api-port", str(free_port()))
    run.wait_until(lambda: "Streaming logs" in run.text(), "healthy stack")

    code, output = run.signal(signum)

    assert "Stopping the stack" in output
    assert_ended_by(signum, code, output, project, "stack")


# --------------------------------------------------------------------------------------------
# breeze tests
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("signum", SIGNALS)
def test_tests_while_starting(project: Path, tmp_path: Path, signum: int) -> None:
    run = Breeze(project, tmp_path / "out.txt", "tests", "--dag-run", "example_report")
    run.wait_until(lambda: bool(run_containers(project)), "container of the test run")

    assert_ended_by(signum, *run.signal(signum), project, "test-runs")


@pytest.mark.parametrize("signum", SIGNALS)
def test_tests_while_running(project: Path, tmp_path: Path, signum: int) -> None:
    run = Breeze(project, tmp_path / "out.txt", "tests", "--dag-run", "example_report")
    run.wait_until(lambda: bool(run_containers(project, oneoff=True)), "running test container")

    assert_ended_by(signum, *run.signal(signum), project, "test-runs")


@pytest.mark.parametrize("command", ["tests", "start-airflow"])
def test_while_building(project: Path, tmp_path: Path, command: str) -> None:
    """A small change to the project (one more apt package) makes the command rebuild the image
    (BREEZE_ANSWER=yes); the build is cancelled, not left running."""
    packages = project / "packages.txt"
    original = packages.read_text()
    packages.write_text(f"{original}\n# {uuid.uuid4().hex}\nfile\n")
    port = ["--api-port", str(free_port())] if command == "start-airflow" else []
    try:
        run = Breeze(project, tmp_path / "out.txt", command, *port)
        run.wait_until(lambda: any("buildx" in args for _, args in run.children()), "image build")
        builds = [pid for pid, args in run.children() if "buildx" in args]
        code, output = run.signal(signal.SIGTERM)
    finally:
        packages.write_text(original)

    assert_ended_by(signal.SIGTERM, code, output, project, "test-runs" if command == "tests" else "stack")
    deadline = time.monotonic() + 60
    while any(alive(pid) for pid in builds):
        assert time.monotonic() < deadline, "the build went on after breeze ended"
        time.sleep(0.2)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_build_image_json_names_the_images(project: Path) -> None:
    """`build-image --json` (all layers cached here): the references built, with their image IDs."""
    done = breeze_output(project, "build-image", "--json")

    assert done.returncode == 0, done.stderr.decode()[-3000:]
    (built,) = json.loads(done.stdout)
    inspected = docker_lines("image", "inspect", "--format", "{{.Id}}", built["ref"])
    assert (built["kind"], built["python"], built["id"]) == ("ci", "3.11", inspected[0])
    assert built["ref"] in built["tags"] and built["size"] > 0


# --------------------------------------------------------------------------------------------
# What a killed run leaves, `cleanup --only-project` finds (last: it removes the project's images)
# --------------------------------------------------------------------------------------------


def test_cleanup_only_project_finds_a_killed_test_run(project: Path, tmp_path: Path) -> None:
    run = Breeze(project, tmp_path / "out.txt", "tests", "--dag-run", "example_report")
    run.wait_until(lambda: bool(run_containers(project, oneoff=True)), "running test container")
    os.killpg(run.process.pid, signal.SIGKILL)
    run.process.wait()
    assert remains(project) != []

    code = main(
        [
            "--project",
            str(project),
            "--answer",
            "yes",
            "cleanup",
            "--only-project",
            load_project(project).name,
        ]
    )

    assert code == 0
    assert remains(project) == []


# --------------------------------------------------------------------------------------------
# While a foreground stack runs: `breeze ps` finds the login again, `breeze logs` reads plainly
# --------------------------------------------------------------------------------------------


def breeze_output(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "breeze", "--project", str(root), *args], capture_output=True, timeout=120
    )


def test_ps_shows_the_login_and_piped_logs_are_plain(project: Path, tmp_path: Path) -> None:
    port = free_port()
    run = Breeze(project, tmp_path / "out.txt", "start-airflow", "--api-port", str(port))
    try:
        run.wait_until(lambda: "Streaming logs" in run.text(), "healthy stack")
        as_json = breeze_output(project, "ps", "--json")
        table = breeze_output(project, "ps")
        logs = breeze_output(project, "logs", "scheduler")
    finally:
        code, output = run.signal(signal.SIGTERM)

    password = load_or_create(project).admin_password
    data = json.loads(as_json.stdout)
    assert (data["running"], data["url"]) == (True, f"http://127.0.0.1:{port}"), as_json
    assert data["login"] == {"username": "admin", "password": password}
    assert {"api-server", "scheduler"} <= {s["service"] for s in data["services"]}
    assert f"Airflow: http://127.0.0.1:{port}  login: admin / {password}" in table.stderr.decode()
    assert logs.returncode == 0 and logs.stdout.strip(), logs
    assert b"\x1b" not in logs.stdout + logs.stderr
    assert code == 143, output
