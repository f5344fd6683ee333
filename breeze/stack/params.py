"""One object that is the only source of the compose files, profiles and environment a local
stack sees. Built from the project config and the command's options; pure, so unit-tested."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from breeze.config import ProjectConfig
from breeze.errors import ConfigError
from breeze.resources import data_path
from breeze.stack import defaults

Backend = Literal["sqlite", "postgres", "mysql"]
Executor = Literal["LocalExecutor", "CeleryExecutor"]
BACKENDS: tuple[Backend, ...] = ("sqlite", "postgres", "mysql")
EXECUTORS: dict[str, Executor] = {
    "local": "LocalExecutor",
    "localexecutor": "LocalExecutor",
    "celery": "CeleryExecutor",
    "celeryexecutor": "CeleryExecutor",
}
POSTGRES_VERSIONS = defaults.POSTGRES_VERSIONS
MYSQL_VERSIONS = defaults.MYSQL_VERSIONS
DEFAULT_POSTGRES = defaults.POSTGRES_VERSION
DEFAULT_MYSQL = defaults.MYSQL_VERSION
DEFAULT_API_PORT = defaults.API_PORT
DEFAULT_FLOWER_PORT = defaults.FLOWER_PORT
ADMIN_USER = defaults.ADMIN_USER
# Airflow services that get the project mounted (the backends and the broker do not).
AIRFLOW_SERVICES: tuple[str, ...] = (
    "airflow-init", "airflow", "api-server", "webserver", "scheduler", "dag-processor", "triggerer",
    "worker", "flower",
)  # fmt: skip
CELERY_SERVICES: tuple[str, ...] = ("worker", "flower")
COMPONENTS_AIRFLOW3: tuple[str, ...] = ("api-server", "scheduler", "dag-processor", "triggerer")
# Airflow 2: the webserver serves the UI and the REST API; the scheduler parses the DAGs.
COMPONENTS_AIRFLOW2: tuple[str, ...] = ("webserver", "scheduler", "triggerer")
MIN_AIRFLOW2 = (2, 9)


def parse_backend(value: str) -> Backend:
    for backend in BACKENDS:
        if value == backend:
            return backend
    raise ConfigError(f"--backend {value!r} is not a backend.", fix=f"Use one of {', '.join(BACKENDS)}.")


def parse_executor(value: str) -> Executor:
    executor = EXECUTORS.get(value.lower())
    if executor is None:
        raise ConfigError(
            f"--executor {value!r} is not an executor.",
            fix="Use LocalExecutor (local) or CeleryExecutor (celery).",
        )
    return executor


def check_version(option: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ConfigError(f"{option} {value!r} is not supported.", fix=f"Use one of {', '.join(allowed)}.")
    return value


def is_airflow2(version: str) -> bool:
    return version.startswith("2.")


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:2])


def check_stack(config: ProjectConfig, backend: str, executor: str) -> None:
    """What no stack can run, said before any image is built or container started."""
    if is_airflow2(config.airflow_version) and _release(config.airflow_version) < MIN_AIRFLOW2:
        raise ConfigError(
            f"Local stacks run Airflow 2.9 or later; this project uses Airflow {config.airflow_version}.",
            fix="Set [airflow] version to Airflow 2.9+ (e.g. 2.11.0) or 3 (e.g. 3.3.2) to use shell/start-airflow.",
        )
    if executor == "CeleryExecutor" and backend == "sqlite":
        raise ConfigError(
            "CeleryExecutor cannot use SQLite: Celery workers need a database server.",
            fix="Add --backend postgres (or mysql), or use --executor LocalExecutor.",
        )


def compose_project_name(config: ProjectConfig, run_id: str = "") -> str:
    """One compose project per breeze project and per checkout (git worktrees differ by path);
    a test run adds its run id, so two runs at once never share containers or volumes."""
    digest = hashlib.sha256(str(config.root.resolve()).encode()).hexdigest()[:8]
    name = f"breeze-{config.name}-{digest}" + (f"-test-{run_id}" if run_id else "")
    return re.sub(r"[^a-z0-9_-]", "-", name.lower())


@dataclass(frozen=True)
class StackParams:
    config: ProjectConfig
    ci_image: str
    backend: Backend = "sqlite"
    executor: Executor = "LocalExecutor"
    postgres_image: str = f"postgres:{defaults.POSTGRES_VERSION}"
    mysql_image: str = f"mysql:{defaults.MYSQL_VERSION}"
    redis_image: str = defaults.REDIS_IMAGE
    api_port: int = DEFAULT_API_PORT
    flower_port: int = DEFAULT_FLOWER_PORT
    flower: bool = False
    uid: int = field(default_factory=os.getuid)
    secrets_dir: Path = Path("/nonexistent")
    stack_dir: Path = Path("/nonexistent")
    fernet_key: str = ""
    jwt_secret: str = ""
    api_secret_key: str = ""
    settings_env: Mapping[str, str] = field(default_factory=dict)
    # A test run: its own compose project, and extra mounts (results, spec, breeze's checks) for
    # the `airflow` service that runs them.
    run_id: str = ""
    test_mounts: tuple[str, ...] = ()
    # --production: the production image, run as the Helm chart runs it (compose/production.yaml).
    prod_image: str = ""
    # Rootless podman: "keep-id" maps the host user to the same UID in the Airflow containers, so
    # what they write into the mounted project is the user's (breeze.stack.prepare.userns_mode).
    userns_mode: str = ""

    @property
    def production(self) -> bool:
        return bool(self.prod_image)

    def __post_init__(self) -> None:
        check_stack(self.config, self.backend, self.executor)

    @property
    def project_name(self) -> str:
        return compose_project_name(self.config, self.run_id)

    @property
    def airflow2(self) -> bool:
        return is_airflow2(self.config.airflow_version)

    @property
    def health_path(self) -> str:
        """The health endpoint of the API server (Airflow 3) or the webserver (Airflow 2)."""
        return "/health" if self.airflow2 else "/api/v2/monitor/health"

    @property
    def container_uid(self) -> int:
        """Who the Airflow containers run as: the owner of the checkout, so the shell can write
        the mounted project and what it writes stays the owner's (group 0, the image's group,
        either way). The host user, or, run as root (sudo, CI), the project's owner, which may be
        root itself: every Airflow container runs without capabilities and with
        no-new-privileges (compose/airflow.yaml), so UID 0 there has an owner's rights over its
        own files and nothing more, the way rootless engines map the user to container root."""
        if self.uid != 0:
            return self.uid
        return self.config.root.stat().st_uid

    def compose_files(self) -> list[Path]:
        if self.production:
            # Nothing of the project is mounted, not even a compose.override.yaml.
            files = [data_path("compose", "production.yaml")]
            if self.executor == "CeleryExecutor":
                files.append(data_path("compose", "production-celery.yaml"))
            return files
        files = [data_path("compose", "airflow.yaml"), data_path("compose", f"backend-{self.backend}.yaml")]
        if self.executor == "CeleryExecutor":
            files.append(data_path("compose", "executor-celery.yaml"))
        files.append(self.stack_dir / "mounts.yaml")
        override = self.config.root / "compose.override.yaml"
        if override.is_file():
            files.append(override)
        return files

    def profiles(self, *, components: bool) -> list[str]:
        if self.production:
            return ["airflow"] if components else []
        profiles = ["airflow", "airflow2" if self.airflow2 else "airflow3"] if components else []
        if components and self.flower and self.executor == "CeleryExecutor":
            profiles.append("flower")
        return profiles

    def components(self) -> list[str]:
        names = list(COMPONENTS_AIRFLOW2 if self.airflow2 else COMPONENTS_AIRFLOW3)
        if self.executor == "CeleryExecutor":
            names.append("worker")
        if self.flower and self.executor == "CeleryExecutor":
            names.append("flower")
        return names

    def sql_alchemy_conn(self) -> str:
        if self.backend == "postgres":
            return "postgresql+psycopg2://airflow:airflow@postgres:5432/airflow"
        if self.backend == "mysql":
            return "mysql+mysqldb://airflow:airflow@mysql:3306/airflow"
        return f"sqlite:///{self.config.airflow_home}/db/airflow.db"

    def compose_env(self) -> dict[str, str]:
        """Variables compose interpolates into the files (never secrets)."""
        return {
            "BREEZE_PROJECT_NAME": self.project_name,
            # The breeze project's own name (as images carry it), for `breeze cleanup --only-project`.
            "BREEZE_PROJECT_LABEL": self.config.name,
            "BREEZE_PROJECT_DIR": str(self.config.root),
            "BREEZE_CI_IMAGE": self.ci_image,
            "BREEZE_UID": str(self.container_uid),
            "BREEZE_AIRFLOW_HOME": self.config.airflow_home,
            "BREEZE_AIRFLOW_ENV_FILE": str(self.stack_dir / "airflow.env"),
            "BREEZE_SECRETS_DIR": str(self.secrets_dir),
            "BREEZE_STACK_DIR": str(self.stack_dir),
            "BREEZE_API_PORT": str(self.api_port),
            "BREEZE_FLOWER_PORT": str(self.flower_port),
            "BREEZE_POSTGRES_IMAGE": self.postgres_image,
            "BREEZE_MYSQL_IMAGE": self.mysql_image,
            "BREEZE_REDIS_IMAGE": self.redis_image,
            "BREEZE_PROD_IMAGE": self.prod_image,
            "BREEZE_AIRFLOW_UID": str(self.config.airflow_uid),
        }

    def airflow_env(self) -> dict[str, str]:
        """The containers' environment: Airflow configuration, secrets, connections and variables."""
        env = {
            "AIRFLOW__CORE__EXECUTOR": self.effective_executor,
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": self.sql_alchemy_conn(),
            "AIRFLOW__CORE__FERNET_KEY": self.fernet_key,
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        }
        if self.airflow2:
            env.update(self._airflow2_env())
        else:
            env.update(self._airflow3_env())
        env.update({
            "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "True",
            # A DAG edit or a new DAG file shows up within seconds, without a restart.
            "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "5",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": f"{self.config.airflow_home}/logs",
            "CONNECTION_CHECK_MAX_COUNT": "30",
            "CONNECTION_CHECK_SLEEP_TIME": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        })  # fmt: skip
        if self.executor == "CeleryExecutor":
            env["AIRFLOW__CELERY__BROKER_URL"] = "redis://redis:6379/0"
            result = self.sql_alchemy_conn().replace("+psycopg2", "").replace("+mysqldb", "")
            env["AIRFLOW__CELERY__RESULT_BACKEND"] = f"db+{result}"
        env.update(self.settings_env)
        return env

    def _airflow3_env(self) -> dict[str, str]:
        return {
            "AIRFLOW__API__SECRET_KEY": self.api_secret_key,
            "AIRFLOW__API_AUTH__JWT_SECRET": self.jwt_secret,
            "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{self.api_port}",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": "http://api-server:8080/execution/",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN_USER}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": "/opt/breeze/passwords.json",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "5",
        }

    def _airflow2_env(self) -> dict[str, str]:
        """Airflow 2: the FAB auth manager (its default); airflow-init creates the admin user."""
        env = {
            "AIRFLOW__WEBSERVER__SECRET_KEY": self.api_secret_key,
            "AIRFLOW__WEBSERVER__BASE_URL": f"http://127.0.0.1:{self.api_port}",
            "AIRFLOW__API__AUTH_BACKENDS": "airflow.api.auth.backend.basic_auth,airflow.api.auth.backend.session",
            # New DAG files show up within seconds (Airflow 3: DAG_PROCESSOR__REFRESH_INTERVAL).
            "AIRFLOW__SCHEDULER__DAG_DIR_LIST_INTERVAL": "5",
            # airflow-init creates the admin user (password from /opt/breeze/passwords.json).
            "BREEZE_CREATE_ADMIN": "1",
        }
        return env

    @property
    def effective_executor(self) -> str:
        """Airflow 2 runs SQLite only with SequentialExecutor (it refuses LocalExecutor there)."""
        if self.config.airflow_version.startswith("2.") and self.backend == "sqlite":
            return "SequentialExecutor"
        return self.executor

    def mounts_yaml(self) -> str:
        """The project folders, mounted into every Airflow service (JSON is valid YAML)."""
        home = self.config.airflow_home
        folders = [*self.config.folders, "tests"]
        volumes = [
            f"{self.config.root / folder}:{home}/{folder}"
            for folder in folders
            if (self.config.root / folder).is_dir()
        ]
        present = [
            name
            for name in AIRFLOW_SERVICES
            if self.executor == "CeleryExecutor" or name not in CELERY_SERVICES
        ]
        extra: dict[str, str] = {"userns_mode": self.userns_mode} if self.userns_mode else {}
        services: dict[str, dict[str, object]] = {name: {"volumes": volumes, **extra} for name in present}
        if self.test_mounts:
            services["airflow"] = {"volumes": [*volumes, *self.test_mounts], **extra}
        return json.dumps({"services": services}, indent=2) + "\n"
