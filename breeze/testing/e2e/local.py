"""`breeze tests --type e2e [--production]`: the e2e suite against the project's local stack.

[e2e] settings -> results folder -> the running stack of the project (if it is up, healthy and
of the same kind) or a stack of its own (own compose project: start, wait healthy) -> run_e2e
-> summary -> its own stack down with its volumes, always (containers' logs kept on failure)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.markup import escape

from breeze.config import ProjectConfig, select_python
from breeze.context import AppContext
from breeze.stack.health import is_healthy
from breeze.stack.params import ADMIN_USER, is_airflow2
from breeze.stack.secrets import load_or_create
from breeze.stack.stack import (
    StackError,
    StackRequest,
    check_request,
    compose_up,
    existing_stack,
    prepare,
    take_down,
    wait_healthy,
)
from breeze.testing import results
from breeze.testing.e2e.client import AirflowClient
from breeze.testing.e2e.settings import E2ESettings, load_e2e
from breeze.testing.e2e.suite import E2EOutcome, run_e2e

if TYPE_CHECKING:
    from python_on_whales import DockerClient

# A stack that has been up for a while has parsed its DAGs: the list need not settle as long.
SETTLE_RUNNING = 2.0
SETTLE_NEW = 8.0


def run_e2e_tests(ctx: AppContext, config: ProjectConfig, request: StackRequest) -> int:
    check_request(request)
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
    run_id, run_dir = results.new_run_dir(config, f"e2e-{kind}", python)
    try:
        params, client = prepare(ctx, request, components=True, run_id=run_id)
    except BaseException:
        shutil.rmtree(run_dir, ignore_errors=True)
        raise
    url = f"http://127.0.0.1:{params.api_port}"
    image = "production image" if params.production else "CI image"
    what = f"{image}, {params.backend}, {params.effective_executor}"
    ctx.console.print(
        f"[bold]breeze tests[/] e2e for {config.name} ({what}, Python {python}) in a stack of its own "
        f"at {url}; results in {run_dir.relative_to(config.root)}/"
    )
    outcome: E2EOutcome | None = None
    try:
        compose_up(client)
        if ctx.dry_run:
            return 0
        wait_healthy(ctx, client, params, request.wait_seconds)
        outcome = _suite(ctx, config, settings, url, run_dir, settle=SETTLE_NEW)
    finally:
        if not ctx.dry_run and (outcome is None or outcome.exit_code != 0):
            _save_logs(client, run_dir)
        take_down(client, volumes=True)
        shutil.rmtree(params.stack_dir, ignore_errors=True)
        if ctx.dry_run:
            shutil.rmtree(run_dir, ignore_errors=True)
    return _finish(ctx, config, run_dir, outcome)


def _suite(
    ctx: AppContext, config: ProjectConfig, settings: E2ESettings, url: str, run_dir: Path, *, settle: float
) -> E2EOutcome:
    return run_e2e(
        url,
        ADMIN_USER,
        load_or_create(config.root).admin_password,
        2 if is_airflow2(config.airflow_version) else 3,
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
) -> tuple[str, dict[str, Any]] | None:
    """The URL and state of the project's stack from `breeze start-airflow` when it is up, healthy
    and of the kind asked for (production image or not); None otherwise. Its backend and executor
    are whatever it was started with."""
    if ctx.dry_run:
        return None
    found = existing_stack(ctx)
    if found is None:
        return None
    _, state, client = found
    if bool(state.get("production")) != request.production:
        return None
    try:
        running = {(c.config.labels or {}).get("com.docker.compose.service", "") for c in client.compose.ps()}
    except Exception:  # no such project any more: start one of our own
        return None
    if not running & {"api-server", "webserver"}:
        return None
    url = f"http://127.0.0.1:{state['api_port']}"
    client_ = AirflowClient(url, ADMIN_USER, "", 2 if is_airflow2(config.airflow_version) else 3)
    return (url, state) if is_healthy(client_.health()) else None


def _save_logs(client: DockerClient, run_dir: Path) -> None:
    try:
        text = str(client.compose.logs(timestamps=True))
    except Exception as exc:  # the logs are a courtesy; the run's own result is what matters
        text = f"(could not read the containers' logs: {exc})"
    (run_dir / "containers.log").write_text(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text))


def _finish(ctx: AppContext, config: ProjectConfig, run_dir: Path, outcome: E2EOutcome | None) -> int:
    relative = run_dir.relative_to(config.root)
    results.point_latest(run_dir)
    if outcome is None:
        raise StackError(
            "The e2e run stopped before the suite reported.",
            fix=f"Read the output above and {relative}/containers.log (the containers' logs).",
        )
    ctx.console.print()
    for run in outcome.dag_runs:
        ctx.console.print(results.dag_run_table({"dag_run": run.as_json()}))
    ctx.console.print(results.summary_table([outcome.summary]))
    if outcome.exit_code and outcome.summary.get("message"):
        ctx.console.print(f"[red]e2e:[/] {escape(str(outcome.summary['message']))}")
    code = outcome.exit_code
    verdict = "[bold green]passed[/]" if code == 0 else f"[bold red]failed[/] (exit code {code})"
    seconds = float(outcome.summary.get("seconds", 0))
    ctx.console.print(f"breeze tests {verdict} in {seconds:.0f} s; results in {relative}/")
    return outcome.exit_code
