"""The [dag-integrity] rules, the traceback filter and the JUnit writer: pure code that runs in
the CI image, checked here on duck-typed DAGs."""

from __future__ import annotations

import datetime
from pathlib import Path
from types import SimpleNamespace

from breeze.testing.incontainer import junit
from breeze.testing.incontainer.policies import (
    dag_code_traceback,
    missing_setting_hint,
    schedule_of,
    violations,
)

POLICIES = {"owners": ["data-eng"], "require_tags": True, "min_retries": 1, "schedules": ["@daily", "none"]}


def task(task_id: str, owner: str = "data-eng", retries: int = 1) -> SimpleNamespace:
    return SimpleNamespace(task_id=task_id, owner=owner, retries=retries)


def dag(**values: object) -> SimpleNamespace:
    defaults: dict[str, object] = {
        "dag_id": "etl",
        "tags": ["team"],
        "schedule": "@daily",
        "tasks": [task("a")],
    }
    return SimpleNamespace(**{**defaults, **values})


def test_a_conforming_dag() -> None:
    assert violations(dag(), POLICIES) == []
    assert violations(dag(tags=[], schedule="*/5 * * * *"), {}) == []


def test_each_rule_names_the_dag_tasks_and_setting() -> None:
    broken = dag(tags=[], schedule="@hourly", tasks=[task("a", owner="airflow", retries=0), task("b")])

    problems = violations(broken, POLICIES)

    assert problems == [
        "DAG etl: task owner not one of data-eng: a ('airflow') ([dag-integrity] owners)",
        "DAG etl: has no tags ([dag-integrity] require-tags)",
        "DAG etl: fewer than 1 retries: a (0) ([dag-integrity] min-retries)",
        "DAG etl: schedule '@hourly' is not one of @daily, none ([dag-integrity] schedules)",
    ]


def test_schedules_as_written() -> None:
    assert schedule_of(dag(schedule=None)) == "none"
    assert schedule_of(dag(schedule=datetime.timedelta(hours=1))) == "every 1:00:00"
    legacy = SimpleNamespace(schedule_interval="@weekly")
    assert schedule_of(legacy) == "@weekly"
    assert (
        schedule_of(SimpleNamespace(schedule=object(), timetable=SimpleNamespace(summary="Asset"))) == "Asset"
    )


def test_missing_variable_and_connection_are_named() -> None:
    variable = "AirflowRuntimeError: VARIABLE_NOT_FOUND: {'message': 'Variable undefined_bucket not found'}"
    connection = "AirflowNotFoundException: The conn_id `warehouse` isn't defined"

    assert "Variable 'undefined_bucket' is not defined" in (missing_setting_hint(variable) or "")
    assert "AIRFLOW_VAR_UNDEFINED_BUCKET" in (missing_setting_hint(variable) or "")
    assert "AIRFLOW_CONN_WAREHOUSE" in (missing_setting_hint(connection) or "")
    assert missing_setting_hint("ValueError: boom") is None


AIRFLOW_TRACEBACK = """\
Traceback (most recent call last):
  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/dag_processing/importers/python_importer.py", line 238, in parse
    loader.exec_module(new_module)
  File "<frozen importlib._bootstrap_external>", line 940, in exec_module
  File "/opt/airflow/dags/etl.py", line 6, in <module>
    rows = load()
           ^^^^^^
  File "/opt/airflow/include/loader.py", line 3, in load
    raise ValueError("no file")
ValueError: no file
"""


def test_traceback_keeps_only_the_projects_frames() -> None:
    text = dag_code_traceback(AIRFLOW_TRACEBACK, ("/opt/airflow/dags", "/opt/airflow/include"))

    assert text.splitlines() == [
        "Traceback (most recent call last):",
        '  File "/opt/airflow/dags/etl.py", line 6, in <module>',
        "    rows = load()",
        "           ^^^^^^",
        '  File "/opt/airflow/include/loader.py", line 3, in load',
        '    raise ValueError("no file")',
        "ValueError: no file",
    ]


def test_a_message_without_traceback_stays() -> None:
    message = "AirflowDagCycleException: Cycle detected in Dag: cyclic. Faulty task: load"

    assert dag_code_traceback(message, ("/opt/airflow",)) == message


def test_junit_round_trip(tmp_path: Path) -> None:
    report = tmp_path / "dag-run.xml"
    junit.write(
        report,
        "dag-run etl",
        [
            junit.Case("extract", "dag_run.etl", 0.5),
            junit.Case("load", "dag_run.etl", 0.1, failure="load ended failed"),
        ],
    )

    assert junit.counts(report) == {"tests": 2, "failures": 1, "errors": 0, "skipped": 0}
    assert '<testcase name="load" classname="dag_run.etl"' in report.read_text()


def test_junit_drops_terminal_colours_and_control_characters(tmp_path: Path) -> None:
    report = tmp_path / "lint.xml"
    junit.write(
        report,
        "lint",
        [
            junit.Case(
                "hadolint", "lint", failure="\x1b[31mDL3008\x1b[0m warning\x07", output="\x1b[1mx\x1b[0m"
            )
        ],
    )

    assert junit.counts(report)["failures"] == 1
    assert "DL3008 warning" in report.read_text() and "\x1b" not in report.read_text()
