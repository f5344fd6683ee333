"""The results folder of a run and the summary at its end."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from breeze.config import load_project
from breeze.testing import results


def test_each_run_gets_its_own_git_ignored_folder(project: Path) -> None:
    config = load_project(project, env={})

    first_id, first = results.new_run_dir(config, "sqlite", "3.11")
    second_id, second = results.new_run_dir(config, "sqlite", "3.11")

    assert first != second and first_id != second_id
    assert first.parent == project.resolve() / "test-results"
    assert first.name.endswith(f"-sqlite-py3.11-{first_id}")
    assert (first.parent / ".gitignore").read_text().splitlines()[-1] == "*"


def test_latest_points_at_the_newest_run(project: Path) -> None:
    config = load_project(project, env={})
    _, first = results.new_run_dir(config, "sqlite", "3.11")
    _, second = results.new_run_dir(config, "postgres", "3.11")

    results.point_latest(first)
    results.point_latest(second)

    assert (first.parent / "latest").resolve() == second


def test_exit_code_is_the_first_failing_types_own() -> None:
    summary = [
        {"type": "lint", "exit_code": 0},
        {"type": "unit", "exit_code": 5},
        {"type": "dag-run", "exit_code": 1},
    ]

    assert results.exit_code(summary) == 5
    assert results.exit_code([{"type": "unit", "exit_code": 0}]) == 0


def test_summary_table_and_dag_run_table() -> None:
    summary = [
        {"type": "unit", "exit_code": 0, "tests": 18, "failures": 0, "seconds": 2.5, "report": "unit.xml"},
        {
            "type": "dag-run",
            "exit_code": 1,
            "tests": 2,
            "failures": 1,
            "seconds": 9.0,
            "report": "dag-run.xml",
            "dag_run": {
                "dag_id": "etl",
                "state": "failed",
                "tasks": [
                    {"task": "extract", "state": "success", "expected": "success", "ok": True, "error": None},
                    {
                        "task": "load",
                        "state": "failed",
                        "expected": "success",
                        "ok": False,
                        "error": "Traceback\nValueError: no rows",
                    },
                ],
            },
        },
    ]
    out = io.StringIO()
    console = Console(file=out, width=120, color_system=None)

    console.print(results.summary_table(summary))
    console.print(results.dag_run_table(summary[1]["dag_run"]))
    text = out.getvalue()

    assert "unit" in text and "passed" in text and "unit.xml" in text
    assert "failed (exit 1)" in text and "dag-run.xml" in text
    assert "DAG run etl: failed" in text and "ValueError: no rows" in text


def test_a_missing_or_broken_summary_reads_as_empty(tmp_path: Path) -> None:
    assert results.read_summary(tmp_path) == []
    (tmp_path / "summary.json").write_text("{not json")
    assert results.read_summary(tmp_path) == []


def test_a_dag_run_names_each_file_it_set_aside_in_one_line() -> None:
    data = {
        "dag_id": "example_simplest_dag",
        "error": None,
        "tasks": [],
        "set_aside": [
            {
                "file": "dags/example_custom_weight.py",
                "dag_id": "example_custom_weight",
                "reason": "Unknown priority strategy x.DecreasingPriorityStrategy",
            }
        ],
        "import_errors": ["dags/raises_at_import.py"],
    }

    notes = results.dag_run_notes(data)  # type: ignore[arg-type]

    assert notes == [
        "dags/example_custom_weight.py was set aside for this run: its DAG example_custom_weight cannot be "
        "serialized (Unknown priority strategy x.DecreasingPriorityStrategy); `breeze tests --dag-integrity` "
        "shows it.",
        "1 other file(s) in dags/ do not import (not this run's concern): dags/raises_at_import.py; "
        "`breeze tests --dag-integrity` shows why.",
    ]


def test_only_failed_tasks_show_their_log() -> None:
    ok = {"task": "extract", "state": "success", "expected": "not failed", "ok": True, "error": None}
    failed = {**ok, "task": "transform", "state": "failed", "ok": False, "log": ["[error    ] boom"]}
    data = {"dag_id": "etl", "error": None, "tasks": [{**ok, "log": ["fine"]}, failed]}

    assert results.failed_task_logs(data) == [  # type: ignore[arg-type]
        ("transform (failed, expected not failed): its log", ["[error    ] boom"])
    ]
