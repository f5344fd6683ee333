"""A failed task's own lines, cut from the log of a real `dag.test()` run (Airflow 3.3.2, the
fixture DAG failing_task, captured with paths as they are in the CI image)."""

from __future__ import annotations

from pathlib import Path

from breeze.testing.incontainer import tasklog

LOG = (Path(__file__).parent / "dag-test-logs" / "failing_task.log").read_text()
PROJECT = ("/opt/airflow/dags", "/opt/airflow", "/opt/breeze/project")


def test_each_task_gets_the_lines_of_its_last_attempt() -> None:
    attempts = tasklog.split(LOG)

    assert set(attempts) == {"extract", "transform"}  # load never started (upstream failed)
    assert any("Done. Returned value was: [1, 2, 3]" in line for line in attempts["extract"])
    transform = "\n".join(attempts["transform"])
    assert transform.count("RuntimeError: cannot transform 3 rows") == 1  # the retry, not both
    assert "Bulk-writing dags to db" not in transform  # lines before the first task belong to none


def test_own_lines_leave_out_airflows_bookkeeping_and_frames() -> None:
    lines = tasklog.own_lines(tasklog.split(LOG)["transform"], PROJECT)
    text = "\n".join(lines)

    assert "Task failed with exception" in text
    assert 'File "/opt/airflow/dags/failing_task.py", line 16, in transform' in text
    assert lines[-1] == "RuntimeError: cannot transform 3 rows: the schema changed"
    assert "site-packages" not in text
    assert "execution_api" not in text and "::group::" not in text and "[DAG TEST]" not in text
    assert len(lines) < 10


def test_a_mapped_task_is_named_with_its_index() -> None:
    log = (
        "2026-01-01T00:00:00Z [info ] [DAG TEST] starting task_id=load map_index=2 [airflow.sdk.definitions.dag]\n"
        "2026-01-01T00:00:01Z [info ] loading 7 rows [task]\n"
        "2026-01-01T00:00:02Z [info ] [DAG TEST] end task task_id=load map_index=2 [airflow.sdk.definitions.dag]\n"
    )

    assert tasklog.split(log) == {"load[2]": ["2026-01-01T00:00:01Z [info ] loading 7 rows [task]"]}
