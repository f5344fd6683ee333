"""A project's Dockerfile extends breeze's image only when it builds FROM ${BREEZE_IMAGE}."""

from __future__ import annotations

from pathlib import Path

import pytest

from breeze.config import load_project
from breeze.images.extension import extension_dockerfile


@pytest.mark.parametrize(
    "text", ["ARG BREEZE_IMAGE\nFROM ${BREEZE_IMAGE}\n", "ARG BREEZE_IMAGE\nFROM $BREEZE_IMAGE AS x\n"]
)
def test_an_extension_is_built_on_top(project: Path, text: str) -> None:
    (project / "Dockerfile").write_text(text)

    assert extension_dockerfile(load_project(project, env={})) == (project / "Dockerfile", None)


def test_a_teams_old_dockerfile_is_never_an_extension_and_breeze_says_how_to_make_one(project: Path) -> None:
    (project / "Dockerfile").write_text("FROM apache/airflow:3.0.6-python3.12\nRUN pip install pandas\n")

    dockerfile, notice = extension_dockerfile(load_project(project, env={}))

    assert dockerfile is None
    assert notice is not None
    assert notice.startswith(
        "Dockerfile does not build FROM ${BREEZE_IMAGE}, so it is not used as an extension"
    )
    assert "`ARG BREEZE_IMAGE` and `FROM ${BREEZE_IMAGE}`" in notice


def test_no_dockerfile_no_notice(project: Path) -> None:
    assert extension_dockerfile(load_project(project, env={})) == (None, None)
