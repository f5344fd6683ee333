"""Environment variables found in a compose file, a .env or a Dockerfile: what each becomes.

Settings breeze's stacks own (the metadata database, the executor, the auth manager, the
entrypoint's ``_AIRFLOW_*`` switches) become breeze options or a row saying why they are not
carried over; they are never copied as raw environment.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, unquote, urlsplit

from breeze.adopt.model import Collector
from breeze.adopt.requirements import requirement
from breeze.stack.airflow_config import OWNED_CONFIG

_SECRET_WORDS = (
    "password", "passwd", "passphrase", "secret", "token", "key", "credential", "authorization",
    "service_account",
)  # fmt: skip
_WHOLE_REF = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-[^}]*)?\}$")
_AIRFLOW_SETTING = re.compile(r"^AIRFLOW__([A-Z0-9_]+?)__([A-Z0-9_]+)$")
_SQLA_BACKENDS = {"postgresql": "postgres", "postgres": "postgres", "mysql": "mysql", "sqlite": "sqlite"}
_EXECUTORS = {"LocalExecutor": "LocalExecutor", "CeleryExecutor": "CeleryExecutor"}
# (section, key) of settings breeze's stacks and images set themselves, with the reason.
_OWNED = {
    ("core", "auth_manager"): "breeze's stack runs Airflow's simple auth manager with its own admin",
    ("core", "fernet_key"): "breeze's stack generates its own key",
    ("core", "load_examples"): "breeze's images never load Airflow's example DAGs",
    ("core", "dags_folder"): "breeze's images read DAGs from [image] folders' dags/",
    ("core", "execution_api_server_url"): "breeze's stack points workers at its own API server",
    ("api", "secret_key"): "breeze's stack generates its own key",
    ("api_auth", "jwt_secret"): "breeze's stack generates its own secret",
    ("webserver", "secret_key"): "breeze's stack generates its own key",
    ("scheduler", "enable_health_check"): "breeze's stack waits on its own health checks",
    ("core", "dags_are_paused_at_creation"): "breeze's stack starts DAGs unpaused, so a triggered run starts",
    ("celery", "broker_url"): "`--executor CeleryExecutor` starts breeze's own broker",
    ("celery", "result_backend"): "`--executor CeleryExecutor` sets it from --backend",
}
# Compose plumbing of the quick start: interpolated into the compose file, not Airflow settings.
_PLUMBING = {"AIRFLOW_UID", "AIRFLOW_GID", "AIRFLOW_IMAGE_NAME", "AIRFLOW_PROJ_DIR"}
# Image environment a base image or breeze's own images set; not worth a row each.
_IMAGE_OWNED = {"PATH", "HOME", "AIRFLOW_HOME", "AIRFLOW_USER_HOME_DIR", "LANG", "LC_ALL", "PYTHONUNBUFFERED"}
HOMES = ("/opt/airflow/", "/usr/local/airflow/")


def is_secret(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_WORDS)


def classify(name: str, value: str, source: str, out: Collector) -> None:
    """One ``NAME=value`` into the facts and gaps of ``out``."""
    where = f"{source} {name}"
    if name in _PLUMBING:
        return
    if name == "_PIP_ADDITIONAL_REQUIREMENTS":
        for spec in value.split():
            requirement(spec, where, out, collect=True)
        return
    if name == "AIRFLOW_CONFIG":
        out.gap(
            f"{name} (an airflow.cfg of its own)",
            source,
            "Move the settings it holds into breeze-settings.yaml `config:` (section: {key: value}).",
        )
        return
    if name.startswith("_AIRFLOW_"):
        out.gap(
            f"{name} (an entrypoint switch of the official image)",
            source,
            "Nothing to do: breeze's stack migrates the database and creates its admin user itself.",
        )
        return
    if name == "PYTHONPATH":
        _python_path(value, where, out)
        return
    if name.startswith("AIRFLOW_VAR_"):
        _variable(name, value, where, out)
        return
    if name.startswith("AIRFLOW_CONN_"):
        _connection(name, value, where, out)
        return
    setting = _AIRFLOW_SETTING.match(name)
    if setting:
        _setting(setting[1].lower(), setting[2].lower(), value, source, out)
        return
    if name in _IMAGE_OWNED or name.startswith(("PIP_", "UV_")):
        return
    if is_secret(name):
        out.gap(
            f"{name} (looks like a secret; it is not baked into an image)",
            source,
            f"Refer to it from breeze-settings.yaml as ${{{name}}} and set it in .env.",
        )
        return
    out.fact("image_env", ((name, value),), where)


def reference(value: str) -> str | None:
    """``VAR`` when the value is a whole ``${VAR}`` / ``${VAR:-default}``."""
    match = _WHOLE_REF.match(value.strip())
    return match[1] if match else None


def _secret_value(value: str, name: str, out: Collector) -> str:
    ref = reference(value) or name
    out.secrets.append(ref)
    return f"${{{ref}}}"


def _python_path(value: str, where: str, out: Collector) -> None:
    folders = []
    for part in value.split(":"):
        part = part.strip().rstrip("/")
        for home in HOMES:
            if part.startswith(home) and "/" not in part[len(home) :] and part[len(home) :]:
                folders.append(part[len(home) :])
    if folders:
        out.fact("python_path", tuple(folders), where)


def _variable(name: str, value: str, where: str, out: Collector) -> None:
    key = name[len("AIRFLOW_VAR_") :].lower()
    if is_secret(key) or reference(value):
        value = _secret_value(value, name, out)
    out.fact("variables", ((key, value),), where)


def _setting(section: str, key: str, value: str, source: str, out: Collector) -> None:
    name = f"AIRFLOW__{section.upper()}__{key.upper()}"
    if (section, key) in (("database", "sql_alchemy_conn"), ("core", "sql_alchemy_conn")):
        backend = _SQLA_BACKENDS.get(re.split(r"[+:]", value, maxsplit=1)[0])
        if backend:
            out.fact("backend", backend, f"{source} {name}")
        out.gap(
            f"{name} (the metadata database)", source, "Nothing to do: `--backend` chooses breeze's database."
        )
        return
    if (section, key) == ("core", "executor"):
        executor = _EXECUTORS.get(value.split(".")[-1])
        if executor:
            out.fact("executor", executor, f"{source} {name}")
        else:
            out.gap(
                f"{name} = {value}", source, "breeze runs LocalExecutor or CeleryExecutor (`--executor`)."
            )
        return
    if (section, key) in _OWNED or (section, key) in OWNED_CONFIG:
        reason = _OWNED.get((section, key), "breeze's stack sets it")
        out.gap(f"{name} (breeze's stack sets it)", source, f"Nothing to do: {reason}.")
        return
    if key.endswith(("_cmd", "_secret")):
        out.gap(
            f"{name} (reads a command or a secrets file)",
            source,
            "Put the value itself in .env as " + name + " (local only).",
        )
        return
    if is_secret(key) or reference(value):
        value = _secret_value(value, name, out)
    out.fact("config", ((section, key, value),), f"{source} {name}")


def _connection(name: str, value: str, where: str, out: Collector) -> None:
    conn_id = name[len("AIRFLOW_CONN_") :].lower()
    ref = reference(value)
    if ref:
        out.gap(
            f"{name} = ${{{ref}}} (a whole connection from the environment)",
            where,
            f"Describe {conn_id} in breeze-settings.yaml (type, host, login, password: ${{...}}).",
        )
        return
    entry = _connection_entry(value)
    if entry is None:
        out.gap(
            f"{name} (not a connection URI or JSON)", where, f"Describe {conn_id} in breeze-settings.yaml."
        )
        return
    if entry.get("password"):
        entry["password"] = _secret_value("", f"{name}_PASSWORD", out)
    extra = entry.get("extra")
    if isinstance(extra, dict):
        for key in [k for k in extra if is_secret(str(k))]:
            extra[key] = _secret_value("", f"{name}_{str(key).upper()}", out)
    out.fact("connections", ((conn_id, entry),), where)


def _connection_entry(value: str) -> dict[str, object] | None:
    text = value.strip()
    if text.startswith("{"):
        try:
            body = json.loads(text)
        except ValueError:
            return None
        if not isinstance(body, dict) or "conn_type" not in body:
            return None
        keys = {"conn_type": "type", "host": "host", "port": "port", "login": "login"}
        keys |= {"password": "password", "schema": "schema", "extra": "extra", "description": "description"}
        return {keys[k]: v for k, v in body.items() if k in keys and v not in (None, "")}
    parts = urlsplit(text)
    if not parts.scheme or "://" not in text:
        return None
    entry: dict[str, object] = {"type": parts.scheme.replace("-", "_")}
    try:
        port = parts.port
    except ValueError:
        return None
    for key, item in (
        ("host", unquote(parts.hostname or "")),
        ("port", port),
        ("login", unquote(parts.username or "")),
        ("password", unquote(parts.password or "")),
        ("schema", unquote(parts.path.lstrip("/"))),
        ("extra", dict(parse_qsl(parts.query))),
    ):
        if item not in (None, "", {}):
            entry[key] = item
    return entry
