"""--production: the production image run as the Helm chart runs it (compose/production.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from breeze.config import load_project
from breeze.errors import ConfigError
from breeze.stack.params import StackParams
from breeze.stack.production import MIGRATION_JOB, check_production


def params(project: Path, **kwargs: object) -> StackParams:
    defaults: dict[str, object] = {
        "ci_image": "",
        "prod_image": "demo:1.0.0-python3.11",
        "backend": "postgres",
        "stack_dir": project / ".stack",
        "secrets_dir": project / ".secrets",
        "fernet_key": "f" * 44,
        "jwt_secret": "jwt",
        "api_secret_key": "api",
        "uid": 1000,
    }
    defaults.update(kwargs)
    return StackParams(config=load_project(project, env={}), **defaults)  # type: ignore[arg-type]


def compose(files: list[Path]) -> dict:
    merged: dict = {"services": {}}
    for file in files:
        for name, service in yaml.safe_load(file.read_text())["services"].items():
            merged["services"].setdefault(name, {}).update(service)
    return merged


def test_production_files_mount_nothing_of_the_project(project: Path) -> None:
    (project / "compose.override.yaml").write_text("services: {}\n")
    stack = params(project)

    assert [f.name for f in stack.compose_files()] == ["production.yaml"]
    assert stack.production and stack.profiles(components=True) == ["airflow"]
    assert stack.compose_env()["BREEZE_PROD_IMAGE"] == "demo:1.0.0-python3.11"
    assert stack.compose_env()["BREEZE_AIRFLOW_UID"] == "50000"
    services = compose(stack.compose_files())["services"]
    for name in ("api-server", "scheduler", "dag-processor", "triggerer", MIGRATION_JOB):
        text = str(services[name])
        assert str(project) not in text and "BREEZE_PROJECT_DIR" not in text


def test_each_component_has_the_chart_command_after_the_migration_job(project: Path) -> None:
    stack = params(project, executor="CeleryExecutor")
    services = compose(stack.compose_files())["services"]

    assert services[MIGRATION_JOB]["command"] == ["bash", "-c", "exec airflow db migrate"]
    for name, command in (
        ("api-server", "api-server"), ("scheduler", "scheduler"), ("dag-processor", "dag-processor"),
        ("triggerer", "triggerer"), ("worker", "celery worker"),
    ):  # fmt: skip
        assert services[name]["command"] == ["bash", "-c", f"exec airflow {command}"]
        assert services[name]["depends_on"][MIGRATION_JOB] == {"condition": "service_completed_successfully"}
        assert "entrypoint" not in services[name]
    assert services["redis"]


def test_secrets_reach_the_containers_through_the_environment(project: Path) -> None:
    env = params(project).airflow_env()

    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
    assert env["AIRFLOW__CORE__FERNET_KEY"] == "f" * 44
    assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == "jwt" and env["AIRFLOW__API__SECRET_KEY"] == "api"
    assert "jwt" not in str(params(project).compose_env().values())


def test_check_production(project: Path) -> None:
    config = load_project(project, env={})
    with pytest.raises(ConfigError, match="`postgres` extra"):
        check_production(config, "sqlite", flower=False)
    project.joinpath("breeze.toml").write_text(
        project.joinpath("breeze.toml").read_text() + '\n[airflow]\nextras = ["postgres"]\n'
    )
    config = load_project(project, env={})
    assert check_production(config, "sqlite", flower=False) == "postgres"
    with pytest.raises(ConfigError, match="--backend mysql is not offered"):
        check_production(config, "mysql", flower=False)
    with pytest.raises(ConfigError, match="--flower is not part"):
        check_production(config, "postgres", flower=True)
