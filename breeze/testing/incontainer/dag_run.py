"""Run one DAG for real (Airflow's `dag.test()`, against the stack's database) and report each
task's final state and the error of each failed task. Writes dag-run.xml and dag-run.json.

Exit codes: 0 every task ended as expected, 1 some did not, 2 unknown DAG id."""

from __future__ import annotations

import difflib
import fnmatch
import inspect
import json
import os
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import junit
from contract import DagRunReport, load_spec

RESULTS = Path(os.environ.get("BREEZE_RESULTS_DIR", "/opt/breeze/results"))


def _load_dagbag():
    try:
        from airflow.dag_processing.dagbag import DagBag
    except ImportError:
        from airflow.models.dagbag import DagBag
    kwargs = {}
    if "include_examples" in inspect.signature(DagBag.__init__).parameters:
        kwargs["include_examples"] = False
    return DagBag(**kwargs)


def _record_errors(dag, errors: dict[str, str]) -> None:
    """Add (never replace) a failure callback that keeps each failed task's exception."""

    def remember(context: dict) -> None:
        ti = context.get("ti") or context.get("task_instance")
        exception = context.get("exception")
        if ti is None or exception is None:
            return
        lines = traceback.format_exception(type(exception), exception, exception.__traceback__)
        errors[ti.task_id] = "".join(lines[-6:]).rstrip() if len(lines) > 6 else "".join(lines).rstrip()

    for task in dag.tasks:
        try:
            existing = task.on_failure_callback
            callbacks = (
                list(existing) if isinstance(existing, list | tuple) else ([existing] if existing else [])
            )
            task.on_failure_callback = [*callbacks, remember]
        except (AttributeError, TypeError):  # a mapped task keeps its callbacks elsewhere
            continue


def _expected(task_id: str, expect: dict[str, str]) -> str:
    for pattern, state in expect.items():
        if fnmatch.fnmatchcase(task_id, pattern):
            return state
    return "success"


def main() -> int:
    spec = load_spec(Path(os.environ.get("BREEZE_TESTS_SPEC", "/opt/breeze/spec.json")))
    dag_id = spec["dag_id"]
    assert dag_id is not None, "breeze runs dag_run.py only with a DAG id"
    conf = spec["conf"]
    expect = spec["expect"]
    report: DagRunReport = {"dag_id": dag_id, "tasks": [], "error": None}
    bag = _load_dagbag()
    dag = bag.get_dag(dag_id) if dag_id in bag.dag_ids else None
    if dag is None:
        close = difflib.get_close_matches(dag_id, bag.dag_ids, n=3)
        message = f"There is no DAG {dag_id!r} in dags/."
        if close:
            message += f" Did you mean {', '.join(close)}?"
        message += f" DAGs: {', '.join(sorted(bag.dag_ids)) or 'none'}."
        if bag.import_errors:
            message += (
                f" {len(bag.import_errors)} file(s) failed to import and may define it: "
                f"{', '.join(sorted(Path(f).name for f in bag.import_errors))} (run `breeze tests --dag-integrity`)."
            )
        report["error"] = message
        (RESULTS / "dag-run.json").write_text(json.dumps(report, indent=2))
        print(message, file=sys.stderr)
        return 2
    errors: dict[str, str] = {}
    _record_errors(dag, errors)
    parameters = inspect.signature(dag.test).parameters
    kwargs = {"run_conf": conf} if "run_conf" in parameters else {"conf": conf}
    print(f"Running DAG {dag_id} with conf {json.dumps(conf)}", flush=True)
    started = time.monotonic()
    dag_run = dag.test(**kwargs)
    seconds = time.monotonic() - started
    cases: list[junit.Case] = []
    failed = False
    for ti in sorted(dag_run.get_task_instances(), key=lambda t: (t.task_id, t.map_index)):
        state = str(getattr(ti.state, "value", ti.state) or "none")
        wanted = _expected(ti.task_id, expect)
        name = ti.task_id if ti.map_index is None or ti.map_index < 0 else f"{ti.task_id}[{ti.map_index}]"
        error = errors.get(ti.task_id)
        ok = state == wanted
        failed = failed or not ok
        failure = None if ok else f"{name} ended {state}, expected {wanted}" + (f"\n{error}" if error else "")
        cases.append(
            junit.Case(name=name, classname=f"dag_run.{dag_id}", failure=failure, output=error or "")
        )
        report["tasks"].append({"task": name, "state": state, "expected": wanted, "ok": ok, "error": error})
    report["state"] = str(getattr(dag_run.state, "value", dag_run.state))
    report["seconds"] = round(seconds, 2)
    junit.write(RESULTS / "dag-run.xml", f"dag-run {dag_id}", cases)
    (RESULTS / "dag-run.json").write_text(json.dumps(report, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
