"""Waiting for a started stack: poll the API's health until every component is healthy; fail
early when a service exits, and at the deadline, with the logs of what did not come up."""

from __future__ import annotations

import time

from rich.status import Status

from breeze.compose import ComposeProject
from breeze.context import AppContext
from breeze.engine import ENGINE_FIX
from breeze.errors import EngineCommandFailed, EngineError, StackError
from breeze.stack.health import component_health, is_healthy
from breeze.stack.lifecycle import recent_logs
from breeze.stack.params import StackParams
from breeze.stack.production import MIGRATION_JOB


def wait_healthy(ctx: AppContext, project: ComposeProject, params: StackParams, timeout: int) -> None:
    url = f"http://127.0.0.1:{params.api_port}{params.health_path}"
    started = time.monotonic()
    status = ctx.console.status("Waiting for Airflow to become healthy") if ctx.console.is_terminal else None
    if status:
        status.start()
    progress = _Progress(ctx, status)
    try:
        while True:
            health = component_health(url)
            if is_healthy(health):
                return
            state = (
                ", ".join(f"{name}: {value}" for name, value in sorted(health.items())) or "API not answering"
            )
            progress.show(state, time.monotonic() - started)
            dead = exited_services(ctx, project, params)
            if dead:
                raise StackError(
                    f"{', '.join(dead)} stopped while Airflow was starting.",
                    fix="Read its log above; fix the cause and run start-airflow again.",
                    details=recent_logs(project, dead),
                )
            if time.monotonic() - started > timeout:
                raise StackError(
                    f"Airflow was not healthy after {timeout} s ({state}).",
                    fix="Read the logs above; raise --wait if the machine is slow.",
                    details=recent_logs(project, params.components()),
                )
            time.sleep(1)
    finally:
        if status:
            status.stop()


class _Progress:
    """The state while waiting: a spinner on a terminal, a line per change (or per 10 s) in CI."""

    def __init__(self, ctx: AppContext, status: Status | None) -> None:
        self.ctx = ctx
        self.status = status
        self.last_state = ""
        self.last_print = 0.0

    def show(self, state: str, elapsed: float) -> None:
        if self.status:
            self.status.update(f"Waiting for Airflow ({elapsed:.0f} s): {state}")
        elif state != self.last_state or elapsed - self.last_print >= 10:
            self.ctx.console.print(f"  {elapsed:5.0f} s  {state}")
            self.last_print = elapsed
        self.last_state = state


def exited_services(ctx: AppContext, project: ComposeProject, params: StackParams) -> list[str]:
    """The services that stopped (or restarted: a crash loop) while the stack was starting."""
    jobs = {"airflow-init", MIGRATION_JOB}
    wanted = set(params.components()) | jobs
    try:
        containers = project.ps(all=True)
    except EngineCommandFailed as exc:
        if not ctx.engine.answers():
            raise EngineError(
                "The container engine stopped answering while Airflow was starting.", fix=ENGINE_FIX
            ) from None
        raise StackError("docker compose could not list the stack.", details=exc.stderr) from None
    dead = []
    for container in containers:
        if container.service not in wanted:
            continue
        if container.service in jobs:
            if container.status == "exited" and container.exit_code != 0:
                dead.append(container.service)
        elif container.status in ("exited", "dead") or container.restarting or container.restart_count > 0:
            # A component never restarts during a healthy start: a restart is a crash loop.
            dead.append(container.service)
    return dead
