"""The astro reader: runtime tags and airflow_settings.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from breeze.adopt import astro
from breeze.adopt.model import Collector
from breeze.errors import ConfigError
from breeze.versions import DEFAULT_AIRFLOW


@pytest.mark.parametrize(
    ("ref", "version", "python"),
    [
        ("quay.io/astronomer/astro-runtime:12.1.0", "2.10.5", None),
        ("quay.io/astronomer/astro-runtime:11.3.0-python-3.11", "2.9.3", "3.11"),
        ("astrocrpublic.azurecr.io/runtime:3.0-2", "3.0.6", None),
    ],
)
def test_known_runtimes_map_to_airflow(ref: str, version: str, python: str | None) -> None:
    out = Collector()

    assert astro.is_runtime(ref)
    astro.runtime_facts(ref, "Dockerfile:1", out)

    found = {fact.field: fact.value for fact in out.facts}
    assert found.get("airflow_version") == version
    assert found.get("python") == python


def test_an_unknown_runtime_takes_the_latest_airflow_and_says_so() -> None:
    out = Collector()

    astro.runtime_facts("quay.io/astronomer/astro-runtime:99.0.0", "Dockerfile:1", out)

    assert out.facts[0].value == DEFAULT_AIRFLOW
    assert "runtime 99.0.0 is not one breeze knows" in out.facts[0].note
    assert "--airflow-version" in out.facts[0].note


def test_airflow_settings_become_settings_with_secrets_as_references(adopt_fixture) -> None:  # type: ignore[no-untyped-def]
    root = adopt_fixture("astro")

    reading = astro.read_settings(root, root / "airflow_settings.yaml")

    facts = {fact.field: fact.value for fact in reading.facts}
    conn_id, entry = facts["connections"][0]  # type: ignore[index]
    assert conn_id == "greetings_api"
    assert entry["password"] == "${AIRFLOW_CONN_GREETINGS_API_PASSWORD}"
    assert entry["extra"] == {"timeout": 10}
    assert "not-a-real-secret" not in repr(reading)
    assert facts["variables"] == (("greeting", "hello from astro"),)
    assert facts["pools"] == (("greetings", 2, "Calls to the greetings API"),)
    assert reading.secrets == ("AIRFLOW_CONN_GREETINGS_API_PASSWORD",)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("airflow:\n  connections: {a: 1}\n", "airflow.connections must be a list"),
        ("airflow:\n  connections:\n    - conn_type: http\n", "a connection has no conn_id"),
        ("airflow:\n  pools:\n    - pool_name: p\n      pool_slot: many\n", "whole-number pool_slot"),
        ("[1, 2\n", "it is not readable YAML"),
        ("just text\n", "no `airflow:` mapping"),
    ],
)
def test_settings_it_cannot_carry_over(tmp_path: Path, text: str, problem: str) -> None:
    (tmp_path / "airflow_settings.yaml").write_text(text)

    with pytest.raises(ConfigError, match=r"airflow_settings\.yaml cannot be carried over") as error:
        astro.read_settings(tmp_path, tmp_path / "airflow_settings.yaml")
    assert problem in error.value.message
    assert error.value.fix
