"""Runs the requested test types one after the other in the CI image and writes summary.json.

One process per type, its output streamed and kept in <type>.log in the results folder. The spec
(types, pytest arguments, policies, DAG run) comes from breeze as JSON."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

# In the container this folder is all there is of breeze: its modules import each other by name.
# The type checker (on the host) sees them as the package they are.
if TYPE_CHECKING:
    from breeze.testing.incontainer import junit, tasklog
    from breeze.testing.incontainer.contract import (
        RunnerResult,
        RunSpec,
        SummaryEntry,
        load_dag_run,
        load_spec,
    )
else:
    import junit
    import tasklog
    from contract import RunnerResult, RunSpec, SummaryEntry, load_dag_run, load_spec

SPEC_FILE = Path(os.environ.get("BREEZE_TESTS_SPEC", "/opt/breeze/spec.json"))
RESULTS = Path(os.environ.get("BREEZE_RESULTS_DIR", "/opt/breeze/results"))
PROJECT = Path(os.environ.get("BREEZE_PROJECT_DIR", "/opt/breeze/project"))
PYTEST_NO_TESTS = 5


def _run(
    argv: list[str], log: Path, cwd: Path, env: dict[str, str] | None = None, stream: bool = True
) -> int:
    """Run argv, keep its output in log, and stream it (unless told not to)."""
    with log.open("ab") as handle:
        handle.write(f"$ {' '.join(argv)}\n".encode())
        process = subprocess.Popen(
            argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
        assert process.stdout is not None
        for line in iter(process.stdout.readline, b""):
            if stream:
                sys.stdout.buffer.write(line)
                sys.stdout.buffer.flush()
            handle.write(line)
        return process.wait()


def _pytest(
    name: str, args: list[str], spec: RunSpec, cwd: Path, env: dict[str, str] | None = None
) -> RunnerResult:
    report = RESULTS / f"{name}.xml"
    argv = [sys.executable, "-m", "pytest", f"--junitxml={report}", "-o", "junit_family=xunit2", *args]
    if spec["color"]:
        argv.append("--color=yes")
    if not spec["cache"]:
        argv[3:3] = ["-p", "no:cacheprovider"]  # the container user cannot write the project
    code = _run(argv, RESULTS / f"{name}.log", cwd, env)
    result: RunnerResult = {"exit_code": code, "report": report.name if report.is_file() else None}
    if report.is_file():
        _add_counts(result, report)
    if code == PYTEST_NO_TESTS:
        result["message"] = "pytest collected no tests"
    return result


def _add_counts(result: RunnerResult, report: Path) -> None:
    counts = junit.counts(report)
    result["tests"], result["failures"] = counts["tests"], counts["failures"]
    result["errors"], result["skipped"] = counts["errors"], counts["skipped"]


def unit(spec: RunSpec) -> RunnerResult:
    args = list(spec["pytest_args"])
    if not spec["paths_given"]:
        args.insert(0, spec["tests_folder"])
    result = _pytest("unit", args, spec, PROJECT)
    if result["exit_code"] == PYTEST_NO_TESTS:
        where = " ".join(args) if spec["paths_given"] else f"{spec['tests_folder']}/"
        result["message"] = (
            f"pytest collected no tests from {where}: add test_*.py files with test_ functions, "
            "or check the paths and -k/-m expressions you passed"
        )
    return result


def dag_integrity(spec: RunSpec) -> RunnerResult:
    args = ["-c", str(HERE / "pytest.ini"), "--rootdir", str(HERE), "-q", "--show-capture=no", "-rf"]
    args.append(str(HERE / "dag_integrity.py"))
    # Airflow keeps 2 frames of an import error by default; breeze keeps the project's own frames.
    env = {"AIRFLOW__CORE__DAGBAG_IMPORT_ERROR_TRACEBACK_DEPTH": "100"}
    result = _pytest("dag-integrity", args, spec, HERE, env)
    if result.get("failures") or result.get("errors"):
        result["message"] = f"{result.get('failures', 0) + result.get('errors', 0)} DAG file(s) failed"
    return result


def dag_run(spec: RunSpec) -> RunnerResult:
    """Airflow's whole log (every task, every other DAG file it parses) goes to dag-run.log and
    only with --verbose to the terminal; the report carries each failed task's own lines."""
    log = RESULTS / "dag-run.log"
    if not spec["verbose"]:
        print(f"Running DAG {spec['dag_id']}: Airflow's log is in dag-run.log (-v shows it here)", flush=True)
    code = _run([sys.executable, str(HERE / "dag_run.py")], log, PROJECT, stream=spec["verbose"])
    result: RunnerResult = {"exit_code": code}
    details = RESULTS / "dag-run.json"
    if details.is_file():
        data = load_dag_run(details)
        attempts = tasklog.split(log.read_text(errors="replace"))
        for task in data["tasks"]:
            if not task["ok"] and task["task"] in attempts:
                task["log"] = tasklog.own_lines(attempts[task["task"]], _project_paths())
        result["dag_run"] = data
        tasks = data["tasks"]
        result["tests"] = len(tasks)
        result["failures"] = sum(1 for t in tasks if not t["ok"])
        result["errors"] = result["skipped"] = 0
        result["report"] = "dag-run.xml" if (RESULTS / "dag-run.xml").is_file() else None
        if data["error"]:
            result["message"] = data["error"]
    return result


def _project_paths() -> tuple[str, ...]:
    """Where the project's own code lives in the container (its frames are kept in tracebacks)."""
    home = os.environ.get("AIRFLOW_HOME", "/opt/airflow")
    dags = os.environ.get("AIRFLOW__CORE__DAGS_FOLDER") or f"{home}/dags"
    return (dags, home, str(PROJECT))


def _dockerfiles() -> list[str]:
    found = []
    for path in sorted(PROJECT.rglob("*")):
        parts = path.relative_to(PROJECT).parts
        if any(part.startswith(".") or part in ("node_modules", "test-results") for part in parts):
            continue
        if path.is_file() and (
            path.name == "Dockerfile" or path.name.startswith("Dockerfile.") or path.suffix == ".Dockerfile"
        ):
            found.append(str(path.relative_to(PROJECT)))
    return found


def lint(spec: RunSpec) -> RunnerResult:
    checks = spec["lint"]
    log = RESULTS / "lint.log"
    cases: list[junit.Case] = []
    commands: list[tuple[str, list[str]]] = []
    if "ruff" in checks:
        commands.append(("ruff", ["ruff", "check", "--no-cache", "."]))
    if "ruff-format" in checks:
        commands.append(("ruff-format", ["ruff", "format", "--no-cache", "--check", "--diff", "."]))
    if "hadolint" in checks:
        files = _dockerfiles()
        if files:
            commands.append(("hadolint", ["hadolint", "--no-color", *files]))
    worst = 0
    for name, argv in commands:
        if shutil.which(argv[0]) is None:
            failure = (
                f"{argv[0]} is not in this CI image (built by an older breeze): run `breeze build-image`"
            )
            print(failure, flush=True)
            cases.append(junit.Case(name=name, classname="lint", failure=failure))
            worst = worst or 1
            continue
        started = time.monotonic()
        before = log.stat().st_size if log.is_file() else 0
        code = _run(argv, log, PROJECT, {"NO_COLOR": "1"})
        output = log.read_bytes()[before:].decode(errors="replace")
        print(f"{name}: {'ok' if code == 0 else 'failed'}", flush=True)
        cases.append(
            junit.Case(
                name=name,
                classname="lint",
                seconds=time.monotonic() - started,
                failure=None if code == 0 else f"{name} found problems:\n{output}",
                output=output,
            )
        )
        worst = worst or code
    junit.write(RESULTS / "lint.xml", "lint", cases)
    failed = [case.name for case in cases if case.failure]
    result: RunnerResult = {"exit_code": 1 if worst else 0, "report": "lint.xml"}
    _add_counts(result, RESULTS / "lint.xml")
    if failed:
        result["message"] = f"{', '.join(failed)} found problems"
    return result


RUNNERS = {"unit": unit, "dag-integrity": dag_integrity, "dag-run": dag_run, "lint": lint}


def main() -> int:
    spec = load_spec(SPEC_FILE)
    summary: list[SummaryEntry] = []
    for kind in spec["types"]:
        print(f"\n===== breeze tests: {kind} =====", flush=True)
        started = time.monotonic()
        try:
            result = RUNNERS[kind](spec)
        except Exception as exc:  # a bug in breeze's runner: report it, run the other types
            traceback.print_exc()
            result = {
                "exit_code": 1,
                "message": f"breeze's {kind} runner failed ({exc}); this is a bug in breeze",
            }
        # Which database Airflow used (the URL's scheme only: never its credentials).
        database = os.environ.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "").split(":", 1)[0]
        entry: SummaryEntry = {
            **result,
            "type": kind,
            "seconds": round(time.monotonic() - started, 2),
            "log": f"{kind}.log",
            "database": database,
        }
        summary.append(entry)
        (RESULTS / "summary.json").write_text(json.dumps(summary, indent=2))
    return next((r["exit_code"] for r in summary if r["exit_code"]), 0)


if __name__ == "__main__":
    sys.exit(main())
