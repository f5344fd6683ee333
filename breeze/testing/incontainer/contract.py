"""The files breeze and the in-container runners hand each other, declared once.

spec.json (host -> container: what to run), summary.json (container -> host: one entry per test
type) and dag-run.json (dag_run.py -> driver.py -> summary.json). Both sides import these
declarations: the host as ``breeze.testing.incontainer.contract``, the container as ``contract``
(only this folder is mounted there, so: standard library only, Python 3.8+).

Writers build the TypedDicts (mypy checks every key on the host); readers go through ``load()``,
which fails loudly, naming the file and the key, when a required key is missing: a renamed key is an
error, never a silent ``.get()`` default."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypedDict, TypeVar, cast

# With `from __future__ import annotations` TypedDict bodies are not evaluated: `list[str] | None`
# is fine on the container's Python 3.8/3.9 too.


class Policies(TypedDict):
    """[dag-integrity] in breeze.toml."""

    parse_budget: float
    owners: list[str]
    require_tags: bool
    min_retries: int
    schedules: list[str]


class RunSpec(TypedDict):
    """spec.json: written by breeze (testing/params.py), read by driver.py and the runners."""

    types: list[str]
    tests_folder: str
    pytest_args: list[str]
    paths_given: bool
    dag_id: str | None
    conf: dict[str, Any]
    expect: dict[str, str]
    policies: Policies
    lint: list[str]
    color: bool
    cache: bool
    verbose: bool  # stream the whole Airflow log of a DAG run (it is kept in dag-run.log either way)


class _TaskReportRequired(TypedDict):
    task: str
    state: str
    expected: str
    ok: bool
    error: str | None


class TaskReport(_TaskReportRequired, total=False):
    log: list[str]  # the task's own log lines (failed tasks only), from Airflow's task log


class _DagRunReportRequired(TypedDict):
    dag_id: str
    tasks: list[TaskReport]
    error: str | None


class SetAside(TypedDict):
    """Another DAG of dags/ that cannot be serialized, left out of the run's database sync."""

    file: str  # dags/x.py
    dag_id: str
    reason: str


class DagRunReport(_DagRunReportRequired, total=False):
    """dag-run.json: written by dag_run.py, carried into summary.json by driver.py."""

    state: str  # Airflow's state of the run (success/failed), "not run" when it did not start
    seconds: float
    set_aside: list[SetAside]
    import_errors: list[str]  # other dags/ files that do not import (not this run's business)


class Counts(TypedDict):
    """Test cases of a JUnit file (junit.counts)."""

    tests: int
    failures: int
    errors: int
    skipped: int


class _RunnerResultRequired(TypedDict):
    exit_code: int


class RunnerResult(_RunnerResultRequired, total=False):
    """What one test type's runner reports (driver.py adds the rest of a SummaryEntry)."""

    report: str | None  # the JUnit file, relative to the results folder
    tests: int
    failures: int
    errors: int
    skipped: int
    message: str
    dag_run: DagRunReport


class SummaryEntry(RunnerResult):
    """One element of summary.json (a JSON list): written by driver.py, read by breeze."""

    type: str
    seconds: float
    log: str
    database: str  # the scheme of the metadata database URL (never its credentials)


class ContractError(ValueError):
    """A file of the contract lacks a key its reader needs (a writer and a reader disagree)."""


T = TypeVar("T")


def required_keys(kind: Any) -> frozenset[str]:
    # __required_keys__ is Python 3.9+; on 3.8 (old Airflow 2 images) nothing is checked at runtime.
    return frozenset(getattr(kind, "__required_keys__", ()))


def check(data: Any, kind: type[T], where: str) -> T:
    """data as `kind`, after checking it is an object with every required key."""
    if not isinstance(data, dict):
        raise ContractError(f"{where}: expected a JSON object, got {type(data).__name__}")
    missing = sorted(required_keys(kind) - set(data))
    if missing:
        raise ContractError(f"{where}: missing {', '.join(missing)} (breeze and its runners disagree)")
    return cast(T, data)


def load_spec(path: Path) -> RunSpec:
    spec = check(json.loads(path.read_text()), RunSpec, str(path))
    check(spec["policies"], Policies, f"{path} policies")
    return spec


def load_dag_run(path: Path) -> DagRunReport:
    report = check(json.loads(path.read_text()), DagRunReport, str(path))
    for task in report["tasks"]:
        check(task, TaskReport, f"{path} task")
    return report


def load_summary(path: Path) -> list[SummaryEntry]:
    data = json.loads(path.read_text())
    if not isinstance(data, list):
        raise ContractError(f"{path}: expected a JSON list, got {type(data).__name__}")
    entries = [check(entry, SummaryEntry, f"{path} entry {n}") for n, entry in enumerate(data)]
    for entry in entries:
        if "dag_run" in entry:
            check(entry["dag_run"], DagRunReport, f"{path} dag_run")
    return entries
