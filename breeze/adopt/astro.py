"""An astro project: ``FROM …astro-runtime…`` / ``…/runtime:…``, ``airflow_settings.yaml``, ``.astro/``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from breeze.adopt import envvars
from breeze.adopt.model import Collector, Reading
from breeze.errors import ConfigError
from breeze.versions import DEFAULT_AIRFLOW

SETTINGS_FILE = "airflow_settings.yaml"
_RUNTIME = re.compile(
    r"^(?:[\w.-]+/)*(?:astro-runtime|runtime):(?P<tag>[0-9][\w.-]*?)(?:-python-(?P<python>\d+\.\d+))?(?:-base|-slim)?$"
)
# Runtime releases by the Airflow line they ship (Astro's runtime release notes), mapped to the
# latest patch of that line: runtime 11-13 are Airflow 2.9-2.11; from Airflow 3 the tag starts
# with the Airflow line itself (`runtime:3.0-2`).
_OLD_SCHEME = {"11": "2.9.3", "12": "2.10.5", "13": "2.11.0"}
_NEW_SCHEME = {"3.0": "3.0.6", "3.1": "3.1.0", ".".join(DEFAULT_AIRFLOW.split(".")[:2]): DEFAULT_AIRFLOW}


def is_runtime(ref: str) -> bool:
    return "astro" in ref and _RUNTIME.match(ref) is not None


def runtime_facts(ref: str, where: str, out: Collector) -> None:
    match = _RUNTIME.match(ref)
    assert match is not None
    tag = match["tag"]
    version = _OLD_SCHEME.get(tag.split(".")[0]) if "-" not in tag else _NEW_SCHEME.get(tag.split("-")[0])
    if version is None:
        out.fact(
            "airflow_version",
            DEFAULT_AIRFLOW,
            where,
            note=f"astro runtime {tag} is not one breeze knows; the latest Airflow is taken "
            "(pass --airflow-version to choose)",
        )
    else:
        out.fact("airflow_version", version, where, note=f"astro runtime {tag}")
    if match["python"]:
        out.fact("python", match["python"], where)


def is_project(root: Path) -> bool:
    return (root / ".astro").is_dir() or (root / SETTINGS_FILE).is_file()


def read_settings(root: Path, path: Path) -> Reading:
    """Connections, variables and pools of ``airflow_settings.yaml`` (``airflow:`` section)."""
    label = path.relative_to(root).as_posix()
    out = Collector()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise _cannot(label, f"it is not readable YAML ({_first_line(exc)})") from None
    if data is None:
        return out.reading()
    section = data.get("airflow") if isinstance(data, dict) else None
    if not isinstance(section, dict):
        raise _cannot(label, "it has no `airflow:` mapping at the top")
    for conn in _entries(section, "connections", label):
        _connection(conn, label, out)
    for variable in _entries(section, "variables", label):
        name = variable.get("variable_name")
        if not isinstance(name, str) or not name:
            raise _cannot(label, f"a variable has no variable_name: {variable!r:.60}")
        value = variable.get("variable_value")
        envvars.classify(f"AIRFLOW_VAR_{name.upper()}", "" if value is None else str(value), label, out)
    for pool in _entries(section, "pools", label):
        name, slots = pool.get("pool_name"), pool.get("pool_slot")
        if not isinstance(name, str) or not isinstance(slots, int):
            raise _cannot(label, f"a pool needs pool_name and a whole-number pool_slot: {pool!r:.60}")
        out.fact("pools", ((name, slots, str(pool.get("pool_description") or "")),), label)
    return out.reading()


def _entries(section: dict[str, object], name: str, label: str) -> list[dict[str, object]]:
    value = section.get(name) or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _cannot(label, f"airflow.{name} must be a list of mappings (`- {name[:-1]}_...: ...`)")
    return value


def _connection(conn: dict[str, object], label: str, out: Collector) -> None:
    conn_id = conn.get("conn_id")
    if not isinstance(conn_id, str) or not conn_id:
        raise _cannot(label, f"a connection has no conn_id: {conn!r:.60}")
    env_name = f"AIRFLOW_CONN_{conn_id.upper()}"
    if conn.get("conn_uri"):
        envvars.classify(env_name, str(conn["conn_uri"]), label, out)
        return
    if not conn.get("conn_type"):
        raise _cannot(label, f"connection {conn_id} has neither conn_type nor conn_uri")
    body = {k[len("conn_") :]: v for k, v in conn.items() if k.startswith("conn_") and k != "conn_id"}
    body = {"conn_type" if k == "type" else k: v for k, v in body.items() if v not in (None, "", {})}
    envvars.classify(env_name, json.dumps(body), label, out)


def _cannot(label: str, problem: str) -> ConfigError:
    return ConfigError(
        f"{label} cannot be carried over: {problem}.",
        fix=f"Fix {label} (astro's format: airflow: connections/variables/pools lists), "
        f"or move it aside and describe the settings in breeze-settings.yaml yourself.",
    )


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
