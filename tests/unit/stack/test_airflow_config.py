"""Airflow settings for local stacks: breeze-settings.yaml `config:` and AIRFLOW__* in .env."""

from __future__ import annotations

from pathlib import Path

import pytest

from breeze.errors import ConfigError
from breeze.stack.settings import load_settings


def test_config_becomes_airflow_env_and_dotenv_wins(tmp_path: Path) -> None:
    (tmp_path / "breeze-settings.yaml").write_text(
        "config:\n  core: {default_task_retries: 1, parallelism: 8}\n  smtp: {smtp_password: '${SMTP_PASSWORD}'}\n"
    )
    (tmp_path / ".env").write_text("SMTP_PASSWORD=pw\nAIRFLOW__CORE__PARALLELISM=4\n")

    settings = load_settings(tmp_path, env={})

    env = settings.airflow_env()
    assert env["AIRFLOW__CORE__DEFAULT_TASK_RETRIES"] == "1"
    assert env["AIRFLOW__CORE__PARALLELISM"] == "4"  # .env: a local override of the committed file
    assert env["AIRFLOW__SMTP__SMTP_PASSWORD"] == "pw"
    assert "pw" not in repr(settings)


def test_settings_the_stack_owns_are_skipped_in_dotenv_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=postgresql://x\n")

    settings = load_settings(tmp_path, env={})

    assert "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN" not in settings.airflow_env()
    assert any(
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN, which breeze's stack owns" in w for w in settings.warnings
    )


def test_a_dotenv_written_for_another_tool_does_not_block_the_stack(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("this is not KEY=VALUE\n")

    settings = load_settings(tmp_path, env={})

    assert settings.config == {}
    assert any("AIRFLOW__* settings are not used" in w for w in settings.warnings)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("config:\n  core: {executor: CeleryExecutor}\n", "config.core.executor is set by breeze's stack"),
        ("config:\n  core: [a]\n", "config.core is not an Airflow config section"),
        ("config:\n  core: {Bad-Key: 1}\n", "config.core.Bad-Key is not an Airflow config key"),
        ("config:\n  core: {parallelism: {a: 1}}\n", "must be a single value"),
        ("config:\n  smtp: {smtp_password: hunter2}\n", "holds a literal secret"),
    ],
)
def test_bad_config(tmp_path: Path, text: str, problem: str) -> None:
    (tmp_path / "breeze-settings.yaml").write_text(text)

    with pytest.raises(ConfigError) as error:
        load_settings(tmp_path, env={})
    assert problem in error.value.message
    assert error.value.fix
