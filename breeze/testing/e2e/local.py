"""`breeze tests --type e2e [--production]`: the e2e suite against the project's local stack.

[e2e] settings -> results folder -> the running stack of the project (if it is up, healthy and
of the same kind) or a stack of its own (own compose project: start, wait healthy) -> run_e2e
-> summary -> its own stack down with its volumes, always (containers' logs kept on failure)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from breeze.compose import ComposeProject
from breeze.config import ProjectConfig, select_python
from breeze.context import AppContext
from breeze.errors import EngineCommandFailed, StackError
from breeze.stack.health import is_healthy
from breeze.stack.lifecycle import compose_up, take_down
from breeze.stack.params import ADMIN_USER
from breeze.stack.prepare import prepare
from breeze.stack.request import StackRequest, check_request
from breeze.stack.secrets import load_or_create
from breeze.stack.stack import existing_stack
from breeze.stack.state import StackState
from breeze.stack.wait import wait_healthy
from breeze.testing import results
from breeze.testing.e2e.client import AirflowClient
from breeze.testing.e2e.finish import airflow_major, show_outcome
from breeze.testing.e2e.settings import E2ESettings, load_e2e
from breeze.testing.e2e.suite import E2EOutcome, run_e2e

# A stack that has been up for a while has parsed its DAGs: the list need not settle as long.
SETTLE_RUNNING = 2.0
SETTLE_NEW = 8.0


def run_e2e_tests(ctx: AppContext, config: ProjectConfig, request: StackRequest) -> int:
    checked = check_request(request)
    settings = load_e2e(config)
    python = select_python(config, request.python)
    kind = "production" if request.production else request.backend
    running = _running_stack(ctx, config, request)
    if running is not None:
        url, state = running
        _, run_dir = results.new_run_dir(config, f"e2e-{state.get('backend', kind)}", python)
        image = "production image" if state.get("production") else "CI image"
        ctx.console.print(
            f"[bold]breeze tests[/] e2e against the running stack ({image}, {state.get('backend')}, "
            f"{state.get('executor')}) at {url}; results in {run_dir.relative_to(config.root)}/"
        )
        return _finish(
            ctx, config, run_dir, _suite(ctx, config, settings, url, run_dir, settle=SETTLE_RUNNING)
        )
    run_id, run_dir = results.new_run_dir(config, f"e2e-{kind}", python, dry_run=ctx.dry_run)
    try:
        prepared = prepare(ctx, config, checked, components=True, run_id=run_id)
    except BaseException:
        if not ctx.dry_run:
            shutil.rmtree(run_dir, ignore_errors=True)
        raise
    params, project = prepared.params, prepared.project
    url = f"http://127.0.0.1:{params.api_port}"
    image = "production image" if params.production else "CI image"
    what = f"{image}, {params.backend}, {params.effective_executor}"
    ctx.console.print(
        f"[bold]breeze tests[/] e2e for {config.name} ({what}, Python {python}) in a stack of its own "
        f"at {url}; results in {run_dir.relative_to(config.root)}/"
    )
    outcome: E2EOutcome | None = None
    try:
        compose_up(project, ctx.console)
        if ctx.dry_run:
            _print_plan(settings, url)
            return 0
        wait_healthy(ctx, project, params, request.wait_seconds)
        outcome = _suite(ctx, config, settings, url, run_dir, settle=SETTLE_NEW)
    finally:
        if not ctx.dry_run and (outcome is None or outcome.exit_code != 0):
            _save_logs(project, run_dir)
        take_down(project, volumes=True)
        if not ctx.dry_run:
            shutil.rmtree(params.stack_dir, ignore_errors=True)
    return _finish(ctx, config, run_dir, outcome)


def _print_plan(settings: E2ESettings, url: str) -> None:
    dags = ", ".join(settings.dags) or "every DAG with no schedule or tagged e2e"
    print(f"# wait until every component at {url} is healthy", flush=True)
    print(
        f"# run the e2e suite against {url} as {ADMIN_USER}: {dags} (timeout {settings.timeout} s)",
        flush=True,
    )


def _suite(
    ctx: AppContext, config: ProjectConfig, settings: E2ESettings, url: str, run_dir: Path, *, settle: float
) -> E2EOutcome:
    return run_e2e(
        url,
        ADMIN_USER,
        load_or_create(config.root).admin_password,
        airflow_major(config),
        settings.dags,
        settings.conf,
        settings.expect,
        run_dir,
        ctx.console,
        timeout=settings.timeout,
        settle=settle,
    )


def _running_stack(
    ctx: AppContext, config: ProjectConfig, request: StackRequest
) -> tuple[str, StackState] | None:
    """The URL and state of the project's stack from `breeze start-airflow` when it is up, healthy
    and of the kind asked for (production image or not); None otherwise. Its backend and executor
    are whatever it was started with."""
    if ctx.dry_run:
        return None
    found = existing_stack(ctx)
    if found is None:
        return None
    state = found.state
    if bool(state.get("production")) != request.production:
        return None
    try:
        running = set(found.project.running_services())
    except EngineCommandFailed:  # no such project any more: start one of our own
        return None
    if not running & {"api-server", "webserver"}:
        return None
    url = f"http://127.0.0.1:{state['api_port']}"
    client_ = AirflowClient(url, ADMIN_USER, "", airflow_major(config))
    return (url, state) if is_healthy(client_.health()) else None


def _save_logs(project: ComposeProject, run_dir: Path) -> None:
    try:
        text = project.logs(timestamps=True)
    except EngineCommandFailed as exc:  # the logs are a courtesy; the run's own result is what matters
        text = f"(could not read the containers' logs: {exc.last_line or exc.message})"
    (run_dir / "containers.log").write_text(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text))


def _finish(ctx: AppContext, config: ProjectConfig, run_dir: Path, outcome: E2EOutcome | None) -> int:
    if outcome is None:
        results.point_latest(run_dir)
        raise StackError(
            "The e2e run stopped before the suite reported.",
            fix=f"Read the output above and {run_dir.relative_to(config.root)}/containers.log (the containers' logs).",
        )
    return show_outcome(ctx.console, config, run_dir, outcome)
