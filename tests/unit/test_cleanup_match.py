"""`breeze cleanup --only-project NAME` recognises every resource of the project: its stack's and
its test runs' (compose project breeze-NAME-<path hash>[-test-<run id>])."""

from __future__ import annotations

from pathlib import Path

import pytest

from breeze.cleanup import owned_by_breeze
from breeze.config import load_project
from breeze.stack.params import StackParams, compose_project_name


@pytest.mark.parametrize(
    ("compose", "owned"),
    [
        ("breeze-demo-0123abcd", True),
        ("breeze-demo-0123abcd-test-a1b2c3", True),
        ("breeze-demo-extra-0123abcd", False),
        ("breeze-demo2-0123abcd-test-a1b2c3", False),
        ("breeze-demo-0123abcd-other", False),
    ],
)
def test_only_project_matches_stacks_and_test_runs(compose: str, owned: bool) -> None:
    assert owned_by_breeze({"com.docker.compose.project": compose}, "demo") is owned


def test_a_test_runs_compose_project_is_matched(project: Path) -> None:
    config = load_project(project)

    assert owned_by_breeze({"com.docker.compose.project": compose_project_name(config, "a1b2c3")}, "demo")


def test_containers_are_labelled_with_the_projects_name(project: Path) -> None:
    params = StackParams(config=load_project(project), ci_image="demo-ci:latest", run_id="a1b2c3")

    env = params.compose_env()
    assert env["BREEZE_PROJECT_LABEL"] == "demo"
    assert owned_by_breeze(
        {"dev.breeze.managed": "true", "dev.breeze.project": env["BREEZE_PROJECT_LABEL"]}, "demo"
    )
    compose = (Path(__file__).resolve().parents[2] / "compose").glob("*.yaml")
    assert all("BREEZE_PROJECT_NAME" not in path.read_text() for path in compose)
