"""What each environment variable of an existing project becomes."""

from __future__ import annotations

import pytest

from breeze.adopt import envvars
from breeze.adopt.model import Collector


def classify(name: str, value: str) -> Collector:
    out = Collector()
    envvars.classify(name, value, "compose.yaml environment", out)
    return out


@pytest.mark.parametrize(
    ("name", "value", "field", "expected"),
    [
        ("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "mysql+mysqldb://a:b@db/x", "backend", "mysql"),
        ("AIRFLOW__CORE__EXECUTOR", "LocalExecutor", "executor", "LocalExecutor"),
        (
            "AIRFLOW__CORE__DEFAULT_TIMEZONE",
            "Europe/Amsterdam",
            "config",
            (("core", "default_timezone", "Europe/Amsterdam"),),
        ),
        ("AIRFLOW_VAR_REGION", "eu", "variables", (("region", "eu"),)),
        ("AIRFLOW_VAR_API_TOKEN", "abc", "variables", (("api_token", "${AIRFLOW_VAR_API_TOKEN}"),)),
        ("PYTHONPATH", "/opt/airflow/include:/opt/airflow/src:/usr/lib", "python_path", ("include", "src")),
        ("DATA_DIR", "/opt/airflow/data", "image_env", (("DATA_DIR", "/opt/airflow/data"),)),
    ],
)
def test_what_a_variable_becomes(name: str, value: str, field: str, expected: object) -> None:
    out = classify(name, value)

    assert [(fact.field, fact.value) for fact in out.facts] == [(field, expected)]


@pytest.mark.parametrize(
    "name",
    [
        "AIRFLOW__CORE__AUTH_MANAGER",
        "AIRFLOW__CORE__FERNET_KEY",
        "AIRFLOW__CELERY__BROKER_URL",
        "_AIRFLOW_WWW_USER_PASSWORD",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_CMD",
        "AWS_SECRET_ACCESS_KEY",
    ],
)
def test_owned_settings_and_secrets_are_never_raw_env(name: str) -> None:
    out = classify(name, "value")

    assert out.gaps and out.gaps[0].fix
    assert not [fact for fact in out.facts if fact.field in ("config", "image_env")]


def test_a_connection_uri_is_split_and_its_password_becomes_a_reference() -> None:
    out = classify(
        "AIRFLOW_CONN_WAREHOUSE", "postgres://etl:s3cret@db.example.com:5432/analytics?sslmode=require"
    )

    (fact,) = out.facts
    conn_id, entry = fact.value[0]  # type: ignore[index]
    assert conn_id == "warehouse"
    assert entry == {
        "type": "postgres",
        "host": "db.example.com",
        "port": 5432,
        "login": "etl",
        "password": "${AIRFLOW_CONN_WAREHOUSE_PASSWORD}",
        "schema": "analytics",
        "extra": {"sslmode": "require"},
    }
    assert out.secrets == ["AIRFLOW_CONN_WAREHOUSE_PASSWORD"]


def test_a_secret_already_referenced_keeps_its_name() -> None:
    out = classify("AIRFLOW__SMTP__SMTP_PASSWORD", "${SMTP_PASSWORD}")

    assert out.facts[0].value == (("smtp", "smtp_password", "${SMTP_PASSWORD}"),)
    assert out.secrets == ["SMTP_PASSWORD"]
