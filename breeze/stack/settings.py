"""The Airflow connections, variables and pools a project's local stack (and DAG parsing in tests)
needs, declared in ``breeze-settings.yaml`` at the project root.

Format::

    connections:
      warehouse:                     # conn_id: letters, digits and _ (it becomes AIRFLOW_CONN_WAREHOUSE)
        type: postgres               # required: the conn_type
        host: db.example.com
        port: 5432                   # 1-65535 (an int, or a string of digits such as ${DB_PORT})
        login: etl
        password: ${WAREHOUSE_PASSWORD}
        schema: analytics
        extra: {sslmode: require}    # a mapping, or a JSON object in a string
        description: The warehouse
      slack: {type: http, host: hooks.slack.com, password: ${SLACK_TOKEN}}
    variables:                       # key: letters, digits and _ (it becomes AIRFLOW_VAR_<KEY>)
      environment: dev               # strings are stored as they are
      thresholds: {max_rows: 1000}   # anything else is stored as JSON
      api_token: ${API_TOKEN}
    pools:                           # name: letters, digits, _, - and .
      etl: {slots: 4, description: ETL jobs}   # slots: >= 0, or -1 for unlimited
    config:                          # Airflow settings: section -> key -> value
      core: {default_timezone: Europe/Amsterdam}   # becomes AIRFLOW__CORE__DEFAULT_TIMEZONE

Secrets never sit in this (committed) file. These values MUST be a whole ``${VAR}`` reference:
a connection ``password``; an ``extra`` key (at any depth) whose name contains password, passwd,
passphrase, secret, token, key, credential or authorization; a variable whose key contains one
of Airflow's sensitive names (password, passwd, passphrase, secret, token, api_key, apikey,
private_key, credential, authorization, keyfile_dict, service_account). ``${VAR}`` may also be
used in any other string, whole or embedded; ``$${`` is a literal ``${``. A reference is
resolved from the environment first, then from the project's git-ignored ``.env``
(``KEY=VALUE`` lines, ``#`` comments, optional quotes, optional ``export``); an empty value
counts as unset, as it does for ``BREEZE_*`` variables.

Scalars follow YAML 1.2 rather than PyYAML's YAML 1.1 defaults, so ``no``/``on`` stay strings,
``2024-01-01`` stays a string (not a date), and ``01234`` stays a string (not octal); only
``true``/``false`` are booleans. A key given twice in one mapping is an error, not "last wins".

Airflow settings (``AIRFLOW__SECTION__KEY``) come from ``config:`` and from ``AIRFLOW__*`` lines
of the git-ignored ``.env``; for the same setting ``.env`` wins (a local override of the committed
file). Settings breeze's stacks own (the metadata database, the executor, the auth manager, the
keys they generate) are refused in ``config:`` and skipped, with a warning, in ``.env``.

Airflow reads the result from the environment (``Settings.airflow_env``) and
``airflow pools import`` (``Settings.pools_import_json``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from breeze.errors import ConfigError
from breeze.stack.airflow_config import config_env, dotenv_config
from breeze.stack.dotenv import DOTENV_FILE, ENV_NOT_IGNORED, ENV_TRACKED, dotenv_warning, read_dotenv
from breeze.stack.settings_reader import SettingsReader, hint, same_to_airflow
from breeze.stack.settings_yaml import read_yaml

__all__ = [
    "DOTENV_FILE",
    "ENV_NOT_IGNORED",
    "ENV_TRACKED",
    "SECTIONS",
    "SETTINGS_FILE",
    "Settings",
    "load_settings",
    "read_dotenv",
]

SETTINGS_FILE = "breeze-settings.yaml"

SECTIONS = ("connections", "variables", "pools", "config")

# Connection JSON keys in the order Airflow's own ``Connection.as_json`` writes them.
_AIRFLOW_CONN_KEYS = {
    "type": "conn_type",
    "description": "description",
    "host": "host",
    "login": "login",
    "password": "password",
    "schema": "schema",
    "port": "port",
    "extra": "extra",
}


@dataclass(frozen=True, repr=False)
class Settings:
    connections: Mapping[str, Mapping[str, object]] = field(default_factory=dict)  # resolved values
    variables: Mapping[str, object] = field(default_factory=dict)
    pools: Mapping[str, tuple[int, str]] = field(default_factory=dict)  # name -> (slots, description)
    warnings: tuple[str, ...] = ()
    config: Mapping[str, str] = field(default_factory=dict)  # AIRFLOW__SECTION__KEY -> value

    def __repr__(self) -> str:
        # Resolved values hold secrets; a repr ends up in tracebacks and debug logs, so names only.
        return (
            f"Settings(connections={list(self.connections)}, variables={list(self.variables)}, "
            f"pools={list(self.pools)}, config={list(self.config)}, warnings={self.warnings!r})"
        )

    def airflow_env(self) -> dict[str, str]:
        """``AIRFLOW_CONN_<ID>`` (Airflow's JSON connection format) and ``AIRFLOW_VAR_<KEY>``."""
        env: dict[str, str] = {}
        for conn_id, conn in self.connections.items():
            body = {
                airflow_key: conn[key]
                for key, airflow_key in _AIRFLOW_CONN_KEYS.items()
                if conn.get(key) not in (None, "", {})
            }
            env[f"AIRFLOW_CONN_{conn_id.upper()}"] = json.dumps(body)
        for key, value in self.variables.items():
            env[f"AIRFLOW_VAR_{key.upper()}"] = value if isinstance(value, str) else json.dumps(value)
        env.update(self.config)
        return env

    def pools_import_json(self) -> str | None:
        """What ``airflow pools import FILE`` takes; it skips a pool without ``description``."""
        if not self.pools:
            return None
        body = {name: {"slots": slots, "description": text} for name, (slots, text) in self.pools.items()}
        return json.dumps(body, indent=2)


def load_settings(root: Path, env: Mapping[str, str] | None = None, file: Path | None = None) -> Settings:
    """The project's settings with every ``${VAR}`` resolved; a missing or empty file is none."""
    env = os.environ if env is None else env
    path = root / SETTINGS_FILE if file is None else (file if file.is_absolute() else root / file)
    try:
        label = str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        label = str(path)
    from_dotenv, skipped = dotenv_config(lambda: read_dotenv(root / DOTENV_FILE))
    warnings = (*(w for w in (dotenv_warning(root),) if w), *skipped)

    if not path.exists():
        return Settings(warnings=warnings, config=from_dotenv)
    if not path.is_file():
        raise ConfigError(f"{label} is not a file.", fix=f"Remove it, or pass the path of a {SETTINGS_FILE}.")
    data = read_yaml(path, label)
    if data is None:
        return Settings(warnings=warnings, config=from_dotenv)
    if not isinstance(data, dict):
        raise ConfigError(
            f"{label}: the top level must be a mapping, got {type(data).__name__} {data!r:.60}.",
            fix=f"Start with one of the keys {', '.join(f'`{s}:`' for s in SECTIONS)} at the start of a line.",
        )
    for key in data:
        if key not in SECTIONS:
            raise ConfigError(
                f"{label}: unknown top-level key {key!r}.",
                fix=f"Allowed top-level keys: {', '.join(SECTIONS)}.{hint(str(key), SECTIONS)}",
            )

    reader = SettingsReader(label, env, root / DOTENV_FILE)
    connections = {
        cid: reader.connection(cid, entry) for cid, entry in reader.section(data, "connections").items()
    }
    variables = {key: reader.variable(key, value) for key, value in reader.section(data, "variables").items()}
    pools = {name: reader.pool(name, entry) for name, entry in reader.section(data, "pools").items()}
    same_to_airflow(reader, "connections", list(connections), "AIRFLOW_CONN_")
    same_to_airflow(reader, "variables", list(variables), "AIRFLOW_VAR_")
    config = config_env(reader, reader.section(data, "config"))
    return Settings(
        connections=connections,
        variables=variables,
        pools=pools,
        warnings=warnings,
        config={**config, **from_dotenv},
    )
