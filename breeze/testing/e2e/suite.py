"""The end-to-end suite: tests a running Airflow through its REST API, the way production runs
the DAGs (scheduler, executor, workers). It takes a base URL and credentials only, so a local
compose stack and a Kubernetes cluster run the same code:

    healthy -> DAGs parsed -> zero import errors -> for each DAG: unpause, trigger, wait (bounded),
    check the run and each task's state -> failed tasks' logs -> e2e.xml, summary.json

Exit codes: 0 all as expected, 1 import errors or a run/task not as expected, 2 a DAG named in
[e2e] dags that Airflow does not know (or nothing to run)."""

from __future__ import annotations

import difflib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from breeze.stack.health import is_healthy
from breeze.testing.e2e.client import AirflowClient, ApiError, wait_until
from breeze.testing.e2e.report import DagRunResult, TaskResult, expected_state, write_results
from breeze.testing.e2e.settings import DEFAULT_TIMEOUT

FINISHED = ("success", "failed")
HEALTH_TIMEOUT = 180
PARSE_TIMEOUT = 180
E2E_TAG = "e2e"
POLL = 1.0  # seconds between two looks at the runs
PARSE_POLL = 1.0  # seconds between two looks at the DAGs while they are parsed
MISSING_PATIENCE = 10.0  # seconds a DAG named in [e2e] dags may still be parsing


@dataclass(frozen=True)
class E2EOutcome:
    exit_code: int
    summary: dict[str, Any]  # this run's entry of summary.json
    dag_runs: list[DagRunResult] = field(default_factory=list)


def run_e2e(
    base_url: str,
    username: str,
    password: str,
    airflow_major: int,
    dags: Sequence[str],
    conf: Mapping[str, Any],
    expectations: Mapping[str, Mapping[str, str]],
    results_dir: Path,
    console: Console,
    *,
    timeout: int = DEFAULT_TIMEOUT,
    settle: float = 5.0,
) -> E2EOutcome:
    """Run the suite against the Airflow at ``base_url``; write e2e.xml, e2e-logs/ and summary.json
    into ``results_dir``. ``dags`` empty: every DAG with no schedule or tagged `e2e`. ``settle``:
    seconds the DAG list must stay the same before it counts as parsed (0 on a long-running one)."""
    started = time.monotonic()
    client = AirflowClient(base_url, username, password, airflow_major)
    suite = _Suite(client, console, results_dir)
    try:
        code = suite.run(tuple(dags), dict(conf), expectations, timeout, settle)
    except ApiError as exc:
        suite.message = f"{exc.message}" + (f" {exc.fix}" if exc.fix else "")
        console.print(f"[red]e2e:[/] {escape(suite.message)}")
        code = 1
    entry = write_results(
        results_dir,
        base_url=base_url,
        exit_code=code,
        seconds=time.monotonic() - started,
        import_errors=suite.import_errors,
        dag_runs=suite.dag_runs,
        problems=suite.problems,
        message=suite.message,
    )
    return E2EOutcome(code, entry, suite.dag_runs)


class _Suite:
    def __init__(self, client: AirflowClient, console: Console, results_dir: Path) -> None:
        self.client = client
        self.console = console
        self.results_dir = results_dir
        self.import_errors: list[dict[str, Any]] = []
        self.dag_runs: list[DagRunResult] = []
        self.problems: list[tuple[str, str]] = []  # (case name, failure) outside any DAG run
        self.message = ""
        self.airflow_seconds: dict[str, float | None] = {}

    def run(
        self,
        dags: tuple[str, ...],
        conf: dict[str, Any],
        expectations: Mapping[str, Mapping[str, str]],
        timeout: int,
        settle: float,
    ) -> int:
        self._wait_healthy()
        listing = self._wait_parsed(dags, settle)
        self._check_import_errors()
        selected, code = self._select(listing, dags)
        self.dag_runs = self._run_dags(selected, conf, expectations, timeout)
        for result in self.dag_runs:
            if not result.ok:
                self._show_logs(result)
        failed = [run.dag_id for run in self.dag_runs if not run.ok]
        if failed:
            self.message = f"DAG run(s) not as expected: {', '.join(failed)}"
        if self.import_errors:
            self.message = "; ".join(
                filter(None, [f"{len(self.import_errors)} DAG file(s) failed to import", self.message])
            )
        if code:
            return code
        return 1 if failed or self.import_errors else 0

    # -- steps ------------------------------------------------------------------------------

    def _wait_healthy(self) -> None:
        health = wait_until(lambda: (h := self.client.health()) and is_healthy(h) and h, HEALTH_TIMEOUT)
        if not health:
            state = ", ".join(f"{k}: {v}" for k, v in sorted(self.client.health().items())) or "no answer"
            raise ApiError(
                f"Airflow at {self.client.base_url} was not healthy after {HEALTH_TIMEOUT} s ({state}).",
                fix="Check the scheduler and the metadata database (`breeze logs` for a local stack).",
            )

    def _wait_parsed(self, wanted: tuple[str, ...], settle: float) -> list[dict[str, Any]]:
        """The DAGs, once the DAG processor has been through every file: each DAG (with no DAG, each
        import error) it reports has been parsed again since the suite first saw it (the processor
        takes a file again only once its whole queue is done, so by then every file was parsed).
        Without parse times (an API that does not report them) the list must stop changing for
        ``settle`` seconds instead (longer while a named DAG is missing). Bounded by PARSE_TIMEOUT."""
        deadline = time.monotonic() + PARSE_TIMEOUT
        first: dict[tuple[str, str], str] = {}  # (kind, name) -> the parse time first seen
        last: tuple[frozenset[str], int] | None = None
        since = time.monotonic()
        patience = max(settle, MISSING_PATIENCE) if wanted else settle
        while True:
            listing = self.client.dags()
            errors = self.client.import_errors()
            stamps = _parse_stamps(listing, errors)
            for key, stamp in stamps.items():
                first.setdefault(key, stamp)
            ids = {str(dag["dag_id"]) for dag in listing}
            snapshot = (frozenset(ids), len(errors))
            if snapshot != last:
                last, since = snapshot, time.monotonic()
            # DAGs decide when there are any (an import error's time need not move on a new parse).
            judged = {k: v for k, v in stamps.items() if k[0] == "dag"} or stamps
            if judged and all(stamp and stamp != first[key] for key, stamp in judged.items()):
                return listing  # a full pass of the DAG processor since the first look
            if not all(judged.values()):  # no parse times: the list must stop changing instead
                if wanted and set(wanted) <= ids:
                    return listing
                if (ids or errors) and time.monotonic() - since >= patience:
                    return listing
            if time.monotonic() > deadline:
                return listing
            time.sleep(PARSE_POLL)

    def _check_import_errors(self) -> None:
        self.import_errors = sorted(self.client.import_errors(), key=lambda e: str(e.get("filename")))
        for error in self.import_errors:
            trace = str(error.get("stack_trace") or "").strip()
            last = trace.splitlines()[-1] if trace else "(no message)"
            self.console.print(f"[red]Import error[/] in {error.get('filename')}: {escape(last)}")
        if not self.import_errors:
            self.console.print("e2e: no DAG import errors")

    def _select(self, listing: list[dict[str, Any]], wanted: tuple[str, ...]) -> tuple[list[str], int]:
        known = sorted(dag["dag_id"] for dag in listing)
        if wanted:
            unknown = [dag_id for dag_id in wanted if dag_id not in known]
            for dag_id in unknown:
                close = difflib.get_close_matches(dag_id, known, n=3)
                text = f"[e2e] dags names {dag_id!r}, which Airflow does not know."
                text += f" Did you mean {', '.join(close)}?" if close else ""
                text += f" DAGs: {', '.join(known) or 'none'}."
                if self.import_errors:
                    text += " A file that failed to import may define it."
                self.problems.append((f"dag {dag_id}", text))
                self.console.print(f"[red]e2e:[/] {escape(text)}")
            if unknown:
                self.message = f"unknown DAG(s) in [e2e] dags: {', '.join(unknown)}"
            return [dag_id for dag_id in wanted if dag_id in known], 2 if unknown else 0
        selected = [dag["dag_id"] for dag in sorted(listing, key=lambda d: str(d["dag_id"])) if _chosen(dag)]
        if not selected:
            text = "No DAG to run: none is unscheduled or tagged `e2e`" + (
                f" (DAGs: {', '.join(known)})." if known else " (Airflow lists no DAG)."
            )
            self.problems.append(("select DAGs", text + " List them in [e2e] dags or tag them e2e."))
            self.console.print(f"[red]e2e:[/] {escape(text)}")
            self.message = "no DAG to run"
            return [], 2
        self.console.print(f"e2e: running {', '.join(selected)} (unscheduled or tagged e2e)")
        return selected, 0

    def _run_dags(
        self,
        selected: list[str],
        conf: dict[str, Any],
        expectations: Mapping[str, Mapping[str, str]],
        timeout: int,
    ) -> list[DagRunResult]:
        """Unpause and trigger every DAG, then wait for all of them: they run side by side, as
        the executor allows, and each has its own bound of ``timeout`` seconds."""
        started: dict[str, tuple[str, float]] = {}
        for dag_id in selected:
            self.client.unpause(dag_id)
            started[dag_id] = (self.client.trigger(dag_id, conf), time.monotonic())
        waiting = dict(started)
        finished: dict[str, tuple[str, float]] = {}
        while waiting:
            for dag_id, (run_id, since) in list(waiting.items()):
                run = self.client.dag_run(dag_id, run_id)
                state = str(run.get("state"))
                elapsed = time.monotonic() - since
                if state in FINISHED or elapsed > timeout:
                    finished[dag_id] = (state if state in FINISHED else "timed out", elapsed)
                    self.airflow_seconds[dag_id] = _span(run)
                    del waiting[dag_id]
            if waiting:
                time.sleep(POLL)
        return [
            self._result(dag_id, started[dag_id][0], *finished[dag_id], expectations.get(dag_id, {}), timeout)
            for dag_id in selected
        ]

    def _result(
        self, dag_id: str, run_id: str, state: str, seconds: float, expect: Mapping[str, str], timeout: int
    ) -> DagRunResult:
        tasks = [
            TaskResult.of(ti, expected_state(str(ti["task_id"]), expect))
            for ti in sorted(
                self.client.task_instances(dag_id, run_id),
                key=lambda t: (str(t["task_id"]), int(t.get("map_index", -1) or -1)),
            )
        ]
        result = DagRunResult(dag_id, run_id, state, seconds, tasks, expect_failure=_expects_failure(expect))
        result.airflow_seconds = self.airflow_seconds.get(dag_id)
        if state == "timed out":
            result.error = f"did not finish within {timeout} s ([e2e] timeout)"
        colour = "green" if result.ok else "red"
        self.console.print(
            f"  {dag_id}: [{colour}]{state}[/] in {seconds:.1f} s"
            + ("" if result.ok else f" ({escape(result.why())})")
        )
        return result

    def _show_logs(self, result: DagRunResult) -> None:
        for task in result.tasks:
            if task.ok and task.state != "failed":
                continue
            if task.state in ("none", "upstream_failed", "skipped", "removed", "scheduled", "queued"):
                continue
            try:
                text = self.client.task_log(result.dag_id, result.run_id, task.raw)
            except ApiError as exc:
                text = f"(the log could not be read: {exc.message})"
            task.log = text
            path = self.results_dir / "e2e-logs" / result.dag_id / f"{task.name}.log"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            tail = "\n".join(text.splitlines()[-30:])
            self.console.print(f"[bold]{result.dag_id}.{task.name}[/] ({task.state}), end of its log:")
            self.console.print(tail, markup=False, highlight=False, soft_wrap=True)  # lines kept whole


def _parse_stamps(dags: list[dict[str, Any]], errors: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """When the processor last parsed each DAG (``last_parsed_time``) and each file that failed
    (the import error's ``timestamp``); '' where the API does not say."""
    stamps = {("dag", str(dag.get("dag_id"))): str(dag.get("last_parsed_time") or "") for dag in dags}
    for error in errors:
        stamps[("error", str(error.get("filename")))] = str(error.get("timestamp") or "")
    return stamps


def _span(run: Mapping[str, Any]) -> float | None:
    """The run's own duration as Airflow recorded it (start_date to end_date)."""
    try:
        start = datetime.fromisoformat(str(run["start_date"]).replace("Z", "+00:00"))
        end = datetime.fromisoformat(str(run["end_date"]).replace("Z", "+00:00"))
    except (KeyError, TypeError, ValueError):
        return None
    return (end - start).total_seconds()


def _chosen(dag: Mapping[str, Any]) -> bool:
    tags = {str(tag.get("name") if isinstance(tag, dict) else tag) for tag in dag.get("tags") or []}
    return E2E_TAG in tags or _unscheduled(dag)


def _unscheduled(dag: Mapping[str, Any]) -> bool:
    """Airflow 3 reports the schedule as ``timetable_summary`` ("None" or null); Airflow 2 as
    ``schedule_interval`` (null)."""
    if "timetable_summary" in dag:
        return dag["timetable_summary"] in (None, "", "None")
    return dag.get("schedule_interval") is None


def _expects_failure(expect: Mapping[str, str]) -> bool:
    return any(state in ("failed", "upstream_failed") for state in expect.values())
