"""`breeze tests` on the real engine: examples/ passes every type; fixture DAGs broken in one way
each are reported by name; a real DAG run; lint; bad input that needs the container (unknown DAG,
nothing collected); two runs at once; Ctrl-C. Every run must leave no container, volume or network.

One copy of examples/ (its own project and image name) and a "broken" copy sharing its image: the
fixture DAGs and lint files from tests/fixtures are added to it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from breeze.cli.app import main
from breeze.config import load_project
from breeze.stack.params import compose_project_name

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"
FIXTURES = REPO / "tests" / "fixtures"
BROKEN_FILES = (
    "cycle.py",
    "missing_variable.py",
    "policy_violation.py",
    "raises_at_import.py",
    "slow_parse.py",
    "unserializable.py",
)


def flat(text: str) -> str:
    return " ".join(text.split())


def docker_lines(*args: str) -> list[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=True).stdout.split()


def run_prefix(root: Path) -> str:
    return compose_project_name(load_project(root)) + "-test-"


def leftovers(root: Path) -> list[str]:
    """Containers, volumes and networks of any test run of this project."""
    prefix = run_prefix(root)
    found = []
    for kind in (["ps", "-a"], ["volume", "ls"], ["network", "ls"]):
        labels = docker_lines(*kind, "--format", '{{.Label "com.docker.compose.project"}}')
        found += [f"{kind[0]}:{label}" for label in labels if label.startswith(prefix)]
    return found


def latest(root: Path) -> Path:
    return (root / "test-results" / "latest").resolve()


def summary(run_dir: Path) -> dict[str, dict]:
    return {entry["type"]: entry for entry in json.loads((run_dir / "summary.json").read_text())}


def cases(report: Path) -> dict[str, bool]:
    """JUnit test case name -> passed."""
    root = ET.parse(report).getroot()
    return {
        case.get("name", ""): case.find("failure") is None and case.find("error") is None
        for case in root.iter("testcase")
    }


def breeze_tests(root: Path, *args: str) -> int:
    return main(["--project", str(root), "tests", *args])


def set_toml(root: Path, old: str, new: str) -> None:
    toml = root / "breeze.toml"
    text = toml.read_text()
    assert old in text
    toml.write_text(text.replace(old, new))


@pytest.fixture(scope="module")
def image_name() -> Iterator[str]:
    name = f"breeze-it-tests-{uuid.uuid4().hex[:8]}"
    yield name
    refs = docker_lines(
        "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", f"reference={name}*"
    )
    if refs:
        subprocess.run(["docker", "image", "rm", "-f", *refs], capture_output=True)


def copy_examples(target: Path, project_name: str, image_name: str) -> Path:
    shutil.copytree(
        EXAMPLES, target, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "test-results")
    )
    set_toml(target, '[project]\nname = "breeze-example"', f'[project]\nname = "{project_name}"')
    set_toml(target, '[image]\nname = "breeze-example"', f'[image]\nname = "{image_name}"')
    return target


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, image_name: str) -> Iterator[Path]:
    root = copy_examples(tmp_path_factory.mktemp("tests") / "example", f"{image_name}-ok", image_name)
    yield root
    assert leftovers(root) == []


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory, image_name: str, project: Path) -> Iterator[Path]:
    """examples/ plus one DAG file per way of being broken, the settings the good fixture DAG
    reads, a stricter [dag-integrity], and files that fail lint. Same image as `project`."""
    root = copy_examples(tmp_path_factory.mktemp("tests") / "broken", f"{image_name}-broken", image_name)
    for dag in (FIXTURES / "dags").glob("*.py"):
        shutil.copy(dag, root / "dags" / dag.name)
    shutil.copy(FIXTURES / "breeze-settings.yaml", root / "breeze-settings.yaml")
    shutil.copy(FIXTURES / "lint" / "bad_style.py", root / "include" / "bad_style.py")
    (root / "docker").mkdir()
    shutil.copy(FIXTURES / "lint" / "tools.Dockerfile", root / "docker" / "tools.Dockerfile")
    with (root / "breeze.toml").open("a") as toml:
        toml.write(
            '\n[dag-integrity]\nparse-budget = 1.0\nowners = ["data-eng"]\nrequire-tags = true\nmin-retries = 1\n'
        )
    yield root
    assert leftovers(root) == []


# --------------------------------------------------------------------------------------------
# examples/ passes every type
# --------------------------------------------------------------------------------------------


def test_examples_pass_every_type(project: Path, capfd: pytest.CaptureFixture[str]) -> None:
    code = breeze_tests(project, "--type", "all", "--dag-run", "example_report")
    _out, err = capfd.readouterr()

    assert code == 0, err[-3000:]
    run_dir = latest(project)
    results = summary(run_dir)
    assert list(results) == ["lint", "dag-integrity", "unit", "dag-run"]
    assert all(entry["exit_code"] == 0 for entry in results.values()), results
    assert results["unit"]["database"] == "sqlite"
    unit = cases(run_dir / "unit.xml")
    assert len(unit) == results["unit"]["tests"] >= 18 and all(unit.values())
    assert "test_no_import_errors" in unit
    assert cases(run_dir / "dag-integrity.xml") == {
        "test_dag_file[dags/classic_operators.py]": True,
        "test_dag_file[dags/report_taskflow.py]": True,
    }
    tasks = cases(run_dir / "dag-run.xml")
    assert tasks and all(tasks.values())
    assert set(cases(run_dir / "lint.xml")) == {"ruff", "ruff-format"}  # no Dockerfile: no hadolint
    assert (run_dir / "unit.log").read_text().count("passed") >= 1
    assert (project / "test-results" / ".gitignore").read_text().splitlines()[-1] == "*"
    for task in tasks:
        assert task in flat(err)  # the per-task table
    assert "breeze tests passed" in flat(err)
    assert not (run_dir / "containers.log").exists()
    assert leftovers(project) == []


def test_postgres_unit_tests_and_a_dag_run(project: Path, capfd: pytest.CaptureFixture[str]) -> None:
    code = breeze_tests(
        project, "--backend", "postgres", "--postgres-version", "15", "--type", "unit", "--dag-run", "example_classic",
        "--", "-k", "config_loader",
    )  # fmt: skip
    _out, err = capfd.readouterr()

    assert code == 0, err[-3000:]
    run_dir = latest(project)
    assert "-postgres-" in run_dir.name
    unit = cases(run_dir / "unit.xml")
    assert unit and all(unit.values())
    assert all("test_dags" not in name for name in unit)  # -k reached pytest
    tasks = cases(run_dir / "dag-run.xml")
    assert tasks and all(tasks.values())
    assert {entry["database"] for entry in summary(run_dir).values()} == {"postgresql+psycopg2"}
    assert leftovers(project) == []


def test_nothing_collected(project: Path, capfd: pytest.CaptureFixture[str]) -> None:
    code = breeze_tests(project, "--", "-k", "no_test_has_this_name")
    err = flat(capfd.readouterr().err)

    assert code == 5
    assert "pytest collected no tests from tests/" in err
    assert "Traceback" not in err.split("breeze tests", 1)[-1]


# --------------------------------------------------------------------------------------------
# The fixture DAGs: each reported by name
# --------------------------------------------------------------------------------------------


def test_broken_dags_are_reported_by_name(broken: Path, capfd: pytest.CaptureFixture[str]) -> None:
    code = breeze_tests(broken, "--dag-integrity")
    out, err = capfd.readouterr()
    text = flat(out + err)

    assert code == 1
    run_dir = latest(broken)
    verdicts = cases(run_dir / "dag-integrity.xml")
    failed = sorted(name for name, ok in verdicts.items() if not ok)
    assert failed == [f"test_dag_file[dags/{name}]" for name in BROKEN_FILES]
    assert verdicts["test_dag_file[dags/uses_settings.py]"]  # a variable and a connection from settings
    assert verdicts["test_dag_file[dags/failing_task.py]"]
    assert verdicts["test_dag_file[dags/skips_by_design.py]"]
    # each with its cause, and the traceback of the DAG's own code only
    assert "dags/raises_at_import.py: - does not import:" in text
    assert 'File "dags/raises_at_import.py", line 7, in load_partners' in text
    assert "ValueError: partners.csv is missing" in text
    assert "site-packages" not in out.split("FAILURES", 1)[1].split("short test summary", 1)[0]
    assert "Cycle detected in Dag: cyclic" in text
    assert "over the budget of 1 s ([dag-integrity] parse-budget" in text
    assert "DAG no_conventions: task owner not one of data-eng: first ('airflow'), second ('airflow')" in text
    assert "DAG no_conventions: has no tags" in text
    assert "DAG no_conventions: fewer than 1 retries" in text
    assert (
        "Variable 'undefined_bucket' is not defined: add it under `variables:` in breeze-settings.yaml"
        in text
    )
    # serialized as Airflow's dag-processor does: imports fine, yet would never reach the scheduler
    assert "DAG unserializable: cannot be serialized, so Airflow's dag-processor drops it" in text
    assert "Unknown priority strategy" in text and "`priority_weight_strategies = [...]`" in text
    assert "dag-integrity: 6 DAG file(s) failed" in text
    assert (run_dir / "containers.log").exists()


def test_a_failing_task_fails_the_dag_run(broken: Path, capfd: pytest.CaptureFixture[str]) -> None:
    code = breeze_tests(broken, "--dag-run", "failing_task", "--conf", '{"source": "fixture"}')
    out, err = capfd.readouterr()
    text = flat(out + err)

    assert code == 1
    assert "DAG run failing_task: failed" in text
    # Readable: the table and the failed task's own lines; Airflow's whole log only in dag-run.log.
    log = (latest(broken) / "dag-run.log").read_text()
    assert "[DAG TEST] starting task_id=transform" in log and "Filling up the DagBag" in log
    assert "[DAG TEST]" not in text and "Filling up the DagBag" not in text
    assert "partners.csv is missing" not in text  # another file's import error: not this run's
    assert "transform (failed, expected not failed): its log" in text
    own = text.split("its log", 1)[1]
    assert 'File "/opt/airflow/dags/failing_task.py", line 16, in transform' in own
    assert "site-packages" not in own
    # Another file's DAG cannot be serialized: the run goes on and says so in one line.
    assert (
        "dags/unserializable.py was set aside for this run: its DAG unserializable cannot be serialized"
        in text
    )
    assert "3 other file(s) in dags/ do not import (not this run's concern)" in text
    assert "extract │ success" in text and "load │ upstream_failed" in text and "transform │ failed" in text
    assert "RuntimeError: cannot transform 3" in text  # the failed task's error (the table wraps it)
    run = summary(latest(broken))["dag-run"]["dag_run"]
    errors = {t["task"]: t["error"] for t in run["tasks"]}
    assert errors["transform"].endswith("RuntimeError: cannot transform 3 rows: the schema changed")
    assert 'File "/opt/airflow/dags/failing_task.py"' in errors["transform"]
    assert {t["task"]: t["state"] for t in run["tasks"]} == {
        "extract": "success",
        "transform": "failed",
        "load": "upstream_failed",
    }
    assert cases(latest(broken) / "dag-run.xml") == {"extract": True, "load": False, "transform": False}


def test_skipped_by_design_is_not_a_failure(broken: Path, capfd: pytest.CaptureFixture[str]) -> None:
    assert breeze_tests(broken, "--dag-run", "skips_by_design") == 0
    run = summary(latest(broken))["dag-run"]["dag_run"]
    assert run["state"] == "success"
    assert {t["task"]: t["state"] for t in run["tasks"]}["weekend"] == "skipped"
    capfd.readouterr()

    # --expect is stricter where the user wants; -v streams Airflow's whole log.
    code = main(
        ["--project", str(broken), "-v", "tests", "--dag-run", "skips_by_design", "--expect", "*=success"]
    )
    text = flat("".join(capfd.readouterr()))

    assert code == 1
    assert "weekend │ skipped │ success" in text
    assert "[DAG TEST] starting task_id=choose" in text


def test_expected_states_make_the_run_pass(broken: Path) -> None:
    assert (
        breeze_tests(
            broken,
            "--dag-run",
            "failing_task",
            "--expect",
            "transform=failed",
            "--expect",
            "lo*=upstream_failed",
        )
        == 0
    )


def test_unknown_dag_id(broken: Path, capfd: pytest.CaptureFixture[str]) -> None:
    code = breeze_tests(broken, "--dag-run", "failing_tsk")
    text = flat(capfd.readouterr().err)

    assert code == 2
    assert "There is no DAG 'failing_tsk' in dags/. Did you mean failing_task?" in text
    assert "failed to import and may define it: cycle.py, missing_variable.py, raises_at_import.py" in text


def test_lint_reports_each_tool(broken: Path, capfd: pytest.CaptureFixture[str]) -> None:
    code = main(["--project", str(broken), "static-checks"])
    out, err = capfd.readouterr()

    assert code == 1, err[-3000:]
    verdicts = cases(latest(broken) / "lint.xml")
    assert verdicts == {"ruff": False, "ruff-format": False, "hadolint": False}
    assert "include/bad_style.py" in out and "F401" in out
    assert "docker/tools.Dockerfile" in out and "DL3008" in out
    assert "lint: ruff, ruff-format, hadolint found problems" in flat(err)
    assert "no database" in flat(err)


# --------------------------------------------------------------------------------------------
# Isolation: two runs at once, Ctrl-C
# --------------------------------------------------------------------------------------------


def breeze_process(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "breeze", "--project", str(root), "tests", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "CI": "true"},
    )


def test_two_runs_at_once_do_not_interfere(project: Path) -> None:
    results = project / "test-results"
    before = set(results.iterdir()) if results.is_dir() else set()
    first = breeze_process(project, "--type", "unit,dag-integrity")
    second = breeze_process(project, "--backend", "postgres", "--postgres-version", "15")
    outputs = [process.communicate(timeout=600)[0] for process in (first, second)]

    assert [first.returncode, second.returncode] == [0, 0], outputs
    runs = sorted(path for path in set(results.iterdir()) - before if path.is_dir() and not path.is_symlink())
    assert len(runs) == 2
    totals = []
    for run_dir in runs:
        unit = cases(run_dir / "unit.xml")
        assert unit and all(unit.values())
        totals.append(len(unit))
    assert totals[0] == totals[1]
    assert leftovers(project) == []


def test_ctrl_c_leaves_nothing_behind(project: Path) -> None:
    process = breeze_process(
        project, "--dag-run", "example_report", "--backend", "postgres", "--postgres-version", "15"
    )
    prefix = run_prefix(project)
    deadline = time.monotonic() + 300
    # Interrupt once the tests themselves run: the one-off `airflow` container of the run is up.
    while time.monotonic() < deadline:
        running = docker_lines(
            "ps",
            "--filter",
            "label=com.docker.compose.service=airflow",
            "--filter",
            "label=com.docker.compose.oneoff=True",
            "--format",
            '{{.Label "com.docker.compose.project"}}',
        )
        if any(label.startswith(prefix) for label in running):
            break
        assert process.poll() is None, process.communicate()[0]
        time.sleep(0.2)
    else:
        pytest.fail("the test run never started its container")
    process.send_signal(signal.SIGINT)
    output = process.communicate(timeout=180)[0]

    assert process.returncode == 130, output
    assert "Traceback" not in output
    assert leftovers(project) == []


def test_dry_run_prints_the_commands_and_leaves_nothing(
    project: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    results = project / "test-results"
    before = set(results.iterdir()) if results.is_dir() else set()

    code = main(["--project", str(project), "--dry-run", "tests", "--type", "all"])
    out = capfd.readouterr().out  # a dry run prints the commands on stdout, ready for a shell

    assert code == 0
    assert "BREEZE_TESTS_SPEC" in out and "driver.py" in out and "down --remove-orphans --volumes" in out
    assert set(results.iterdir()) == before or set(results.iterdir()) - before == {results / ".gitignore"}
    assert leftovers(project) == []


# --------------------------------------------------------------------------------------------
# DAGs nobody here wrote: Airflow's own example DAGs, from the CI image
# --------------------------------------------------------------------------------------------


def copy_airflow_example_dags(image: str, dags: Path) -> None:
    """airflow/example_dags of the apache-airflow installed in the image, as a project's dags/."""
    where = "import airflow, os, sys; sys.stdout.write(os.path.join(os.path.dirname(airflow.__file__), 'example_dags'))"
    folder = subprocess.run(
        ["docker", "run", "--rm", "--entrypoint", "python", image, "-c", where],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    archive = subprocess.run(
        ["docker", "run", "--rm", "--entrypoint", "tar", image, "-C", folder, "--exclude=__pycache__", "-c", "."],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    shutil.rmtree(dags)
    dags.mkdir()
    subprocess.run(["tar", "-x", "-C", str(dags)], input=archive, check=True)


@pytest.fixture(scope="module")
def airflow_examples(
    tmp_path_factory: pytest.TempPathFactory, image_name: str, project: Path
) -> Iterator[Path]:
    root = copy_examples(
        tmp_path_factory.mktemp("tests") / "airflow-examples", f"{image_name}-af", image_name
    )
    assert main(["--project", str(root), "build-image", "--python", "3.11"]) == 0
    copy_airflow_example_dags(f"{image_name}-ci:1.0.0-python3.11", root / "dags")
    assert (root / "dags" / "example_custom_weight.py").is_file()
    yield root
    assert leftovers(root) == []


def test_airflow_examples_integrity_serializes_each_dag(
    airflow_examples: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    code = breeze_tests(airflow_examples, "--dag-integrity")
    text = flat("".join(capfd.readouterr()))

    assert code == 1
    verdicts = cases(latest(airflow_examples) / "dag-integrity.xml")
    assert not verdicts["test_dag_file[dags/example_custom_weight.py]"]
    assert not verdicts["test_dag_file[dags/example_workday_timetable.py]"]
    assert verdicts["test_dag_file[dags/example_simplest_dag.py]"]
    assert "DAG example_custom_weight: cannot be serialized" in text and "Unknown priority strategy" in text
    assert "DAG example_workday_timetable: cannot be serialized" in text
    assert (
        "Timetable class 'airflow.example_dags.plugins.workday.AfterWorkdayTimetable' is not registered"
        in text
    )


def test_an_airflow_example_runs_beside_files_that_cannot_be_serialized(
    airflow_examples: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    code = breeze_tests(airflow_examples, "--dag-run", "example_simplest_dag")
    text = flat("".join(capfd.readouterr()))

    assert code == 0, text[-3000:]
    assert "DAG run example_simplest_dag: success" in text
    assert "dags/example_custom_weight.py was set aside for this run" in text
    assert "dags/example_workday_timetable.py was set aside for this run" in text
    assert "Traceback" not in text


def test_airflow_example_skip_dag_passes(airflow_examples: Path, capfd: pytest.CaptureFixture[str]) -> None:
    code = breeze_tests(airflow_examples, "--dag-run", "example_skip_dag")
    text = flat("".join(capfd.readouterr()))

    assert code == 0, text[-3000:]
    states = {t["state"] for t in summary(latest(airflow_examples))["dag-run"]["dag_run"]["tasks"]}
    assert {"success", "skipped"} <= states
