"""What an e2e run found, and its files: e2e.xml (JUnit: one case per import error, per DAG run and
per task), e2e.json and summary.json (the same entry shape as the other `breeze tests` types)."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from breeze.testing.incontainer import junit

REPORT = "e2e.xml"


_EXCEPTION_LINE = re.compile(r"^\s*[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Timeout)\b[^:]*: ")


def last_error(log: str) -> str:
    """The task's error from its log: the last exception line (`RuntimeError: ...`), else the
    last line."""
    lines = [line for line in log.strip().splitlines() if line.strip()]
    for line in reversed(lines):
        if _EXCEPTION_LINE.match(line):
            return line.strip()
    return lines[-1] if lines else ""


def expected_state(task_id: str, expect: Mapping[str, str]) -> str:
    for pattern, state in expect.items():
        if fnmatch.fnmatchcase(task_id, pattern):
            return state
    return "success"


@dataclass
class TaskResult:
    name: str
    state: str
    expected: str
    raw: dict[str, Any]
    log: str = ""

    @classmethod
    def of(cls, ti: dict[str, Any], expected: str) -> TaskResult:
        index = ti.get("map_index")
        name = str(ti["task_id"]) if index is None or int(index) < 0 else f"{ti['task_id']}[{index}]"
        return cls(name, str(ti.get("state") or "none"), expected, ti)

    @property
    def ok(self) -> bool:
        return self.state == self.expected

    def as_json(self) -> dict[str, Any]:
        error = last_error(self.log) if self.log.strip() and not self.ok else None
        return {
            "task": self.name,
            "state": self.state,
            "expected": self.expected,
            "ok": self.ok,
            "error": error,
        }


@dataclass
class DagRunResult:
    dag_id: str
    run_id: str
    state: str
    seconds: float
    tasks: list[TaskResult] = field(default_factory=list)
    expect_failure: bool = False
    error: str | None = None
    airflow_seconds: float | None = None  # the run's own start_date -> end_date

    @property
    def state_ok(self) -> bool:
        return self.state == "success" or (self.state == "failed" and self.expect_failure)

    @property
    def ok(self) -> bool:
        return self.error is None and self.state_ok and all(task.ok for task in self.tasks)

    def why(self) -> str:
        if self.error:
            return self.error
        wrong = [f"{t.name} {t.state}, expected {t.expected}" for t in self.tasks if not t.ok]
        if wrong:
            return "; ".join(wrong)
        return f"the run ended {self.state}"

    def as_json(self) -> dict[str, Any]:
        return {
            "dag_id": self.dag_id,
            "run_id": self.run_id,
            "state": self.state,
            "ok": self.ok,
            "seconds": round(self.seconds, 2),
            "airflow_seconds": None if self.airflow_seconds is None else round(self.airflow_seconds, 2),
            "error": self.error,
            "tasks": [task.as_json() for task in self.tasks],
        }


def cases(
    import_errors: list[dict[str, Any]], dag_runs: list[DagRunResult], problems: list[tuple[str, str]]
) -> list[junit.Case]:
    found = [
        junit.Case(
            name=str(error.get("filename")),
            classname="e2e.import_errors",
            failure=f"{error.get('filename')} does not import:\n{error.get('stack_trace', '')}",
        )
        for error in import_errors
    ]
    found += [junit.Case(name=name, classname="e2e", failure=text) for name, text in problems]
    for run in dag_runs:
        found.append(
            junit.Case(
                name="dag run",
                classname=f"e2e.{run.dag_id}",
                seconds=run.seconds,
                failure=None if run.error is None and run.state_ok else f"{run.dag_id}: {run.why()}",
            )
        )
        for task in run.tasks:
            failure = None if task.ok else f"{task.name} ended {task.state}, expected {task.expected}"
            found.append(
                junit.Case(name=task.name, classname=f"e2e.{run.dag_id}", failure=failure, output=task.log)
            )
    return found


def write_results(
    results_dir: Path,
    *,
    base_url: str,
    exit_code: int,
    seconds: float,
    import_errors: list[dict[str, Any]],
    dag_runs: list[DagRunResult],
    problems: list[tuple[str, str]],
    message: str,
) -> dict[str, Any]:
    """Write e2e.xml, e2e.json and summary.json; return the summary entry."""
    results_dir.mkdir(parents=True, exist_ok=True)
    found = cases(import_errors, dag_runs, problems)
    junit.write(results_dir / REPORT, "e2e", found)
    failures = sum(1 for case in found if case.failure is not None)
    entry: dict[str, Any] = {
        "type": "e2e",
        "exit_code": exit_code,
        "tests": len(found),
        "failures": failures,
        "errors": 0,
        "seconds": round(seconds, 2),
        "report": REPORT,
        "message": message,
        "base_url": base_url,
    }
    details = {
        **entry,
        "import_errors": [
            {"filename": e.get("filename"), "stack_trace": e.get("stack_trace")} for e in import_errors
        ],
        "dag_runs": [run.as_json() for run in dag_runs],
    }
    (results_dir / "e2e.json").write_text(json.dumps(details, indent=2))
    (results_dir / "summary.json").write_text(json.dumps([entry], indent=2))
    return entry
