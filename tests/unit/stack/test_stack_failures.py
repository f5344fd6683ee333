"""Failures during a start that cannot be caused on demand: the engine going away mid-start.
Faked at the one seam (the compose project and Engine.answers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from breeze.config import load_project
from breeze.context import AppContext
from breeze.errors import EngineCommandFailed, EngineError, StackError
from breeze.stack import wait
from breeze.stack.params import StackParams


class FailingProject:
    def ps(self, all: bool = False) -> list[object]:
        raise EngineCommandFailed(["docker", "compose", "ps"], 1, "", "Cannot connect to the Docker daemon")


class GoneEngine:
    def answers(self) -> bool:
        return False


class LiveEngine:
    def answers(self) -> bool:
        return True


def make(project: Path, engine: object) -> tuple[AppContext, StackParams]:
    ctx = AppContext(make_engine=lambda _ctx: engine)  # type: ignore[arg-type,return-value]
    config = load_project(project, env={})
    return ctx, StackParams(config=config, ci_image="demo-ci:1", stack_dir=project, secrets_dir=project)


def test_engine_stopping_mid_start_is_an_engine_error(project: Path) -> None:
    ctx, params = make(project, GoneEngine())
    with pytest.raises(EngineError) as error:
        wait.exited_services(ctx, FailingProject(), params)  # type: ignore[arg-type]
    assert "stopped answering while Airflow was starting" in error.value.message
    assert "docker info" in (error.value.fix or "")


def test_compose_failure_with_a_live_engine_is_a_stack_error(project: Path) -> None:
    ctx, params = make(project, LiveEngine())
    with pytest.raises(StackError):
        wait.exited_services(ctx, FailingProject(), params)  # type: ignore[arg-type]
