"""`breeze tests --type e2e` on the real engine: the e2e suite through the REST API of a running
Airflow, against a stack of its own (SQLite + LocalExecutor; postgres + CeleryExecutor), against a
broken project (import errors and an unexpected task failure, with its log), and against the
production image run the way the Helm chart runs it (`--production`), where a DAG reads a data
file that only the image carries.

Projects are copies of tests/fixtures/e2e-project; its images (breeze-e2e-fixture, CI and PROD)
are built once and kept for the next run. Every stack is removed at the end of its test."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from breeze.cli.app import main
from breeze.config import load_project
from breeze.paths import config_dir
from breeze.stack.params import ADMIN_USER, compose_project_name
from breeze.stack.secrets import load_or_create, project_key
from breeze.stack.state import stack_dir
from breeze.testing.e2e.client import AirflowClient

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]
FIXTURE = REPO / "tests" / "fixtures" / "e2e-project"
POSTGRES = ["--backend", "postgres", "--postgres-version", "15"]

UNEXPECTED_FAILURE = """\
from airflow.sdk import dag, task


@dag(dag_id="breaks_for_real", schedule=None)
def breaks_for_real():
    @task
    def transform():
        raise RuntimeError("cannot transform 3 rows: the schema changed")

    transform()


breaks_for_real()
"""
# Mentions airflow and dag: Airflow's safe mode skips files that do not.
DOES_NOT_IMPORT = (
    "from airflow.sdk import dag  # noqa: F401\n\n"
    'raise ValueError("partners.csv is missing: cannot build the partner DAGs")\n'
)


def docker_lines(*args: str) -> list[str]:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, check=True)
    return done.stdout.split()


def project_containers(root: Path) -> list[str]:
    """Containers of the project's own stack and of its test stacks (any state)."""
    base = compose_project_name(load_project(root))
    names = docker_lines("ps", "-a", "--format", '{{.Label "com.docker.compose.project"}}')
    return [name for name in names if name.startswith(base)]


def cleanup(root: Path) -> None:
    name = compose_project_name(load_project(root))
    main(["--project", str(root), "--answer", "yes", "down", "--volumes"])
    for label in {*project_containers(root)}:
        ids = docker_lines("ps", "-a", "-q", "--filter", f"label=com.docker.compose.project={label}")
        if ids:
            subprocess.run(["docker", "rm", "-f", "-v", *ids], capture_output=True)
    shutil.rmtree(stack_dir(name), ignore_errors=True)
    shutil.rmtree(config_dir() / "projects" / project_key(root), ignore_errors=True)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "e2e-project"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("test-results", "__pycache__"))
    yield root
    cleanup(root)


def e2e(root: Path, *args: str, answer: str = "yes") -> int:
    return main(["--project", str(root), "--answer", answer, "tests", "--type", "e2e", *args])


def state(root: Path) -> dict:
    return json.loads((stack_dir(compose_project_name(load_project(root))) / "state.json").read_text())


def latest(root: Path) -> Path:
    return (root / "test-results" / "latest").resolve()


def report(root: Path) -> dict:
    return json.loads((latest(root) / "e2e.json").read_text())


def tasks(run: dict) -> dict[str, str]:
    return {task["task"]: task["state"] for task in run["tasks"]}


def check_fixture_passed(root: Path) -> None:
    """What the fixture's DAGs must do: baked_file reads its file, expected_failure fails as
    [e2e.expect] declares, nightly (scheduled) is left out."""
    data = report(root)
    runs = {run["dag_id"]: run for run in data["dag_runs"]}
    assert sorted(runs) == ["baked_file", "expected_failure"]
    assert runs["baked_file"]["state"] == "success"
    assert tasks(runs["baked_file"]) == {"read_cities": "success"}
    assert runs["expected_failure"]["state"] == "failed" and runs["expected_failure"]["ok"]
    assert tasks(runs["expected_failure"]) == {
        "fine": "success", "boom": "failed", "after_boom": "upstream_failed",
    }  # fmt: skip
    assert data["import_errors"] == []
    summary = json.loads((latest(root) / "summary.json").read_text())
    assert summary[0]["type"] == "e2e" and summary[0]["exit_code"] == 0
    suite = ET.parse(latest(root) / "e2e.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "0" and suite.get("tests") == "6"


def test_e2e_on_sqlite_with_the_local_executor(project: Path, capfd: pytest.CaptureFixture[str]) -> None:
    code = e2e(project)
    out = "".join(capfd.readouterr())

    assert code == 0, out
    assert "in a stack of its own" in out and "no DAG import errors" in out
    check_fixture_passed(project)
    assert project_containers(project) == []  # its own stack is gone, volumes included


def test_e2e_on_postgres_with_the_celery_executor(project: Path, capfd: pytest.CaptureFixture[str]) -> None:
    code = e2e(project, *POSTGRES, "--executor", "celery")
    out = "".join(capfd.readouterr())

    assert code == 0, out
    assert "postgres, CeleryExecutor" in " ".join(out.split())
    check_fixture_passed(project)


def test_e2e_names_import_errors_and_shows_the_log_of_a_failed_task(
    project: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    (project / "dags" / "breaks_for_real.py").write_text(UNEXPECTED_FAILURE)
    (project / "dags" / "partners.py").write_text(DOES_NOT_IMPORT)

    code = e2e(project)
    out = "".join(capfd.readouterr())

    assert code == 1, out
    flat = " ".join(out.split())
    assert "partners.py: ValueError: partners.csv is missing: cannot build the partner DAGs" in flat, out
    assert "breaks_for_real: failed" in flat and "transform failed, expected success" in flat, out
    assert "cannot transform 3 rows: the schema changed" in out, out  # from the task's own log
    log = latest(project) / "e2e-logs" / "breaks_for_real" / "transform.log"
    assert "cannot transform 3 rows" in log.read_text()
    assert (latest(project) / "containers.log").is_file()
    data = report(project)
    assert [Path(e["filename"]).name for e in data["import_errors"]] == ["partners.py"]


def test_e2e_of_the_production_image_reads_a_file_baked_into_it(
    project: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """The held-out test: the production image runs as the chart runs it, and its DAG reads
    include/data/cities.csv from the image. The copy on the host is changed (5 rows instead of 3)
    after the image was built and the image is kept (--answer no): the run only passes when the
    file comes from the image, never from a mount."""
    assert main(["--project", str(project), "--answer", "yes", "build-image", "--production"]) == 0
    data = project / "include" / "data" / "cities.csv"
    data.write_text(data.read_text() + "Quito,EC\nBern,CH\n")
    assert (
        main(
            [
                "--project",
                str(project),
                "--answer",
                "no",
                "start-airflow",
                "--production",
                "--detach",
                *POSTGRES,
            ]
        )
        == 0
    )
    name = compose_project_name(load_project(project))
    running = {
        c["Config"]["Labels"]["com.docker.compose.service"]: c
        for c in json.loads(
            subprocess.run(
                ["docker", "inspect", *docker_lines("ps", "-q", "--filter", f"label=com.docker.compose.project={name}")],
                capture_output=True, text=True, check=True,
            ).stdout
        )
    }  # fmt: skip
    assert {"api-server", "scheduler", "dag-processor", "triggerer", "postgres"} <= set(running)
    for service in ("api-server", "scheduler", "dag-processor", "triggerer"):
        container = running[service]
        assert container["Config"]["Image"].startswith("breeze-e2e-fixture:")
        assert container["Config"]["Cmd"] == ["bash", "-c", f"exec airflow {service}"]
        assert container["Config"]["Entrypoint"] == ["/usr/bin/tini", "--", "/entrypoint"]
        assert container["Config"]["User"] == "50000:0"
        mounts = [m["Destination"] for m in container["Mounts"]]
        assert mounts == (["/opt/breeze/passwords.json"] if service == "api-server" else [])
    migration = docker_lines("ps", "-a", "-q", "--filter", f"label=com.docker.compose.project={name}",
                             "--filter", "label=com.docker.compose.service=migrate-database")  # fmt: skip
    assert migration, "the migration job ran as a container of its own"
    capfd.readouterr()

    code = e2e(project, "--production", *POSTGRES, answer="no")
    out = "".join(capfd.readouterr())

    assert code == 0, out
    assert "against the running stack (production image, postgres, LocalExecutor)" in " ".join(out.split())
    check_fixture_passed(project)
    # No shared log volume, as in the chart: the API server reads a task's log from the log server
    # of the container that ran it.
    run = next(r for r in report(project)["dag_runs"] if r["dag_id"] == "expected_failure")
    client = AirflowClient(f"http://127.0.0.1:{state(project)['api_port']}", ADMIN_USER,
                           load_or_create(project).admin_password)  # fmt: skip
    boom = next(t for t in client.task_instances("expected_failure", run["run_id"]) if t["task_id"] == "boom")
    assert "boom: this failure is expected by breeze.toml" in client.task_log(
        "expected_failure", run["run_id"], boom
    )
