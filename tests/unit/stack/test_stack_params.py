"""StackParams is the only source of a stack's compose files and environment."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from breeze.config import load_project
from breeze.errors import ConfigError
from breeze.resources import data_path
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
    assert stack.profiles(components=True) == ["airflow", "airflow3"]
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
    assert stack.profiles(components=True) == ["airflow", "airflow3", "flower"]
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


def airflow2(project: Path, version: str = "2.11.0") -> Path:
    (project / "breeze.toml").write_text(f'[project]\nname = "demo"\n[airflow]\nversion = "{version}"\n')
    return project


def test_airflow2_runs_the_webserver_instead_of_the_api_server(project: Path) -> None:
    stack = params(airflow2(project))
    assert stack.profiles(components=True) == ["airflow", "airflow2"]
    assert stack.profiles(components=False) == []
    assert stack.components() == ["webserver", "scheduler", "triggerer"]
    assert stack.health_path == "/health"
    celery = params(project, backend="postgres", executor="CeleryExecutor", flower=True)
    assert celery.profiles(components=True) == ["airflow", "airflow2", "flower"]
    assert celery.components() == ["webserver", "scheduler", "triggerer", "worker", "flower"]


def test_airflow3_runs_the_api_server_and_the_dag_processor(project: Path) -> None:
    stack = params(project)
    assert stack.profiles(components=True) == ["airflow", "airflow3"]
    assert stack.health_path == "/api/v2/monitor/health"
    assert "webserver" not in stack.components()


def test_airflow2_environment_uses_fab_basic_auth_and_creates_the_admin(project: Path) -> None:
    env = params(airflow2(project), api_port=28099).airflow_env()
    assert env["AIRFLOW__WEBSERVER__SECRET_KEY"] == "api"
    assert env["AIRFLOW__WEBSERVER__BASE_URL"] == "http://127.0.0.1:28099"
    assert env["AIRFLOW__API__AUTH_BACKENDS"] == (
        "airflow.api.auth.backend.basic_auth,airflow.api.auth.backend.session"
    )
    assert env["BREEZE_CREATE_ADMIN"] == "1"
    assert not any(key.startswith(("AIRFLOW__API_AUTH__", "AIRFLOW__CORE__SIMPLE_AUTH")) for key in env)
    assert "AIRFLOW__CORE__EXECUTION_API_SERVER_URL" not in env
    # Airflow 2 refuses SQLite with LocalExecutor: the single-threaded executor runs there.
    assert env["AIRFLOW__CORE__EXECUTOR"] == "SequentialExecutor"
    postgres = params(project, backend="postgres").airflow_env()
    assert postgres["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"


def test_airflow3_environment_has_no_airflow2_keys(project: Path) -> None:
    env = params(project).airflow_env()
    assert env["AIRFLOW__API__SECRET_KEY"] == "api"
    assert "AIRFLOW__WEBSERVER__SECRET_KEY" not in env
    assert "BREEZE_CREATE_ADMIN" not in env


def test_airflow_before_2_9_is_refused(project: Path) -> None:
    with pytest.raises(ConfigError) as error:
        params(airflow2(project, "2.8.4"))
    assert "2.9" in error.value.message
    params(airflow2(project, "2.9.0"))


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


def test_root_on_the_host_runs_as_the_checkouts_owner(project: Path) -> None:
    """Files written into the project stay the owner's, root included (without capabilities)."""
    os.chown(project, 1234, 1234)
    assert params(project, uid=0).compose_env()["BREEZE_UID"] == "1234"
    os.chown(project, 0, 0)
    assert params(project, uid=0).compose_env()["BREEZE_UID"] == "0"
    assert params(project, uid=1000).compose_env()["BREEZE_UID"] == "1000"


def test_every_airflow_container_runs_without_capabilities() -> None:
    """UID 0 (a root-owned checkout) must not be root's powers: no capability, none to gain."""
    checked = set()
    for name in ("airflow.yaml", "executor-celery.yaml"):
        for service, spec in yaml.safe_load(data_path("compose", name).read_text())["services"].items():
            if "BREEZE_UID" in str(spec.get("user", "")):
                assert spec["cap_drop"] == ["ALL"], service
                assert "no-new-privileges:true" in spec["security_opt"], service
                checked.add(service)
    assert {"airflow", "airflow-init", "scheduler", "worker", "flower"} <= checked


def test_mounts_cover_the_project_folders_that_exist(project: Path) -> None:
    (project / "tests").mkdir()
    mounts = json.loads(params(project).mounts_yaml())
    assert set(mounts["services"]) == {
        "airflow-init",
        "airflow",
        "api-server",
        "webserver",
        "scheduler",
        "dag-processor",
        "triggerer",
    }
    celery = json.loads(params(project, backend="postgres", executor="CeleryExecutor").mounts_yaml())
    assert {"worker", "flower"} <= set(celery["services"])
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


def test_health_needs_the_database_and_scheduler_and_ignores_unreported_components(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    from breeze.stack import health

    report = {
        "metadatabase": {"status": "healthy"},
        "scheduler": {"status": "healthy", "latest_scheduler_heartbeat": "x"},
        "triggerer": {"status": None, "latest_triggerer_heartbeat": None},
        "dag_processor": {"status": None},
    }
    monkeypatch.setattr(
        health.urllib.request, "urlopen", lambda url, timeout: io.BytesIO(json.dumps(report).encode())
    )
    found = health.component_health("http://127.0.0.1:1/health")
    assert found == {"metadatabase": "healthy", "scheduler": "healthy"}
    assert health.is_healthy(found)
    assert not health.is_healthy({"metadatabase": "healthy"})
    assert not health.is_healthy({})
    assert not health.is_healthy(
        {"metadatabase": "healthy", "scheduler": "healthy", "triggerer": "unhealthy"}
    )
