"""Run one DAG for real (Airflow's `dag.test()`, against the stack's database) and report each
task's final state and the error of each failed task. Writes dag-run.xml and dag-run.json.

A run passes when Airflow's run state is success and no task failed (skipped tasks are skipped by
design); --expect TASK=STATE holds the matching tasks to exactly that state instead.

Other files in dags/ are not this run's business: one that does not import is only noted, and a
DAG that cannot be serialized is set aside for the run (Airflow 3's dag.test() writes every DAG of
the folder to the database first, and one such DAG would stop it), as the dag-processor itself sets
such DAGs aside. Both are named, one line each.

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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).parent))

if TYPE_CHECKING:  # the type checker sees the package; the CI image has only this folder
    from breeze.testing.incontainer import junit, serialize
    from breeze.testing.incontainer.contract import DagRunReport, SetAside, TaskReport, load_spec
else:
    import junit
    import serialize
    from contract import DagRunReport, SetAside, TaskReport, load_spec

RESULTS = Path(os.environ.get("BREEZE_RESULTS_DIR", "/opt/breeze/results"))
FAILED_STATES = ("failed", "upstream_failed")
DEFAULT_EXPECTATION = "not failed"


def _load_dagbag() -> Any:
    try:
        from airflow.dag_processing.dagbag import DagBag
    except ImportError:
        from airflow.models.dagbag import DagBag
    kwargs = {}
    if "include_examples" in inspect.signature(DagBag.__init__).parameters:
        kwargs["include_examples"] = False
    return DagBag(**kwargs)


def _record_errors(dag: Any, errors: dict[str, str]) -> None:
    """Add (never replace) a failure callback that keeps each failed task's exception."""

    def remember(context: dict[str, Any]) -> None:
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


def expectation(task_id: str, expect: dict[str, str]) -> str:
    for pattern, state in expect.items():
        if fnmatch.fnmatchcase(task_id, pattern):
            return state
    return DEFAULT_EXPECTATION


def meets(state: str, wanted: str) -> bool:
    return state not in FAILED_STATES if wanted == DEFAULT_EXPECTATION else state == wanted


def _relative(path: str) -> str:
    folder = os.environ.get("AIRFLOW__CORE__DAGS_FOLDER") or f"{os.environ.get('AIRFLOW_HOME', '')}/dags"
    if not os.path.isabs(path):  # Airflow 3.1+ keys import errors by the path within the bundle
        return f"dags/{path}"
    return f"dags/{os.path.relpath(path, folder)}" if path.startswith(folder) else path


def _set_aside(bag: Any, dag_id: str) -> list[SetAside]:
    """The other DAGs Airflow cannot serialize (each is named with its file and reason)."""
    found: list[SetAside] = []
    for other_id, other in sorted(bag.dags.items()):
        if other_id == dag_id:
            continue
        why = serialize.error(other)
        if why:
            found.append({"file": _relative(other.fileloc), "dag_id": other_id, "reason": why})
    return found


@contextmanager
def _without(set_aside: list[SetAside]) -> Iterator[None]:
    """dag.test() writes the folder's DAGs to the database (Airflow 3.1+: `sync_bag_to_db`, looked
    up when called): leave out the ones set aside, as the dag-processor leaves them out."""
    try:
        from airflow.dag_processing import dagbag as module
    except ImportError:
        yield
        return
    original = getattr(module, "sync_bag_to_db", None)
    skip = {entry["dag_id"] for entry in set_aside}
    if original is None or not skip:
        yield
        return

    def sync_bag_to_db(bag: Any, *args: Any, **kwargs: Any) -> Any:
        for dag_id in skip & set(bag.dags):
            del bag.dags[dag_id]
        return original(bag, *args, **kwargs)

    module.sync_bag_to_db = sync_bag_to_db
    try:
        yield
    finally:
        module.sync_bag_to_db = original


def _unknown(dag_id: str, bag: Any, report: DagRunReport) -> int:
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


def _could_not_run(exc: BaseException, dag_id: str, set_aside: list[SetAside]) -> str:
    """One line for a run Airflow did not start (the traceback is in dag-run.log)."""
    traceback.print_exc()
    why = serialize.reason(exc)
    if type(exc).__name__ == "SerializationError":
        culprit = next((e for e in set_aside if repr(e["dag_id"]) in str(exc)), None)
        if culprit is None and dag_id in str(exc):
            return f"DAG {dag_id} cannot be serialized, so Airflow cannot run it: {why}"
        where = culprit["file"] if culprit else "another file in dags/"
        return (
            f"The run could not start: Airflow's dag.test() writes every DAG of dags/ to the database "
            f"and {where} cannot be serialized ({why}); fix it or move it out of dags/."
        )
    return f"The run could not start: {type(exc).__name__}: {why} (the traceback is in dag-run.log)"


def _tasks(dag_run: Any, expect: dict[str, str], errors: dict[str, str]) -> list[TaskReport]:
    tasks: list[TaskReport] = []
    for ti in sorted(dag_run.get_task_instances(), key=lambda t: (t.task_id, t.map_index)):
        state = str(getattr(ti.state, "value", ti.state) or "none")
        wanted = expectation(ti.task_id, expect)
        name = ti.task_id if ti.map_index is None or ti.map_index < 0 else f"{ti.task_id}[{ti.map_index}]"
        ok = meets(state, wanted)
        tasks.append(
            {"task": name, "state": state, "expected": wanted, "ok": ok, "error": errors.get(ti.task_id)}
        )
    return tasks


def _write(report: DagRunReport) -> None:
    cases = []
    for task in report["tasks"]:
        failure = None
        if not task["ok"]:
            failure = f"{task['task']} ended {task['state']}, expected {task['expected']}"
            failure += f"\n{task['error']}" if task["error"] else ""
        classname = f"dag_run.{report['dag_id']}"
        cases.append(
            junit.Case(name=task["task"], classname=classname, failure=failure, output=task["error"] or "")
        )
    if report["error"]:
        cases.append(junit.Case(name="run", classname=f"dag_run.{report['dag_id']}", failure=report["error"]))
    junit.write(RESULTS / "dag-run.xml", f"dag-run {report['dag_id']}", cases)
    (RESULTS / "dag-run.json").write_text(json.dumps(report, indent=2))


def main() -> int:
    spec = load_spec(Path(os.environ.get("BREEZE_TESTS_SPEC", "/opt/breeze/spec.json")))
    dag_id = spec["dag_id"]
    assert dag_id is not None, "breeze runs dag_run.py only with a DAG id"
    report: DagRunReport = {"dag_id": dag_id, "tasks": [], "error": None}
    bag = _load_dagbag()
    dag = bag.get_dag(dag_id) if dag_id in bag.dag_ids else None
    if dag is None:
        return _unknown(dag_id, bag, report)
    set_aside = _set_aside(bag, dag_id)
    report["set_aside"] = set_aside
    report["import_errors"] = sorted(_relative(path) for path in bag.import_errors)
    errors: dict[str, str] = {}
    _record_errors(dag, errors)
    parameters = inspect.signature(dag.test).parameters
    kwargs = {"run_conf": spec["conf"]} if "run_conf" in parameters else {"conf": spec["conf"]}
    print(f"Running DAG {dag_id} with conf {json.dumps(spec['conf'])}", flush=True)
    started = time.monotonic()
    try:
        with _without(set_aside):
            dag_run = dag.test(**kwargs)
    except Exception as exc:
        report["error"] = _could_not_run(exc, dag_id, set_aside)
        report["state"] = "not run"
        _write(report)
        return 1
    report["seconds"] = round(time.monotonic() - started, 2)
    report["tasks"] = _tasks(dag_run, spec["expect"], errors)
    report["state"] = str(getattr(dag_run.state, "value", dag_run.state))
    if report["state"] != "success" and all(task["ok"] for task in report["tasks"]) and not spec["expect"]:
        report["error"] = f"Airflow's run state is {report['state']}, not success"
    _write(report)
    return 0 if all(task["ok"] for task in report["tasks"]) and not report["error"] else 1


if __name__ == "__main__":
    sys.exit(main())
