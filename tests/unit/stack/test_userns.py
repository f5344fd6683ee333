"""Rootless podman: the Airflow containers keep the host user's UID (`userns_mode: keep-id`), so
what they write into the mounted project is the user's; docker and rootful podman get nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from breeze.config import load_project
from breeze.stack.params import StackParams
from breeze.stack.prepare import userns_mode


@pytest.mark.parametrize(
    ("podman", "uid", "expected"),
    [(True, 1000, "keep-id"), (True, 0, ""), (False, 1000, ""), (False, 0, "")],
    ids=["rootless-podman", "rootful-podman", "docker-user", "docker-root"],
)
def test_keep_id_only_for_rootless_podman(podman: bool, uid: int, expected: str) -> None:
    assert userns_mode(podman, uid) == expected


def make(project: Path, **kwargs: object) -> StackParams:
    config = load_project(project, env={})
    return StackParams(config=config, ci_image="demo-ci:1", stack_dir=project / ".stack", uid=1000, **kwargs)  # type: ignore[arg-type]


def test_every_service_that_mounts_the_project_keeps_the_users_id(project: Path) -> None:
    services = json.loads(make(project, userns_mode="keep-id", test_mounts=("/r:/r",)).mounts_yaml())[
        "services"
    ]

    assert services and all(spec["userns_mode"] == "keep-id" for spec in services.values())
    assert "/r:/r" in services["airflow"]["volumes"]
    assert make(project).compose_env()["BREEZE_UID"] == "1000"  # the user, as on docker


def test_docker_and_rootful_podman_get_no_user_namespace_setting(project: Path) -> None:
    services = json.loads(make(project).mounts_yaml())["services"]

    assert all("userns_mode" not in spec for spec in services.values())
