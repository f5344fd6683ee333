"""`--production`: what a stack of the project's production image can and cannot be, checked
before anything is built or started. The stack itself is compose/production.yaml. Pure."""

from __future__ import annotations

from breeze.config import ProjectConfig
from breeze.errors import ConfigError
from breeze.stack.params import Backend, is_airflow2

# The chart's services: the migration job and postgres come before the components.
MIGRATION_JOB = "migrate-database"


def check_production(config: ProjectConfig, backend: str, *, flower: bool) -> Backend:
    """The backend a production stack runs on: always postgres, as the chart's default."""
    if is_airflow2(config.airflow_version):
        raise ConfigError(
            f"--production runs Airflow 3 projects the way the Helm chart does; this project uses "
            f"Airflow {config.airflow_version}.",
            fix="Run without --production (the CI image with the project mounted), or move the "
            "project to Airflow 3.",
        )
    if backend not in ("sqlite", "postgres"):
        raise ConfigError(
            f"--production runs on postgres, as the Helm chart does; --backend {backend} is not offered.",
            fix="Drop --backend (or use --backend postgres) with --production.",
        )
    if flower:
        raise ConfigError(
            "--flower is not part of the production stack.", fix="Drop --flower, or drop --production."
        )
    if "postgres" not in config.airflow_extras:
        raise ConfigError(
            f"--production runs on postgres, which needs Airflow's `postgres` extra; "
            f"{config.config_file.name} does not list it.",
            fix='Add "postgres" to [airflow] extras and rebuild the production image '
            "(`breeze build-image --production`).",
        )
    return "postgres"
