"""The upgrade request checked against the project, before anything runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from breeze.config import ProjectConfig, load_project
from breeze.errors import ConfigError
from breeze.upgrade.params import UpgradeRequest, plan


@pytest.fixture
def config(project: Path, project_toml: Callable[[str], Path]) -> ProjectConfig:
    project_toml('[airflow]\nversion = "2.11.0"\n')
    return load_project(project)


def test_a_move_across_majors(config: ProjectConfig) -> None:
    seen: list[str] = []
    result = plan(config, UpgradeRequest("3.3.2"), lambda cfg: seen.append(cfg.airflow_version))

    assert (result.current, result.candidate, result.python) == ("2.11.0", "3.3.2", "3.11")
    assert result.crosses_major and result.check_code
    assert result.notes == ()
    assert seen == ["3.3.2"]  # the release check is about the candidate, not the project's version


def test_an_older_version_is_allowed_but_said(config: ProjectConfig) -> None:
    result = plan(config, UpgradeRequest("2.10.5"), lambda cfg: None)

    assert "older than the project's 2.11.0" in result.notes[0]
    assert not result.check_code


def test_the_own_version_is_said(config: ProjectConfig) -> None:
    assert "the project's own version" in plan(config, UpgradeRequest("2.11.0"), lambda cfg: None).notes[0]


@pytest.mark.parametrize(
    ("version", "python", "message"),
    [
        ("latest", None, "not an Airflow release version"),
        ("3.3", None, "not an Airflow release version"),
        ("1.10.15", None, "breeze supports Airflow 2.9 and later"),
        ("2.11.0", "3.13", "Airflow 2.11.0 does not support Python 3.13"),
        ("3.3.2", "3.7", "does not support Python 3.7"),
    ],
)
def test_bad_requests(config: ProjectConfig, version: str, python: str | None, message: str) -> None:
    calls: list[str] = []
    with pytest.raises(ConfigError) as error:
        plan(config, UpgradeRequest(version, python), lambda cfg: calls.append("checked"))

    assert message in error.value.message
    assert error.value.fix
    assert calls == []  # no network for a request that is wrong on its face


def test_a_version_the_index_does_not_have(config: ProjectConfig) -> None:
    def release_check(cfg: ProjectConfig) -> None:
        raise ConfigError(f"Airflow {cfg.airflow_version} is not a release on PyPI.", fix="Use another.")

    with pytest.raises(ConfigError, match=r"3\.9\.9 is not a release"):
        plan(config, UpgradeRequest("3.9.9"), release_check)


def test_fix_for_an_airflow2_candidate_is_said_to_do_nothing(config: ProjectConfig) -> None:
    notes = plan(config, UpgradeRequest("2.10.5", fix=True), lambda cfg: None).notes

    assert any("--fix changes nothing for Airflow 2.10.5" in note for note in notes)
