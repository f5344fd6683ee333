"""The planner: sources merged, disagreements named and decided, breeze's files written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from breeze import adopt
from breeze.adopt import detect, files, policies
from breeze.adopt.planner import Conflict
from breeze.config import load_project
from breeze.errors import ConfigError
from breeze.stack.settings import load_settings

Fixture = Callable[[str], Path]


def first(conflict: Conflict) -> str:
    return conflict.candidates[0][0]


def test_disagreeing_sources_are_named_and_the_choice_is_asked(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM apache/airflow:3.0.6-python3.12\n")
    (tmp_path / "docker-compose.yaml").write_text("services:\n  s:\n    image: apache/airflow:2.10.5\n")
    asked: list[Conflict] = []

    def choose(conflict: Conflict) -> str:
        asked.append(conflict)
        return "2.10.5"

    adoption = adopt.adopt(tmp_path, airflow_version=None, python=None, choose=choose)

    assert asked == [
        Conflict(
            "airflow_version", (("3.0.6", "Dockerfile:1"), ("2.10.5", "docker-compose.yaml services.s.image"))
        )
    ]
    chosen = adoption.values["airflow_version"]
    assert chosen.value == "2.10.5"
    assert chosen.note == "chosen over 3.0.6 in Dockerfile:1"


def test_the_option_decides_without_asking(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM apache/airflow:3.0.6-python3.12\n")
    (tmp_path / "docker-compose.yaml").write_text("services:\n  s:\n    image: apache/airflow:2.10.5\n")

    def never(conflict: Conflict) -> str:
        raise AssertionError(conflict)

    adoption = adopt.adopt(tmp_path, airflow_version="2.10.5", python=None, choose=never)

    assert adoption.values["airflow_version"].sources[0] == "--airflow-version"


def test_an_unreadable_base_fails_only_when_nothing_else_says_the_version(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM registry.example.com/team/airflow-base:7\n")

    with pytest.raises(ConfigError, match="cannot read the Airflow version") as error:
        adopt.adopt(tmp_path, airflow_version=None, python=None, choose=first)
    assert error.value.fix and "--airflow-version" in error.value.fix

    adoption = adopt.adopt(tmp_path, airflow_version="3.0.6", python=None, choose=first)
    assert not any(gap.blocking for gap in adoption.gaps)


def test_the_backend_and_executor_become_options_and_production_extras(adopt_fixture: Fixture) -> None:
    root = adopt_fixture("quickstart")

    adoption = adopt.adopt(root, airflow_version=None, python=None, choose=first)

    assert adoption.values["backend"].value == "postgres"
    assert adoption.values["executor"].value == "CeleryExecutor"
    assert adoption.values["extras"].value == ("celery", "postgres")


@pytest.mark.parametrize("kind", ["handmade", "quickstart", "astro"])
def test_the_files_written_load_as_breeze_config_and_settings(adopt_fixture: Fixture, kind: str) -> None:
    root = adopt_fixture(kind)
    adoption = adopt.adopt(root, airflow_version=None, python=None, choose=first)

    wanted = adopt.breeze_files(root, kind, adoption, {".github/workflows/breeze.yml": "x", "ruff.toml": "y"})
    for relative, text in wanted.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)

    config = load_project(root, env={})
    assert config.name == kind
    assert "dags" in config.folders
    secrets = {name: "x" for name in adoption.secrets}
    settings = load_settings(root, env=secrets)
    assert settings.variables or settings.connections
    assert all("# from " in line or not line.startswith("  #") for line in wanted["breeze.toml"].splitlines())


def test_handmade_carries_python_path_env_and_data(adopt_fixture: Fixture) -> None:
    root = adopt_fixture("handmade")
    adoption = adopt.adopt(root, airflow_version=None, python=None, choose=first)

    toml = files.breeze_toml("handmade", adoption)

    assert 'python-path = ["include"]  # from Dockerfile:14 PYTHONPATH, pytest.ini pythonpath' in toml
    assert 'env = { LEDGER_DATA = "/opt/airflow/data" }  # from Dockerfile:15' in toml
    assert '"data"' in toml.split("folders = ", 1)[1].split("\n")[0]
    assert "!data/" in files.dockerignore(adoption, ("requirements.txt",))


def test_dag_policies_are_suggested_commented_out(adopt_fixture: Fixture) -> None:
    root = adopt_fixture("handmade")

    suggested = policies.suggest(root)
    adoption = adopt.adopt(root, airflow_version=None, python=None, choose=first)
    toml = files.breeze_toml("handmade", adoption)

    assert suggested == policies.Suggested(dags=1, owners=("ledger",), tags=True, min_retries=2)
    assert '# owners = ["ledger"]' in toml and "# min-retries = 2" in toml
    assert "\nowners" not in toml and "\nmin-retries" not in toml


def test_settings_secrets_are_listed(adopt_fixture: Fixture) -> None:
    root = adopt_fixture("astro")
    adoption = adopt.adopt(root, airflow_version=None, python=None, choose=first)

    text = files.settings_yaml("astro", adoption)

    assert text is not None
    assert "# Needed in .env: AIRFLOW_CONN_GREETINGS_API_PASSWORD" in text
    assert yaml.safe_load(text)["pools"] == {
        "greetings": {"slots": 2, "description": "Calls to the greetings API"}
    }


@pytest.mark.parametrize(
    ("files_", "sign"),
    [
        ({"dags/a.py": "from airflow.sdk import dag\n"}, "a DAG file (dags/a.py)"),
        (
            {"docker-compose.yaml": "x-airflow-common: {}\nservices: {}\n"},
            "a compose file running Airflow (docker-compose.yaml)",
        ),
        ({"Dockerfile": "FROM apache/airflow:3.0.6\n"}, "a Dockerfile built from an Airflow image"),
        ({"airflow_settings.yaml": "airflow: {}\n"}, "an astro project"),
    ],
)
def test_an_airflow_project_is_recognised(tmp_path: Path, files_: dict[str, str], sign: str) -> None:
    for relative, text in files_.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)

    assert detect.signs(tmp_path) == [sign]


def test_a_new_folder_or_a_breeze_extension_is_not_an_airflow_project(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("ARG BREEZE_IMAGE\nFROM ${BREEZE_IMAGE}\n")
    (tmp_path / "dags").mkdir()
    (tmp_path / "dags" / "notes.py").write_text("print('no dag here')\n")

    assert detect.signs(tmp_path) == []
