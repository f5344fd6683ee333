"""`breeze tests` as a pipeline: plan -> results folder -> stack (own compose project) -> the
in-container driver -> summary -> stack down, always, with the containers' logs kept on failure."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from breeze import runlog
from breeze.compose import ComposeProject
from breeze.config import ProjectConfig, load_project, select_python
from breeze.context import AppContext
from breeze.errors import EngineCommandFailed, StackError
from breeze.files import write_private
from breeze.stack.lifecycle import compose_failure, take_down
from breeze.stack.params import StackParams, compose_project_name
from breeze.stack.prepare import Prepared, prepare
from breeze.stack.request import check_request
from breeze.stack.state import stack_dir
from breeze.terminal import write_stream
from breeze.testing import results
from breeze.testing.incontainer.contract import DagRunReport, RunSpec, SummaryEntry
from breeze.testing.params import TestsRequest, plan

INCONTAINER = Path(__file__).parent / "incontainer"
TOOLS_DIR = "/opt/breeze/testing"
PROJECT_DIR = "/opt/breeze/project"
RESULTS_DIR = "/opt/breeze/results"
SPEC_FILE = "/opt/breeze/spec.json"


def run_tests(ctx: AppContext, request: TestsRequest) -> int:
    checked = check_request(request.stack)
    config = load_project(ctx.project_dir)
    test_plan = plan(config, request)
    if test_plan.types == ("e2e",):
        from breeze.testing.e2e.local import run_e2e_tests

        return run_e2e_tests(ctx, config, request.stack)
    python = select_python(config, request.stack.python)
    backend = request.stack.backend if test_plan.needs_database else "none"
    run_id, run_dir = results.new_run_dir(config, backend, python)
    try:
        prepared = prepare(
            ctx,
            config,
            checked,
            components=False,
            run_id=run_id,
            test_mounts=_mounts(config, run_id, run_dir),
        )
    except BaseException:
        shutil.rmtree(run_dir, ignore_errors=True)
        raise
    params = prepared.params
    _write_spec(
        params,
        test_plan.spec(
            config,
            color=ctx.console.is_terminal,
            cache=_writable(config.root, params.container_uid),
            verbose=ctx.verbose,
        ),
        dry_run=ctx.dry_run,
    )
    _give_to_container(run_dir, params.container_uid)
    where = (
        f"{params.backend}, Python {python}" if test_plan.needs_database else f"Python {python}, no database"
    )
    relative = run_dir.relative_to(config.root)
    ctx.console.print(
        f"[bold]breeze tests[/] {', '.join(test_plan.types)} for {config.name} ({where}); results in {relative}/"
    )
    started = time.monotonic()
    summary = _run_and_dispose(ctx, prepared, run_dir, needs_database=test_plan.needs_database)
    if ctx.dry_run:
        return 0
    if not summary.entries:
        raise StackError(
            f"The test run stopped (exit code {summary.code}) before any test type reported.",
            fix=f"Read the output above and {relative}/containers.log (the containers' logs).",
        )
    _report(ctx, summary.entries, run_dir, config.root, time.monotonic() - started)
    return results.exit_code(summary.entries)


def _mounts(config: ProjectConfig, run_id: str, run_dir: Path) -> tuple[str, ...]:
    spec = stack_dir(compose_project_name(config, run_id)) / "spec.json"
    return (
        f"{config.root}:{PROJECT_DIR}",
        f"{run_dir}:{RESULTS_DIR}",
        f"{INCONTAINER}:{TOOLS_DIR}:ro",
        f"{spec}:{SPEC_FILE}:ro",
    )


@dataclass(frozen=True)
class _Outcome:
    code: int | None
    entries: list[SummaryEntry]


def _run_and_dispose(ctx: AppContext, prepared: Prepared, run_dir: Path, *, needs_database: bool) -> _Outcome:
    """Run the driver; whatever happens, keep the logs of a failed run and dispose of the stack."""
    code: int | None = None
    try:
        code = _run_driver(ctx, prepared.project, needs_database=needs_database)
    finally:
        summary = results.read_summary(run_dir)
        if not ctx.dry_run and (code != 0 or not summary):
            _save_logs(prepared.project, run_dir)
        _dispose(ctx, prepared.project)
        shutil.rmtree(prepared.params.stack_dir, ignore_errors=True)
        if ctx.dry_run:
            shutil.rmtree(run_dir, ignore_errors=True)
        else:
            results.point_latest(run_dir)
    return _Outcome(code, summary)


def _write_spec(params: StackParams, spec: RunSpec, *, dry_run: bool) -> None:
    write_private(params.stack_dir / "spec.json", json.dumps(spec, indent=2), 0o644, dry_run=dry_run)


def _writable(root: Path, uid: int) -> bool:
    """Whether the container user (group 0) may write the project, e.g. pytest's cache."""
    status = root.stat()
    return status.st_uid == uid or (status.st_gid == 0 and bool(status.st_mode & 0o020))


def _give_to_container(run_dir: Path, uid: int) -> None:
    """The container runs as the host user; as root (sudo) that is the project's owner."""
    if os.getuid() == 0 and uid != 0:
        os.chown(run_dir, uid, 0)


def _run_driver(ctx: AppContext, project: ComposeProject, *, needs_database: bool) -> int:
    command = ["python", f"{TOOLS_DIR}/driver.py"]
    envs = {"BREEZE_TESTS_SPEC": SPEC_FILE, "BREEZE_PROJECT_DIR": PROJECT_DIR}
    try:
        for source, chunk in project.stream_run("airflow", command, envs=envs, dependencies=needs_database):
            runlog.note_bytes(chunk)  # all of it, compose's progress too (shown with --verbose)
            if source == "stderr" and not ctx.verbose:
                chunk = _without_compose_progress(chunk)
            if chunk:
                write_stream(source, chunk)
    except EngineCommandFailed as exc:
        if exc.return_code in (125, 126, 127) or not _started(exc.stderr):
            raise compose_failure(exc, "docker compose could not start the test stack.") from None
        return exc.return_code
    return 0


_COMPOSE_PROGRESS = re.compile(
    rb"^\s*(Network|Volume|Container) \S.* (Creating|Created|Starting|Started|Waiting|Healthy|Exited|Running|Recreate|Recreated)\s*$"
)


def _without_compose_progress(chunk: bytes) -> bytes:
    """compose's own progress lines (network/volume/container created...) are noise here."""
    lines = chunk.splitlines(keepends=True)
    return b"".join(line for line in lines if not _COMPOSE_PROGRESS.match(line))


def _started(stderr: str) -> bool:
    """compose failed before the driver ran (a dependency did not come up) or the driver failed."""
    text = stderr
    return "didn't complete successfully" not in text and "is unhealthy" not in text


def _dispose(ctx: AppContext, project: ComposeProject) -> None:
    """A test stack is disposable: containers, network and volumes (its database too) all go.

    On Ctrl-C the `compose run` container may still be stopping when `compose down` runs, which
    then cannot remove the network and the volumes it uses: remove it by label and go again."""
    take_down(project, volumes=True)
    if ctx.dry_run:
        return
    try:
        left = ctx.engine.containers(f"com.docker.compose.project={project.name}")
        for container in left:
            ctx.engine.remove("container", container.id)
    except EngineCommandFailed:
        return
    if left:
        take_down(project, volumes=True)


def _save_logs(project: ComposeProject, run_dir: Path) -> None:
    try:
        text = project.logs(timestamps=True)
    except EngineCommandFailed as exc:  # the logs are a courtesy; the run's own result is what matters
        text = f"(could not read the containers' logs: {exc.last_line or exc.message})"
    (run_dir / "containers.log").write_text(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text))


def _report_dag_run(ctx: AppContext, data: DagRunReport) -> None:
    """The run's table, each failed task's own log lines, one line per other file set aside.
    Log lines are printed as they are (no markup: Airflow's "[error    ]" is not a style)."""
    if data["tasks"]:
        ctx.console.print(results.dag_run_table(data))
    for title, lines in results.failed_task_logs(data):
        ctx.console.print(f"\n[bold]{title}[/]")
        for line in lines:
            ctx.console.print(line, markup=False, highlight=False, soft_wrap=True)
    for note in results.dag_run_notes(data):
        ctx.console.print(note, markup=False, highlight=False, soft_wrap=True)


def _report(ctx: AppContext, summary: list[SummaryEntry], run_dir: Path, root: Path, seconds: float) -> None:
    ctx.console.print()
    for entry in summary:
        if "dag_run" in entry:
            _report_dag_run(ctx, entry["dag_run"])
    ctx.console.print(results.summary_table(summary))
    for entry in summary:
        if entry["exit_code"] and entry.get("message"):
            ctx.console.print(f"[red]{entry['type']}:[/] {entry['message']}")
    code = results.exit_code(summary)
    verdict = "[bold green]passed[/]" if code == 0 else f"[bold red]failed[/] (exit code {code})"
    ctx.console.print(f"breeze tests {verdict} in {seconds:.0f} s; results in {run_dir.relative_to(root)}/")
