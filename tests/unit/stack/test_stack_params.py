"""StackParams is the only source of a stack's compose files and environment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from breeze.config import load_project
from breeze.errors import ConfigError
from breeze.stack.params import (
    StackParams,
    check_version,
    compose_project_name,
    parse_backend,
    parse_executor,
)


def params(project: Path, **kwargs: object) -> StackParams:
    config = load_project(project, env={})
    defaults: dict[str, object] = {
        "ci_image": "demo-ci:1.0.0-python3.11",
        "stack_dir": project / ".stack",
        "secrets_dir": project / ".secrets",
        "fernet_key": "f" * 44,
        "jwt_secret": "jwt",
        "api_secret_key": "api",
        "uid": 1000,
    }
    defaults.update(kwargs)
    return StackParams(config=config, **defaults)  # type: ignore[arg-type]


def names(files: list[Path]) -> list[str]:
    return [f.name for f in files]


def test_sqlite_local_stack_files_and_profiles(project: Path) -> None:
    stack = params(project)
    assert names(stack.compose_files()) == ["airflow.yaml", "backend-sqlite.yaml", "mounts.yaml"]
    assert stack.profiles(components=True) == ["airflow"]
    assert stack.profiles(components=False) == []
    assert stack.components() == ["api-server", "scheduler", "dag-processor", "triggerer"]
    assert all(f.is_file() for f in stack.compose_files()[:2])


def test_celery_postgres_adds_the_broker_worker_and_flower(project: Path) -> None:
    stack = params(project, backend="postgres", executor="CeleryExecutor", flower=True)
    assert names(stack.compose_files()) == [
        "airflow.yaml",
        "backend-postgres.yaml",
        "executor-celery.yaml",
        "mounts.yaml",
    ]
    assert stack.profiles(components=True) == ["airflow", "flower"]
    assert stack.components()[-2:] == ["worker", "flower"]
    env = stack.airflow_env()
    assert env["AIRFLOW__CELERY__BROKER_URL"] == "redis://redis:6379/0"
    assert env["AIRFLOW__CELERY__RESULT_BACKEND"] == "db+postgresql://airflow:airflow@postgres:5432/airflow"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")


def test_project_override_file_is_merged_last(project: Path) -> None:
    (project / "compose.override.yaml").write_text("services: {}\n")
    assert stack_files(params(project))[-1] == project / "compose.override.yaml"


def stack_files(stack: StackParams) -> list[Path]:
    return stack.compose_files()


def test_celery_with_sqlite_is_refused_with_the_fix(project: Path) -> None:
    with pytest.raises(ConfigError) as error:
        params(project, executor="CeleryExecutor")
    assert "--backend postgres" in (error.value.fix or "")


def test_airflow2_project_is_refused(project: Path) -> None:
    (project / "breeze.toml").write_text('[project]\nname = "demo"\n[airflow]\nversion = "2.10.5"\n')
    with pytest.raises(ConfigError) as error:
        params(project)
    assert "Airflow 3" in error.value.message


def test_environment_carries_secrets_and_settings_but_compose_env_does_not(project: Path) -> None:
    stack = params(project, settings_env={"AIRFLOW_VAR_ENVIRONMENT": "dev"})
    env = stack.airflow_env()
    assert env["AIRFLOW__CORE__FERNET_KEY"] == "f" * 44
    assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == "jwt"
    assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] == "sqlite:////opt/airflow/db/airflow.db"
    assert env["AIRFLOW_VAR_ENVIRONMENT"] == "dev"
    compose = stack.compose_env()
    assert not any(value in ("f" * 44, "jwt", "api") for value in compose.values())
    assert compose["BREEZE_CI_IMAGE"] == "demo-ci:1.0.0-python3.11"
    assert compose["BREEZE_UID"] == "1000"
    assert compose["BREEZE_API_PORT"] == "28080"


def test_root_on_the_host_runs_as_the_airflow_user(project: Path) -> None:
    assert params(project, uid=0).compose_env()["BREEZE_UID"] == "50000"


def test_mounts_cover_the_project_folders_that_exist(project: Path) -> None:
    (project / "tests").mkdir()
    mounts = json.loads(params(project).mounts_yaml())
    assert set(mounts["services"]) == {
        "airflow-init",
        "airflow",
        "api-server",
        "scheduler",
        "dag-processor",
        "triggerer",
    }
    volumes = mounts["services"]["scheduler"]["volumes"]
    assert f"{project / 'dags'}:/opt/airflow/dags" in volumes
    assert f"{project / 'tests'}:/opt/airflow/tests" in volumes
    assert not any("plugins" in v for v in volumes)  # the fixture project has no plugins/


def test_project_name_differs_per_checkout(tmp_path: Path, project: Path) -> None:
    import shutil

    other = tmp_path / "worktree"
    shutil.copytree(project, other)
    first = compose_project_name(load_project(project, env={}))
    second = compose_project_name(load_project(other, env={}))
    assert first != second and first.startswith("breeze-demo-")


@pytest.mark.parametrize("value", ["oracle", "SQLite", ""])
def test_unknown_backend(value: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_backend(value)
    assert "sqlite, postgres, mysql" in (error.value.fix or "")


def test_executor_names() -> None:
    assert parse_executor("celery") == "CeleryExecutor"
    assert parse_executor("LocalExecutor") == "LocalExecutor"
    with pytest.raises(ConfigError) as error:
        parse_executor("KubernetesExecutor")
    assert "CeleryExecutor" in (error.value.fix or "")


def test_unknown_backend_version() -> None:
    with pytest.raises(ConfigError) as error:
        check_version("--postgres-version", "9.6", ("15", "16"))
    assert error.value.message == "--postgres-version '9.6' is not supported."


def test_root_in_a_user_owned_project_runs_as_the_owner(project: Path) -> None:
    import os

    os.chown(project, 1234, 1234)
    assert params(project, uid=0).compose_env()["BREEZE_UID"] == "1234"
    assert params(project, uid=1000).compose_env()["BREEZE_UID"] == "1000"
