"""A failed task's log as the suite shows it: Airflow 3's structured exception rendered the way
Python prints one, and the task's error taken from its exception line, not its last line."""

from __future__ import annotations

from breeze.testing.e2e.client import render_log
from breeze.testing.e2e.report import TaskResult

AIRFLOW3_LOG = {
    "content": [
        {"event": "Filling up the DagBag", "level": "info", "timestamp": "2026-11-30T21:12:43.1Z"},
        {
            "event": "Task failed with exception",
            "level": "error",
            "timestamp": "2026-11-30T21:12:44.2Z",
            "error_detail": [
                {
                    "exc_type": "RuntimeError",
                    "exc_value": "cannot transform 3 rows: the schema changed",
                    "frames": [{"filename": "/opt/airflow/dags/etl.py", "lineno": 8, "name": "transform"}],
                }
            ],
        },
        {"event": "::endgroup::", "level": "info", "timestamp": "2026-11-30T21:12:44.3Z"},
    ]
}


def test_a_structured_exception_reads_like_a_python_traceback() -> None:
    text = render_log(AIRFLOW3_LOG)

    assert text.splitlines()[2:6] == [
        "Traceback (most recent call last):",
        '  File "/opt/airflow/dags/etl.py", line 8, in transform',
        "RuntimeError: cannot transform 3 rows: the schema changed",
        "2026-11-30T21:12:44 INFO ::endgroup::",
    ]


def test_an_unknown_error_detail_is_kept_as_json() -> None:
    assert render_log([{"event": "boom", "error_detail": {"odd": 1}}]).splitlines()[1] == '{"odd": 1}'


def test_the_task_error_is_its_exception_line_not_the_last_line() -> None:
    task = TaskResult("transform", "failed", "success", {})
    task.log = render_log(AIRFLOW3_LOG)

    assert task.as_json()["error"] == "RuntimeError: cannot transform 3 rows: the schema changed"
    task.log = "line one\nno exception here\n"
    assert task.as_json()["error"] == "no exception here"
