"""`breeze upgrade-check` for real: uv against PyPI, the candidate CI image on the engine, ruff and
the project's tests in it.

One copy of the Airflow 2.11 fixture project (tests/fixtures/upgrade/airflow2) goes the whole way
to Airflow 3 (DEFAULT_AIRFLOW): checked (not ready), --fix, the manual edits, checked again (ready),
then checked against its own, new version. All of it uses one candidate image, built once; it and
everything else the runs made are removed at teardown."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from breeze.versions import DEFAULT_AIRFLOW

pytestmark = pytest.mark.integration

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "upgrade" / "airflow2"
# The edits ruff cannot make safely (AIR302: the standard provider's modules; AIR301: the
# context key), as a reviewer would make them by hand.
MANUAL_EDITS = {
    "from airflow.operators.bash_operator import BashOperator": (
        "from airflow.providers.standard.operators.bash import BashOperator"
    ),
    "from airflow.operators.python_operator import PythonOperator": (
        "from airflow.providers.standard.operators.python import PythonOperator"
    ),
    'context["execution_date"]': 'context["logical_date"]',
}


@dataclass(frozen=True)
class Run:
    code: int
    output: str
    report: dict[str, object]
    folder: Path


def breeze(root: Path, *args: str) -> Run:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "CI": "true", "BREEZE_ANSWER": "no"}
    env.pop("BREEZE_PROJECT", None)
    argv = [sys.executable, "-m", "breeze", "--project", str(root), "upgrade-check", *args]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=1800)
    output = done.stdout + done.stderr
    folders = sorted((root / "test-results").glob("upgrade-*"), key=lambda path: path.stat().st_mtime)
    report = json.loads((folders[-1] / "report.json").read_text()) if folders else {}
    return Run(done.returncode, output, report, folders[-1] if folders else root)


def copy_project(tmp: Path, name: str) -> Path:
    root = tmp / name
    shutil.copytree(FIXTURE, root)
    toml = root / "breeze.toml"
    toml.write_text(toml.read_text().replace('name = "legacy-airflow2"', f'name = "{name}"'))
    return root


def remove_images(prefix: str) -> None:
    listed = subprocess.run(
        ["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", f"reference={prefix}*"],
        capture_output=True,
        text=True,
    )
    refs = listed.stdout.split()
    if refs:
        subprocess.run(["docker", "image", "rm", "-f", *refs], capture_output=True)


@dataclass(frozen=True)
class Journey:
    root: Path
    checked: Run
    fixed: Run
    after_edits: Run
    own_version: Run
    legacy_text: str
    fixed_text: str


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journey]:
    name = f"breeze-it-upg-{uuid.uuid4().hex[:6]}"
    root = copy_project(tmp_path_factory.mktemp("upgrade"), name)
    dag = root / "dags" / "legacy.py"
    try:
        legacy_text = dag.read_text()
        checked = breeze(root, "--airflow-version", DEFAULT_AIRFLOW)
        fixed = breeze(root, "--airflow-version", DEFAULT_AIRFLOW, "--fix")
        fixed_text = dag.read_text()
        text = fixed_text
        for old, new in MANUAL_EDITS.items():
            text = text.replace(old, new)
        dag.write_text(text)
        after_edits = breeze(root, "--airflow-version", DEFAULT_AIRFLOW)
        toml = root / "breeze.toml"
        toml.write_text(toml.read_text().replace('version = "2.11.0"', f'version = "{DEFAULT_AIRFLOW}"'))
        own_version = breeze(root, "--airflow-version", DEFAULT_AIRFLOW)
        for label, run in (("checked", checked), ("fixed", fixed), ("after-edits", after_edits)):
            (root.parent / f"{label}.txt").write_text(run.output)  # kept by pytest for reading
        yield Journey(root, checked, fixed, after_edits, own_version, legacy_text, fixed_text)
    finally:
        remove_images(name)


def test_the_airflow2_project_is_not_ready_and_each_problem_is_named(journey: Journey) -> None:
    run = journey.checked

    assert run.code == 1, run.output
    found = {(f["file"], f["line"], f["rule"]) for f in run.report["code"]}  # type: ignore[union-attr]
    assert {
        ("dags/legacy.py", 18, "AIR301"),  # context["execution_date"]
        ("dags/legacy.py", 23, "AIR301"),  # schedule_interval
        ("dags/legacy.py", 27, "AIR302"),  # airflow.operators.bash_operator
        ("dags/legacy.py", 28, "AIR302"),  # airflow.operators.python_operator
    } <= found
    assert (
        "dags/legacy.py:23" in run.output
        and "AIR301" in run.output
        and "Use `schedule` instead" in run.output
    )
    # The candidate image itself cannot import the DAG file.
    errors = "\n".join(run.report["import_errors"])  # type: ignore[arg-type]
    assert "legacy.py" in errors and "airflow.operators.bash_operator" in errors, run.output
    assert "Import errors in the candidate image" in run.output
    assert "Not ready for Airflow" in run.output
    assert {"report.md", "report.json", "junit.xml", "dependencies.txt"} <= {
        p.name for p in run.folder.iterdir()
    }
    # --fix alone does not make it ready: the import errors and AIR302 are left to a person.
    assert journey.fixed.code == 1


def test_the_dependency_diff_names_airflow_as_a_major_upgrade(journey: Journey) -> None:
    changes = {c["name"]: c for c in journey.checked.report["dependencies"]}  # type: ignore[union-attr]

    assert changes["apache-airflow"]["kind"] == "major"
    assert changes["apache-airflow"]["before"] == "2.11.0"
    assert changes["apache-airflow"]["after"] == DEFAULT_AIRFLOW


def test_fix_applies_only_the_safe_fixes_and_says_so(journey: Journey) -> None:
    run = journey.fixed

    assert "M dags/legacy.py (AIR301 x1)" in run.output, run.output
    assert 'schedule="@daily"' in journey.fixed_text and "schedule_interval=" not in journey.fixed_text
    # The unsafe fixes (imports) are left to a person.
    assert "airflow.operators.bash_operator" in journey.fixed_text
    assert journey.legacy_text.replace('schedule_interval="', 'schedule="') == journey.fixed_text
    owner = (journey.root / "dags" / "legacy.py").stat()
    assert (owner.st_uid, owner.st_gid) == (journey.root.stat().st_uid, journey.root.stat().st_gid)


def test_after_the_manual_edits_the_project_is_ready(journey: Journey) -> None:
    run = journey.after_edits

    assert run.code == 0, run.output
    assert run.report["ready"] is True
    assert "Ready for Airflow" in run.output
    blocking = [f for f in run.report["code"] if f["blocking"]]  # type: ignore[union-attr]
    assert blocking == []


def test_a_project_checked_against_its_own_version_passes(journey: Journey) -> None:
    run = journey.own_version

    assert run.code == 0, run.output
    assert "the project's own version" in run.output
    assert run.report["dependencies"] == []


def test_a_conflicting_requirement_shows_the_resolvers_reason(tmp_path: Path) -> None:
    root = copy_project(tmp_path, "breeze-it-upg-conflict")
    (root / "requirements.txt").write_text("sqlalchemy<1.4\n")

    run = breeze(root, "--airflow-version", DEFAULT_AIRFLOW)

    assert run.code == 1, run.output
    assert "No solution found when resolving dependencies" in run.output
    assert "you require" in run.output and "sqlalchemy<1.4" in run.output
    assert run.report["steps"][0] == {  # type: ignore[index]
        "step": "resolve",
        "status": "failed",
        "detail": "the requirements conflict with the new Airflow",
    }
    assert "Building" not in run.output  # no image for a project that cannot install
