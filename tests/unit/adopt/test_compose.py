"""The compose reader: the quick start's x-airflow-common, ${AIRFLOW_IMAGE_NAME:-…}, .env."""

from __future__ import annotations

from pathlib import Path

import pytest

from breeze.adopt import compose
from breeze.adopt.model import Reading
from breeze.errors import ConfigError


def values(reading: Reading, field: str) -> list[object]:
    return [fact.value for fact in reading.facts if fact.field == field]


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("${A:-x}", {}, "x"),
        ("${A:-x}", {"A": ""}, "x"),
        ("${A-x}", {"A": ""}, ""),
        ("${A}/b", {"A": "a"}, "a/b"),
        ("$$HOME", {}, "$HOME"),
        ("${A:?set it}", {"A": "v"}, "v"),
    ],
)
def test_interpolation_follows_compose(text: str, env: dict[str, str], expected: str) -> None:
    assert compose.interpolate(text, env) == expected


def test_the_quick_start(adopt_fixture) -> None:  # type: ignore[no-untyped-def]
    root = adopt_fixture("quickstart")
    dotenv = {"_PIP_ADDITIONAL_REQUIREMENTS": "tabulate==0.9.0"}

    reading = compose.read(root, root / "docker-compose.yaml", dotenv)

    assert values(reading, "airflow_version") == ["3.3.2"]
    assert values(reading, "python_deps") == [("tabulate==0.9.0",)]
    assert values(reading, "backend") == ["postgres"]
    assert values(reading, "executor") == ["CeleryExecutor"]
    assert values(reading, "variables") == [(("report_title", "Weekly report"),)]
    assert sorted({v[0] for v in values(reading, "folders")}) == ["config", "dags", "plugins"]  # type: ignore[index]
    config = [v[0] for v in values(reading, "config")]  # type: ignore[index]
    assert ("core", "default_task_retries", "1") in config
    gaps = " ".join(gap.what for gap in reading.gaps)
    for owned in ("AUTH_MANAGER", "SQL_ALCHEMY_CONN", "BROKER_URL", "_AIRFLOW_DB_MIGRATE", "service mailhog"):
        assert owned in gaps
    # never copied as raw environment
    assert not any("SQL_ALCHEMY" in str(fact.value) for fact in reading.facts)


def test_the_image_name_from_env_wins_over_the_default(tmp_path: Path) -> None:
    path = tmp_path / "compose.yaml"
    path.write_text("services:\n  web:\n    image: ${AIRFLOW_IMAGE_NAME:-apache/airflow:3.0.6}\n")

    reading = compose.read(tmp_path, path, {"AIRFLOW_IMAGE_NAME": "apache/airflow:2.10.5-python3.12"})

    assert values(reading, "airflow_version") == ["2.10.5"]
    assert values(reading, "python") == ["3.12"]


def test_a_malformed_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "docker-compose.yaml"
    path.write_text("services:\n  web:\n    image: [unclosed\n")

    with pytest.raises(ConfigError, match=r"docker-compose.yaml is not valid YAML at line \d+") as error:
        compose.read(tmp_path, path, {})
    assert error.value.fix and "docker compose -f docker-compose.yaml config" in error.value.fix


def test_a_file_without_services_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "docker-compose.yaml"
    path.write_text("- just\n- a list\n")

    with pytest.raises(ConfigError, match="has no `services:` mapping"):
        compose.read(tmp_path, path, {})


def test_a_dags_folder_elsewhere_is_reported_with_the_move(tmp_path: Path) -> None:
    (tmp_path / "airflow" / "dags").mkdir(parents=True)
    path = tmp_path / "docker-compose.yaml"
    path.write_text(
        "services:\n  s:\n    image: apache/airflow:3.0.6\n    volumes: ['./airflow/dags:/opt/airflow/dags']\n"
    )

    reading = compose.read(tmp_path, path, {})

    assert [gap.fix for gap in reading.gaps] == [
        "Move the DAG files into dags/ (`git mv ./airflow/dags dags`)."
    ]
