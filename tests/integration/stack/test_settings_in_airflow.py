"""breeze-settings.yaml reaches a real Airflow: connections and variables through Airflow's own
environment lookup, secrets from .env, inside the CI image via `breeze shell -c`."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from breeze.cli.app import main

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]

SETTINGS = """\
connections:
  warehouse:
    type: postgres
    host: db.example.com
    port: 5432
    login: etl
    password: ${WAREHOUSE_PASSWORD}
    schema: analytics
    extra: {sslmode: require}
variables:
  environment: dev
  thresholds: {max_rows: 1000}
"""

CHECK = """
from airflow.sdk import Connection, Variable
conn = Connection.get("warehouse")
assert (conn.conn_type, conn.host, conn.port, conn.login, conn.password, conn.schema) == (
    "postgres", "db.example.com", 5432, "etl", "pw-from-dotenv", "analytics"), conn
assert conn.extra_dejson == {"sslmode": "require"}, conn.extra_dejson
assert Variable.get("environment") == "dev"
assert Variable.get("thresholds", deserialize_json=True) == {"max_rows": 1000}
print("settings-ok")
"""


def test_connections_and_variables_reach_airflow(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "proj"
    shutil.copytree(REPO / "examples", project, ignore=shutil.ignore_patterns("__pycache__"))
    (project / "breeze-settings.yaml").write_text(SETTINGS)
    (project / ".env").write_text("WAREHOUSE_PASSWORD=pw-from-dotenv\n")
    toml = project / "breeze.toml"
    toml.write_text(
        toml.read_text().replace('name = "breeze-example"', f'name = "breeze-set-{uuid.uuid4().hex[:6]}"')
    )
    script = CHECK.replace("'", "'\"'\"'")
    try:
        code = main(["--project", str(project), "shell", "-c", f"python -c '{script}'"])
        out = capfd.readouterr()
        assert code == 0, out.out + out.err
        assert "settings-ok" in out.out
    finally:
        _forget(project)


def _forget(project: Path) -> None:
    """Remove what breeze kept for this throwaway project (its stack files and secrets)."""
    from breeze.config import load_project
    from breeze.stack.params import compose_project_name
    from breeze.stack.secrets import load_or_create
    from breeze.stack.state import stack_dir

    config = load_project(project)
    main(["--project", str(project), "--answer", "yes", "down", "--volumes"])
    images = subprocess.run(
        ["docker", "image", "ls", "-q", "--filter", f"reference={config.image_name}*"],
        capture_output=True,
        text=True,
    ).stdout.split()
    if images:
        subprocess.run(["docker", "image", "rm", "-f", *images], capture_output=True)
    shutil.rmtree(stack_dir(compose_project_name(config)), ignore_errors=True)
    shutil.rmtree(load_or_create(project).path.parent, ignore_errors=True)
