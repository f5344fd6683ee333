"""Validating ``breeze-settings.yaml`` entries and resolving their ``${VAR}`` references: the
connection, variable and pool checks, the literal-secret rule and the messages naming the fix."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from breeze.errors import ConfigError
from breeze.stack.dotenv import read_dotenv

CONNECTION_FIELDS = ("type", "host", "port", "login", "password", "schema", "extra", "description")
POOL_FIELDS = ("slots", "description")
# What people write out of habit from URIs, SQLAlchemy or the Airflow CLI, and what they meant.
_FIELD_HINTS = {
    "conn_type": "type",
    "user": "login",
    "username": "login",
    "database": "schema",
    "db": "schema",
    "extras": "extra",
    "hostname": "host",
}

# Airflow looks a connection/variable up as AIRFLOW_CONN_<ID>/AIRFLOW_VAR_<KEY>: `-` and `.` can't
# be in a shell or compose variable name, so the stricter rule is the only one that works here.
_ENV_ID = re.compile(r"^[A-Za-z0-9_]+$")
_POOL_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_CONN_TYPE = re.compile(r"^[A-Za-z0-9_.-]+$")
_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_WHOLE_REF = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$")
_REF = re.compile(r"\$\$\{|\$\{([^}]*)\}")

# Airflow's sensitive field names (secrets_masker DEFAULT_SENSITIVE_FIELDS) plus "credential".
_SECRET_VARIABLE_WORDS = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "api_key",
    "apikey",
    "private_key",
    "credential",
    "authorization",
    "keyfile_dict",
    "service_account",
)
# Extras hold provider-specific names (aws_secret_access_key, key_path, client_secret...): match wider.
_SECRET_EXTRA_WORDS = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "key",
    "credential",
    "authorization",
)


def hint(word: str, allowed: tuple[str, ...]) -> str:
    guess = _FIELD_HINTS.get(word) or next(iter(difflib.get_close_matches(word, allowed, n=1)), None)
    return f" Did you mean `{guess}`?" if guess and guess in allowed else ""


def _env_name(*parts: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", "_".join(parts)).upper()


def _is_ref(value: object) -> bool:
    return isinstance(value, str) and bool(_WHOLE_REF.match(value))


class SettingsReader:
    """Validation context: the file's label for messages, and where ``${VAR}`` values come from."""

    def __init__(self, label: str, env: Mapping[str, str], dotenv: Path) -> None:
        self.label = label
        self.env = env
        self.dotenv_path = dotenv
        self._dotenv: dict[str, str] | None = None

    def fail(self, path: str, problem: str, fix: str | None = None) -> ConfigError:
        return ConfigError(f"{self.label}: {path} {problem}.", fix=fix)

    def lookup(self, name: str) -> str | None:
        if self.env.get(name, "") != "":
            return self.env[name]
        if self._dotenv is None:
            # Read only when needed, so a .env written for other tools never blocks a stack that
            # takes nothing from it.
            self._dotenv = read_dotenv(self.dotenv_path)
        return self._dotenv.get(name) or None

    def interpolate(self, text: str, path: str) -> str:
        def replace(match: re.Match[str]) -> str:
            if match.group(0) == "$${":
                return "${"
            name = match.group(1)
            if not _VAR_NAME.match(name):
                raise self.fail(
                    path,
                    f"= {text!r}: `${{{name}}}` is not a variable reference",
                    "Use ${NAME} with letters, digits and _ (not starting with a digit); "
                    "write $${ for a literal ${.",
                )
            value = self.lookup(name)
            if value is None:
                raise ConfigError(
                    f"{self.label}: {path} needs ${{{name}}}, which is not set.",
                    fix=f"Set {name} in the environment or in .env (git-ignored).",
                )
            return value

        return _REF.sub(replace, text)

    def resolve(self, value: object, path: str) -> object:
        """``${VAR}`` resolved in every string of a JSON-like value; other YAML types refused."""
        if isinstance(value, str):
            return self.interpolate(value, path)
        if isinstance(value, dict):
            out: dict[str, object] = {}
            for key, item in value.items():
                if not isinstance(key, str):
                    raise self.fail(f"{path}.{key}", f"key {key!r} is not a string", "Quote the key.")
                out[key] = self.resolve(item, f"{path}.{key}")
            return out
        if isinstance(value, list):
            return [self.resolve(item, f"{path}[{index}]") for index, item in enumerate(value)]
        if value is None or isinstance(value, (bool, int, float)):
            return value
        raise self.fail(
            path,
            f"= {value!r} cannot be stored as JSON",
            "Use strings, numbers, true/false, null, lists and mappings only.",
        )

    def literal_secret(self, path: str, suggested: str, what: str) -> ConfigError:
        # The value itself is not repeated: the message may end up in a CI log.
        return ConfigError(
            f"{self.label}: {path} holds a literal {what}; secrets must not be in a committed file.",
            fix=f"Write `${{{suggested}}}` there and set {suggested} in the environment or in .env "
            "(git-ignored).",
        )

    def section(self, data: Mapping[str, object], name: str) -> dict[Any, object]:
        value = data.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(
                name, f"= {value!r} must be a mapping", f"Write `{name}:` followed by indented entries."
            )
        return value

    # -- connections ----------------------------------------------------------------------------

    def env_id(self, name: object, path: str, what: str, variable: str) -> str:
        """A conn_id or variable key: Airflow reads it from the environment variable ``variable``."""
        if not isinstance(name, str):
            raise self.fail(path, f"is not a usable {what}: {name!r} is not a string", "Quote the name.")
        if not _ENV_ID.match(name):
            raise self.fail(
                path,
                f"is not a usable {what}: {name!r}",
                f"Use letters, digits and _ only: Airflow reads it from the environment variable "
                f"{variable}, and an environment variable name cannot hold `-`, `.` or spaces.",
            )
        return name

    def known_fields(self, path: str, entry: dict[str, Any], allowed: tuple[str, ...], kind: str) -> None:
        for name in entry:
            if name not in allowed:
                raise self.fail(
                    f"{path}.{name}",
                    f"is not a {kind} field ({name!r})",
                    f"Allowed fields: {', '.join(allowed)}.{hint(str(name), allowed)}",
                )

    def connection(self, name: object, entry: object) -> dict[str, object]:
        path = f"connections.{name}"
        conn_id = self.env_id(name, path, "conn_id", "AIRFLOW_CONN_<CONN_ID>")
        if not isinstance(entry, dict):
            raise self.fail(
                path, f"= {entry!r} must be a mapping of fields", "Write e.g. `{type: postgres, host: db}`."
            )
        self.known_fields(path, entry, CONNECTION_FIELDS, "connection")
        if entry.get("type") in (None, ""):
            raise self.fail(
                path,
                "has no `type`",
                "Add `type: <conn_type>`, e.g. postgres, http, aws, google_cloud_platform.",
            )

        conn: dict[str, object] = {}
        for name in ("type", "host", "login", "password", "schema", "description"):
            value = entry.get(name)
            if value in (None, ""):
                continue
            if name == "password" and not _is_ref(value):
                raise self.literal_secret(f"{path}.password", _env_name(conn_id, "password"), "password")
            if not isinstance(value, str):
                raise self.fail(f"{path}.{name}", f"= {value!r} must be a string", "Quote the value.")
            conn[name] = self.interpolate(value, f"{path}.{name}")
        if not _CONN_TYPE.match(str(conn["type"])):
            raise self.fail(
                f"{path}.type",
                f"= {conn['type']!r} is not a connection type",
                "Use the provider's conn_type: letters, digits, _, - or . (e.g. postgres, http, aws).",
            )
        if entry.get("port") is not None:
            conn["port"] = self.port(entry["port"], f"{path}.port")
        if entry.get("extra") not in (None, "", {}):
            conn["extra"] = self.extra(conn_id, entry["extra"], f"{path}.extra")
        return {name: conn[name] for name in CONNECTION_FIELDS if name in conn}

    def port(self, value: object, path: str) -> int:
        resolved = self.interpolate(value, path) if isinstance(value, str) else value
        if isinstance(resolved, str) and re.fullmatch(r"\s*[0-9]+\s*", resolved):
            resolved = int(resolved)
        # bool is an int in Python; `port: true` is a mistake, not port 1.
        if not isinstance(resolved, int) or isinstance(resolved, bool) or not 1 <= resolved <= 65535:
            shown = f"{value!r}" if resolved == value else f"{value!r} (resolved to {resolved!r})"
            raise self.fail(path, f"= {shown} is not a port number", "Use an integer from 1 to 65535.")
        return resolved

    def extra(self, conn_id: str, value: object, path: str) -> dict[str, object]:
        if isinstance(value, str):
            from_env = _is_ref(value)
            text = self.interpolate(value, path) if from_env else value
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                # From the environment it may be secret: name the variable, not its value.
                shown = f"= {value} holds no JSON" if from_env else f"= {value!r} is not JSON"
                raise self.fail(
                    path,
                    f"{shown} ({exc.msg} at column {exc.colno})",
                    "Write extra as a YAML mapping, e.g. `extra: {sslmode: require}`, or a JSON object.",
                ) from None
            if not isinstance(value, dict):
                raise self.fail(
                    path,
                    "is JSON but not an object",
                    "Write extra as a YAML mapping or a JSON object `{...}`.",
                )
            if from_env:
                # It all came from the environment: nothing in it was committed.
                return value
        if not isinstance(value, dict):
            raise self.fail(path, f"= {value!r} must be a mapping", "Write e.g. `extra: {sslmode: require}`.")
        self.no_literal_secrets_in_extra(conn_id, value, path)
        resolved = self.resolve(value, path)
        assert isinstance(resolved, dict)
        return resolved

    def no_literal_secrets_in_extra(self, conn_id: str, value: object, path: str) -> None:
        items = (
            value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        )
        for key, item in items:
            where = f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}"
            if isinstance(item, (dict, list)):
                # A mapping under a sensitive name (keyfile_dict) is judged by its own keys.
                self.no_literal_secrets_in_extra(conn_id, item, where)
            elif (
                isinstance(key, str)
                and any(word in key.lower() for word in _SECRET_EXTRA_WORDS)
                and item not in (None, "")
                and not _is_ref(item)
            ):
                raise self.literal_secret(
                    where, _env_name(conn_id, key), f"value for the sensitive key {key!r}"
                )

    # -- variables and pools --------------------------------------------------------------------

    def variable(self, name: object, value: object) -> object:
        path = f"variables.{name}"
        key = self.env_id(name, path, "variable key", "AIRFLOW_VAR_<KEY>")
        if value is None:
            raise self.fail(path, "has no value", 'Give it a value; write `""` for an empty string.')
        sensitive = any(word in key.lower() for word in _SECRET_VARIABLE_WORDS)
        if sensitive and value != "" and not _is_ref(value):
            raise self.literal_secret(path, _env_name(key), "value for a sensitive variable name")
        return self.resolve(value, path)

    def pool(self, name: object, entry: object) -> tuple[int, str]:
        path = f"pools.{name}"
        if not isinstance(name, str) or not _POOL_NAME.match(name):
            raise self.fail(path, f"is not a pool name: {name!r}", "Use letters, digits, _, - and . only.")
        if not isinstance(entry, dict):
            raise self.fail(
                path, f"= {entry!r} must be a mapping", "Write e.g. `{slots: 4, description: ETL jobs}`."
            )
        self.known_fields(path, entry, POOL_FIELDS, "pool")
        slots = entry.get("slots")
        if not isinstance(slots, int) or isinstance(slots, bool) or slots < -1:
            shown = "is missing" if slots is None else f"= {slots!r} is not a slot count"
            raise self.fail(f"{path}.slots", shown, "Use a non-negative integer, or -1 for unlimited slots.")
        description = entry.get("description")
        if description is None:
            description = ""
        if not isinstance(description, str):
            raise self.fail(f"{path}.description", f"= {description!r} must be a string", "Quote the value.")
        return slots, self.interpolate(description, f"{path}.description")


def same_to_airflow(reader: SettingsReader, section: str, names: list[str], prefix: str) -> None:
    """Airflow upper-cases the id before the env lookup: `db` and `DB` would be one entry."""
    seen: dict[str, str] = {}
    for name in names:
        other = seen.setdefault(name.upper(), name)
        if other != name:
            raise reader.fail(
                f"{section}.{name}",
                f"and {section}.{other} are the same to Airflow ({prefix}{name.upper()})",
                "Rename one of them: Airflow upper-cases the name when it reads it from the environment.",
            )
