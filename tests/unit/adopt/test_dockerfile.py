"""The Dockerfile reader: base image, apt and pip steps, ENV and COPY lines."""

from __future__ import annotations

from pathlib import Path

from breeze.adopt import dockerfile
from breeze.adopt.model import Reading
from breeze.images.extension import is_extension


def read(root: Path, text: str) -> Reading:
    (root / "Dockerfile").write_text(text)
    return dockerfile.read(root, root / "Dockerfile")


def values(reading: Reading, field: str) -> list[object]:
    return [fact.value for fact in reading.facts if fact.field == field]


def test_continuation_lines_are_joined_and_comments_dropped() -> None:
    text = "# c\nFROM x\nRUN a \\\n  # inside\n  && b\nENV A=1\n"

    assert dockerfile.instructions(text) == [(2, "FROM", "x"), (3, "RUN", "a && b"), (6, "ENV", "A=1")]


def test_the_official_base_says_version_and_python(tmp_path: Path) -> None:
    reading = read(tmp_path, "ARG V=2.10.5\nFROM apache/airflow:${V}-python3.12\n")

    assert values(reading, "airflow_version") == ["2.10.5"]
    assert values(reading, "python") == ["3.12"]
    assert [f.source for f in reading.facts] == ["Dockerfile:2", "Dockerfile:2"]


def test_the_handmade_fixture(adopt_fixture) -> None:  # type: ignore[no-untyped-def]
    root = adopt_fixture("handmade")

    reading = dockerfile.read(root, root / "Dockerfile")

    assert values(reading, "apt") == [("jq",)]
    assert values(reading, "requirements") == ["requirements.txt"]
    assert values(reading, "python_path") == [("include",)]
    assert values(reading, "image_env") == [(("LEDGER_DATA", "/opt/airflow/data"),)]
    assert values(reading, "variables") == [(("ledger_currency", "EUR"),)]
    assert sorted(v[0] for v in values(reading, "folders")) == ["dags", "data", "include", "plugins"]  # type: ignore[index]
    assert reading.gaps == ()


def test_a_step_it_does_not_understand_is_reported_with_the_fix(tmp_path: Path) -> None:
    reading = read(
        tmp_path, "FROM apache/airflow:3.0.6\nRUN curl -o /x https://example.com/x && apt-get update\n"
    )

    assert [gap.what for gap in reading.gaps] == ["RUN curl -o /x https://example.com/x"]
    assert "FROM ${BREEZE_IMAGE}" in reading.gaps[0].fix


def test_a_base_it_cannot_read_blocks_only_without_another_source(tmp_path: Path) -> None:
    reading = read(tmp_path, "ARG BASE\nFROM ${BASE}\n")

    assert [gap.blocking for gap in reading.gaps] == [True]
    assert "--airflow-version" in reading.gaps[0].fix


def test_a_breeze_extension_is_recognised(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("ARG BREEZE_IMAGE\nFROM ${BREEZE_IMAGE}\nRUN echo hi\n")

    assert is_extension(tmp_path / "Dockerfile")
    (tmp_path / "Dockerfile").write_text("FROM apache/airflow:3.0.6\n")
    assert not is_extension(tmp_path / "Dockerfile")


def test_pip_install_of_airflow_pins_version_and_extras(tmp_path: Path) -> None:
    reading = read(
        tmp_path,
        'FROM apache/airflow:3.0.6\nRUN pip install --no-cache-dir "apache-airflow[celery]==3.0.6" pandas\n',
    )

    assert values(reading, "extras") == [("celery",)]
    assert values(reading, "python_deps") == [("pandas",)]
