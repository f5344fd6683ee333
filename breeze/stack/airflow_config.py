"""Airflow settings for local stacks: ``config:`` in breeze-settings.yaml and ``AIRFLOW__*`` in .env.

For the same setting ``.env`` wins (a local override of the committed file). Settings breeze's
stacks own are refused in ``config:`` and skipped, with a warning, in ``.env``: the stack's
environment takes the settings last, so one of them would silently replace breeze's own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from breeze.errors import ConfigError

# (section, key) of the Airflow settings breeze's stacks set themselves.
OWNED_CONFIG = frozenset({
    ("database", "sql_alchemy_conn"), ("core", "sql_alchemy_conn"), ("core", "executor"),
    ("core", "auth_manager"), ("core", "fernet_key"), ("core", "load_examples"), ("core", "dags_folder"),
    ("core", "dags_are_paused_at_creation"), ("core", "execution_api_server_url"),
    ("api", "secret_key"), ("api", "base_url"), ("api_auth", "jwt_secret"), ("webserver", "secret_key"),
    ("celery", "broker_url"), ("celery", "result_backend"), ("logging", "base_log_folder"),
})  # fmt: skip
_CONFIG_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_DOTENV_SETTING = re.compile(r"^AIRFLOW__([A-Z0-9_]+?)__([A-Z0-9_]+)$")


class Reader(Protocol):
    def fail(self, path: str, problem: str, fix: str | None = None) -> ConfigError: ...

    def interpolate(self, text: str, path: str) -> str: ...

    def literal_secret(self, path: str, suggested: str, what: str) -> ConfigError: ...


def config_env(reader: Reader, sections: dict[object, object]) -> dict[str, str]:
    """``config: {section: {key: value}}`` as ``AIRFLOW__SECTION__KEY`` environment."""
    env: dict[str, str] = {}
    for section, keys in sections.items():
        path = f"config.{section}"
        if not isinstance(section, str) or not _CONFIG_NAME.match(section) or not isinstance(keys, dict):
            raise reader.fail(
                path,
                "is not an Airflow config section",
                "Write `config:` then `section: {key: value}` (e.g. core).",
            )
        for key, value in keys.items():
            env.update(_setting(reader, section, key, value))
    return env


def _setting(reader: Reader, section: str, key: object, value: object) -> dict[str, str]:
    where = f"config.{section}.{key}"
    if not isinstance(key, str) or not _CONFIG_NAME.match(key):
        raise reader.fail(where, "is not an Airflow config key", "Use the key as airflow.cfg names it.")
    if (section, key) in OWNED_CONFIG:
        raise reader.fail(
            where,
            "is set by breeze's stack",
            "Remove it: choose the database with --backend and the executor with --executor; "
            "breeze generates its own keys.",
        )
    if isinstance(value, dict | list) or value is None:
        raise reader.fail(
            where, f"= {value!r} must be a single value", "Write a string, number or true/false."
        )
    name = f"AIRFLOW__{section.upper()}__{key.upper()}"
    if _is_secret_key(key) and not re.match(r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$", str(value)):
        raise reader.literal_secret(where, name, "secret")
    return {name: reader.interpolate(str(value), where)}


def _is_secret_key(key: str) -> bool:
    return any(word in key for word in ("password", "passwd", "secret", "token", "credential"))


def dotenv_config(read: Callable[[], dict[str, str]]) -> tuple[dict[str, str], tuple[str, ...]]:
    """``AIRFLOW__*`` lines of .env (``read()`` gives them), but not the settings breeze's stacks
    own; (env, warnings)."""
    try:
        values = read()
    except ConfigError as exc:
        # A .env written for another tool must not block a stack; say why its settings are unused.
        return {}, (f"{exc.message} Its AIRFLOW__* settings are not used.",)
    env: dict[str, str] = {}
    skipped: list[str] = []
    for name, value in values.items():
        match = _DOTENV_SETTING.match(name)
        if not match:
            continue
        if (match[1].lower(), match[2].lower()) in OWNED_CONFIG:
            skipped.append(
                f".env sets {name}, which breeze's stack owns: it is not used (remove it from .env)."
            )
            continue
        env[name] = value
    return env, tuple(skipped)
